//! One function for a webhook endpoint: what is this request, and what do I answer?
//!
//! [`classify`] takes the method, headers and body of an inbound request and returns an
//! [`Inbound`] that always carries the exact [`WebhookResponse`] to write (status, headers,
//! body), so an edge worker only copies it out:
//!
//! | request | result | answer |
//! |---|---|---|
//! | `OPTIONS` with `WebHook-Request-Origin` (CloudEvents abuse protection) | `Preflight` | 200, `WebHook-Allowed-Origin: <origin>` |
//! | Event Grid `SubscriptionValidationEvent` | `SubscriptionValidation` | 200 `{"validationResponse":"<code>"}` |
//! | Event Grid notification (IncomingCall, CallStarted, …) | `EventGrid` | 200 |
//! | callback CloudEvents with a valid JWT | `Callbacks` | 200 |
//! | anything else | `Rejected` | 400 / 401 / 405 / 413 |
//!
//! Routing: an `aeg-event-type` header means Event Grid; otherwise an `Authorization` header
//! means a callback (the token is verified before the body is parsed); otherwise the body
//! decides (Event Grid schema, or CloudEvents whose types only Event Grid sends).
//!
//! Event Grid does not sign deliveries, so [`classify`] does **not** authenticate its
//! `EventGrid` results. An endpoint that only takes Event Grid deliveries (the incoming-call
//! webhook) uses [`classify_event_grid`] instead, which takes only a request that passed
//! [`DeliveryAuth::check`] (an Entra token or a shared secret) and never yields callbacks.
//! Callback kinds never come out of the Event Grid path, so it cannot be used to forge callbacks.

use serde_json::Value;

use super::callback::decode_callback_value;
use super::eventgrid::{decode_event_grid_value, is_event_grid_type};
use super::{CallbackEvent, EventGridData, EventGridEvent, SubscriptionValidation};
use crate::webhook::{
    Authenticated, DeliveryAuth, DeliveryAuthError, Jwks, JwtError, JwtVerifier, VerifiedClaims,
};

/// Largest body accepted (Event Grid's limit for an event or a batch is 1 MB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the endpoint should answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers to set.
    pub headers: Vec<(String, String)>,
    /// Body (empty for most answers).
    pub body: String,
}

impl WebhookResponse {
    fn empty(status: u16) -> Self {
        WebhookResponse {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// How callbacks are authenticated.
#[derive(Debug, Clone, Copy)]
pub enum CallbackAuth<'a> {
    /// Verify `Authorization: Bearer <JWT>` with this verifier and key set at `now_unix`.
    Jwt {
        verifier: &'a JwtVerifier,
        jwks: &'a Jwks,
        now_unix: u64,
    },
    /// The face verified the token itself (a split verification with a faster RSA
    /// primitive, or a key-set refresh on an unknown `kid`): these are its claims.
    /// [`VerifiedClaims`] cannot be made outside this crate except by verifying a token.
    Verified(&'a VerifiedClaims),
    /// Accept callbacks without a token. Only for local development against the emulator
    /// (or after a face checked a shared secret of its own).
    InsecureSkipVerification,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// Neither `POST` nor `OPTIONS` (405).
    MethodNotAllowed,
    /// Body over [`MAX_BODY_BYTES`] (413).
    PayloadTooLarge,
    /// Undecodable body, or a preflight without a usable origin (400).
    BadRequest {
        /// What was wrong (no body content is echoed).
        reason: String,
    },
    /// The callback token was refused (401).
    Unauthorized(JwtError),
    /// An Event Grid delivery failed [`DeliveryAuth::check`] (401).
    DeliveryUnauthorized(DeliveryAuthError),
}

impl Rejection {
    /// The HTTP status to answer.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::MethodNotAllowed => 405,
            Rejection::PayloadTooLarge => 413,
            Rejection::BadRequest { .. } => 400,
            Rejection::Unauthorized(_) | Rejection::DeliveryUnauthorized(_) => 401,
        }
    }

    fn response(&self) -> WebhookResponse {
        let r = WebhookResponse::empty(self.status());
        match self {
            Rejection::MethodNotAllowed => r.header("Allow", "POST, OPTIONS"),
            Rejection::Unauthorized(_)
            | Rejection::DeliveryUnauthorized(DeliveryAuthError::Token(_)) => {
                r.header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
            }
            _ => r,
        }
    }
}

/// What an inbound request is.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Inbound {
    /// CloudEvents abuse-protection preflight; `response` grants `origin`.
    Preflight {
        origin: String,
        response: WebhookResponse,
    },
    /// Event Grid subscription handshake; `response` echoes the validation code.
    SubscriptionValidation {
        validation: SubscriptionValidation,
        response: WebhookResponse,
    },
    /// Event Grid notifications (incoming calls and the other Event Grid call events).
    /// Not authenticated by [`classify`] (see the module docs).
    EventGrid {
        events: Vec<EventGridEvent>,
        response: WebhookResponse,
    },
    /// Mid-call callbacks; `claims` is `None` only under
    /// [`CallbackAuth::InsecureSkipVerification`].
    Callbacks {
        events: Vec<CallbackEvent>,
        claims: Option<VerifiedClaims>,
        response: WebhookResponse,
    },
    /// Refused; answer `response`.
    Rejected {
        rejection: Rejection,
        response: WebhookResponse,
    },
}

impl Inbound {
    /// The response to write.
    pub fn response(&self) -> &WebhookResponse {
        match self {
            Inbound::Preflight { response, .. }
            | Inbound::SubscriptionValidation { response, .. }
            | Inbound::EventGrid { response, .. }
            | Inbound::Callbacks { response, .. }
            | Inbound::Rejected { response, .. } => response,
        }
    }
}

fn reject(rejection: Rejection) -> Inbound {
    let response = rejection.response();
    Inbound::Rejected {
        rejection,
        response,
    }
}

fn bad_request(reason: impl Into<String>) -> Inbound {
    reject(Rejection::BadRequest {
        reason: reason.into(),
    })
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Classifies an inbound webhook request (see the module docs for the routing).
/// Never fails: every problem becomes [`Inbound::Rejected`] with the status to answer.
pub fn classify(
    method: &str,
    headers: &[(String, String)],
    body: &[u8],
    auth: CallbackAuth<'_>,
) -> Inbound {
    if let Some(answered) = answer_before_body(method, headers, body) {
        return answered;
    }
    let authorization = header(headers, "authorization");
    let mut claims = None;
    if header(headers, "aeg-event-type").is_none() && authorization.is_some() {
        match verify(authorization, auth) {
            Ok(c) => claims = c,
            Err(e) => return reject(Rejection::Unauthorized(e)),
        }
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return bad_request("body is not JSON"),
    };
    if header(headers, "aeg-event-type").is_some() || is_event_grid_body(&value) {
        return event_grid(value);
    }
    if authorization.is_none() {
        match verify(None, auth) {
            Ok(c) => claims = c,
            Err(e) => return reject(Rejection::Unauthorized(e)),
        }
    }
    match decode_callback_value(value) {
        Ok(events) => Inbound::Callbacks {
            events,
            claims,
            response: WebhookResponse::empty(200),
        },
        Err(e) => bad_request(e.to_string()),
    }
}

/// Authenticates and classifies a request to an Event Grid-only endpoint (the incoming-call
/// webhook): `auth` runs first, on the query and headers only, so an unauthenticated
/// request is refused (401) before its body is parsed. Then the CloudEvents preflight, the
/// subscription handshake, or Event Grid events; anything else is refused (callbacks belong
/// on the callback endpoint). Never fails: problems become [`Inbound::Rejected`].
pub fn classify_event_grid(
    method: &str,
    query: Option<&str>,
    headers: &[(String, String)],
    body: &[u8],
    auth: DeliveryAuth<'_>,
) -> Inbound {
    match auth.check(query, headers) {
        Ok(proof) => classify_authenticated_delivery(&proof, method, headers, body),
        Err(e) => reject(Rejection::DeliveryUnauthorized(e)),
    }
}

/// The second half of [`classify_event_grid`] for a face that ran [`DeliveryAuth::check`]
/// itself (to refresh a key set on an unknown `kid`, say): `_proof` is what it returned.
pub fn classify_authenticated_delivery(
    _proof: &Authenticated,
    method: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Inbound {
    if let Some(answered) = answer_before_body(method, headers, body) {
        return answered;
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return bad_request("body is not JSON"),
    };
    if header(headers, "aeg-event-type").is_some() || is_event_grid_body(&value) {
        return event_grid(value);
    }
    bad_request("not Event Grid events (callbacks go to the callback endpoint)")
}

/// What both webhook classifications answer before reading the body: the CloudEvents
/// preflight, a method other than `POST` (405), a body over [`MAX_BODY_BYTES`] (413).
fn answer_before_body(method: &str, headers: &[(String, String)], body: &[u8]) -> Option<Inbound> {
    if method.eq_ignore_ascii_case("OPTIONS") {
        return Some(preflight(headers));
    }
    if !method.eq_ignore_ascii_case("POST") {
        return Some(reject(Rejection::MethodNotAllowed));
    }
    (body.len() > MAX_BODY_BYTES).then(|| reject(Rejection::PayloadTooLarge))
}

fn verify(
    authorization: Option<&str>,
    auth: CallbackAuth<'_>,
) -> Result<Option<VerifiedClaims>, JwtError> {
    match auth {
        CallbackAuth::Jwt {
            verifier,
            jwks,
            now_unix,
        } => verifier
            .verify_authorization(authorization, jwks, now_unix)
            .map(Some),
        CallbackAuth::Verified(claims) => Ok(Some(claims.clone())),
        CallbackAuth::InsecureSkipVerification => Ok(None),
    }
}

/// Event Grid schema (`eventType` present), or CloudEvents whose every `type` is one only
/// Event Grid delivers.
fn is_event_grid_body(value: &Value) -> bool {
    let is_eg = |v: &Value| {
        v.get("eventType").is_some()
            || v.get("type")
                .and_then(Value::as_str)
                .is_some_and(is_event_grid_type)
    };
    match value {
        Value::Array(items) => !items.is_empty() && items.iter().all(is_eg),
        v => is_eg(v),
    }
}

fn event_grid(value: Value) -> Inbound {
    let events = match decode_event_grid_value(value) {
        Ok(events) => events,
        Err(e) => return bad_request(e.to_string()),
    };
    let validation = events.iter().find_map(|e| match &e.data {
        EventGridData::SubscriptionValidation(v) => Some(v.clone()),
        _ => None,
    });
    match validation {
        Some(validation) => {
            let body =
                serde_json::json!({ "validationResponse": validation.validation_code }).to_string();
            let response = WebhookResponse {
                body,
                ..WebhookResponse::empty(200)
            }
            .header("Content-Type", "application/json");
            Inbound::SubscriptionValidation {
                validation,
                response,
            }
        }
        None => Inbound::EventGrid {
            events,
            response: WebhookResponse::empty(200),
        },
    }
}

/// CloudEvents 1.0 webhook abuse protection: grant the requesting origin.
fn preflight(headers: &[(String, String)]) -> Inbound {
    let Some(origin) = header(headers, "webhook-request-origin").map(str::trim) else {
        return bad_request("OPTIONS without WebHook-Request-Origin");
    };
    let valid = !origin.is_empty()
        && origin.len() <= 253
        && origin
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:*".contains(&b));
    if !valid {
        return bad_request("WebHook-Request-Origin is not a host name");
    }
    let response = WebhookResponse::empty(200)
        .header("WebHook-Allowed-Origin", origin)
        .header("WebHook-Allowed-Rate", "*")
        .header("Allow", "POST, OPTIONS");
    Inbound::Preflight {
        origin: origin.to_owned(),
        response,
    }
}
