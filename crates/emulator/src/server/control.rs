//! The control API (`/emulator/…`) and the key endpoints. Unauthenticated: the
//! emulator is a development tool bound to loopback.

use super::service::{error, respond};
use super::App;
use crate::auth::BEARER_AUDIENCE;
use crate::delivery::{now_ms, now_s, Subscription};
use crate::error::ApiError;
use crate::faults::Faults;
use crate::jwt::openid_configuration;
use crate::sim::control::{parse_party, Consumer};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

type St = State<Arc<App>>;

fn body<T: DeserializeOwned>(b: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(b);
    serde_path_to_error::deserialize(de)
        .map_err(|e| ApiError::bad_request(format!("Invalid body at {}: {}", e.path(), e.inner())))
}

fn ok(status: u16, v: Value) -> Response {
    respond(status, Some(&v))
}

pub(super) async fn keys(State(app): St) -> Response {
    ok(200, app.signer.jwks())
}

pub(super) async fn openid(State(app): St) -> Response {
    ok(200, openid_configuration(&app.base_url))
}

/// The emulated Entra tenant's key set (one key for every tenant: the emulator is one issuer).
pub(super) async fn entra_keys(State(app): St, Path(_tenant): Path<String>) -> Response {
    ok(200, app.entra.jwks())
}

pub(super) async fn entra_openid(State(app): St, Path(tenant): Path<String>) -> Response {
    ok(
        200,
        crate::jwt::entra_openid_configuration(&app.deliverer.entra_authority(), &tenant),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EntraTokenRequest {
    tenant: String,
    audience: String,
    #[serde(default)]
    token_version: Option<u8>,
    #[serde(default)]
    expires_in_seconds: Option<i64>,
}

/// `POST /emulator/entra/tokens`: a token as Entra would issue Event Grid for a webhook
/// application, for tests of the receiving side (an expired one with a negative lifetime).
pub(super) async fn entra_token(State(app): St, b: Bytes) -> Response {
    let r: EntraTokenRequest = match body(&b) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    let version = r.token_version.unwrap_or(2);
    if !matches!(version, 1 | 2) {
        return error(&ApiError::field("tokenVersion", "must be 1 or 2"));
    }
    let authority = app.deliverer.entra_authority();
    let claims = crate::jwt::EntraClaims {
        authority: &authority,
        tenant: &r.tenant,
        audience: &r.audience,
        version,
        expires_in: r
            .expires_in_seconds
            .unwrap_or(crate::jwt::ENTRA_TOKEN_LIFETIME_S),
    };
    let token = app.entra.sign(&claims.to_json(now_s()));
    ok(201, json!({ "token": token, "issuer": claims.issuer() }))
}

pub(super) async fn subscribe(State(app): St, b: Bytes) -> Response {
    let s: Subscription = match body(&b) {
        Ok(s) => s,
        Err(e) => return error(&e),
    };
    if let Err((field, reason)) = s.validate() {
        return error(&ApiError::field(field, reason));
    }
    let (id, code) = (uuid(&app), uuid(&app));
    match app.deliverer.validate_subscription(&s, &id, &code).await {
        Ok(()) => {
            let endpoint = s.endpoint.clone();
            if let Ok(mut subs) = app.subscriptions.lock() {
                // One subscription per endpoint: subscribing again replaces its settings.
                subs.retain(|x| x.endpoint != s.endpoint);
                subs.push(Arc::new(s));
            }
            ok(201, json!({ "endpoint": endpoint, "validated": true }))
        }
        Err(reason) => error(&ApiError::bad_request(format!(
            "Subscription validation failed: {reason}"
        ))),
    }
}

fn uuid(app: &App) -> String {
    let mut b = [0u8; 16];
    if let Ok(mut r) = app.rng.lock() {
        rand::RngCore::fill_bytes(&mut *r, &mut b);
    }
    callsteer::http::uuid_v4_from_bytes(b)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IncomingCall {
    from: String,
    to: String,
    caller_display_name: Option<String>,
    custom_context: Option<Value>,
}

pub(super) async fn incoming_call(State(app): St, b: Bytes) -> Response {
    let r = (|| {
        let c: IncomingCall = body(&b)?;
        let from = parse_party("from", &c.from)?;
        let to = parse_party("to", &c.to)?;
        if c.custom_context.as_ref().is_some_and(|v| !v.is_object()) {
            return Err(ApiError::field(
                "customContext",
                "must be an object (voipHeaders, sipHeaders)",
            ));
        }
        let mut sim = app
            .sim
            .lock()
            .map_err(|_| ApiError::new(500, "InternalError", "state poisoned"))?;
        let created =
            sim.handle_incoming_call(from, to, c.caller_display_name, c.custom_context, now_ms());
        Ok::<_, ApiError>((created, app.drain(&mut sim)))
    })();
    match r {
        Ok((created, jobs)) => {
            app.enqueue(jobs);
            ok(
                201,
                json!({
                    "serverCallId": created.server_call_id,
                    "incomingCallContext": created.incoming_call_context,
                    "correlationId": created.correlation_id,
                }),
            )
        }
        Err(e) => error(&e),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PartyInput {
    call_connection_id: String,
    participant: String,
    tones: Option<String>,
    text: Option<String>,
}

/// Runs one remote-party input against the simulation and queues its events.
fn party_input(
    app: &App,
    b: &[u8],
    f: impl FnOnce(&mut crate::Simulation, &PartyInput, u64) -> Result<Consumer, ApiError>,
) -> Response {
    let r = (|| {
        let input: PartyInput = body(b)?;
        let mut sim = app
            .sim
            .lock()
            .map_err(|_| ApiError::new(500, "InternalError", "state poisoned"))?;
        let consumer = f(&mut sim, &input, now_ms())?;
        Ok::<_, ApiError>((consumer, app.drain(&mut sim)))
    })();
    match r {
        Ok((consumer, jobs)) => {
            app.enqueue(jobs);
            ok(202, json!({ "consumedBy": consumer.as_str() }))
        }
        Err(e) => error(&e),
    }
}

pub(super) async fn dtmf(State(app): St, b: Bytes) -> Response {
    party_input(&app, &b, |sim, i, now| {
        let tones = i
            .tones
            .as_deref()
            .ok_or_else(|| ApiError::field("tones", "is required"))?;
        sim.handle_dtmf(&i.call_connection_id, &i.participant, tones, now)
    })
}

pub(super) async fn speech(State(app): St, b: Bytes) -> Response {
    party_input(&app, &b, |sim, i, now| {
        let text = i
            .text
            .as_deref()
            .ok_or_else(|| ApiError::field("text", "is required"))?;
        sim.handle_speech(&i.call_connection_id, &i.participant, text, now)
    })
}

pub(super) async fn hangup(State(app): St, b: Bytes) -> Response {
    party_input(&app, &b, |sim, i, now| {
        sim.handle_remote_hangup(&i.call_connection_id, &i.participant, now)
            .map(|_| Consumer::Nobody)
    })
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct NewRoom {
    room_id: Option<String>,
    pstn_dial_out_enabled: bool,
}

pub(super) async fn room(State(app): St, b: Bytes) -> Response {
    let r: Result<NewRoom, _> = if b.is_empty() {
        Ok(NewRoom::default())
    } else {
        body(&b)
    };
    match (r, app.sim.lock()) {
        (Ok(r), Ok(mut sim)) => {
            let id = sim.create_room(r.room_id, r.pstn_dial_out_enabled);
            ok(
                201,
                json!({ "roomId": id, "pstnDialOutEnabled": r.pstn_dial_out_enabled }),
            )
        }
        (Err(e), _) => error(&e),
        (_, Err(_)) => error(&ApiError::new(500, "InternalError", "state poisoned")),
    }
}

/// Mints a bearer token the service API accepts (the emulator's stand-in for Entra ID).
pub(super) async fn token(State(app): St) -> Response {
    let t = app.signer.token(&app.base_url, BEARER_AUDIENCE, now_s());
    ok(
        201,
        json!({ "token": t, "expiresInSeconds": crate::jwt::TOKEN_LIFETIME_S }),
    )
}

pub(super) async fn calls(State(app): St) -> Response {
    match app.sim.lock() {
        Ok(sim) => ok(200, json!({ "value": sim.list_calls() })),
        Err(_) => error(&ApiError::new(500, "InternalError", "state poisoned")),
    }
}

pub(super) async fn call(State(app): St, Path(id): Path<String>) -> Response {
    match app.sim.lock().ok().and_then(|s| s.call_detail(&id)) {
        Some(v) => ok(200, v),
        None => error(&ApiError::not_found(format!(
            "Call connection {id} was not found."
        ))),
    }
}

/// `GET /emulator/requests`: every service API request received, by fate and by call.
pub(super) async fn requests(State(app): St) -> Response {
    match app.requests.lock() {
        Ok(c) => ok(200, c.to_json()),
        Err(_) => error(&ApiError::new(500, "InternalError", "state poisoned")),
    }
}

/// `GET /emulator/deliveries`: every event delivery attempt, its outcome and latency.
pub(super) async fn deliveries(State(app): St) -> Response {
    match app.deliveries.lock() {
        Ok(c) => ok(200, c.to_json()),
        Err(_) => error(&ApiError::new(500, "InternalError", "state poisoned")),
    }
}

pub(super) async fn set_faults(State(app): St, b: Bytes) -> Response {
    let f: Faults = match body(&b) {
        Ok(f) => f,
        Err(e) => return error(&e),
    };
    if let Err(reason) = f.validate() {
        return error(&ApiError::bad_request(reason));
    }
    if let Ok(mut cur) = app.faults.lock() {
        *cur = f.clone();
    }
    ok(200, json!(f))
}

pub(super) async fn clear_faults(State(app): St) -> Response {
    if let Ok(mut cur) = app.faults.lock() {
        *cur = Faults::default();
    }
    respond(204, None)
}

pub(super) async fn get_faults(State(app): St) -> Response {
    let f = app.faults.lock().map(|f| f.clone()).unwrap_or_default();
    ok(200, json!(f))
}
