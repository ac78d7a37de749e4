//! The Event Grid endpoint: subscription validation (Event Grid schema and the CloudEvents
//! OPTIONS handshake) and `IncomingCall` → routing rules → answer, redirect or reject.

use super::acs::{self, now_ms};
use super::call_object::{self, SetupBody};
use super::config::{routing_table, Config, KV};
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::event::parse_rfc3339_ms;
use crate::routing::call::wire::decision_request;
use crate::routing::call::CallSetup;
use crate::routing::incoming::IncomingCall;
use crate::routing::rules::Action;
use crate::routing::{Decision, RoutingTable};
use serde::Serialize;
use serde_json::Value;
use worker::{Env, Method, Request, Response};

const VALIDATION: &str = "Microsoft.EventGrid.SubscriptionValidationEvent";
const INCOMING_CALL: &str = "Microsoft.Communication.IncomingCall";

/// CloudEvents webhook validation: `OPTIONS` with `WebHook-Request-Origin`.
///
/// # Errors
/// 400 when the origin header is missing.
pub fn handshake(req: &Request) -> EdgeResult<Response> {
    let origin = req
        .headers()
        .get("webhook-request-origin")?
        .ok_or_else(|| EdgeError::bad_request("WebHook-Request-Origin header missing"))?;
    let resp = Response::empty()?.with_status(200);
    resp.headers().set("webhook-allowed-origin", &origin)?;
    resp.headers().set("webhook-allowed-rate", "*")?;
    resp.headers().set("allow", "POST, OPTIONS")?;
    Ok(resp)
}

/// What happened to one IncomingCall.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Routed {
    event_id: String,
    rule: Option<String>,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_connection_id: Option<String>,
}

/// `POST` from Event Grid: a batch (array, Event Grid schema or CloudEvents) or one CloudEvent.
///
/// # Errors
/// 400 for a body that is not JSON events, 502 when Call Automation refused the decision.
pub async fn handle(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let body: Value = serde_json::from_str(&req.text().await?)?;
    let events = match body {
        Value::Array(items) => items,
        obj @ Value::Object(_) => vec![obj],
        _ => {
            return Err(EdgeError::bad_request(
                "expected a JSON array of events or one CloudEvent",
            ))
        }
    };
    let kind = |e: &Value| {
        e.get("eventType")
            .or_else(|| e.get("type"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
    };
    if let Some(v) = events
        .iter()
        .find(|e| kind(e).as_deref() == Some(VALIDATION))
    {
        let code = v.pointer("/data/validationCode").and_then(|c| c.as_str());
        let code = code.ok_or_else(|| {
            EdgeError::bad_request("validation event without data.validationCode")
        })?;
        return Ok(json(
            &serde_json::json!({ "validationResponse": code }),
            200,
        )?);
    }
    let cfg = Config::from_env(env)?;
    let origin = req.url()?.origin().ascii_serialization();
    let mut routed = Vec::new();
    let mut table: Option<RoutingTable> = None;
    for ev in events
        .iter()
        .filter(|e| kind(e).as_deref() == Some(INCOMING_CALL))
    {
        let table = match &table {
            Some(t) => t,
            None => table.insert(routing_table(env).await?.0),
        };
        routed.push(route_one(ev, table, &cfg, &origin, env).await?);
    }
    Ok(json(&serde_json::json!({ "routed": routed }), 200)?)
}

async fn route_one(
    ev: &Value,
    table: &RoutingTable,
    cfg: &Config,
    origin: &str,
    env: &Env,
) -> EdgeResult<Routed> {
    let now = now_ms();
    let event_id = ev
        .get("id")
        .and_then(|i| i.as_str())
        .unwrap_or_default()
        .to_owned();
    if event_id.is_empty() {
        return Err(EdgeError::bad_request("IncomingCall event without id"));
    }
    let time = ev
        .get("eventTime")
        .or_else(|| ev.get("time"))
        .and_then(|t| t.as_str());
    let event_ms = time.and_then(parse_rfc3339_ms).unwrap_or(now);
    let data = ev.get("data").cloned().unwrap_or(Value::Null);
    let call = IncomingCall::from_data(&data, now / 1000)?;
    let decision = table.route(&call.info);
    let callback = cfg.callback_uri(origin);
    let req = decision_request(
        &decision.action,
        &call,
        &callback,
        &event_id,
        (event_ms / 1000) as u64,
        &cfg.api_version,
    )?;
    let resp = acs::send(cfg, &req).await?;
    let accepted = (200..300).contains(&resp.status);
    if !accepted {
        record_decision(env, &call, &event_id, &decision, resp.status, None, now).await;
    }
    if !accepted {
        let reason = acs::failure_reason(&resp);
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
        action: action_name(&decision.action),
        call_connection_id: None,
    };
    if let Action::Answer { flow } = decision.action {
        let props: Value = serde_json::from_slice(&resp.body)?;
        let id = props.get("callConnectionId").and_then(|i| i.as_str());
        let id = id.ok_or_else(|| {
            EdgeError::new(
                502,
                "CallAutomationError",
                "answer response has no callConnectionId",
            )
        })?;
        let setup = CallSetup {
            rule: decision.rule,
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
        &decision_view,
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
    d: &Decision,
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
        "action": d.action,
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
