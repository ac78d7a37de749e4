//! The Durable Object that keeps the rules' revision log ([`crate::routing::revisions`]), the
//! drafts ([`crate::routing::drafts`]) and the stored test cases ([`crate::routing::testing`]):
//! one object (`RULES`, named `rules`), the single writer, so comparing `If-Match` with the
//! revision (or draft, or test) in force and saving the next one is one step. After each change
//! it mirrors the document in force to KV ([`LIVE_RULES_KEY`]), and the drafts' test callers
//! ([`TEST_CALLERS_KEY`], [`DRAFT_RULES_PREFIX`]), where routing reads them.
//!
//! Storage: `head` (the revision count, the one in force, and every kept revision's summary,
//! newest last), `doc:<id>` (each revision's document), `drafts` (the drafts' summaries and
//! save count), `draft:<name>` (a draft's document), `tests` (the stored tests' names and entity
//! tags, and their save count) and `test:<name>` (a test case's JSON).
//!
//! Its routes are internal (the worker's admin routes call them, after checking the caller and
//! validating what they store); every one takes and answers JSON, names travel in bodies.

use super::config::{
    StoredRules, DRAFT_RULES_PREFIX, KV, LIVE_RULES_KEY, RULES, RULES_OBJECT, TEST_CALLERS_KEY,
};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::drafts::{draft_etag, test_caller_map, Draft, GateRecord, MAX_DRAFTS};
use crate::routing::revisions::{
    etag, if_match_holds, revision_id, Origin, Revision, MAX_REVISIONS,
};
use crate::routing::testing::MAX_TESTS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use worker::{durable_object, DurableObject, Env, Method, Request, Response, State};

const HEAD: &str = "head";
const DRAFTS: &str = "drafts";
const TESTS: &str = "tests";

/// The drafts' summaries.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Drafts {
    /// Draft saves ever made (numbers the entity tags).
    count: u64,
    drafts: Vec<Draft>,
}

/// The stored tests: name → entity tag.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tests {
    count: u64,
    tests: BTreeMap<String, String>,
}

/// `POST /drafts/save`'s body (the worker has validated the document).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DraftSave {
    pub name: String,
    pub text: String,
    pub rules: usize,
    pub warnings: Vec<crate::routing::flow::Warning>,
    pub test_callers: Vec<String>,
    pub if_match: Option<String>,
    pub by: String,
    pub at_ms: i64,
}

/// `POST /tests/save`'s body (the worker has parsed the test).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestSave {
    pub name: String,
    pub text: String,
    pub if_match: Option<String>,
}

/// A name and the `If-Match` of a read or a removal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Named {
    pub name: String,
    #[serde(default)]
    pub if_match: Option<String>,
}

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
    /// Make draft `draft` (at entity tag `draft_etag`, the one the gate tested) the next
    /// revision, recording the gate's results; the draft is removed.
    Publish {
        draft: String,
        draft_etag: String,
        rules: usize,
        tests: GateRecord,
        message: Option<String>,
    },
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
    /// For a save through the gate: its test results.
    #[serde(default)]
    pub tests: Option<GateRecord>,
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
            (Method::Post, "/drafts/list") => self.drafts_list().await,
            (Method::Post, "/drafts/read") => self.draft_read(req.json().await?).await,
            (Method::Post, "/drafts/save") => self.draft_save(req.json().await?).await,
            (Method::Post, "/drafts/delete") => self.draft_delete(req.json().await?).await,
            (Method::Post, "/tests/list") => self.tests_list().await,
            (Method::Post, "/tests/all") => self.tests_all().await,
            (Method::Post, "/tests/read") => self.test_read(req.json().await?).await,
            (Method::Post, "/tests/save") => self.test_save(req.json().await?).await,
            (Method::Post, "/tests/delete") => self.test_delete(req.json().await?).await,
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
        check_if_match(req.if_match.as_ref(), &current, "the rules in force")?;
        let mut message = None;
        let mut tests = req.tests;
        let mut published = None;
        let (text, rules, origin, from) = match req.change {
            Change::Save { text, rules } => (Some(text), rules, Origin::Saved, None),
            Change::Publish {
                draft,
                draft_etag,
                rules,
                tests: gate,
                message: m,
            } => {
                let drafts = self.drafts().await?;
                let d = drafts
                    .drafts
                    .iter()
                    .find(|d| d.name == draft)
                    .ok_or_else(|| EdgeError::not_found("draft"))?;
                if d.etag != draft_etag {
                    let mut e = EdgeError::new(
                        409,
                        "Conflict",
                        format!("draft {draft} changed while its tests ran: publish again"),
                    );
                    e.field = Some("draft".into());
                    return Err(e);
                }
                let text: Option<String> = storage.get(&format!("draft:{draft}")).await?;
                let text = text.ok_or_else(|| EdgeError::not_found("draft"))?;
                message = m;
                tests = Some(gate);
                published = Some(draft.clone());
                (Some(text), rules, Origin::Published, Some(draft))
            }
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
            message,
            tests,
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
        if let Some(draft) = published {
            self.remove_draft(&draft).await?;
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

/// 412 naming `field` when `if_match` is given and does not hold for `current`.
fn check_if_match(if_match: Option<&String>, current: &str, what: &str) -> EdgeResult<()> {
    match if_match {
        Some(tag) if !if_match_holds(tag, current) => {
            let mut e = EdgeError::new(
                412,
                "PreconditionFailed",
                format!("{what} changed: its entity tag is \"{current}\", not {tag}"),
            );
            e.field = Some("If-Match".into());
            Err(e)
        }
        _ => Ok(()),
    }
}

/// May a save of `what` go ahead? `current` is its entity tag (`None`: it does not exist yet):
/// `If-Match` must hold for an existing one (412), be absent or `*` for a new one (412), and a
/// new one must fit (`full`: 413 with `full_message`).
fn check_save(
    what: &str,
    current: Option<&str>,
    if_match: Option<&String>,
    full: bool,
    full_message: &str,
) -> EdgeResult<()> {
    match current {
        Some(tag) => check_if_match(if_match, tag, what),
        None if if_match.is_some_and(|t| t.trim() != "*") => {
            let mut e = EdgeError::new(412, "PreconditionFailed", format!("{what} does not exist"));
            e.field = Some("If-Match".into());
            Err(e)
        }
        None if full => Err(EdgeError::new(413, "PayloadTooLarge", full_message)),
        None => Ok(()),
    }
}

/// Drafts and tests.
impl RulesObject {
    async fn drafts(&self) -> EdgeResult<Drafts> {
        Ok(self.state.storage().get(DRAFTS).await?.unwrap_or_default())
    }

    async fn tests(&self) -> EdgeResult<Tests> {
        Ok(self.state.storage().get(TESTS).await?.unwrap_or_default())
    }

    /// The JSON stored at `key` (404 naming `what` when absent).
    async fn stored_json(&self, key: &str, what: &str) -> EdgeResult<serde_json::Value> {
        let text: Option<String> = self.state.storage().get(key).await?;
        let text = text.ok_or_else(|| EdgeError::not_found(what))?;
        Ok(serde_json::from_str(&text)?)
    }

    async fn drafts_list(&self) -> EdgeResult<Response> {
        let mut drafts = self.drafts().await?.drafts;
        drafts.sort_by_key(|d| std::cmp::Reverse(d.at_ms));
        Ok(json(&serde_json::json!({ "drafts": drafts }), 200)?)
    }

    async fn draft_read(&self, req: Named) -> EdgeResult<Response> {
        let drafts = self.drafts().await?;
        let d = drafts
            .drafts
            .iter()
            .find(|d| d.name == req.name)
            .ok_or_else(|| EdgeError::not_found("draft"))?;
        let document = self
            .stored_json(&format!("draft:{}", d.name), "draft")
            .await?;
        let mut resp = json(
            &serde_json::json!({ "draft": d, "document": document }),
            200,
        )?;
        resp.headers_mut().set("etag", &etag(&d.etag))?;
        Ok(resp)
    }

    async fn draft_save(&self, req: DraftSave) -> EdgeResult<Response> {
        let storage = self.state.storage();
        let mut drafts = self.drafts().await?;
        let existing = drafts.drafts.iter().position(|d| d.name == req.name);
        check_save(
            &format!("draft {}", req.name),
            existing
                .and_then(|i| drafts.drafts.get(i))
                .map(|d| d.etag.as_str()),
            req.if_match.as_ref(),
            drafts.drafts.len() >= MAX_DRAFTS,
            &format!("at most {MAX_DRAFTS} drafts: publish or remove one first"),
        )?;
        drafts.count += 1;
        let draft = Draft {
            name: req.name.clone(),
            etag: draft_etag(drafts.count, &req.text),
            at_ms: req.at_ms,
            by: req.by,
            rules: req.rules,
            bytes: req.text.len(),
            test_callers: req.test_callers,
            warnings: req.warnings,
        };
        storage
            .put(&format!("draft:{}", req.name), &req.text)
            .await?;
        match existing {
            Some(i) => drafts.drafts[i] = draft.clone(),
            None => drafts.drafts.push(draft.clone()),
        }
        storage.put(DRAFTS, &drafts).await?;
        self.mirror_test_callers(&drafts, Some((&draft, &req.text)), None)
            .await?;
        let mut resp = json(&serde_json::json!({ "draft": draft }), 200)?;
        resp.headers_mut().set("etag", &etag(&draft.etag))?;
        Ok(resp)
    }

    async fn draft_delete(&self, req: Named) -> EdgeResult<Response> {
        let drafts = self.drafts().await?;
        let d = drafts
            .drafts
            .iter()
            .find(|d| d.name == req.name)
            .ok_or_else(|| EdgeError::not_found("draft"))?;
        check_if_match(req.if_match.as_ref(), &d.etag, &format!("draft {}", d.name))?;
        self.remove_draft(&req.name).await?;
        Ok(json(&serde_json::json!({ "deleted": true }), 200)?)
    }

    /// Removes a draft and its KV mirror.
    async fn remove_draft(&self, name: &str) -> EdgeResult<()> {
        let mut drafts = self.drafts().await?;
        drafts.drafts.retain(|d| d.name != name);
        self.state
            .storage()
            .delete(&format!("draft:{name}"))
            .await?;
        self.state.storage().put(DRAFTS, &drafts).await?;
        self.mirror_test_callers(&drafts, None, Some(name)).await
    }

    /// Writes the test-caller map, the saved draft's document (when it names test callers) and
    /// drops a removed or no-longer-called draft's document.
    async fn mirror_test_callers(
        &self,
        drafts: &Drafts,
        saved: Option<(&Draft, &str)>,
        removed: Option<&str>,
    ) -> EdgeResult<()> {
        let kv = self.env.kv(KV)?;
        let map = test_caller_map(&drafts.drafts);
        if map.is_empty() {
            kv.delete(TEST_CALLERS_KEY).await?;
        } else {
            kv.put(TEST_CALLERS_KEY, serde_json::to_string(&map)?)?
                .execute()
                .await?;
        }
        if let Some((d, text)) = saved {
            let key = format!("{DRAFT_RULES_PREFIX}{}", d.name);
            if d.test_callers.is_empty() {
                kv.delete(&key).await?;
            } else {
                let value = serde_json::to_string(&StoredRules {
                    revision: format!("draft:{}@{}", d.name, d.etag),
                    text: text.to_owned(),
                })?;
                kv.put(&key, value)?.execute().await?;
            }
        }
        if let Some(name) = removed {
            kv.delete(&format!("{DRAFT_RULES_PREFIX}{name}")).await?;
        }
        Ok(())
    }

    async fn tests_list(&self) -> EdgeResult<Response> {
        let tests = self.tests().await?;
        let list: Vec<serde_json::Value> = tests
            .tests
            .iter()
            .map(|(name, tag)| serde_json::json!({ "name": name, "etag": tag }))
            .collect();
        Ok(json(&serde_json::json!({ "tests": list }), 200)?)
    }

    /// Every stored test case, in name order (what a run and the publish gate read).
    async fn tests_all(&self) -> EdgeResult<Response> {
        let tests = self.tests().await?;
        let keys: Vec<String> = tests.tests.keys().map(|n| format!("test:{n}")).collect();
        let mut cases = Vec::with_capacity(keys.len());
        // Storage reads take at most 128 keys at once.
        for chunk in keys.chunks(128) {
            let map = self.state.storage().get_multiple(chunk.to_vec()).await?;
            for key in chunk {
                let text = map.get(&wasm_bindgen::JsValue::from_str(key));
                if let Some(text) = text.as_string() {
                    cases.push(serde_json::from_str::<serde_json::Value>(&text)?);
                }
            }
        }
        Ok(json(&serde_json::json!({ "tests": cases }), 200)?)
    }

    async fn test_read(&self, req: Named) -> EdgeResult<Response> {
        let tests = self.tests().await?;
        let tag = tests
            .tests
            .get(&req.name)
            .ok_or_else(|| EdgeError::not_found("test"))?;
        let case = self
            .stored_json(&format!("test:{}", req.name), "test")
            .await?;
        let mut resp = json(&serde_json::json!({ "test": case, "etag": tag }), 200)?;
        resp.headers_mut().set("etag", &etag(tag))?;
        Ok(resp)
    }

    async fn test_save(&self, req: TestSave) -> EdgeResult<Response> {
        let mut tests = self.tests().await?;
        check_save(
            &format!("test {}", req.name),
            tests.tests.get(&req.name).map(String::as_str),
            req.if_match.as_ref(),
            tests.tests.len() >= MAX_TESTS,
            &format!("at most {MAX_TESTS} stored tests"),
        )?;
        tests.count += 1;
        let tag = format!("t{}", revision_id(tests.count, &req.text));
        self.state
            .storage()
            .put(&format!("test:{}", req.name), &req.text)
            .await?;
        tests.tests.insert(req.name.clone(), tag.clone());
        self.state.storage().put(TESTS, &tests).await?;
        let mut resp = json(&serde_json::json!({ "name": req.name, "etag": tag }), 200)?;
        resp.headers_mut().set("etag", &etag(&tag))?;
        Ok(resp)
    }

    async fn test_delete(&self, req: Named) -> EdgeResult<Response> {
        let mut tests = self.tests().await?;
        let tag = tests
            .tests
            .get(&req.name)
            .ok_or_else(|| EdgeError::not_found("test"))?;
        check_if_match(req.if_match.as_ref(), tag, &format!("test {}", req.name))?;
        tests.tests.remove(&req.name);
        self.state
            .storage()
            .delete(&format!("test:{}", req.name))
            .await?;
        self.state.storage().put(TESTS, &tests).await?;
        Ok(json(&serde_json::json!({ "deleted": true }), 200)?)
    }
}

/// Sends a JSON body to one of the object's `POST` routes.
///
/// # Errors
/// As [`call`].
pub(crate) async fn post<T: Serialize>(env: &Env, path: &str, body: &T) -> EdgeResult<Response> {
    call(env, Method::Post, path, Some(serde_json::to_string(body)?)).await
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
