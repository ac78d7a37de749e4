//! What the emulator saw, counted: every service API request it received and what became of
//! it ([`RequestCounts`], `GET /emulator/requests`), and every event delivery it made
//! ([`DeliveryCounts`], `GET /emulator/deliveries`).
//!
//! Load and fault tests judge a client by these: a command the client sent twice with two
//! repeatability ids shows up as two applied requests for its call; a resend with the same id
//! (a retry, or a client that crashed and started again) is `repeated` and had no effect. The
//! service keeps no such ledger; it is the emulator's own (docs/emulator.md).

use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What became of one service API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Refused by an injected fault (429/503): no effect.
    Faulted,
    /// Refused before the simulation saw it: api-version, authentication, repeatability headers.
    Refused,
    /// Answered from the repeatability store (same `Repeatability-Request-ID`): no effect.
    Repeated,
    /// Reached the simulation, which accepted or refused it with this status.
    Applied(u16),
}

/// Per call connection: the operations the simulation applied, in order, and the resends it
/// answered from the repeatability store.
#[derive(Debug, Default)]
struct CallRequests {
    applied: Vec<(&'static str, u16)>,
    repeated: u64,
}

/// Counts of service API requests (`GET /emulator/requests`).
#[derive(Debug, Default)]
pub struct RequestCounts {
    received: u64,
    faulted: u64,
    refused: u64,
    repeated: u64,
    applied: u64,
    operations: BTreeMap<&'static str, u64>,
    calls: BTreeMap<String, CallRequests>,
}

impl RequestCounts {
    /// Records one request: its operation (`None` when no route matched), the call connection
    /// it concerns (the path's id, or for create/answer/connect the id in the response), and
    /// its fate.
    pub fn record(&mut self, op: Option<&'static str>, call: Option<&str>, fate: Fate) {
        self.received += 1;
        match fate {
            Fate::Faulted => self.faulted += 1,
            Fate::Refused => self.refused += 1,
            Fate::Repeated => self.repeated += 1,
            Fate::Applied(_) => self.applied += 1,
        }
        let (Some(op), Some(call)) = (op, call) else {
            return;
        };
        let entry = self.calls.entry(call.to_owned()).or_default();
        match fate {
            Fate::Applied(status) => {
                *self.operations.entry(op).or_default() += 1;
                entry.applied.push((op, status));
            }
            Fate::Repeated => entry.repeated += 1,
            Fate::Faulted | Fate::Refused => {}
        }
    }

    /// The JSON of `GET /emulator/requests`.
    pub fn to_json(&self) -> Value {
        let calls: serde_json::Map<String, Value> = self
            .calls
            .iter()
            .map(|(id, c)| {
                let applied: Vec<Value> = c
                    .applied
                    .iter()
                    .map(|(op, status)| json!({ "op": op, "status": status }))
                    .collect();
                (
                    id.clone(),
                    json!({ "applied": applied, "repeated": c.repeated }),
                )
            })
            .collect();
        json!({
            "received": self.received,
            "faulted": self.faulted,
            "refused": self.refused,
            "repeated": self.repeated,
            "applied": self.applied,
            "operations": self.operations,
            "calls": calls,
        })
    }
}

/// How many delivery latencies are kept for the percentiles (the newest; older ones are
/// overwritten), so a long-running emulator's memory stays bounded.
pub const LATENCY_SAMPLES: usize = 100_000;

/// Counts of event deliveries (`GET /emulator/deliveries`): attempts, outcomes, redeliveries,
/// and the receiver's latency (request sent → response read).
#[derive(Debug, Default)]
pub struct DeliveryCounts {
    attempts: u64,
    by_status: BTreeMap<u16, u64>,
    transport_errors: u64,
    redeliveries: u64,
    abandoned: u64,
    latencies_ms: Vec<f64>,
    next_slot: usize,
}

impl DeliveryCounts {
    /// Records one attempt: the receiver's status (`None`: no response — refused connection,
    /// timeout) and how long it took.
    pub fn record(&mut self, status: Option<u16>, latency_ms: f64) {
        self.attempts += 1;
        match status {
            Some(s) => *self.by_status.entry(s).or_default() += 1,
            None => self.transport_errors += 1,
        }
        if self.latencies_ms.len() < LATENCY_SAMPLES {
            self.latencies_ms.push(latency_ms);
        } else {
            self.latencies_ms[self.next_slot] = latency_ms;
            self.next_slot = (self.next_slot + 1) % LATENCY_SAMPLES;
        }
    }

    /// A failed Event Grid delivery was scheduled again.
    pub fn redelivery_scheduled(&mut self) {
        self.redeliveries += 1;
    }

    /// A failed delivery that will not be tried again.
    pub fn abandoned(&mut self) {
        self.abandoned += 1;
    }

    /// The JSON of `GET /emulator/deliveries`. Percentiles are nearest-rank over the kept
    /// samples; `null` before the first delivery.
    pub fn to_json(&self) -> Value {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let pct = |p: f64| -> Value {
            if sorted.is_empty() {
                return Value::Null;
            }
            let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
            json!(round2(sorted[rank.clamp(1, sorted.len()) - 1]))
        };
        let delivered: u64 = self
            .by_status
            .iter()
            .filter(|(s, _)| (200..300).contains(*s))
            .map(|(_, n)| n)
            .sum();
        let by_status: serde_json::Map<String, Value> = self
            .by_status
            .iter()
            .map(|(s, n)| (s.to_string(), json!(n)))
            .collect();
        json!({
            "attempts": self.attempts,
            "delivered": delivered,
            "byStatus": by_status,
            "transportErrors": self.transport_errors,
            "redeliveries": self.redeliveries,
            "abandoned": self.abandoned,
            "latencyMs": {
                "samples": sorted.len(),
                "p50": pct(50.0),
                "p99": pct(99.0),
                "max": sorted.last().map(|m| json!(round2(*m))).unwrap_or(Value::Null),
            },
        })
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_fate_and_by_call() {
        let mut c = RequestCounts::default();
        c.record(Some("AnswerCall"), Some("c1"), Fate::Applied(200));
        c.record(Some("CallMedia_Recognize"), Some("c1"), Fate::Faulted);
        c.record(Some("CallMedia_Recognize"), Some("c1"), Fate::Applied(202));
        c.record(Some("CallMedia_Recognize"), Some("c1"), Fate::Repeated);
        c.record(Some("CallMedia_Play"), Some("c2"), Fate::Applied(400));
        c.record(None, None, Fate::Refused);
        let j = c.to_json();
        assert_eq!(j["received"], 6);
        assert_eq!(j["faulted"], 1);
        assert_eq!(j["refused"], 1);
        assert_eq!(j["repeated"], 1);
        assert_eq!(j["applied"], 3);
        assert_eq!(j["operations"]["CallMedia_Recognize"], 1);
        assert_eq!(
            j["calls"]["c1"]["applied"],
            json!([{"op": "AnswerCall", "status": 200}, {"op": "CallMedia_Recognize", "status": 202}])
        );
        assert_eq!(j["calls"]["c1"]["repeated"], 1);
        assert_eq!(j["calls"]["c2"]["applied"][0]["status"], 400);
    }

    #[test]
    fn delivery_percentiles_are_nearest_rank_and_samples_are_bounded() {
        let mut d = DeliveryCounts::default();
        assert_eq!(d.to_json()["latencyMs"]["p50"], Value::Null);
        for i in 1..=100 {
            d.record(Some(if i % 10 == 0 { 503 } else { 200 }), f64::from(i));
        }
        d.record(None, 10_000.0);
        d.redelivery_scheduled();
        let j = d.to_json();
        assert_eq!(j["attempts"], 101);
        assert_eq!(j["delivered"], 90);
        assert_eq!(j["byStatus"]["503"], 10);
        assert_eq!(j["transportErrors"], 1);
        assert_eq!(j["redeliveries"], 1);
        assert_eq!(j["latencyMs"]["p50"], 51.0);
        assert_eq!(j["latencyMs"]["p99"], 100.0);
        assert_eq!(j["latencyMs"]["max"], 10_000.0);
        for _ in 0..LATENCY_SAMPLES {
            d.record(Some(200), 1.0);
        }
        let j = d.to_json();
        assert_eq!(j["latencyMs"]["samples"], LATENCY_SAMPLES);
        assert_eq!(
            j["latencyMs"]["max"], 1.0,
            "the oldest samples were overwritten"
        );
    }
}
