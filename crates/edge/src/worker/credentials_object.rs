//! The Durable Object that keeps the admin credentials an admin created
//! ([`crate::access::credential`]): one object (`CREDENTIALS`, named `credentials`), SQLite rows
//! of fingerprint, SHA-256 hash, role, label, creation and revocation. Never a token.
//!
//! Decision — **a Durable Object, not KV**: every request of a created credential asks this
//! object, so a revocation holds from the next request (KV is eventually consistent: a revoked
//! credential could keep working for up to a minute at other locations). One object serializes
//! creations and revocations; a lookup is one indexed read. A revoked credential's row stays
//! (with who revoked it and when) and never verifies again.
//!
//! Routes (the worker's only): `POST /verify` `{hash}` → the credential or 404; `POST /create`
//! `{hash, credential}` → 201, 409 when the fingerprint is taken; `GET /list`; `POST /revoke`
//! `{fingerprint, by, atMs}` → the credential or 404.

use super::respond::{json, EdgeError, EdgeResult};
use crate::access::credential::{fingerprint_of_hash, hash_matches, Credential};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, Response, SqlStorage, State};

/// Durable Object binding of the credentials, and the one object's name.
pub(crate) const CREDENTIALS: &str = "CREDENTIALS";
const OBJECT_NAME: &str = "credentials";

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS credentials (
    fingerprint TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    role TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at_ms INTEGER,
    revoked_by TEXT
)";

/// The columns of a [`Credential`], named as it serializes.
const COLUMNS: &str = "fingerprint, role, label, created_at_ms AS createdAtMs, \
     created_by AS createdBy";

/// `POST /create`'s body.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Create {
    pub hash: String,
    pub credential: Credential,
}

/// `POST /revoke`'s body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Revoke {
    pub fingerprint: String,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Deserialize)]
struct Stored {
    hash: String,
}

/// The admin credentials.
#[durable_object]
pub struct CredentialsObject {
    state: State,
}

impl core::fmt::Debug for CredentialsObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CredentialsObject").finish_non_exhaustive()
    }
}

impl DurableObject for CredentialsObject {
    fn new(state: State, _env: Env) -> Self {
        CredentialsObject { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let result = match (req.method(), req.path().as_str()) {
            (Method::Post, "/verify") => {
                let body: serde_json::Value = req.json().await?;
                self.verify(body["hash"].as_str().unwrap_or_default())
            }
            (Method::Post, "/create") => self.create(req.json().await?),
            (Method::Get, "/list") => self.list(),
            (Method::Post, "/revoke") => self.revoke(req.json().await?),
            _ => Err(EdgeError::not_found("credentials object route")),
        };
        result.or_else(|e| e.to_response())
    }
}

impl CredentialsObject {
    fn sql(&self) -> EdgeResult<SqlStorage> {
        let sql = self.state.storage().sql();
        sql.exec(SCHEMA, None)?;
        Ok(sql)
    }

    /// The live credential whose hash is `hash`: looked up by its fingerprint, then the whole
    /// hash compared in constant time.
    fn verify(&self, hash: &str) -> EdgeResult<Response> {
        let sql = self.sql()?;
        let fingerprint = fingerprint_of_hash(hash);
        let query = "SELECT hash FROM credentials WHERE fingerprint = ? AND revoked_at_ms IS NULL";
        let stored: Vec<Stored> = sql
            .exec(query, vec![fingerprint.clone().into()])?
            .to_array()?;
        if !stored.iter().any(|s| hash_matches(hash, &s.hash)) {
            return Err(EdgeError::not_found("credential"));
        }
        let query = format!("SELECT {COLUMNS} FROM credentials WHERE fingerprint = ?");
        let found: Vec<Credential> = sql.exec(&query, vec![fingerprint.into()])?.to_array()?;
        let credential = found
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::not_found("credential"))?;
        Ok(json(&credential, 200)?)
    }

    fn create(&self, req: Create) -> EdgeResult<Response> {
        let sql = self.sql()?;
        let c = &req.credential;
        let taken: Vec<serde_json::Value> = sql
            .exec(
                "SELECT 1 AS one FROM credentials WHERE fingerprint = ?",
                vec![c.fingerprint.clone().into()],
            )?
            .to_array()?;
        if !taken.is_empty() {
            return Err(EdgeError::new(
                409,
                "Conflict",
                "fingerprint taken; try again",
            ));
        }
        sql.exec(
            "INSERT INTO credentials (fingerprint, hash, role, label, created_at_ms, created_by) \
             VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                c.fingerprint.clone().into(),
                req.hash.clone().into(),
                c.role.as_str().into(),
                c.label.clone().into(),
                c.created_at_ms.into(),
                c.created_by.clone().into(),
            ],
        )?;
        Ok(json(c, 201)?)
    }

    /// The live credentials, oldest first (revoked ones are left out).
    fn list(&self) -> EdgeResult<Response> {
        let query = format!(
            "SELECT {COLUMNS} FROM credentials WHERE revoked_at_ms IS NULL ORDER BY created_at_ms, fingerprint"
        );
        let rows: Vec<Credential> = self.sql()?.exec(&query, None)?.to_array()?;
        Ok(json(&serde_json::json!({ "credentials": rows }), 200)?)
    }

    fn revoke(&self, req: Revoke) -> EdgeResult<Response> {
        let sql = self.sql()?;
        let query = format!(
            "SELECT {COLUMNS} FROM credentials WHERE fingerprint = ? AND revoked_at_ms IS NULL"
        );
        let found: Vec<Credential> = sql
            .exec(&query, vec![req.fingerprint.clone().into()])?
            .to_array()?;
        let credential = found
            .into_iter()
            .next()
            .ok_or_else(|| EdgeError::not_found("credential"))?;
        sql.exec(
            "UPDATE credentials SET revoked_at_ms = ?, revoked_by = ? WHERE fingerprint = ?",
            vec![req.at_ms.into(), req.by.into(), req.fingerprint.into()],
        )?;
        Ok(json(&credential, 200)?)
    }
}

/// Sends a request to the credentials object.
///
/// # Errors
/// Worker errors from the binding or the stub.
pub(crate) async fn call(
    env: &Env,
    method: Method,
    path: &str,
    body: Option<String>,
) -> EdgeResult<Response> {
    super::objects::send(env, CREDENTIALS, OBJECT_NAME, method, path, body).await
}
