//! Commands the call state machine wants sent to Call Automation, and the retry policy
//! for sending them.

use crate::flow::step::CollectStep;
use crate::flow::Prompt;
use callsteer::api::routes::OperationId;
use callsteer::http::Repeatability;
use callsteer::retry::RetryPolicy;
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
    /// Play prompts to `target` and collect its input (a flow's `collect` step).
    Recognize {
        prompts: Vec<Prompt>,
        target: String,
        collect: Box<CollectStep>,
    },
    TransferToParticipant {
        target: String,
    },
    AddParticipant {
        target: String,
        /// `invitationTimeoutInSeconds` (a flow's `ring` step); the service's default when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_seconds: Option<u32>,
    },
    /// Cancel a ringing invitation (a `ring` step's losers).
    CancelAddParticipant {
        invitation_id: String,
        target: String,
    },
    /// Hold `target`, with `music` (a `park` step).
    Hold {
        target: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        music: Option<Prompt>,
    },
    Unhold {
        target: String,
    },
    /// Ask the app (a `webhook` step): POST `body` to `url`. Not a Call Automation request;
    /// the worker sends it signed and reports the answer with `CallSession::handle_webhook`.
    Webhook {
        url: String,
        body: String,
        timeout_ms: u32,
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
            CommandKind::Recognize { .. } => "recognize",
            CommandKind::TransferToParticipant { .. } => "transfer",
            CommandKind::AddParticipant { .. } => "addParticipant",
            CommandKind::CancelAddParticipant { .. } => "cancelAddParticipant",
            CommandKind::Hold { .. } => "hold",
            CommandKind::Unhold { .. } => "unhold",
            CommandKind::Webhook { .. } => "webhook",
            CommandKind::RemoveParticipant { .. } => "removeParticipant",
            CommandKind::Mute { .. } => "mute",
            CommandKind::HangUp { .. } => "hangUp",
            CommandKind::StartRecording { .. } => "startRecording",
        }
    }
}

impl CommandKind {
    /// The REST operation the command is sent as (what settles it is the core's table);
    /// `None` for a webhook, which is not a Call Automation request.
    pub fn operation(&self) -> Option<OperationId> {
        Some(match self {
            CommandKind::Webhook { .. } => return None,
            CommandKind::Play { .. } => OperationId::Play,
            CommandKind::Recognize { .. } => OperationId::Recognize,
            CommandKind::TransferToParticipant { .. } => OperationId::Transfer,
            CommandKind::AddParticipant { .. } => OperationId::AddParticipant,
            CommandKind::CancelAddParticipant { .. } => OperationId::CancelAddParticipant,
            CommandKind::Hold { .. } => OperationId::Hold,
            CommandKind::Unhold { .. } => OperationId::Unhold,
            CommandKind::RemoveParticipant { .. } => OperationId::RemoveParticipant,
            CommandKind::Mute { .. } => OperationId::Mute,
            CommandKind::HangUp { for_everyone: true } => OperationId::Terminate,
            CommandKind::HangUp {
                for_everyone: false,
            } => OperationId::HangUp,
            CommandKind::StartRecording { .. } => OperationId::StartRecording,
        })
    }

    /// The participant the command acts on, as a raw id (`+1…` targets are phone numbers).
    pub fn party(&self) -> Option<String> {
        match self {
            CommandKind::Recognize { target, .. }
            | CommandKind::TransferToParticipant { target }
            | CommandKind::AddParticipant { target, .. }
            | CommandKind::CancelAddParticipant { target, .. }
            | CommandKind::Hold { target, .. }
            | CommandKind::Unhold { target }
            | CommandKind::RemoveParticipant { target }
            | CommandKind::Mute { target } => Some(super::wire::identifier(target).raw_id()),
            CommandKind::Play { .. }
            | CommandKind::HangUp { .. }
            | CommandKind::StartRecording { .. }
            | CommandKind::Webhook { .. } => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use callsteer::send::{Attempts, Next};

    const NOW: u64 = 1_700_000_000;

    /// [`POLICY`] through the core's send machine after attempt `made` (1-based) got
    /// `status` (`None`: no response) with `headers`.
    fn next(status: Option<u16>, headers: &[(&str, &str)], made: u32) -> Next {
        let req = callsteer::http::Request::new(callsteer::http::Method::Post, "/calling/x");
        let a = Attempts::resume(req, POLICY, made);
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        match status {
            Some(s) => a.on_response(s, &headers, NOW),
            None => a.on_transport_error(),
        }
    }

    #[test]
    fn retry_policy() {
        let retry = |after_ms| Next::Retry { after_ms };
        assert_eq!(next(Some(202), &[], 1), Next::Finish);
        assert_eq!(next(Some(429), &[("Retry-After", "1")], 1), retry(1000));
        assert_eq!(
            next(Some(503), &[("Retry-After", "3600")], 1),
            retry(10_000)
        );
        assert_eq!(next(Some(503), &[], 3), retry(800));
        assert_eq!(next(None, &[], 1), retry(200));
        assert_eq!(next(Some(503), &[], MAX_ATTEMPTS), Next::Finish);
        assert_eq!(next(Some(400), &[], 1), Next::Finish);
        assert_eq!(next(Some(404), &[], 1), Next::Finish);
        // The hints the edge used to ignore.
        assert_eq!(
            next(Some(429), &[("retry-after-ms", "1500")], 1),
            retry(1500)
        );
        assert_eq!(
            next(Some(429), &[("x-ms-retry-after-ms", "40")], 1),
            retry(40)
        );
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
