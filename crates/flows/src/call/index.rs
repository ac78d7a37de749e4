//! The call list: one KV entry per call, its summary in the entry's metadata, so a page of the
//! list is one `list` request (KV returns each key's metadata with it), never one read per call.
//!
//! Keys sort newest first: `calls:` then 13 digits counting down from the call's start, then the
//! call connection id. Entries expire [`INDEX_TTL_SECONDS`] after their last change, as routing
//! decisions do (theirs is a day; a call list is looked back on for longer). Only calls this
//! worker answered, created or connected are listed: a callback never creates an entry
//! ([`super::CallSession::is_known`]).

use super::{CallSession, CallSetup};
use serde_json::{json, Value};

/// Every entry's key starts with this (the old index's `call:<id>` entries are not read).
pub const INDEX_PREFIX: &str = "calls:";

/// How long an entry lives after its last change: 7 days.
pub const INDEX_TTL_SECONDS: u64 = 7 * 86_400;

/// A page of the list when the request names none, and the most a page may hold.
pub const PAGE_DEFAULT: u64 = 50;
/// KV lists at most 1,000 keys per request.
pub const PAGE_MAX: u64 = 1_000;

/// The largest time the key counts down from (Unix ms; the year 2286).
const TIME_MAX: i64 = 9_999_999_999_999;

/// KV metadata holds at most 1,024 bytes (serialized): each text field is cut to this many
/// characters, which keeps the whole under it.
const FIELD_MAX: usize = 120;

/// The call's list key, or `None` before it is this worker's call.
pub fn index_key(s: &CallSession) -> Option<String> {
    if !s.is_known() {
        return None;
    }
    let at = s.started_at_ms().unwrap_or(0).clamp(0, TIME_MAX);
    Some(format!(
        "{INDEX_PREFIX}{:013}:{}",
        TIME_MAX - at,
        cut(&s.call_connection_id)
    ))
}

/// The call's summary as the list shows it (the entry's metadata).
pub fn index_entry(s: &CallSession) -> Value {
    let setup = s.setup.as_ref();
    json!({
        "callConnectionId": cut(&s.call_connection_id),
        "serverCallId": s.server_call_id.as_deref().map(cut),
        "status": s.status(),
        "rule": setup.and_then(|x| x.rule.as_deref()).map(cut),
        "draft": setup.and_then(CallSetup::draft).map(cut),
        "caller": setup.map(|x| cut(&x.caller)),
        "callee": setup.map(|x| cut(&x.callee)),
        "answeredAtMs": s.started_at_ms(),
        "endedAtMs": s.ended_at_ms,
    })
}

/// `limit` of a list request: [`PAGE_DEFAULT`] when absent, at most [`PAGE_MAX`].
///
/// # Errors
/// The reason, when `limit` is not a whole number from 1 to [`PAGE_MAX`].
pub fn page_size(limit: Option<&str>) -> Result<u64, String> {
    match limit {
        None => Ok(PAGE_DEFAULT),
        Some(text) => match text.parse::<u64>() {
            Ok(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
            _ => Err(format!("must be a whole number from 1 to {PAGE_MAX}")),
        },
    }
}

fn cut(text: &str) -> String {
    text.chars().take(FIELD_MAX).collect()
}
