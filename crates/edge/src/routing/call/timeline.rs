//! The ordered call timeline and the participant list.

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

/// One line of a call's timeline.
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
    /// Commands only: `queued`, `sent` or `failed: …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
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
            at_ms,
            seq,
            source: Source::Event,
            kind: format!("e{seq}"),
            detail: String::new(),
            id: None,
            operation_context: None,
            status: None,
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
}
