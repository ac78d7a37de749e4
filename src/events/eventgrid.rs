//! Event Grid deliveries: the Event Grid schema (a JSON array of `{id, topic, subject,
//! eventType, eventTime, data, …}`) and the CloudEvents 1.0 schema (one object, or an array
//! for batched delivery). Both decode to [`EventGridEvent`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::dedup_key;
use super::eventgrid_calls::*;
use super::incoming::IncomingCall;
use crate::Error;

/// `eventType` of the Event Grid subscription handshake.
pub const SUBSCRIPTION_VALIDATION_TYPE: &str = "Microsoft.EventGrid.SubscriptionValidationEvent";

/// Which envelope an event came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum EventGridSchema {
    /// Event Grid schema (`eventType`, `topic`, `eventTime`).
    EventGrid,
    /// CloudEvents 1.0 schema (`type`, `source`, `time`).
    CloudEvents,
}

/// One event delivered by Event Grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventGridEvent {
    /// `id`.
    pub id: String,
    /// `topic` (Event Grid schema) or `source` (CloudEvents): the ACS resource path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// `subject`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `eventType` / `type`.
    pub event_type: String,
    /// `eventTime` / `time` (RFC 3339, as sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<String>,
    /// The envelope it came in.
    pub schema: EventGridSchema,
    /// The typed `data`.
    pub data: EventGridData,
}

impl EventGridEvent {
    /// A key that is the same each time this event is delivered (hex SHA-256 of topic, type
    /// and id, length-prefixed; see [`super::CallbackEvent::dedup_key`] for the reasoning).
    pub fn dedup_key(&self) -> String {
        dedup_key(&[
            self.topic.as_deref().unwrap_or(""),
            &self.event_type,
            &self.id,
        ])
    }
}

/// Typed `data` of an Event Grid event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
#[non_exhaustive]
pub enum EventGridData {
    /// `Microsoft.EventGrid.SubscriptionValidationEvent`.
    SubscriptionValidation(SubscriptionValidation),
    /// `Microsoft.Communication.IncomingCall`.
    IncomingCall(Box<IncomingCall>),
    /// `Microsoft.Communication.CallStarted`.
    CallStarted(CallStartedData),
    /// `Microsoft.Communication.CallEnded`.
    CallEnded(CallEndedData),
    /// `Microsoft.Communication.CallParticipantAdded`.
    CallParticipantAdded(CallParticipantData),
    /// `Microsoft.Communication.CallParticipantRemoved`.
    CallParticipantRemoved(CallParticipantData),
    /// `Microsoft.Communication.RecordingFileStatusUpdated`.
    RecordingFileStatusUpdated(RecordingFileStatusUpdatedData),
    /// Any other type (chat, SMS, …); `data` kept as sent.
    Unknown {
        /// The raw `data` (`null` when absent).
        data: Value,
    },
}

/// `Microsoft.EventGrid.SubscriptionValidationEvent` data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionValidation {
    /// `validationCode`: echo it as `{"validationResponse": …}` with HTTP 200.
    pub validation_code: String,
    /// `validationUrl`: the manual alternative (GET within 10 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEventGridEvent {
    id: String,
    #[serde(default)]
    topic: Option<String>,
    #[serde(default)]
    subject: Option<String>,
    event_type: String,
    #[serde(default)]
    event_time: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

#[derive(Deserialize)]
struct RawCloudEvent {
    id: String,
    source: String,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    time: Option<String>,
    #[serde(default)]
    data: Option<Value>,
}

/// Decodes an Event Grid delivery in either schema (told apart per element: `eventType`
/// means Event Grid schema, otherwise CloudEvents).
///
/// # Errors
/// [`Error::Decode`] (`what` = `event grid body` or `event grid event [i]`) when the body is
/// not JSON, an element lacks `id`/`eventType` (or `id`/`source`/`type`), or the data of a
/// known type does not match its schema (e.g. a validation event without `validationCode`).
pub fn decode_event_grid_events(body: &[u8]) -> Result<Vec<EventGridEvent>, Error> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::decode("event grid body", e.to_string()))?;
    decode_event_grid_value(value)
}

/// [`decode_event_grid_events`] for an already parsed body.
pub(crate) fn decode_event_grid_value(value: Value) -> Result<Vec<EventGridEvent>, Error> {
    super::decode_object_or_array(
        value,
        "event grid body",
        "expected an event object or an array of them",
        decode_one,
    )
}

fn decode_one(index: usize, value: Value) -> Result<EventGridEvent, Error> {
    let what = || format!("event grid event [{index}]");
    let bad = |e: serde_json::Error| Error::decode(what(), e.to_string());
    let (id, topic, subject, event_type, event_time, schema, data) =
        if value.get("eventType").is_some() {
            let r: RawEventGridEvent = serde_json::from_value(value).map_err(bad)?;
            (
                r.id,
                r.topic,
                r.subject,
                r.event_type,
                r.event_time,
                EventGridSchema::EventGrid,
                r.data,
            )
        } else {
            let r: RawCloudEvent = serde_json::from_value(value).map_err(bad)?;
            let schema = EventGridSchema::CloudEvents;
            (
                r.id,
                Some(r.source),
                r.subject,
                r.event_type,
                r.time,
                schema,
                r.data,
            )
        };
    let data = type_data(&event_type, data.unwrap_or(Value::Null))
        .map_err(|e| Error::decode(format!("{} ({event_type})", what()), e.to_string()))?;
    Ok(EventGridEvent {
        id,
        topic,
        subject,
        event_type,
        event_time,
        schema,
        data,
    })
}

/// True for the `type`s only Event Grid delivers (never a mid-call callback).
pub(crate) fn is_event_grid_type(event_type: &str) -> bool {
    event_type == SUBSCRIPTION_VALIDATION_TYPE
        || EVENT_GRID_CALL_TYPES
            .iter()
            .any(|t| event_type.strip_prefix("Microsoft.Communication.") == Some(t))
}

const EVENT_GRID_CALL_TYPES: &[&str] = &[
    "IncomingCall",
    "CallStarted",
    "CallEnded",
    "CallParticipantAdded",
    "CallParticipantRemoved",
    "RecordingFileStatusUpdated",
];

fn type_data(event_type: &str, data: Value) -> Result<EventGridData, serde_json::Error> {
    use serde_json::from_value as from;
    let obj = |d: Value| {
        if d.is_null() {
            Value::Object(Default::default())
        } else {
            d
        }
    };
    Ok(match event_type {
        SUBSCRIPTION_VALIDATION_TYPE => EventGridData::SubscriptionValidation(from(data)?),
        "Microsoft.Communication.IncomingCall" => {
            EventGridData::IncomingCall(Box::new(from(obj(data))?))
        }
        "Microsoft.Communication.CallStarted" => EventGridData::CallStarted(from(obj(data))?),
        "Microsoft.Communication.CallEnded" => EventGridData::CallEnded(from(obj(data))?),
        "Microsoft.Communication.CallParticipantAdded" => {
            EventGridData::CallParticipantAdded(from(obj(data))?)
        }
        "Microsoft.Communication.CallParticipantRemoved" => {
            EventGridData::CallParticipantRemoved(from(obj(data))?)
        }
        "Microsoft.Communication.RecordingFileStatusUpdated" => {
            EventGridData::RecordingFileStatusUpdated(from(obj(data))?)
        }
        _ => EventGridData::Unknown { data },
    })
}
