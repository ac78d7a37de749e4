//! The credential routes of the admin API (`crate::access::routes` gives each its role):
//!
//! | method | path | what |
//! |---|---|---|
//! | GET | `/admin/whoami` | the caller: `{role, label, fingerprint, bootstrap}` (the page hides what the role cannot do) |
//! | GET | `/admin/credentials` | `{credentials: [{fingerprint, role, label, createdAtMs, createdBy}]}`, the `ADMIN_TOKEN` secret first (`bootstrap: true`) |
//! | POST | `/admin/credentials` | `{role, label}` → 201 `{token, credential}`: the token is in this answer only |
//! | DELETE | `/admin/credentials/{fingerprint}` | revokes: the next request with it is a 401 |
//!
//! Neither a token nor its hash is ever logged, listed or in an error.

use super::acs::{now_ms, random_bytes};
use super::credentials_object::{self, Create, Revoke};
use super::respond::{json, EdgeError, EdgeResult};
use crate::access::credential::{issue, CreateCredential, Credential};
use crate::access::Caller;
use serde_json::Value;
use worker::{Env, Method, Response};

/// The live credential whose token hashes to `hash`, if any.
///
/// # Errors
/// Worker errors from the object (a failure is never taken for "unknown credential").
pub(crate) async fn lookup(env: &Env, hash: &str) -> EdgeResult<Option<Credential>> {
    let body = serde_json::json!({ "hash": hash }).to_string();
    let mut resp = credentials_object::call(env, Method::Post, "/verify", Some(body)).await?;
    match resp.status_code() {
        200 => Ok(Some(resp.json().await?)),
        404 => Ok(None),
        status => Err(EdgeError::new(
            500,
            "CredentialsUnavailable",
            format!("the credentials object answered {status}"),
        )),
    }
}

/// `GET /admin/whoami`.
///
/// # Errors
/// Only the runtime's.
pub(crate) fn whoami(caller: &Caller) -> EdgeResult<Response> {
    Ok(json(caller, 200)?)
}

/// `GET /admin/credentials`: the bootstrap secret (it cannot be revoked here: it is a secret,
/// rotated with `wrangler secret put ADMIN_TOKEN`), then the created credentials.
///
/// # Errors
/// The object's.
pub(crate) async fn list(env: &Env, caller: &Caller) -> EdgeResult<Response> {
    let mut resp = credentials_object::call(env, Method::Get, "/list", None).await?;
    let mut body: Value = resp.json().await?;
    let bootstrap = serde_json::json!({
        "fingerprint": bootstrap_fingerprint(env, caller),
        "role": "admin",
        "label": "ADMIN_TOKEN",
        "bootstrap": true,
    });
    if let Some(list) = body["credentials"].as_array_mut() {
        list.insert(0, bootstrap);
    }
    Ok(json(&body, 200)?)
}

fn bootstrap_fingerprint(env: &Env, caller: &Caller) -> String {
    if caller.bootstrap {
        return caller.fingerprint.clone();
    }
    env.secret("ADMIN_TOKEN")
        .map(|s| crate::routing::revisions::fingerprint(&s.to_string()))
        .unwrap_or_default()
}

/// `POST /admin/credentials`.
///
/// # Errors
/// 400 naming the field ([`CreateCredential::from_json`]); the object's.
pub(crate) async fn create(env: &Env, caller: &Caller, body: &str) -> EdgeResult<Response> {
    let request = CreateCredential::from_json(body)?;
    // A fingerprint is 48 bits of the hash: a second draw after a collision is belt and braces.
    for _ in 0..2 {
        let issued = issue(
            random_bytes()?,
            request.clone(),
            &caller.fingerprint,
            now_ms(),
        );
        let stored = Create {
            hash: issued.hash.clone(),
            credential: issued.credential.clone(),
        };
        let resp = credentials_object::call(
            env,
            Method::Post,
            "/create",
            Some(serde_json::to_string(&stored)?),
        )
        .await?;
        match resp.status_code() {
            201 => {
                let out = serde_json::json!({
                    "token": issued.token.expose(),
                    "credential": issued.credential,
                });
                let mut resp = json(&out, 201)?;
                resp.headers_mut().set("cache-control", "no-store")?;
                return Ok(resp);
            }
            409 => continue,
            _ => return Ok(resp),
        }
    }
    Err(EdgeError::new(
        500,
        "CredentialsUnavailable",
        "could not store a new credential",
    ))
}

/// `DELETE /admin/credentials/{fingerprint}`.
///
/// # Errors
/// 400 for the bootstrap secret's fingerprint (or a bad escape); 404 for an unknown or revoked one.
pub(crate) async fn revoke(env: &Env, caller: &Caller, fingerprint: &str) -> EdgeResult<Response> {
    // `sha256:…` comes as it is or escaped (`sha256%3A…`, what encodeURIComponent writes).
    let fingerprint = callsteer::http::decode_component(fingerprint, false)
        .ok_or_else(|| EdgeError::bad_request("the fingerprint is not a valid path segment"))?;
    let fingerprint = fingerprint.as_str();
    if fingerprint == bootstrap_fingerprint(env, caller) {
        return Err(EdgeError::bad_request(
            "the ADMIN_TOKEN secret is not revoked here: change the secret (wrangler secret put ADMIN_TOKEN)",
        ));
    }
    let body = Revoke {
        fingerprint: fingerprint.to_owned(),
        by: caller.fingerprint.clone(),
        at_ms: now_ms(),
    };
    let mut resp = credentials_object::call(
        env,
        Method::Post,
        "/revoke",
        Some(serde_json::to_string(&body)?),
    )
    .await?;
    if resp.status_code() != 200 {
        return Ok(resp);
    }
    let credential: Value = resp.json().await?;
    Ok(json(
        &serde_json::json!({ "revoked": true, "credential": credential }),
        200,
    )?)
}
