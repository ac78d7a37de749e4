//! The Call Automation callback endpoint: authenticate, decode, hand each call's events
//! to its Durable Object, answer 200.

use super::auth::verify_callback;
use super::call_object::{self, EventsBody, EventsOutcome};
use super::config::Config;
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::CallEvent;
use serde_json::Value;
use std::collections::BTreeMap;
use worker::{Env, Method, Request, Response};

/// `POST /api/callbacks`. Nothing is decoded or stored before the token is verified.
///
/// # Errors
/// 401 for a missing or invalid token, 400 for a body that is not CloudEvents.
pub async fn handle(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let cfg = Config::from_env(env)?;
    verify_callback(&cfg, &req).await?;
    let body: Value = serde_json::from_str(&req.text().await?)?;
    let items = match body {
        Value::Array(items) => items,
        obj @ Value::Object(_) => vec![obj],
        _ => {
            return Err(EdgeError::bad_request(
                "expected a JSON array of CloudEvents",
            ))
        }
    };
    // Group by call, keeping each call's delivery order.
    let mut by_call: BTreeMap<String, Vec<CallEvent>> = BTreeMap::new();
    for item in &items {
        let ev = CallEvent::from_cloud_event(item)?;
        by_call
            .entry(ev.call_connection_id.clone())
            .or_default()
            .push(ev);
    }
    let mut total = EventsOutcome::default();
    for (id, events) in by_call {
        let body = serde_json::to_string(&EventsBody {
            call_connection_id: id.clone(),
            events,
        })?;
        let mut resp = call_object::call(env, &id, Method::Post, "/events", Some(body)).await?;
        if resp.status_code() != 200 {
            return Err(EdgeError::new(
                resp.status_code(),
                "CallObjectError",
                resp.text().await?,
            ));
        }
        let outcome: EventsOutcome = resp.json().await?;
        total.applied += outcome.applied;
        total.duplicates += outcome.duplicates;
        total.commands += outcome.commands;
    }
    Ok(json(&total, 200)?)
}
