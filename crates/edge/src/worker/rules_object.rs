//! The Durable Object that keeps the rules' revision log ([`crate::routing::revisions`]): one
//! object (`RULES`, named `rules`), the single writer, so comparing `If-Match` with the revision
//! in force and saving the next one is one step. After each change it mirrors the document in
//! force to KV ([`LIVE_RULES_KEY`]), where routing reads it.
//!
//! Storage: `head` (the revision count, the one in force, and every kept revision's summary,
//! newest last) and `doc:<id>` (each revision's document).

use super::config::{StoredRules, KV, LIVE_RULES_KEY, RULES, RULES_OBJECT};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::revisions::{
    etag, if_match_holds, revision_id, Origin, Revision, MAX_REVISIONS,
};
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, Response, State};

const HEAD: &str = "head";

/// The log's head.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    /// Revisions ever made (numbers the ids).
    count: u64,
    /// The revision in force; `None`: the `ROUTING_RULES` var.
    current: Option<String>,
    /// Kept revisions, oldest first.
    revisions: Vec<Revision>,
}

/// A change the worker asks for (it has validated the document).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub(crate) enum Change {
    /// Save `text` as the next revision.
    Save { text: String, rules: usize },
    /// Make a copy of revision `revision` the next revision.
    Rollback { revision: String },
    /// Go back to the `ROUTING_RULES` var.
    Reset,
}

/// `POST /change`'s body.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChangeRequest {
    pub change: Change,
    /// The request's `If-Match` (or a publish's `ifMatch`), if any.
    pub if_match: Option<String>,
    /// The revision in force as the worker read it (what `current` is when the log has none).
    pub base: String,
    /// The credential's fingerprint.
    pub by: String,
    pub at_ms: i64,
}

/// The rules' revision log.
#[durable_object]
pub struct RulesObject {
    state: State,
    env: Env,
}

impl core::fmt::Debug for RulesObject {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RulesObject").finish_non_exhaustive()
    }
}

impl DurableObject for RulesObject {
    fn new(state: State, env: Env) -> Self {
        RulesObject { state, env }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let path = req.path();
        let result = match (req.method(), path.as_str()) {
            (Method::Post, "/change") => self.change(req.json().await?).await,
            (Method::Get, "/revisions") => self.list().await,
            (Method::Get, p) if p.starts_with("/revisions/") => {
                self.read(&p["/revisions/".len()..]).await
            }
            _ => Err(EdgeError::not_found("rules object route")),
        };
        result.or_else(|e| e.to_response())
    }
}

impl RulesObject {
    async fn head(&self) -> EdgeResult<Head> {
        Ok(self.state.storage().get(HEAD).await?.unwrap_or_default())
    }

    async fn change(&self, req: ChangeRequest) -> EdgeResult<Response> {
        let storage = self.state.storage();
        let mut head = self.head().await?;
        let current = head.current.clone().unwrap_or_else(|| req.base.clone());
        if let Some(tag) = &req.if_match {
            if !if_match_holds(tag, &current) {
                let mut e = EdgeError::new(
                    412,
                    "PreconditionFailed",
                    format!("the rules changed: revision {current} is in force, not {tag}"),
                );
                e.field = Some("If-Match".into());
                return Err(e);
            }
        }
        let (text, rules, origin, from) = match req.change {
            Change::Save { text, rules } => (Some(text), rules, Origin::Saved, None),
            Change::Rollback { revision } => {
                let text: Option<String> = storage.get(&format!("doc:{revision}")).await?;
                let text = text.ok_or_else(|| EdgeError::not_found("revision"))?;
                let rules = head
                    .revisions
                    .iter()
                    .find(|r| r.id == revision)
                    .map_or(0, |r| r.rules);
                (Some(text), rules, Origin::RolledBack, Some(revision))
            }
            Change::Reset => (None, 0, Origin::Reset, None),
        };
        head.count += 1;
        let id = match &text {
            Some(t) => revision_id(head.count, t),
            None => format!("{}-reset", head.count),
        };
        let revision = Revision {
            id: id.clone(),
            at_ms: req.at_ms,
            by: req.by,
            origin,
            from,
            rules,
            bytes: text.as_ref().map_or(0, String::len),
        };
        if let Some(t) = &text {
            storage.put(&format!("doc:{id}"), t).await?;
        }
        head.current = text.as_ref().map(|_| id.clone());
        head.revisions.push(revision.clone());
        self.prune(&mut head).await?;
        storage.put(HEAD, &head).await?;
        let kv = self.env.kv(KV)?;
        match text {
            Some(text) => {
                let value = serde_json::to_string(&StoredRules {
                    revision: id.clone(),
                    text,
                })?;
                kv.put(LIVE_RULES_KEY, value)?.execute().await?;
            }
            None => kv.delete(LIVE_RULES_KEY).await?,
        }
        let mut resp = json(&serde_json::json!({ "revision": revision }), 200)?;
        resp.headers_mut().set("etag", &etag(&id))?;
        Ok(resp)
    }

    /// Drops the oldest revisions past [`MAX_REVISIONS`], never the one in force.
    async fn prune(&self, head: &mut Head) -> EdgeResult<()> {
        while head.revisions.len() > MAX_REVISIONS {
            let Some(i) = head
                .revisions
                .iter()
                .position(|r| Some(&r.id) != head.current.as_ref())
            else {
                break;
            };
            let old = head.revisions.remove(i);
            self.state
                .storage()
                .delete(&format!("doc:{}", old.id))
                .await?;
        }
        Ok(())
    }

    async fn list(&self) -> EdgeResult<Response> {
        let head = self.head().await?;
        let newest_first: Vec<&Revision> = head.revisions.iter().rev().collect();
        Ok(json(
            &serde_json::json!({ "current": head.current, "revisions": newest_first }),
            200,
        )?)
    }

    async fn read(&self, id: &str) -> EdgeResult<Response> {
        let head = self.head().await?;
        let meta = head
            .revisions
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| EdgeError::not_found("revision"))?;
        let text: Option<String> = self.state.storage().get(&format!("doc:{id}")).await?;
        let document: Option<serde_json::Value> = match text {
            Some(t) => Some(serde_json::from_str(&t)?),
            None => None,
        };
        let mut resp = json(
            &serde_json::json!({ "revision": meta, "document": document }),
            200,
        )?;
        resp.headers_mut().set("etag", &etag(id))?;
        Ok(resp)
    }
}

/// Sends a request to the rules object.
///
/// # Errors
/// Worker errors from the binding or the stub.
pub(crate) async fn call(
    env: &Env,
    method: Method,
    path: &str,
    body: Option<String>,
) -> EdgeResult<Response> {
    super::objects::send(env, RULES, RULES_OBJECT, method, path, body).await
}

/// The text of stored revision `id`, through the object (`None`: no such revision, or a reset).
///
/// # Errors
/// As [`call`]; 5xx from the object.
pub(crate) async fn document(env: &Env, id: &str) -> EdgeResult<Option<String>> {
    let mut resp = call(
        env,
        Method::Get,
        &format!("/revisions/{}", callsteer::http::encode_path_segment(id)),
        None,
    )
    .await?;
    if resp.status_code() == 404 {
        return Ok(None);
    }
    let body: serde_json::Value = resp.json().await?;
    Ok(body
        .get("document")
        .filter(|d| !d.is_null())
        .map(serde_json::Value::to_string))
}
