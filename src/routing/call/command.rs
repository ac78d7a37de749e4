//! Commands the call state machine wants sent to Call Automation, and the retry policy
//! for sending them.

use crate::http::Repeatability;
use crate::retry::{RetryHints, RetryPolicy};
use crate::routing::flow::Prompt;
use serde::{Deserialize, Serialize};

/// One command for the call, as plain data; the worker turns it into a REST request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Command {
    /// `"{triggering event id}/{step}"`: stable across re-deliveries of that event,
    /// and the seed of the `Repeatability-Request-ID` header.
    pub id: String,
    pub kind: CommandKind,
    /// The operationContext sent with the command (the pending-operation key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    /// Unix seconds for `Repeatability-First-Sent`: the triggering event's time, so a
    /// re-derived command carries the same header value.
    pub first_sent: u64,
}

/// What the command does. Targets are raw ids or E.164 numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum CommandKind {
    /// Play prompts to everyone in the call.
    Play {
        prompts: Vec<Prompt>,
    },
    /// Play prompts to `target` and collect one DTMF tone.
    RecognizeDtmf {
        prompts: Vec<Prompt>,
        target: String,
        timeout_seconds: u32,
    },
    TransferToParticipant {
        target: String,
    },
    AddParticipant {
        target: String,
    },
    RemoveParticipant {
        target: String,
    },
    Mute {
        target: String,
    },
    /// Hang up for everyone (terminate) or only leave (`for_everyone: false`).
    HangUp {
        for_everyone: bool,
    },
    /// Start recording the call (needs the server call id).
    StartRecording {
        server_call_id: String,
    },
}

impl CommandKind {
    /// A short name for timelines and operation contexts (`play`, `recognize`, …).
    pub fn name(&self) -> &'static str {
        match self {
            CommandKind::Play { .. } => "play",
            CommandKind::RecognizeDtmf { .. } => "recognize",
            CommandKind::TransferToParticipant { .. } => "transfer",
            CommandKind::AddParticipant { .. } => "addParticipant",
            CommandKind::RemoveParticipant { .. } => "removeParticipant",
            CommandKind::Mute { .. } => "mute",
            CommandKind::HangUp { .. } => "hangUp",
            CommandKind::StartRecording { .. } => "startRecording",
        }
    }
}

impl Command {
    /// The repeatability headers for this command: derived, never random, so sending it
    /// again (retry, or re-run after a crash) is applied once by the service.
    pub fn repeatability(&self) -> Repeatability {
        Repeatability::derive(&self.id, self.first_sent)
    }
}

/// What to do after a send attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// 2xx: done.
    Done,
    /// Try again after this many milliseconds (same request, same repeatability headers).
    RetryAfter(u64),
    /// Give up: a client error or the attempt budget is spent.
    Fail,
}

/// Maximum attempts for one command (first try included).
pub const MAX_ATTEMPTS: u32 = 5;

/// The core's [`RetryPolicy`] as the edge uses it: 200 ms × 2^(attempt−1) without a hint,
/// server hints capped at 10 s and then retried anyway (a command must eventually land and
/// there is no caller to hand a 429 to), [`MAX_ATTEMPTS`] attempts.
pub const POLICY: RetryPolicy = RetryPolicy {
    max_retries: MAX_ATTEMPTS - 1,
    base_delay_ms: 200,
    max_delay_ms: 10_000,
    clamp_server_delay: true,
};

/// [`POLICY`] applied to the outcome of attempt `attempt` (1-based): `status` `None` is a
/// transport failure; `retry_after` the `Retry-After` header (delta-seconds or HTTP-date,
/// read at `now_unix`).
pub fn send_outcome(
    status: Option<u16>,
    retry_after: Option<&str>,
    attempt: u32,
    now_unix: u64,
) -> SendOutcome {
    let done = attempt.saturating_sub(1);
    let decided = match status {
        Some(s) if (200..300).contains(&s) => return SendOutcome::Done,
        Some(s) => {
            let hints = RetryHints {
                retry_after,
                retry_after_ms: None,
            };
            POLICY.decide(s, hints, done, now_unix)
        }
        None => POLICY.decide_transport_failure(done),
    };
    decided.map_or(SendOutcome::Fail, SendOutcome::RetryAfter)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    #[test]
    fn retry_policy() {
        assert_eq!(send_outcome(Some(202), None, 1, NOW), SendOutcome::Done);
        assert_eq!(
            send_outcome(Some(429), Some("1"), 1, NOW),
            SendOutcome::RetryAfter(1000)
        );
        assert_eq!(
            send_outcome(Some(503), Some("3600"), 1, NOW),
            SendOutcome::RetryAfter(10_000)
        );
        assert_eq!(
            send_outcome(Some(503), None, 3, NOW),
            SendOutcome::RetryAfter(800)
        );
        assert_eq!(send_outcome(None, None, 1, NOW), SendOutcome::RetryAfter(200));
        assert_eq!(
            send_outcome(Some(503), None, MAX_ATTEMPTS, NOW),
            SendOutcome::Fail
        );
        assert_eq!(send_outcome(Some(400), None, 1, NOW), SendOutcome::Fail);
        assert_eq!(send_outcome(Some(404), None, 1, NOW), SendOutcome::Fail);
    }

    #[test]
    fn repeatability_is_stable_per_command_id() {
        let c = |id: &str| Command {
            id: id.into(),
            kind: CommandKind::HangUp { for_everyone: true },
            operation_context: None,
            first_sent: 1_700_000_000,
        };
        assert_eq!(
            c("e1/hangUp").repeatability(),
            c("e1/hangUp").repeatability()
        );
        assert_ne!(
            c("e1/hangUp").repeatability().request_id,
            c("e2/hangUp").repeatability().request_id
        );
    }
}
