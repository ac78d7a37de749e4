//! Fault injection, set through `POST /emulator/faults` and cleared with `DELETE`.
//!
//! ```json
//! {"errorRate": 0.5, "errorStatus": 429, "retryAfterSeconds": 2, "latencyMs": 100,
//!  "duplicateEvents": true, "reorderEvents": true, "eventsBeforeResponse": true}
//! ```
//! * `errorRate` (0–1): share of service API requests answered with `errorStatus`
//!   (429 or 503, default 503) and `Retry-After: retryAfterSeconds` (default 1); such a
//!   request has no effect.
//! * `latencyMs`: added before every service API response.
//! * `duplicateEvents`: every callback is delivered twice (same event id).
//! * `reorderEvents`: callbacks are delivered in swapped pairs.
//! * `eventsBeforeResponse`: a request's events are delivered before its HTTP response.

use serde::{Deserialize, Serialize};

/// The active faults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Faults {
    pub error_rate: f64,
    pub error_status: Option<u16>,
    pub retry_after_seconds: Option<u64>,
    pub latency_ms: u64,
    pub duplicate_events: bool,
    pub reorder_events: bool,
    pub events_before_response: bool,
}

impl Faults {
    /// Checks ranges.
    ///
    /// # Errors
    /// A reason naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err("errorRate: must be between 0 and 1".into());
        }
        if let Some(s) = self.error_status {
            if s != 429 && s != 503 {
                return Err("errorStatus: must be 429 or 503".into());
            }
        }
        if self.latency_ms > 60_000 {
            return Err("latencyMs: must be at most 60000".into());
        }
        Ok(())
    }

    /// The status of an injected error.
    pub fn status(&self) -> u16 {
        self.error_status.unwrap_or(503)
    }

    /// `Retry-After` seconds of an injected error.
    pub fn retry_after(&self) -> u64 {
        self.retry_after_seconds.unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_bad_ranges_are_refused() {
        assert!(serde_json::from_str::<Faults>(r#"{"errorRat": 1}"#).is_err());
        let f: Faults = serde_json::from_str(r#"{"errorRate": 2}"#).unwrap();
        assert!(f.validate().unwrap_err().starts_with("errorRate"));
        let f: Faults = serde_json::from_str(r#"{"errorStatus": 500}"#).unwrap();
        assert!(f.validate().is_err());
        let f: Faults = serde_json::from_str(r#"{"errorRate": 1, "errorStatus": 429}"#).unwrap();
        assert_eq!((f.status(), f.retry_after()), (429, 1));
    }
}
