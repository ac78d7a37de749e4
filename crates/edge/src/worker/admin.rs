//! The admin API (bearer token from the `ADMIN_TOKEN` secret):
//!
//! | method | path | what |
//! |---|---|---|
//! | GET | `/admin/calls` | the call index (id, status, rule, caller, callee) |
//! | GET | `/admin/calls/{id}` | one call: status, participants, pending operations, timeline |
//! | POST | `/admin/calls/{id}/actions` | `{"action": "hangUp"}`, `{"action": "transfer", "target": …}`, … |
//! | GET | `/admin/calls/{id}/events` | Server-Sent Events: each new timeline entry as it happens (`timeline`), an entry again when it changed (`update`: sent, retried, settled), the verified callback events as CloudEvents (`callbacks`) |
//! | GET | `/admin/decisions/{serverCallId}` | how an incoming call was routed, `{"decisions": […]}` (a redirect adds one), kept a day |
//! | GET/PUT/DELETE | `/admin/rules` | the rules in force, their source and summary; PUT validates and stores the KV override |
//! | POST | `/admin/rules/dry-run` | which rule a described call would meet, and why ([`DryRunRequest`]) |
//!
//! Decision: the live stream is SSE fed by polling the call's object every 250 ms rather
//! than a hibernating WebSocket in the object: it is one-directional, works through
//! `EventSource` in the browser and `curl -N`, and costs the object nothing between polls.

use super::acs::now_ms;
use super::call_object::{self, AdminBody};
use super::config::{parse_rules, routing_table, rules_text, KV, RULES_KEY};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::AdminAction;
use crate::routing::dry_run::DryRunRequest;
use crate::routing::tz::zone_names;
use futures_util::stream;
use serde_json::Value;
use std::time::Duration;
use worker::{Delay, Env, Method, Request, Response};

/// Poll interval of the event stream.
const STREAM_POLL_MS: u64 = 250;
/// A stream closes after this long even if the call is still up (clients reconnect).
const STREAM_MAX_MS: i64 = 300_000;

/// Dispatches `/admin/...` (after the bearer token was checked).
///
/// # Errors
/// 404 for unknown paths or calls, 400 for bad bodies, errors from the call's object.
pub(crate) async fn handle(mut req: Request, env: &Env, path: &[&str]) -> EdgeResult<Response> {
    match (req.method(), path) {
        (Method::Get, ["calls"]) => list(env).await,
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
        (Method::Get, ["calls", id, "events"]) => events(env, id),
        (Method::Get, ["decisions", key]) => {
            let text = env.kv(KV)?.get(&format!("decision:{key}")).text().await?;
            let text = text.ok_or_else(|| EdgeError::not_found("decision"))?;
            let decisions: Value = serde_json::from_str(&text)?;
            Ok(json(&serde_json::json!({ "decisions": decisions }), 200)?)
        }
        (Method::Post, ["bench", kind]) => super::bench::handle(req, env, kind).await,
        (Method::Get, ["rules"]) => rules(env).await,
        (Method::Post, ["rules", "dry-run"]) => {
            let request = DryRunRequest::from_json(&req.text().await?)?;
            let (table, source) = routing_table(env).await?;
            let outcome = request.run(&table, now_ms() / 1000)?;
            let mut body = serde_json::to_value(&outcome)?;
            if let Some(obj) = body.as_object_mut() {
                obj.insert("source".into(), serde_json::to_value(source)?);
            }
            Ok(json(&body, 200)?)
        }
        (Method::Put, ["rules"]) => {
            let text = req.text().await?;
            let table = parse_rules(&text)?;
            env.kv(KV)?.put(RULES_KEY, text)?.execute().await?;
            Ok(json(
                &serde_json::json!({ "stored": true, "rules": table.len() }),
                200,
            )?)
        }
        (Method::Delete, ["rules"]) => {
            env.kv(KV)?.delete(RULES_KEY).await?;
            Ok(json(&serde_json::json!({ "deleted": true }), 200)?)
        }
        _ => Err(EdgeError::not_found("admin route")),
    }
}

/// The rules document in force, where it comes from (`vars` or `kv`), the rules in words,
/// and the time zones a window may name (for the page's editor).
async fn rules(env: &Env) -> EdgeResult<Response> {
    let (text, source) = rules_text(env).await?;
    let document: Value = serde_json::from_str(&text)?;
    let mut body = serde_json::json!({
        "source": source,
        "document": document,
        "timeZones": zone_names().collect::<Vec<_>>(),
    });
    match parse_rules(&text) {
        Ok(table) => body["summary"] = serde_json::to_value(table.summary())?,
        // Only a KV override written by other means can be invalid; routing then uses vars.
        Err(e) => body["invalid"] = serde_json::json!({ "field": e.field, "message": e.message }),
    }
    Ok(json(&body, 200)?)
}

async fn list(env: &Env) -> EdgeResult<Response> {
    let kv = env.kv(KV)?;
    let keys = kv.list().prefix("call:".into()).execute().await?;
    let mut calls = Vec::new();
    for key in keys.keys {
        if let Some(text) = kv.get(&key.name).text().await? {
            calls.push(serde_json::from_str::<Value>(&text)?);
        }
    }
    calls.sort_by_key(|c| {
        std::cmp::Reverse(c.get("answeredAtMs").and_then(|t| t.as_i64()).unwrap_or(0))
    });
    Ok(json(&serde_json::json!({ "calls": calls }), 200)?)
}

/// 16 random bytes from the runtime's CSPRNG as a UUID (admin request ids).
fn random_id() -> EdgeResult<String> {
    let mut bytes = [0u8; 16];
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| EdgeError::new(500, "CryptoUnavailable", "globalThis.crypto missing"))?;
    let array = js_sys::Uint8Array::new_with_length(16);
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
        .ok_or_else(|| {
            EdgeError::new(500, "CryptoUnavailable", "crypto.getRandomValues missing")
        })?;
    get.call1(&crypto, &array)
        .map_err(|_| EdgeError::new(500, "CryptoUnavailable", "getRandomValues failed"))?;
    array.copy_to(&mut bytes);
    Ok(callsteer::http::uuid_v4_from_bytes(bytes))
}

struct StreamState {
    env: Env,
    id: String,
    last_seq: u64,
    /// The highest entry revision sent: a sent entry whose `rev` grew is sent again.
    last_rev: u64,
    /// The number of the last callback event sent (`CallbackLog` numbering).
    last_callback: u64,
    started_ms: i64,
    done: bool,
}

/// `text/event-stream` of the call's timeline: every entry once (`event: timeline`), an entry
/// again each time it changes (`event: update`: a command sent, retried, refused or settled by
/// its event), the callback events the call's object applied (`event: callbacks`, data
/// `{first, dropped, events}`: CloudEvents numbered from `first`, and how many of the call's
/// oldest events the object dropped for its cap — `CallbackLog`), then `event: end` when the
/// call is over.
fn events(env: &Env, id: &str) -> EdgeResult<Response> {
    let init = StreamState {
        env: env.clone(),
        id: id.to_owned(),
        last_seq: 0,
        last_rev: 0,
        last_callback: 0,
        started_ms: now_ms(),
        done: false,
    };
    let s = stream::unfold(init, |mut st| async move {
        if st.done {
            return None;
        }
        if st.last_seq > 0 {
            Delay::from(Duration::from_millis(STREAM_POLL_MS)).await;
        }
        let chunk = poll_once(&mut st).await;
        Some((chunk, st))
    });
    let resp = Response::from_stream(s)?;
    resp.headers().set("content-type", "text/event-stream")?;
    resp.headers().set("cache-control", "no-cache")?;
    Ok(resp)
}

async fn poll_once(st: &mut StreamState) -> worker::Result<Vec<u8>> {
    let mut out = String::new();
    let path = format!("/state?callbacksAfter={}", st.last_callback);
    let view: Option<Value> =
        match call_object::call(&st.env, &st.id, Method::Get, &path, None).await {
            Ok(mut r) if r.status_code() == 200 => r.json().await.ok(),
            _ => None,
        };
    let Some(view) = view else {
        st.done = true;
        return Ok(b"event: error\ndata: {\"message\":\"call not found\"}\n\n".to_vec());
    };
    let entries = view
        .get("timeline")
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    let (seen_seq, seen_rev) = (st.last_seq, st.last_rev);
    let mut changed: Vec<&Value> = entries
        .iter()
        .filter(|e| seq(e) > seen_seq || rev(e) > seen_rev)
        .collect();
    changed.sort_by_key(|e| seq(e));
    for e in changed {
        let kind = if seq(e) > seen_seq {
            "timeline"
        } else {
            "update"
        };
        st.last_seq = st.last_seq.max(seq(e));
        st.last_rev = st.last_rev.max(rev(e));
        out.push_str(&format!("event: {kind}\nid: {}\ndata: {}\n\n", seq(e), e));
    }
    st.last_seq = st.last_seq.max(1);
    if let Some(batch) = view.get("callbacks") {
        let first = batch.get("first").and_then(Value::as_u64).unwrap_or(1);
        let count = batch
            .get("events")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        st.last_callback = (first + count as u64).saturating_sub(1);
        out.push_str(&format!("event: callbacks\ndata: {batch}\n\n"));
    }
    let status = view.get("status").and_then(|s| s.as_str()).unwrap_or("");
    // Ends when our leg is gone (a transfer is followed by CallDisconnected) and no command
    // is still being sent (its last update — sent, refused — is streamed first), or on timeout.
    let ended = view
        .get("disconnected")
        .and_then(|d| d.as_bool())
        .unwrap_or(false)
        && view
            .get("outbox")
            .and_then(|o| o.as_array())
            .is_none_or(|o| o.is_empty());
    let over = ended || now_ms() - st.started_ms > STREAM_MAX_MS;
    if over {
        st.done = true;
        out.push_str(&format!(
            "event: end\ndata: {{\"status\":\"{status}\"}}\n\n"
        ));
    } else if out.is_empty() {
        out.push_str(": keep-alive\n\n");
    }
    Ok(out.into_bytes())
}

fn seq(e: &Value) -> u64 {
    e.get("seq").and_then(|s| s.as_u64()).unwrap_or(0)
}

fn rev(e: &Value) -> u64 {
    e.get("rev").and_then(|s| s.as_u64()).unwrap_or(0)
}
