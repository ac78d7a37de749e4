//! The live stream of a call to the admin page: what changed since the last push, as messages.
//!
//! The call object keeps each open page as a hibernatable WebSocket and pushes these messages
//! right after a change is stored; nothing is sent, and the object is not woken, while nothing
//! happens. Each message is a JSON text frame `{"event": …, "data": …}`:
//!
//! | event | data |
//! |---|---|
//! | `timeline` | a new timeline entry |
//! | `update` | an entry again, when it changed (sent, retried, settled) |
//! | `callbacks` | the callback events numbered after the last push ([`CallbackBatch`]) |
//! | `end` | `{"status"}`: the call's leg is gone and nothing is left to send; the socket closes |
//!
//! A page that connects gets everything first (the timeline, the kept callback events), then
//! the changes.

use super::callback_log::CallbackBatch;
use super::store::CallRecord;
use super::CallSession;
use serde::Serialize;

/// How far a stream has been sent: the newest entry (`seq`), change (`rev`) and callback event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveMark {
    pub seq: u64,
    pub rev: u64,
    pub callbacks: u64,
}

impl LiveMark {
    /// Everything `record` holds counts as sent.
    pub fn of(record: &CallRecord) -> LiveMark {
        LiveMark {
            seq: record
                .session
                .timeline
                .iter()
                .map(|e| e.seq)
                .max()
                .unwrap_or(0),
            rev: record.session.revision(),
            callbacks: record.callbacks.total(),
        }
    }
}

#[derive(Serialize)]
struct Message<'a, T: Serialize> {
    event: &'a str,
    data: T,
}

fn message<T: Serialize>(event: &str, data: T) -> Option<String> {
    serde_json::to_string(&Message { event, data }).ok()
}

/// The messages for what changed in `record` since `mark` (all of it for the default mark),
/// and the mark after them.
pub fn changes(record: &CallRecord, mark: LiveMark) -> (Vec<String>, LiveMark) {
    let mut entries: Vec<_> = record
        .session
        .timeline
        .iter()
        .filter(|e| e.seq > mark.seq || e.rev > mark.rev)
        .collect();
    entries.sort_by_key(|e| e.seq);
    let mut out: Vec<String> = entries
        .iter()
        .filter_map(|e| {
            message(
                if e.seq > mark.seq {
                    "timeline"
                } else {
                    "update"
                },
                e,
            )
        })
        .collect();
    let batch: Option<CallbackBatch<'_>> = record.callbacks.after(mark.callbacks);
    out.extend(batch.and_then(|b| message("callbacks", b)));
    (out, LiveMark::of(record))
}

/// The `end` message, once the call's leg is gone (a transfer is followed by CallDisconnected)
/// and no command is still to be sent (its last update is pushed first).
pub fn end(s: &CallSession) -> Option<String> {
    (s.disconnected && s.outbox().is_empty())
        .then(|| message("end", serde_json::json!({ "status": s.status() })))
        .flatten()
}
