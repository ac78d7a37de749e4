//! The verified callback events of one call, kept for the admin page's event processor.
//!
//! The admin page's Call control panel awaits each action with the npm package's event
//! processor (`client.getEventProcessor().processEvents(…)`, `result.waitForEventProcessor()`),
//! which reads callback events as the service posts them: CloudEvents. The worker streams them
//! to the page (`event: callbacks` on `GET /admin/calls/{id}/events`) after authenticating and
//! decoding them once, with the core: [`cloud_event`] writes the core's decoded
//! [`CallbackEvent`] back as a CloudEvent, and the call's Durable Object keeps the events it
//! applied (re-deliveries are dropped by the session's dedup on the core's `dedup_key`) in a
//! [`CallbackLog`].
//!
//! The log has a cap, so a long call stays within the Durable Object's storage limits: the
//! oldest events are dropped first, and the number dropped is counted and streamed
//! ([`CallbackBatch::dropped`]).

use callsteer::events::{CallAutomationEvent, CallbackEvent};
use callsteer::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// The most events a call keeps. The page's processor only needs the last few seconds (its
/// backlog keeps an unclaimed event 5 s); 500 covers a long call's recent history.
pub const MAX_EVENTS: usize = 500;

/// The most bytes (the events' JSON, UTF-8) a call keeps: 512 KiB.
///
/// The log is stored as one JSON string under its own key of the call's Durable Object, a
/// SQLite-backed class (`new_sqlite_classes` in wrangler.toml), where "key and value combined
/// cannot exceed 2 MB" (developers.cloudflare.com/durable-objects/platform/limits/, "SQLite-backed
/// Durable Objects general limits"). A string is stored by V8's serializer as Latin-1 or,
/// when any character is beyond it, as UTF-16: at most 2 bytes per UTF-8 byte, so 512 KiB
/// of UTF-8 is at most 1 MiB stored, half the limit. (A key-value-backed class would allow
/// only 128 KiB per value: this cap assumes the SQLite backend.)
pub const MAX_BYTES: usize = 512 * 1024;

/// Keys that are never streamed or stored, in any event's data at any depth, compared
/// ignoring ASCII case: the token that answers a call, and anything named as a credential.
/// No callback event of the spec carries one (the core's decoders keep only the spec's
/// fields); this holds should one ever appear.
const SECRET_KEYS: [&str; 2] = ["incomingcallcontext", "authorization"];
/// Key endings treated as credentials (`accessToken`, `clientSecret`, `accessKey`, `password`).
const SECRET_SUFFIXES: [&str; 4] = ["token", "secret", "key", "password"];

/// The CloudEvent the service posted, as the core decoded it: the envelope as the core
/// serializes it (`id`, `source`, `type`, `subject`, `time`), `specversion` 1.0, and `data`,
/// the typed event's fields (unknown fields of the wire are not kept), without secrets.
///
/// # Errors
/// [`Error::Decode`] should the core's event not serialize to a JSON object.
pub fn cloud_event(ev: &CallbackEvent) -> Result<Value, Error> {
    let shape = |reason: &str| Error::decode("callback event", reason.to_owned());
    let mut envelope = serde_json::to_value(ev).map_err(|e| shape(&e.to_string()))?;
    let obj = envelope
        .as_object_mut()
        .ok_or_else(|| shape("not an object"))?;
    // The typed event serializes as its data fields plus `kind` (the JS SDK's shape); an
    // unknown one as `{kind, type, data}` with `data` as sent.
    let mut data = match &ev.event {
        CallAutomationEvent::Unknown { data, .. } => data.clone(),
        _ => {
            let mut typed = obj.remove("event").unwrap_or(Value::Null);
            if let Some(fields) = typed.as_object_mut() {
                fields.remove("kind");
            }
            typed
        }
    };
    obj.remove("event");
    scrub(&mut data);
    obj.insert("specversion".into(), "1.0".into());
    obj.insert("data".into(), data);
    Ok(envelope)
}

/// Removes secret-named keys ([`SECRET_KEYS`], [`SECRET_SUFFIXES`]) at any depth.
fn scrub(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !is_secret(k));
            map.values_mut().for_each(scrub);
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    SECRET_KEYS.contains(&k.as_str()) || SECRET_SUFFIXES.iter().any(|s| k.ends_with(s))
}

/// A call's callback events, oldest first, numbered 1, 2, … in the order applied; at most
/// [`MAX_EVENTS`] and [`MAX_BYTES`], the oldest dropped first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackLog {
    /// Events dropped for the cap: the kept ones are numbered from `dropped + 1`.
    dropped: u64,
    /// The kept events' size: the sum of their JSON lengths plus a separator each.
    bytes: usize,
    events: VecDeque<Value>,
}

/// The events after the ones a reader has seen, as the live stream sends them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackBatch<'a> {
    /// The number of `events[0]`; when it is more than the reader's last seen + 1, the events
    /// in between were dropped before the reader saw them. With no events: the next number.
    pub first: u64,
    /// How many of the call's oldest events the log has dropped for its cap, in all.
    pub dropped: u64,
    /// CloudEvents, numbered `first`, `first + 1`, …
    pub events: Vec<&'a Value>,
}

impl CallbackLog {
    /// The log as stored: `dropped` events gone for the cap, then `events`, oldest first.
    pub fn restore(dropped: u64, events: Vec<Value>) -> CallbackLog {
        let bytes = events.iter().map(size_of).sum();
        CallbackLog {
            dropped,
            bytes,
            events: events.into(),
        }
    }

    /// Appends `event` (a [`cloud_event`]), then drops the oldest events until the log is
    /// within [`MAX_EVENTS`] and [`MAX_BYTES`]; returns how many this push dropped. An event
    /// larger than [`MAX_BYTES`] on its own is dropped too, after every older one.
    pub fn push(&mut self, event: Value) -> u64 {
        self.bytes += size_of(&event);
        self.events.push_back(event);
        let mut dropped = 0;
        while self.events.len() > MAX_EVENTS || self.bytes > MAX_BYTES {
            let Some(oldest) = self.events.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(size_of(&oldest));
            dropped += 1;
        }
        self.dropped += dropped;
        dropped
    }

    /// The events numbered after `seen` (a reader's last seen number; 0 for none), or `None`
    /// when no event was added since.
    pub fn after(&self, seen: u64) -> Option<CallbackBatch<'_>> {
        if seen >= self.total() {
            return None;
        }
        let first = seen.max(self.dropped) + 1;
        let skip = usize::try_from(first - 1 - self.dropped).unwrap_or(usize::MAX);
        Some(CallbackBatch {
            first,
            dropped: self.dropped,
            events: self.events.iter().skip(skip).collect(),
        })
    }

    /// The events kept, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &Value> {
        self.events.iter()
    }

    /// How many of the oldest events were dropped for the cap.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// How many events are kept.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// No event kept.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// How many events were ever added (kept and dropped): the number of the newest.
    pub fn total(&self) -> u64 {
        self.dropped + self.events.len() as u64
    }

    /// The kept events' size in bytes (their JSON, UTF-8, a separator each).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// An event's share of the stored log: its JSON and a separator.
fn size_of(event: &Value) -> usize {
    serde_json::to_string(event).map_or(0, |s| s.len()) + 1
}
