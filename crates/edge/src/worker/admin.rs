//! The admin API (the bearer of the `ADMIN_TOKEN` secret or of a created credential; each
//! route's role is in [`crate::access::routes`], checked before this dispatcher runs; the
//! credential routes are in [`super::credentials`]):
//!
//! | method | path | what |
//! |---|---|---|
//! | GET | `/admin/calls` | the call index (id, status, rule, caller, callee) |
//! | GET | `/admin/calls/{id}` | one call: status, participants, pending operations, timeline |
//! | POST | `/admin/calls/{id}/actions` | `{"action": "hangUp"}`, `{"action": "transfer", "target": …}`, … |
//! | GET | `/admin/calls/{id}/events` | the live stream, a WebSocket: the call so far, then each new timeline entry as it happens (`timeline`), an entry again when it changed (`update`: sent, retried, settled), the verified callback events as CloudEvents (`callbacks`), and `end` ([`crate::routing::call::live`]) |
//! | GET | `/admin/decisions/{serverCallId}` | how an incoming call was routed, `{"decisions": […]}` (a redirect adds one), kept a day |
//! | GET/PUT/DELETE | `/admin/rules` | the rules in force: their source, revision (`ETag`), summary and warnings; PUT validates, runs the stored tests (a failure: 409, unless `?force=true`) and saves the next revision (`If-Match` → 412 when stale); DELETE goes back to the `ROUTING_RULES` var |
//! | GET | `/admin/rules/revisions`, `/admin/rules/revisions/{id}` | the revision log (newest first), one revision with its document |
//! | POST | `/admin/rules/rollback` | `{"revision": id}`: a copy of that revision becomes the next one |
//! | POST | `/admin/rules/validate` | checks a document without saving it: `{"valid", "error": {field, message}, "warnings", "summary"}` (the page's editor) |
//! | POST | `/admin/rules/dry-run` | which rule a described call would meet, and why ([`DryRunRequest`]) |
//! | POST | `/admin/flows/simulate` | a scripted call through a flow ([`crate::routing::simulate`]) |
//! | GET | `/admin/flows/schema` | the JSON Schema of the rules document |
//! | … | `/admin/rules/drafts…`, `/admin/rules/publish`, `/admin/flows/test…` | drafts, stored tests, test runs, the publish gate, a draft's impact: [`super::flows_admin`] |
//! | POST | `/admin/calls/{id}/replay` | the call's real events through another revision (`{"revision"}` or `{"rules"}`) |
//!
//! Decision: the live stream is a WebSocket the call's object keeps (hibernatable) and pushes
//! each change to as it is stored. It replaced Server-Sent Events fed by polling the object every
//! 250 ms: 240 object requests a minute per open page, paid for while nothing happened.

use super::acs::{now_ms, random_bytes};
use super::call_object::{self, AdminBody};
use super::config::{parse_rules, routing_table, rules_text, vars_rules, KV};
use super::credentials;
use super::respond::{json, EdgeError, EdgeResult};
use super::rules_object::{self, Change, ChangeRequest};
use crate::access::Caller;
use crate::routing::call::index::{page_size, INDEX_PREFIX};
use crate::routing::call::AdminAction;
use crate::routing::dry_run::DryRunRequest;
use crate::routing::revisions::etag;
use crate::routing::simulate::SimulateRequest;
use crate::routing::tz::zone_names;
use crate::routing::RoutingTable;
use serde_json::Value;
use worker::{Env, Method, Request, Response};

/// Dispatches `/admin/...` (after the caller was authenticated, counted and its role checked).
///
/// # Errors
/// 404 for unknown paths or calls, 400 for bad bodies, errors from the call's object.
pub(crate) async fn handle(
    mut req: Request,
    env: &Env,
    path: &[&str],
    caller: &Caller,
) -> EdgeResult<Response> {
    if let Some(resp) = super::flows_admin::handle(&mut req, env, path, caller).await {
        return resp;
    }
    match (req.method(), path) {
        (Method::Get, ["whoami"]) => credentials::whoami(caller),
        (Method::Get, ["credentials"]) => credentials::list(env, caller).await,
        (Method::Post, ["credentials"]) => {
            credentials::create(env, caller, &req.text().await?).await
        }
        (Method::Delete, ["credentials", fingerprint]) => {
            credentials::revoke(env, caller, fingerprint).await
        }
        (Method::Get, ["calls"]) => list(env, &req).await,
        (Method::Get, ["calls", id]) => {
            call_object::call(env, id, Method::Get, "/state", None).await
        }
        (Method::Post, ["calls", id, "actions"]) => {
            let action = AdminAction::from_json(&req.text().await?)?;
            let request_id = match req.headers().get("idempotency-key")? {
                Some(k) if !k.is_empty() => k,
                _ => random_id()?,
            };
            let body = AdminBody {
                call_connection_id: (*id).to_owned(),
                request_id,
                action,
            };
            call_object::call(
                env,
                id,
                Method::Post,
                "/admin",
                Some(serde_json::to_string(&body)?),
            )
            .await
        }
        (Method::Get, ["calls", id, "events"]) => live(env, id, &req).await,
        (Method::Get, ["decisions", key]) => {
            let text = env.kv(KV)?.get(&format!("decision:{key}")).text().await?;
            let text = text.ok_or_else(|| EdgeError::not_found("decision"))?;
            let decisions: Value = serde_json::from_str(&text)?;
            Ok(json(&serde_json::json!({ "decisions": decisions }), 200)?)
        }
        (Method::Post, ["bench", kind]) => super::bench::handle(req, env, kind).await,
        (Method::Get, ["rules"]) => rules(env).await,
        (Method::Get, ["rules", "revisions"]) => {
            rules_object::call(env, Method::Get, "/revisions", None).await
        }
        (Method::Get, ["rules", "revisions", id]) => {
            let path = format!("/revisions/{}", callsteer::http::encode_path_segment(id));
            rules_object::call(env, Method::Get, &path, None).await
        }
        (Method::Post, ["rules", "rollback"]) => {
            rollback(env, caller, &req.text().await?, if_match(&req)?).await
        }
        (Method::Post, ["flows", "simulate"]) => simulate(env, &req.text().await?).await,
        (Method::Post, ["rules", "validate"]) => validate(&req.text().await?),
        (Method::Get, ["flows", "schema"]) => {
            let mut resp = Response::ok(FLOWS_SCHEMA)?;
            resp.headers_mut()
                .set("content-type", "application/schema+json")?;
            Ok(resp)
        }
        (Method::Post, ["calls", id, "replay"]) => replay(env, id, &req.text().await?).await,
        (Method::Post, ["rules", "dry-run"]) => {
            let request = DryRunRequest::from_json(&req.text().await?)?;
            let (table, live) = routing_table(env).await?;
            let outcome = request.run(&table, now_ms() / 1000)?;
            let mut body = serde_json::to_value(&outcome)?;
            if let Some(obj) = body.as_object_mut() {
                obj.insert("source".into(), serde_json::to_value(live.source)?);
                obj.insert("revision".into(), live.revision.into());
            }
            Ok(json(&body, 200)?)
        }
        (Method::Put, ["rules"]) => {
            let text = req.text().await?;
            let table = parse_rules(&text)?;
            // Save and publish in one step, through the same gate as a publish.
            let force = req
                .url()?
                .query_pairs()
                .any(|(k, v)| k == "force" && v == "true");
            let tests = match super::flows_admin::gate_for_save(env, &table, force).await? {
                Ok(record) => record,
                Err(refused) => return Ok(refused),
            };
            let change = Change::Save {
                text,
                rules: table.len(),
            };
            let mut resp = change_rules(env, caller, change, if_match(&req)?, tests).await?;
            if resp.status_code() != 200 {
                return Ok(resp);
            }
            let body: Value = resp.json().await?;
            let revision = body["revision"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut out = json(
                &serde_json::json!({
                    "stored": true,
                    "rules": table.len(),
                    "revision": revision,
                    "warnings": table.warnings(),
                }),
                200,
            )?;
            out.headers_mut().set("etag", &etag(&revision))?;
            Ok(out)
        }
        (Method::Delete, ["rules"]) => {
            let mut resp = change_rules(env, caller, Change::Reset, if_match(&req)?, None).await?;
            if resp.status_code() != 200 {
                return Ok(resp);
            }
            let live = vars_rules(env)?;
            let _: Value = resp.json().await?;
            let mut out = json(
                &serde_json::json!({ "deleted": true, "revision": live.revision }),
                200,
            )?;
            out.headers_mut().set("etag", &etag(&live.revision))?;
            Ok(out)
        }
        _ => Err(EdgeError::not_found("admin route")),
    }
}

/// The rules document in force, where it comes from (`vars` or `kv`), its revision (also the
/// `ETag`), the rules in words, the load's warnings, and the time zones a window may name (for
/// the page's editor).
async fn rules(env: &Env) -> EdgeResult<Response> {
    let live = rules_text(env).await?;
    let document: Value = serde_json::from_str(&live.text)?;
    let mut body = serde_json::json!({
        "source": live.source,
        "revision": live.revision,
        "document": document,
        "timeZones": zone_names(),
    });
    match parse_rules(&live.text) {
        Ok(table) => {
            body["summary"] = serde_json::to_value(table.summary())?;
            body["warnings"] = serde_json::to_value(table.warnings())?;
        }
        // Only a document written by other means can be invalid; routing then uses vars.
        Err(e) => body["invalid"] = serde_json::json!({ "field": e.field, "message": e.message }),
    }
    let mut resp = json(&body, 200)?;
    resp.headers_mut().set("etag", &etag(&live.revision))?;
    Ok(resp)
}

/// The JSON Schema of the rules document (docs/flows.schema.json), for editors.
const FLOWS_SCHEMA: &str = include_str!("../../../../docs/flows.schema.json");

/// The request's `If-Match`, if any.
pub(crate) fn if_match(req: &Request) -> EdgeResult<Option<String>> {
    Ok(req
        .headers()
        .get("if-match")?
        .filter(|v| !v.trim().is_empty()))
}

/// Asks the rules object for a change, with the revision in force as its base; the revision
/// names the caller's credential by its fingerprint, and records the gate's `tests` results.
pub(crate) async fn change_rules(
    env: &Env,
    caller: &Caller,
    change: Change,
    if_match: Option<String>,
    tests: Option<crate::routing::drafts::GateRecord>,
) -> EdgeResult<Response> {
    let live = rules_text(env).await?;
    let request = ChangeRequest {
        change,
        if_match,
        base: live.revision,
        by: caller.fingerprint.clone(),
        at_ms: now_ms(),
        tests,
    };
    rules_object::call(
        env,
        Method::Post,
        "/change",
        Some(serde_json::to_string(&request)?),
    )
    .await
}

/// `POST /admin/rules/rollback` `{"revision": id}`: checked against today's rules (a document
/// valid when saved may not be under a newer worker), then saved as the next revision.
async fn rollback(
    env: &Env,
    caller: &Caller,
    body: &str,
    if_match: Option<String>,
) -> EdgeResult<Response> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        revision: String,
    }
    let value: Value = serde_json::from_str(body)
        .map_err(|e| EdgeError::bad_request(format!("not valid JSON: {e}")))?;
    let b: Body = crate::routing::decode_at(value, "")?;
    let text = rules_object::document(env, &b.revision)
        .await?
        .ok_or_else(|| EdgeError::not_found("revision"))?;
    parse_rules(&text)?;
    change_rules(
        env,
        caller,
        Change::Rollback {
            revision: b.revision,
        },
        if_match,
        None,
    )
    .await
}

/// The routing table a simulation or replay asks for: `rules` (a document), `revision` (a
/// stored one), or the rules in force; and the revision id it is.
pub(crate) async fn table_for(
    env: &Env,
    rules: Option<&Value>,
    revision: Option<&str>,
) -> EdgeResult<(RoutingTable, Option<String>)> {
    match (rules, revision) {
        (Some(doc), _) => {
            let table = RoutingTable::from_json(&doc.to_string())
                .map_err(|e| crate::routing::offline::under("rules", e))?;
            Ok((table, None))
        }
        (None, Some(id)) => {
            let text = rules_object::document(env, id)
                .await?
                .ok_or_else(|| EdgeError::not_found("revision"))?;
            Ok((parse_rules(&text)?, Some(id.to_owned())))
        }
        (None, None) => {
            let (table, live) = routing_table(env).await?;
            Ok((table, Some(live.revision)))
        }
    }
}

/// `POST /admin/rules/validate`: the load's verdict on a document, saving nothing. Always 200
/// (the verdict is the body), so an editor can ask on every change.
fn validate(text: &str) -> EdgeResult<Response> {
    let body = match parse_rules(text) {
        Ok(table) => serde_json::json!({
            "valid": true,
            "warnings": table.warnings(),
            "summary": table.summary(),
        }),
        Err(e) => serde_json::json!({
            "valid": false,
            "error": { "status": e.status, "field": e.field, "message": e.message },
        }),
    };
    Ok(json(&body, 200)?)
}

/// `POST /admin/flows/simulate`.
async fn simulate(env: &Env, body: &str) -> EdgeResult<Response> {
    let (request, script) = SimulateRequest::from_json(body)?;
    let (table, revision) =
        table_for(env, request.rules.as_ref(), request.revision.as_deref()).await?;
    let cfg_version = api_version(env);
    let mut call = request.call.clone();
    if call.at.is_none() {
        call.at = Some(callsteer::time::rfc3339(
            u64::try_from(now_ms() / 1000).unwrap_or(0),
        ));
    }
    let result = crate::routing::simulate::simulate(
        &table,
        revision.as_deref(),
        &call,
        &script,
        &cfg_version,
    )?;
    Ok(json(&result, 200)?)
}

/// `POST /admin/calls/{id}/replay`: the call's stored events through another revision.
async fn replay(env: &Env, id: &str, body: &str) -> EdgeResult<Response> {
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Body {
        #[serde(default)]
        rules: Option<Value>,
        #[serde(default)]
        revision: Option<String>,
    }
    let value = json_body(body)?;
    let b: Body = crate::routing::decode_at(value, "")?;
    let mut resp = call_object::call(env, id, Method::Get, "/replay", None).await?;
    if resp.status_code() != 200 {
        return Ok(resp);
    }
    let recorded: Value = resp.json().await?;
    let call: crate::routing::dry_run::DryRunRequest =
        serde_json::from_value(recorded["call"].clone())?;
    let script: Vec<crate::routing::simulate::ScriptEntry> =
        serde_json::from_value(recorded["script"].clone())?;
    let (table, revision) = table_for(env, b.rules.as_ref(), b.revision.as_deref()).await?;
    let result = crate::routing::simulate::simulate(
        &table,
        revision.as_deref(),
        &call,
        &script,
        &api_version(env),
    )?;
    let mut out = serde_json::to_value(&result)?;
    out["replayed"] = serde_json::json!({
        "callConnectionId": id,
        "call": recorded["call"],
        "script": recorded["script"],
        "path": recorded["path"],
        "end": recorded["end"],
    });
    Ok(json(&out, 200)?)
}

/// A JSON body; an empty one is `{}`.
///
/// # Errors
/// 400 naming `document` when the text is not JSON.
pub(crate) fn json_body(text: &str) -> EdgeResult<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(text).map_err(|e| {
        EdgeError::from(callsteer::Error::invalid(
            "document",
            format!("not valid JSON: {e}"),
        ))
    })
}

/// The api-version the worker sends (`API_VERSION`, else the core's default).
pub(crate) fn api_version(env: &Env) -> String {
    super::config::Config::from_env(env)
        .map(|c| c.api_version)
        .unwrap_or_else(|_| callsteer::DEFAULT_API_VERSION.to_owned())
}

/// `GET /admin/calls[?limit=n][&cursor=c]`: a page of the call list, newest first, and the
/// cursor of the next page (`null` after the last). One KV `list` per page: each entry's
/// summary is its metadata ([`crate::routing::call::index`]).
async fn list(env: &Env, req: &Request) -> EdgeResult<Response> {
    let url = req.url()?;
    let query = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let limit = page_size(query("limit").as_deref()).map_err(|reason| EdgeError {
        field: Some("limit".into()),
        ..EdgeError::bad_request(format!("limit {reason}"))
    })?;
    let mut options = env.kv(KV)?.list().prefix(INDEX_PREFIX.into()).limit(limit);
    if let Some(cursor) = query("cursor").filter(|c| !c.is_empty()) {
        options = options.cursor(cursor);
    }
    let page = options.execute().await?;
    let calls: Vec<Value> = page.keys.into_iter().filter_map(|k| k.metadata).collect();
    let cursor = page.cursor.filter(|c| !page.list_complete && !c.is_empty());
    Ok(json(
        &serde_json::json!({ "calls": calls, "cursor": cursor }),
        200,
    )?)
}

/// `GET /admin/calls/{id}/events`: hands the page's WebSocket upgrade to the call's object
/// (the credential was checked). A request that is not an upgrade gets 426.
async fn live(env: &Env, id: &str, req: &Request) -> EdgeResult<Response> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(EdgeError::new(
            426,
            "UpgradeRequired",
            "the live stream is a WebSocket: connect with Upgrade: websocket",
        ));
    }
    call_object::upgrade(env, id, "/live").await
}

/// 16 random bytes from the runtime's CSPRNG as a UUID (admin request ids).
fn random_id() -> EdgeResult<String> {
    Ok(callsteer::http::uuid_v4_from_bytes(random_bytes()?))
}
