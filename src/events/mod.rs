//! Inbound events: mid-call callbacks and Event Grid deliveries, decoded without I/O.
//!
//! The webhook flow, for a face that receives HTTP requests:
//!
//! 1. [`classify()`] the request (method, headers, body). It answers the Event Grid
//!    subscription handshake and the CloudEvents `OPTIONS` preflight itself (the result
//!    carries the exact response to write), verifies the callback JWT
//!    ([`crate::webhook::JwtVerifier`]) and decodes the events, or says which HTTP status to
//!    refuse the request with.
//! 2. Drop events already seen, by [`CallbackEvent::dedup_key`].
//! 3. Settle pending actions with [`correlate::PendingAction::classify`]: it says whether an
//!    event is the success, the failure or only progress of the action you sent.
//!
//! Decoding is lenient (unknown event types are kept as `Unknown` with their raw JSON,
//! unknown fields are ignored); verification is strict.
//!
//! ```
//! use callsteer::events::{decode_callback_events, CallAutomationEvent};
//! let body = br#"[{"id":"1","source":"calling/callConnections/c1",
//!   "type":"Microsoft.Communication.PlayCompleted","specversion":"1.0",
//!   "data":{"callConnectionId":"c1","operationContext":"greeting",
//!           "resultInformation":{"code":200,"subCode":0,"message":"ok"}}}]"#;
//! let events = decode_callback_events(body).unwrap();
//! assert_eq!(events[0].event.kind_name(), "PlayCompleted");
//! assert_eq!(events[0].event.operation_context(), Some("greeting"));
//! assert!(matches!(events[0].event, CallAutomationEvent::PlayCompleted(_)));
//! ```

mod callback;
pub mod classify;
mod common;
mod connection;
pub mod correlate;
mod define;
mod eventgrid;
mod eventgrid_calls;
mod incoming;
mod media;
mod participants;
mod recognize;
mod recording;
mod streaming;

pub use callback::{
    decode_callback_events, identifier_members, is_callback_kind, CallAutomationEvent,
    CallbackEvent, IdentifierMembers, CALLBACK_EVENT_KINDS, EVENT_TYPE_PREFIX,
};
pub use classify::{
    classify, classify_authenticated_delivery, classify_event_grid, CallbackAuth, Inbound,
    Rejection, WebhookResponse, MAX_BODY_BYTES,
};
pub use common::{ResultInformation, SipDiagnosticInfo};
pub use connection::*;
pub use correlate::{Outcome, PendingAction};
pub use define::CallEventData;
pub use eventgrid::{
    decode_event_grid_events, EventGridData, EventGridEvent, EventGridSchema,
    SubscriptionValidation, SUBSCRIPTION_VALIDATION_TYPE,
};
pub use eventgrid_calls::*;
pub use incoming::{IncomingCall, IncomingCallContext};
pub use media::*;
pub use participants::*;
pub use recognize::*;
pub use recording::*;
pub use streaming::*;
// Shared models that events carry, re-exported so event code needs one import.
pub use crate::models::{
    CallParticipant, CustomCallingContext, RecordingKind, RecordingState, Tone,
};

use sha2::{Digest, Sha256};

/// Hex SHA-256 over the parts, each prefixed by its byte length (so `("ab","c")` and
/// `("a","bc")` differ).
pub(crate) fn dedup_key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes a delivery that is one event object or a JSON array of them: `decode_one` gets
/// each element with its index (0 for a lone object).
///
/// # Errors
/// What `decode_one` returns, or [`crate::Error::Decode`] (`what` = `body_what`, reason
/// `expected`) when the value is neither an object nor an array.
pub(crate) fn decode_object_or_array<T>(
    value: serde_json::Value,
    body_what: &str,
    expected: &str,
    decode_one: impl Fn(usize, serde_json::Value) -> Result<T, crate::Error>,
) -> Result<Vec<T>, crate::Error> {
    use serde_json::Value;
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| decode_one(i, v))
            .collect(),
        Value::Object(_) => Ok(vec![decode_one(0, value)?]),
        _ => Err(crate::Error::decode(body_what, expected)),
    }
}
