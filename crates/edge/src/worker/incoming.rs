//! The incoming-call webhook: Event Grid deliveries, authenticated first (an Entra token
//! or a delivery secret, [`IncomingAuth`]), then classified by the core
//! ([`callsteer::events::classify_authenticated_delivery`]): the CloudEvents `OPTIONS` and
//! Event Grid `SubscriptionValidation` handshakes are answered, and each `IncomingCall`
//! goes through the routing rules to an answer, redirect or reject. A caller that a draft names
//! as a test caller goes through the draft instead.

use super::acs::{self, now_ms};
use super::auth::verify_incoming;
use super::call_object::{self, SetupBody};
use super::config::{
    routing_table, Config, IncomingAuth, StoredRules, DRAFT_RULES_PREFIX, KV, TEST_CALLERS_KEY,
};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::wire::{decision_operation, DecisionOp};
use crate::routing::call::CallSetup;
use crate::routing::drafts::{draft_for, TestCallers};
use crate::routing::incoming::IncomingCall;
use crate::routing::rules::Action;
use crate::routing::{Decision, RoutingTable};
use callsteer::api::Operation;
use callsteer::events::{
    classify_authenticated_delivery, EventGridData, EventGridEvent, Inbound, Rejection,
    WebhookResponse, MAX_BODY_BYTES,
};
use callsteer::time::parse_rfc3339_ms;
use serde::Serialize;
use serde_json::Value;
use worker::{Env, Method, Request, Response};

/// What happened to one IncomingCall.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Routed {
    event_id: String,
    rule: Option<String>,
    revision: String,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_connection_id: Option<String>,
}

/// Any request to `/api/incoming`. Authentication comes first and reads only the query and
/// headers: a refused request gets 401 JSON before its body is read, and nothing is routed,
/// stored or sent.
///
/// # Errors
/// 401 unauthenticated; 500 `ConfigError` when the webhook's authentication is not
/// configured (fail closed); 400/405/413 from the core's classification; 502 when Call
/// Automation refused a decision.
pub(crate) async fn handle(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let auth = IncomingAuth::from_env(env)?;
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    let url = req.url()?;
    let proof = verify_incoming(&auth, url.query(), &headers).await?;
    let method = req.method();
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(rejected(&Rejection::PayloadTooLarge));
    }
    let body = match method {
        Method::Post => req.bytes().await?,
        _ => Vec::new(),
    };
    let events = match classify_authenticated_delivery(&proof, method.as_ref(), &headers, &body) {
        Inbound::Preflight { response, .. } | Inbound::SubscriptionValidation { response, .. } => {
            return copy(&response);
        }
        Inbound::EventGrid { events, .. } => events,
        Inbound::Rejected { rejection, .. } => return Err(rejected(&rejection)),
        _ => return Err(EdgeError::bad_request("not an Event Grid delivery")),
    };
    let cfg = Config::from_env(env)?;
    let origin = url.origin().ascii_serialization();
    let mut routed = Vec::new();
    let mut table: Option<(RoutingTable, String, TestCallers)> = None;
    for ev in &events {
        let EventGridData::IncomingCall(data) = &ev.data else {
            continue;
        };
        let (table, revision, test_callers) = match &table {
            Some(t) => t,
            None => {
                let (t, callers) =
                    futures_util::future::join(routing_table(env), test_callers(env)).await;
                let (t, live) = t?;
                table.insert((t, live.revision, callers))
            }
        };
        let rules = Rules {
            table,
            revision,
            test_callers,
        };
        routed.push(route_one(ev, data, &rules, &cfg, &origin, env).await?);
    }
    Ok(json(&serde_json::json!({ "routed": routed }), 200)?)
}

/// The core's answer, as a worker response.
fn copy(r: &WebhookResponse) -> EdgeResult<Response> {
    let resp = if r.body.is_empty() {
        Response::empty()?
    } else {
        Response::ok(r.body.clone())?
    }
    .with_status(r.status);
    for (name, value) in &r.headers {
        resp.headers().set(name, value)?;
    }
    Ok(resp)
}

/// The core's refusal, as the worker's JSON error.
fn rejected(r: &Rejection) -> EdgeError {
    let (code, message) = match r {
        Rejection::MethodNotAllowed => ("MethodNotAllowed", "use POST or OPTIONS".to_owned()),
        Rejection::PayloadTooLarge => (
            "PayloadTooLarge",
            format!("body over {MAX_BODY_BYTES} bytes"),
        ),
        Rejection::BadRequest { reason } => ("BadRequest", reason.clone()),
        _ => ("Unauthorized", "delivery refused".to_owned()),
    };
    EdgeError::new(r.status(), code, message)
}

/// The rules a delivery routes with: the live table and its revision, and the drafts' test
/// callers.
struct Rules<'a> {
    table: &'a RoutingTable,
    revision: &'a str,
    test_callers: &'a TestCallers,
}

/// The drafts' test callers (KV, [`TEST_CALLERS_KEY`]). Best effort: a KV failure is logged and
/// routes every caller by the live rules.
async fn test_callers(env: &Env) -> TestCallers {
    let read = async {
        let text = env.kv(KV)?.get(TEST_CALLERS_KEY).text().await?;
        Ok::<_, EdgeError>(match text {
            Some(t) => serde_json::from_str(&t)?,
            None => TestCallers::new(),
        })
    };
    read.await.unwrap_or_else(|e| {
        worker::console_error!("reading the test callers failed: {}", e.message);
        TestCallers::new()
    })
}

/// The table of draft `name` (as mirrored to KV for its test callers) and its revision
/// (`draft:<name>@<etag>`); `None` when it is gone or no longer loads.
async fn draft_table(env: &Env, name: &str) -> Option<(RoutingTable, String)> {
    let key = format!("{DRAFT_RULES_PREFIX}{name}");
    let text = env.kv(KV).ok()?.get(&key).text().await.ok()??;
    let stored: StoredRules = serde_json::from_str(&text).ok()?;
    match RoutingTable::from_json(&stored.text) {
        Ok(t) => Some((t, stored.revision)),
        Err(e) => {
            worker::console_error!("draft {name} refused for its test caller: {e}");
            None
        }
    }
}

async fn route_one(
    ev: &EventGridEvent,
    data: &callsteer::events::IncomingCall,
    rules: &Rules<'_>,
    cfg: &Config,
    origin: &str,
    env: &Env,
) -> EdgeResult<Routed> {
    let now = now_ms();
    let event_id = ev.id.clone();
    if event_id.is_empty() {
        return Err(EdgeError::bad_request("IncomingCall event without id"));
    }
    let event_ms = ev
        .event_time
        .as_deref()
        .and_then(parse_rfc3339_ms)
        .unwrap_or(now);
    let call = IncomingCall::from_event(data, now / 1000)?;
    // A draft's test caller is routed by the draft (docs/flows.md, "Test callers").
    let drafted = match draft_for(rules.test_callers, &call.info) {
        Some(name) => draft_table(env, name).await,
        None => None,
    };
    let (table, revision) = match &drafted {
        Some((t, r)) => (t, r.as_str()),
        None => (rules.table, rules.revision),
    };
    let decision = table.route(&call.info);
    let callback = cfg.callback_uri(origin);
    let op = decision_operation(
        &decision.action,
        &call,
        &callback,
        &event_id,
        (event_ms / 1000) as u64,
    );
    let req = op.to_request(&cfg.api_version)?;
    let resp = acs::send(cfg, &req).await?;
    let accepted = (200..300).contains(&resp.status);
    if !accepted {
        record_decision(
            env,
            &call,
            &event_id,
            (&decision, revision),
            resp.status,
            None,
            now,
        )
        .await;
    }
    if !accepted {
        let reason = callsteer::send::failure_reason(&resp);
        return Err(EdgeError::new(
            502,
            "CallAutomationError",
            format!("{} refused: {reason}", action_name(&decision.action)),
        ));
    }
    let decision_view = decision.clone();
    let mut routed = Routed {
        event_id,
        rule: decision.rule.clone(),
        revision: revision.to_owned(),
        action: action_name(&decision.action),
        call_connection_id: None,
    };
    if let (Action::Answer { flow }, DecisionOp::Answer(answer)) = (decision.action, &op) {
        let props = answer.decode(&resp.as_response())?;
        let id = props.call_connection_id.as_deref();
        let id = id.ok_or_else(|| {
            EdgeError::new(
                502,
                "CallAutomationError",
                "answer response has no callConnectionId",
            )
        })?;
        let setup = CallSetup {
            rule: decision.rule,
            revision: Some(revision.to_owned()),
            flow,
            caller: call.from_raw_id.clone(),
            callee: call.to_raw_id.clone(),
            caller_display_name: call.info.caller_display_name.clone(),
            incoming_event_id: routed.event_id.clone(),
            answered_at_ms: now,
        };
        let body = serde_json::to_string(&SetupBody {
            call_connection_id: id.to_owned(),
            setup,
        })?;
        call_object::call(env, id, Method::Post, "/setup", Some(body)).await?;
        routed.call_connection_id = Some(id.to_owned());
    }
    let id = routed.call_connection_id.as_deref();
    record_decision(
        env,
        &call,
        &routed.event_id,
        (&decision_view, revision),
        resp.status,
        id,
        now,
    )
    .await;
    Ok(routed)
}

/// Keeps the decision for the admin API (`GET /admin/decisions/{serverCallId}`), a day long.
/// A re-delivered IncomingCall (same event id) is recorded once.
/// Best effort: a KV failure is logged, never fails the webhook.
async fn record_decision(
    env: &Env,
    call: &IncomingCall,
    event_id: &str,
    (d, revision): (&Decision, &str),
    status: u16,
    call_connection_id: Option<&str>,
    now: i64,
) {
    let key = call.server_call_id.as_deref().unwrap_or(event_id);
    let value = serde_json::json!({
        "eventId": event_id,
        "serverCallId": call.server_call_id,
        "from": call.info.from,
        "to": call.info.to,
        "rule": d.rule,
        "revision": revision,
        "action": d.action,
        "summary": d.action.summary(),
        "serviceStatus": status,
        "callConnectionId": call_connection_id,
        "atMs": now,
    });
    // A redirected call comes back as a new IncomingCall with the same server call id:
    // decisions for one server call are kept as a list, oldest first.
    let put = async {
        let kv = env.kv(KV)?;
        let key = format!("decision:{key}");
        let mut list: Vec<Value> = match kv.get(&key).text().await? {
            Some(text) => serde_json::from_str(&text).unwrap_or_default(),
            None => Vec::new(),
        };
        if !list
            .iter()
            .any(|d| d.get("eventId").and_then(|e| e.as_str()) == Some(event_id))
        {
            list.push(value);
        }
        kv.put(&key, serde_json::to_string(&list)?)?
            .expiration_ttl(86_400)
            .execute()
            .await?;
        Ok::<(), EdgeError>(())
    };
    if let Err(e) = put.await {
        worker::console_error!("recording decision failed: {}", e.message);
    }
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Answer { .. } => "answer",
        Action::Redirect { .. } => "redirect",
        Action::Reject { .. } => "reject",
    }
}
