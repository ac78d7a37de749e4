//! Mid-call callbacks: CloudEvents 1.0 posted to the `callbackUri`, decoded into
//! [`CallbackEvent`]s carrying a typed [`CallAutomationEvent`].
//!
//! Unlike the official JS parser, which keeps only element `[0]` of a batch and throws on an
//! unknown `type`, [`decode_callback_events`] decodes every element and keeps unknown kinds as
//! [`CallAutomationEvent::Unknown`] with their raw `data`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::connection::*;
use super::define::CallEventData;
use super::media::*;
use super::participants::*;
use super::recognize::*;
use super::recording::*;
use super::streaming::*;
use super::{dedup_key, ResultInformation};
use crate::Error;

/// The CloudEvent `type` prefix of every Call Automation event.
pub const EVENT_TYPE_PREFIX: &str = "Microsoft.Communication.";

/// One callback event: the CloudEvent envelope and its decoded payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallbackEvent {
    /// CloudEvent `id`.
    pub id: String,
    /// CloudEvent `source` (`calling/callConnections/<id>`).
    pub source: String,
    /// CloudEvent `type` (`Microsoft.Communication.<Kind>`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// CloudEvent `subject`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// CloudEvent `time` (RFC 3339, as sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The typed `data`.
    pub event: CallAutomationEvent,
}

impl CallbackEvent {
    /// A key that is the same each time this event is delivered, for at-most-once handling.
    ///
    /// CloudEvents 1.0 requires `source` + `id` to be unique per distinct event and a
    /// re-delivery to keep both, so those two identify the event; `type` is added because
    /// nothing forbids a producer from reusing an id across types (the recorded samples, with
    /// ids sanitized to `"sanitized"`, do exactly that). The key is the hex SHA-256 of the three
    /// length-prefixed values: fixed length (64), safe as a storage key, no separator ambiguity.
    pub fn dedup_key(&self) -> String {
        dedup_key(&[&self.source, &self.event_type, &self.id])
    }
}

/// The wire envelope, before `data` is typed.
#[derive(Deserialize)]
struct RawCloudEvent {
    id: String,
    source: String,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(default)]
    specversion: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

/// Decodes a callback body: one CloudEvent object or a JSON array of them.
///
/// Every element is decoded. Unknown `type`s become [`CallAutomationEvent::Unknown`]; unknown
/// fields are ignored.
///
/// # Errors
/// [`Error::Decode`] (`what` = `callback body` or `callback event [i]`) when the body is not
/// JSON, is neither an object nor an array, an element lacks `id`/`source`/`type`, its
/// `specversion` is not 1.x, or the `data` of a known kind does not match the spec's schema.
pub fn decode_callback_events(body: &[u8]) -> Result<Vec<CallbackEvent>, Error> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| Error::decode("callback body", e.to_string()))?;
    decode_callback_value(value)
}

/// [`decode_callback_events`] for an already parsed body.
pub(crate) fn decode_callback_value(value: Value) -> Result<Vec<CallbackEvent>, Error> {
    super::decode_object_or_array(
        value,
        "callback body",
        "expected a CloudEvent object or an array of them",
        decode_one,
    )
}

fn decode_one(index: usize, value: Value) -> Result<CallbackEvent, Error> {
    let what = || format!("callback event [{index}]");
    let raw: RawCloudEvent =
        serde_json::from_value(value).map_err(|e| Error::decode(what(), e.to_string()))?;
    if let Some(v) = &raw.specversion {
        if !v.starts_with("1.") {
            return Err(Error::decode(what(), "specversion is not 1.x"));
        }
    }
    let event = CallAutomationEvent::from_type_and_data(&raw.event_type, raw.data)
        .map_err(|reason| Error::decode(format!("{} ({})", what(), raw.event_type), reason))?;
    Ok(CallbackEvent {
        id: raw.id,
        source: raw.source,
        event_type: raw.event_type,
        subject: raw.subject,
        time: raw.time,
        event,
    })
}

/// Writes the enum, its kind names and the type dispatch from one list of kinds.
macro_rules! callback_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// A decoded callback payload: one variant per event kind of the stable spec (the
        /// same 38 as the JS SDK's `CallAutomationEvent` union), plus [`Self::Unknown`].
        ///
        /// Serializes like the JS SDK's events: the `data` fields plus `kind: "<Kind>"`.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "kind")]
        #[non_exhaustive]
        pub enum CallAutomationEvent {
            $(
                #[allow(missing_docs)]
                $kind($kind),
            )+
            /// A `type` this version does not know; `data` is kept as sent.
            Unknown {
                /// The CloudEvent `type`.
                #[serde(rename = "type")]
                event_type: String,
                /// The raw `data` (`null` when absent).
                data: Value,
            },
        }

        /// The `kind` names of all known callback events, in spec order.
        pub const CALLBACK_EVENT_KINDS: &[&str] = &[$(stringify!($kind)),+];

        impl CallAutomationEvent {
            /// The JS SDK's `kind` string (`"CallConnected"`); `"Unknown"` for unknown types.
            pub fn kind_name(&self) -> &'static str {
                match self {
                    $(Self::$kind(_) => stringify!($kind),)+
                    Self::Unknown { .. } => "Unknown",
                }
            }

            /// Types `data` by the CloudEvent `type`. Absent or `null` data counts as `{}`.
            ///
            /// # Errors
            /// The serde message when `data` of a known kind does not match its schema.
            pub fn from_type_and_data(event_type: &str, data: Option<Value>) -> Result<Self, String> {
                let kind = event_type.strip_prefix(EVENT_TYPE_PREFIX).unwrap_or("");
                let data = data.unwrap_or(Value::Null);
                let typed = |d: Value| if d.is_null() { Value::Object(Default::default()) } else { d };
                match kind {
                    $(stringify!($kind) => serde_json::from_value(typed(data))
                        .map(Self::$kind)
                        .map_err(|e| e.to_string()),)+
                    _ => Ok(Self::Unknown { event_type: event_type.to_owned(), data }),
                }
            }

            /// The shared fields (ids, context, result), `None` for unknown kinds.
            pub fn fields(&self) -> Option<&dyn CallEventData> {
                match self {
                    $(Self::$kind(e) => Some(e),)+
                    Self::Unknown { .. } => None,
                }
            }
        }
    };
}

callback_kinds! {
    AddParticipantSucceeded, AddParticipantFailed,
    RemoveParticipantSucceeded, RemoveParticipantFailed,
    MoveParticipantSucceeded, MoveParticipantFailed,
    CallConnected, CallDisconnected, CallTransferAccepted, CallTransferFailed,
    ParticipantsUpdated, RecordingStateChanged,
    PlayStarted, PlayCompleted, PlayFailed, PlayCanceled,
    RecognizeCompleted, RecognizeCanceled, RecognizeFailed,
    ContinuousDtmfRecognitionToneReceived, ContinuousDtmfRecognitionToneFailed,
    ContinuousDtmfRecognitionStopped,
    SendDtmfTonesCompleted, SendDtmfTonesFailed,
    CancelAddParticipantSucceeded, CancelAddParticipantFailed,
    TranscriptionStarted, TranscriptionStopped, TranscriptionUpdated, TranscriptionFailed,
    CreateCallFailed, AnswerFailed, HoldFailed, ConnectFailed,
    MediaStreamingStarted, MediaStreamingStopped, MediaStreamingFailed,
    StartRecordingFailed,
}

/// Where a callback event's `data` carries communication identifier models, so a face that
/// passes `data` through (the npm package's `parseCallAutomationEvent`, which keeps every
/// member as sent) knows which members to turn into identifiers. The typed events say the
/// same: `tests` below checks this against them, kind by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentifierMembers {
    /// No identifier in `data`.
    None,
    /// `participant` is an identifier model.
    Participant,
    /// `participants` is a list of `CallParticipant`s, each with an `identifier` model.
    ParticipantList,
}

/// The identifier members of the callback event `kind` (`"AddParticipantSucceeded"`).
pub fn identifier_members(kind: &str) -> IdentifierMembers {
    match kind {
        "AddParticipantSucceeded"
        | "AddParticipantFailed"
        | "RemoveParticipantSucceeded"
        | "RemoveParticipantFailed"
        | "MoveParticipantSucceeded"
        | "MoveParticipantFailed" => IdentifierMembers::Participant,
        "ParticipantsUpdated" => IdentifierMembers::ParticipantList,
        _ => IdentifierMembers::None,
    }
}

/// Whether `kind` is one of [`CALLBACK_EVENT_KINDS`].
pub fn is_callback_kind(kind: &str) -> bool {
    CALLBACK_EVENT_KINDS.contains(&kind)
}

impl CallAutomationEvent {
    /// `callConnectionId`, when the event has one.
    pub fn call_connection_id(&self) -> Option<&str> {
        self.fields().and_then(|f| f.call_connection_id())
    }

    /// `serverCallId`, when the event has one.
    pub fn server_call_id(&self) -> Option<&str> {
        self.fields().and_then(|f| f.server_call_id())
    }

    /// `correlationId`, when the event has one.
    pub fn correlation_id(&self) -> Option<&str> {
        self.fields().and_then(|f| f.correlation_id())
    }

    /// `operationContext`, when the event has one.
    pub fn operation_context(&self) -> Option<&str> {
        self.fields().and_then(|f| f.operation_context())
    }

    /// `resultInformation`, when the event has one.
    pub fn result_information(&self) -> Option<&ResultInformation> {
        self.fields().and_then(|f| f.result_information())
    }

    /// `invitationId` (cancel-add events only).
    pub fn invitation_id(&self) -> Option<&str> {
        match self {
            Self::CancelAddParticipantSucceeded(e) => e.invitation_id.as_deref(),
            Self::CancelAddParticipantFailed(e) => e.invitation_id.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed events keep only the members they declare: an identifier model offered under
    /// `participant` and in `participants[0].identifier` survives a decode → encode round trip
    /// exactly for the kinds `identifier_members` names.
    #[test]
    fn identifier_members_agree_with_the_typed_events() {
        let model = serde_json::json!({"rawId": "8:acs:x", "kind": "communicationUser", "communicationUser": {"id": "8:acs:x"}});
        let data =
            serde_json::json!({"participant": model, "participants": [{"identifier": model}]});
        for kind in CALLBACK_EVENT_KINDS {
            let event = CallAutomationEvent::from_type_and_data(
                &[EVENT_TYPE_PREFIX, kind].concat(),
                Some(data.clone()),
            )
            .unwrap();
            let back = serde_json::to_value(&event).unwrap();
            let found = match (
                back.get("participant"),
                back.pointer("/participants/0/identifier"),
            ) {
                (Some(p), None) if p == &model => IdentifierMembers::Participant,
                (None, Some(p)) if p == &model => IdentifierMembers::ParticipantList,
                (None, None) => IdentifierMembers::None,
                other => panic!("{kind}: {other:?}"),
            };
            assert_eq!(identifier_members(kind), found, "{kind}");
            assert!(is_callback_kind(kind));
        }
        assert!(!is_callback_kind("Unknown"));
    }
}
