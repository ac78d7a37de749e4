//! The service API handler: faults, api-version, authentication, repeatability,
//! decoding, then the simulation.

use super::routes::{self, Route};
use super::{App, Stored};
use crate::auth::{self, SignedRequest};
use crate::counts::Fate;
use crate::delivery::{now_ms, now_s};
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use std::sync::Arc;

/// The only api-version the emulator serves (the spec it implements).
pub(crate) const API_VERSION: &str = "2026-03-12";

/// JSON (or empty) response with `status`.
pub(crate) fn respond(status: u16, body: Option<&serde_json::Value>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        Some(b) => (code, [("content-type", "application/json")], b.to_string()).into_response(),
        None => code.into_response(),
    }
}

pub(crate) fn error(e: &ApiError) -> Response {
    respond(e.status, Some(&e.body()))
}

pub(super) async fn handle(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let route = match routes::route(method.as_str(), uri.path()) {
        Ok(r) => r,
        Err(e) => {
            app.count(None, None, Fate::Refused);
            return error(&e);
        }
    };
    let op = Some(route.op.as_str());
    let path_call = route.id.as_deref();
    if let Some(resp) = inject_faults(&app).await {
        app.count(op, path_call, Fate::Faulted);
        return resp;
    }
    let repeat_id = match check_api_version(&uri)
        .and_then(|_| authenticate(&app, &method, &uri, &headers, &body))
        .and_then(|_| repeatability(&route, &headers))
    {
        Ok(id) => id,
        Err(e) => {
            app.count(op, path_call, Fate::Refused);
            return error(&e);
        }
    };
    let (status, body, jobs, repeated) = run(&app, &route, &body, repeat_id);
    // Create, answer and connect name their call connection in the response.
    let call = path_call.map(str::to_owned).or_else(|| {
        let id = body.as_ref()?.get("callConnectionId")?.as_str()?;
        Some(id.to_owned())
    });
    let fate = if repeated {
        Fate::Repeated
    } else {
        Fate::Applied(status)
    };
    app.count(op, call.as_deref(), fate);
    let early = app
        .faults
        .lock()
        .map(|f| f.events_before_response)
        .unwrap_or(false);
    if early {
        for j in &jobs {
            super::worker::deliver_counted(&app, j).await;
        }
        app.wake.notify_one();
    } else {
        app.enqueue(jobs);
    }
    respond(status, body.as_ref())
}

/// What a request produced: status, body, events to deliver.
type Outcome = (u16, Option<serde_json::Value>, Vec<crate::delivery::Job>);

/// Decodes and applies the request. A repeated `Repeatability-Request-ID` returns the
/// stored first response; the lookup, the effect and the store happen under the
/// simulation lock, so concurrent retries still apply once. The flag is true for such a
/// stored answer (the request had no effect).
fn run(
    app: &App,
    route: &Route,
    body: &[u8],
    repeat_id: Option<String>,
) -> (
    u16,
    Option<serde_json::Value>,
    Vec<crate::delivery::Job>,
    bool,
) {
    let Ok(mut sim) = app.sim.lock() else {
        let e = ApiError::new(500, "InternalError", "The emulator state is poisoned.");
        return (500, Some(e.body()), Vec::new(), false);
    };
    let stored = repeat_id
        .as_ref()
        .and_then(|id| app.repeat.lock().ok()?.get(id).cloned());
    if let Some(s) = stored {
        return (s.status, s.body, Vec::new(), true);
    }
    let (status, body, jobs) = apply(app, &mut sim, route, body);
    if let (Some(id), Ok(mut m)) = (repeat_id, app.repeat.lock()) {
        m.insert(
            id,
            Stored {
                status,
                body: body.clone(),
            },
        );
    }
    (status, body, jobs, false)
}

fn apply(app: &App, sim: &mut crate::Simulation, route: &Route, body: &[u8]) -> Outcome {
    let req = match routes::decode(route, body) {
        Ok(r) => r,
        Err(e) => return (e.status, Some(e.body()), Vec::new()),
    };
    let now = now_ms();
    let result = sim.handle_request(req, now);
    if app
        .faults
        .lock()
        .map(|f| f.events_before_response)
        .unwrap_or(false)
    {
        // Let work due "now" (a call that connects at once) happen before the reply.
        sim.handle_timeout(now);
    }
    let jobs = app.drain(sim);
    match result {
        Ok(reply) => (reply.status, reply.body, jobs),
        Err(e) => (e.status, Some(e.body()), jobs),
    }
}

async fn inject_faults(app: &App) -> Option<Response> {
    let faults = app.faults.lock().ok()?.clone();
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    let hit = faults.error_rate > 0.0 && app.rng.lock().ok()?.gen_bool(faults.error_rate);
    if !hit {
        return None;
    }
    let status = faults.status();
    let code = if status == 429 {
        "TooManyRequests"
    } else {
        "ServiceUnavailable"
    };
    let e = ApiError::new(status, code, "Injected fault: try again later.");
    let mut resp = error(&e);
    if let Ok(v) = faults.retry_after().to_string().parse() {
        resp.headers_mut().insert("retry-after", v);
    }
    Some(resp)
}

fn check_api_version(uri: &Uri) -> Result<(), ApiError> {
    let version = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("api-version="));
    match version {
        None => Err(ApiError::bad_request("The api-version query parameter is required.")),
        Some(API_VERSION) => Ok(()),
        Some(v) => Err(ApiError::not_found(format!(
            "No HTTP resource was found that matches the request URI with api-version={v}; the emulator serves api-version={API_VERSION}."
        ))),
    }
}

fn authenticate(
    app: &App,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(token) = h("authorization").and_then(|a| a.strip_prefix("Bearer ")) {
        return app
            .signer
            .verify(token.trim(), auth::BEARER_AUDIENCE, now_s())
            .map(|_| ())
            .map_err(|r| ApiError::unauthorized(format!("Bearer token rejected: {r}.")));
    }
    let pq = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let req = SignedRequest {
        method: method.as_str(),
        path_and_query: pq,
        authorization: h("authorization"),
        date: h("x-ms-date").or_else(|| h("date")),
        host: h("host"),
        content_sha256: h("x-ms-content-sha256"),
        body,
    };
    auth::verify_hmac(&app.key, &req, now_s())
        .map_err(|r| ApiError::unauthorized(format!("HMAC authentication failed: {r}.")))
}

/// The `Repeatability-Request-ID` of a repeatable request, validated.
fn repeatability(route: &Route, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let id = headers
        .get("repeatability-request-id")
        .and_then(|v| v.to_str().ok());
    let Some(id) = id.filter(|_| route.op.is_repeatable()) else {
        return Ok(None);
    };
    let uuid_like = id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        });
    if !uuid_like {
        return Err(ApiError::field(
            "Repeatability-Request-ID",
            "must be a UUID",
        ));
    }
    let first = headers
        .get("repeatability-first-sent")
        .and_then(|v| v.to_str().ok());
    match first.map(callsteer::time::parse_http_date) {
        Some(Some(_)) => Ok(Some(format!(
            "{}:{}",
            route.op.as_str(),
            id.to_ascii_lowercase()
        ))),
        Some(None) => Err(ApiError::field(
            "Repeatability-First-Sent",
            "must be an IMF-fixdate",
        )),
        None => Err(ApiError::field(
            "Repeatability-First-Sent",
            "is required with Repeatability-Request-ID",
        )),
    }
}
