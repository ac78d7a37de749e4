//! The ordered call timeline and the participant list.

use callsteer::api::routes::OperationId;
use callsteer::events::Outcome as CoreOutcome;
use serde::{Deserialize, Serialize};

/// Where a timeline entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The routing decision and answer (from the IncomingCall).
    Setup,
    /// A callback event.
    Event,
    /// A command this worker issued (flow or admin).
    Command,
}

/// How an operation ended, as far as this worker knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    Failed,
}

impl Outcome {
    /// The outcome event type `kind` reports whichever operation it settles, from the core's
    /// operation table (`OperationId::final_outcome_of_kind`): successes → succeeded; failures
    /// and cancellations → failed; `None` for events that end no operation or end different
    /// operations differently. A settled command's own outcome comes from its operation
    /// (`proxied::settling_outcome`); this is for events paired with none.
    pub fn of_event(kind: &str) -> Option<Outcome> {
        OperationId::final_outcome_of_kind(kind).and_then(Outcome::from_core)
    }

    /// The worker's two-valued view of the core's outcome.
    pub fn from_core(outcome: CoreOutcome) -> Option<Outcome> {
        match outcome {
            CoreOutcome::Succeeded => Some(Outcome::Succeeded),
            CoreOutcome::Failed | CoreOutcome::Canceled => Some(Outcome::Failed),
            _ => None,
        }
    }
}

/// One line of a call's timeline.
///
/// Besides what happened, an entry carries what a sequence diagram of the call needs, so the
/// admin page draws it without re-deriving any rule: the participant it is about (`party`),
/// which command an event settles (`settles` / `settledBy`, paired by operationContext from the
/// session's pending operations), the `outcome`, retries, and roster changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// Unix milliseconds: the event's own time, or the triggering event's time for commands.
    pub at_ms: i64,
    /// Arrival order, to break ties and show delivery order.
    pub seq: u64,
    pub source: Source,
    /// Event type (`CallConnected`) or command name (`transfer`).
    pub kind: String,
    /// Human-readable summary (`tone 1`, `to +14255550199`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// Event id, or command id for commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    /// Commands only: `queued`, `sent`, `retrying after attempt N: …` or `failed: …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The session's change counter when the entry was added or last changed: the live
    /// stream sends an entry again (`event: update`) when it grew. 0 in sessions stored before.
    #[serde(default)]
    pub rev: u64,
    /// The participant the entry is about, as a raw id: the caller (IncomingCall), a command's
    /// target, the party an event names, or the target of the command an event settles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Events: the `seq` of the command this outcome event settles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settles: Option<u64>,
    /// Commands: the `seq` of the event that settled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_by: Option<u64>,
    /// Outcome events; commands once settled, refused by the service, or (commands no event
    /// completes) accepted. `None` while a command waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Commands: failed attempts that were retried.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
    /// Commands: the operation table's name of the request (`CallMedia_Play`); absent for a
    /// webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Commands a flow sent: the id of the step that sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// `ParticipantsUpdated`: raw ids new in the roster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joined: Vec<String>,
    /// `ParticipantsUpdated`: raw ids gone from the roster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl TimelineEntry {
    /// A new entry; `seq` and `rev` are set when the session adds it.
    pub fn new(at_ms: i64, source: Source, kind: &str, detail: String) -> TimelineEntry {
        TimelineEntry {
            at_ms,
            seq: 0,
            source,
            kind: kind.to_owned(),
            detail,
            id: None,
            operation_context: None,
            status: None,
            rev: 0,
            party: None,
            settles: None,
            settled_by: None,
            outcome: None,
            retries: 0,
            operation: None,
            step: None,
            joined: Vec::new(),
            left: Vec::new(),
        }
    }
}

/// Inserts `entry` keeping the timeline sorted by (`at_ms`, `seq`): an event delivered
/// late lands where it happened, not where it arrived.
pub fn insert_ordered(timeline: &mut Vec<TimelineEntry>, entry: TimelineEntry) {
    let pos = timeline.partition_point(|e| (e.at_ms, e.seq) <= (entry.at_ms, entry.seq));
    timeline.insert(pos, entry);
}

/// A participant as last reported by `ParticipantsUpdated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub raw_id: String,
    pub is_muted: bool,
    pub is_on_hold: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at_ms: i64, seq: u64) -> TimelineEntry {
        TimelineEntry {
            seq,
            ..TimelineEntry::new(at_ms, Source::Event, &format!("e{seq}"), String::new())
        }
    }

    #[test]
    fn late_arrivals_land_in_time_order() {
        let mut t = Vec::new();
        for (at, seq) in [(10, 1), (30, 2), (20, 3), (30, 4)] {
            insert_ordered(&mut t, entry(at, seq));
        }
        let kinds: Vec<_> = t.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["e1", "e3", "e2", "e4"]);
    }

    #[test]
    fn outcomes_of_event_types() {
        assert_eq!(Outcome::of_event("PlayCompleted"), Some(Outcome::Succeeded));
        assert_eq!(
            Outcome::of_event("CallTransferAccepted"),
            Some(Outcome::Succeeded)
        );
        assert_eq!(
            Outcome::of_event("AddParticipantFailed"),
            Some(Outcome::Failed)
        );
        assert_eq!(Outcome::of_event("PlayCanceled"), Some(Outcome::Failed));
        assert_eq!(Outcome::of_event("PlayStarted"), None);
        assert_eq!(Outcome::of_event("ParticipantsUpdated"), None);
    }
}
