//! The Call Automation callback endpoint: authenticate, then the core's inbound pipeline
//! ([`callsteer::events::classify`]: every event of the batch decoded), hand each call's events
//! to its Durable Object — the session's view of each and the CloudEvent the admin page's
//! event processor reads ([`cloud_event`], from the same decoding) — answer 200.

use super::auth::verify_callback;
use super::call_object::{self, Delivered, Delivery, EventsBody};
use super::config::Config;
use super::respond::{json, EdgeError, EdgeResult};
use crate::routing::call::callback_log::cloud_event;
use crate::routing::call::CallEvent;
use callsteer::events::{classify, CallbackAuth, Inbound, Rejection};
use std::collections::BTreeMap;
use worker::{Env, Method, Request, Response};

/// `POST /api/callbacks`. Nothing is decoded or stored before the token is verified.
///
/// # Errors
/// 401 for a missing or invalid token, 400 for a body that is not callback CloudEvents.
pub(crate) async fn handle(mut req: Request, env: &Env) -> EdgeResult<Response> {
    let cfg = Config::from_env(env)?;
    let claims = verify_callback(&cfg, &req).await?;
    let headers: Vec<(String, String)> = req.headers().entries().collect();
    let body = req.bytes().await?;
    let auth = match &claims {
        Some(c) => CallbackAuth::Verified(c),
        // Shared-secret mode: the secret was checked above.
        None => CallbackAuth::InsecureSkipVerification,
    };
    let events = match classify("POST", &headers, &body, auth) {
        Inbound::Callbacks { events, .. } => events,
        Inbound::Rejected {
            rejection: Rejection::BadRequest { reason },
            ..
        } => return Err(EdgeError::new(400, "DecodeError", reason)),
        Inbound::Rejected { rejection, .. } => {
            return Err(EdgeError::new(
                rejection.status(),
                "BadRequest",
                "callback refused",
            ))
        }
        _ => {
            return Err(EdgeError::bad_request(
                "not Call Automation callback events",
            ))
        }
    };
    // Group by call, keeping each call's delivery order.
    let mut by_call: BTreeMap<String, Vec<Delivered>> = BTreeMap::new();
    for decoded in &events {
        let event = CallEvent::from_callback(decoded)?;
        by_call
            .entry(event.call_connection_id.clone())
            .or_default()
            .push(Delivered {
                event,
                cloud_event: cloud_event(decoded)?,
            });
    }
    let mut total = Delivery::default();
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
        let got: Delivery = resp.json().await?;
        let (sum, one) = (&mut total.outcome, got.outcome);
        sum.applied += one.applied;
        sum.duplicates += one.duplicates;
        sum.commands += one.commands;
        sum.bytes_written += one.bytes_written;
        total.held += got.held;
        total.refused += got.refused;
        if got.held + got.refused > 0 {
            // The id is the sender's claim and may be made up: logged only as a count.
            worker::console_log!(
                "callbacks: {} event(s) held and {} refused for a call this worker did not answer, create or connect",
                got.held,
                got.refused
            );
        }
    }
    Ok(json(&total, 200)?)
}
