//! How events change the call's facts; the flow's reaction is [`super::flow_run`]'s.

use super::command::CommandKind;
use super::event::{CallEvent, Kind};
use super::CallSession;

impl CallSession {
    /// Updates facts (connected, participants, pending operations) from one event.
    pub(super) fn apply(&mut self, ev: &CallEvent) {
        if self.server_call_id.is_none() {
            self.server_call_id.clone_from(&ev.server_call_id);
        }
        if let Some(ctx) = &ev.operation_context {
            let ends = self
                .pending
                .get(ctx)
                .is_some_and(|p| super::proxied::settling_outcome(p, &ev.kind).is_some());
            if ends {
                self.pending.remove(ctx);
            }
        }
        match ev.typed() {
            Kind::CallConnected => self.connected = true,
            Kind::CallDisconnected => {
                self.disconnected = true;
                self.ended_at_ms.get_or_insert(ev.time_ms);
                self.pending.clear();
            }
            Kind::ParticipantsUpdated => {
                if let Some(roster) = &ev.roster {
                    if self
                        .participants_seq
                        .is_none_or(|last| roster.sequence > last)
                    {
                        self.participants_seq = Some(roster.sequence);
                        self.participants.clone_from(&roster.participants);
                    }
                }
            }
            _ => {}
        }
        self.flow_event(ev);
        // A transfer accepted ends this worker's part: the flow records it (as the end of its
        // transfer step) while the call is still its own, then the fact is set.
        if ev.typed() == Kind::CallTransferAccepted {
            self.transferred = true;
        }
    }

    /// (joined, left): how `ev` changes the roster, when it is a `ParticipantsUpdated` newer
    /// than the roster held (an older one, delivered late, changes nothing).
    pub(super) fn roster_change(&self, ev: &CallEvent) -> (Vec<String>, Vec<String>) {
        let Some(roster) = ev
            .roster
            .as_ref()
            .filter(|_| ev.kind == "ParticipantsUpdated")
        else {
            return (Vec::new(), Vec::new());
        };
        if self
            .participants_seq
            .is_some_and(|last| roster.sequence <= last)
        {
            return (Vec::new(), Vec::new());
        }
        let ids = |list: &[super::timeline::Participant]| -> Vec<String> {
            list.iter().map(|p| p.raw_id.clone()).collect()
        };
        let (old, new) = (ids(&self.participants), ids(&roster.participants));
        let joined = new.iter().filter(|id| !old.contains(id)).cloned().collect();
        let left = old.iter().filter(|id| !new.contains(id)).cloned().collect();
        (joined, left)
    }

    /// Starts the flow once both the setup and CallConnected are known (either order).
    pub(super) fn drive(&mut self, trigger: &str, at_ms: i64) {
        let live = self.connected && !self.disconnected && !self.transferred;
        if self.flow.started || !live || self.setup.is_none() {
            return;
        }
        self.flow_start(trigger, at_ms);
    }
}

/// Commands whose outcome arrives as an event carrying their operationContext.
pub(super) fn completes_with_event(kind: &CommandKind) -> bool {
    matches!(
        kind,
        CommandKind::Play { .. }
            | CommandKind::Recognize { .. }
            | CommandKind::TransferToParticipant { .. }
            | CommandKind::AddParticipant { .. }
            | CommandKind::CancelAddParticipant { .. }
            | CommandKind::RemoveParticipant { .. }
    )
}

/// A one-line summary of an event for the timeline.
pub(super) fn describe(ev: &CallEvent) -> String {
    let party = || ev.party.clone().unwrap_or_else(|| "?".into());
    match ev.kind.as_str() {
        "RecognizeCompleted" => match &ev.collected {
            Some(super::event::Collected::Dtmf(d)) if d.chars().count() == 1 => format!("tone {d}"),
            Some(super::event::Collected::Dtmf(d)) => format!("tones {d}"),
            Some(super::event::Collected::Speech(t)) => format!("said {t:?}"),
            Some(super::event::Collected::Choice(c)) => format!("choice {c}"),
            None => "no input".into(),
        },
        "ParticipantsUpdated" => {
            let (n, seq) = ev
                .roster
                .as_ref()
                .map_or((0, 0), |r| (r.participants.len(), r.sequence));
            format!("{n} participant(s), sequence {seq}")
        }
        "CallTransferAccepted" => format!("to {}", party()),
        "AddParticipantSucceeded" => party(),
        "AddParticipantFailed" => format!("{}, {}", party(), result_text(ev)),
        k if k.ends_with("Failed") || k == "CallDisconnected" => result_text(ev),
        _ => String::new(),
    }
}

/// `486/560486: busy`: the event's result code, subcode and message.
pub(super) fn result_text(ev: &CallEvent) -> String {
    let (code, sub_code, message) = ev.result.as_ref().map_or((0, 0, "?"), |r| {
        (
            r.code,
            r.sub_code,
            if r.message.is_empty() {
                "?"
            } else {
                r.message.as_str()
            },
        )
    });
    format!("{code}/{sub_code}: {message}")
}

/// A one-line summary of a command for the timeline.
pub(super) fn describe_command(kind: &CommandKind) -> String {
    match kind {
        CommandKind::Play { prompts } => format!("{} prompt(s) to everyone", prompts.len()),
        CommandKind::Recognize {
            prompts,
            target,
            collect,
        } => {
            format!(
                "{} ({} prompt(s)) for {target}, {}s timeout",
                match collect.input {
                    crate::flow::step::Input::Dtmf => "dtmf",
                    crate::flow::step::Input::Speech => "speech",
                    crate::flow::step::Input::SpeechOrDtmf => "speech or dtmf",
                    crate::flow::step::Input::Choices => "choices",
                },
                prompts.len(),
                collect
                    .timeout_seconds
                    .unwrap_or(super::wire::DEFAULT_COLLECT_SECONDS)
            )
        }
        CommandKind::TransferToParticipant { target } => format!("to {target}"),
        CommandKind::AddParticipant { target, .. }
        | CommandKind::CancelAddParticipant { target, .. }
        | CommandKind::RemoveParticipant { target }
        | CommandKind::Unhold { target }
        | CommandKind::Mute { target } => target.clone(),
        CommandKind::Hold { target, music } => match music {
            Some(_) => format!("{target}, with music"),
            None => target.clone(),
        },
        CommandKind::Webhook { url, .. } => redact_url(url),
        CommandKind::HangUp { for_everyone } => if *for_everyone {
            "for everyone"
        } else {
            "leave"
        }
        .into(),
        CommandKind::StartRecording { server_call_id } => format!("server call {server_call_id}"),
    }
}

/// A webhook URL as the timeline shows it: scheme, host and path, without a query (which may
/// carry an operator's token).
pub(super) fn redact_url(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use callsteer::events::Outcome as CoreOutcome;

    /// The commands this worker waits on are exactly the ones the core's operation table gives
    /// a success event that carries their operationContext back — hang-up and start-recording
    /// have success events (CallDisconnected, RecordingStateChanged) that carry none.
    #[test]
    fn commands_awaiting_an_event_are_the_tables() {
        let t = || "4:+14255550111".to_owned();
        let kinds = [
            CommandKind::Play { prompts: vec![] },
            CommandKind::Recognize {
                prompts: vec![],
                target: t(),
                collect: Box::default(),
            },
            CommandKind::TransferToParticipant { target: t() },
            CommandKind::AddParticipant {
                target: t(),
                timeout_seconds: None,
            },
            CommandKind::CancelAddParticipant {
                invitation_id: "i".into(),
                target: t(),
            },
            CommandKind::Hold {
                target: t(),
                music: None,
            },
            CommandKind::Unhold { target: t() },
            CommandKind::RemoveParticipant { target: t() },
            CommandKind::Mute { target: t() },
            CommandKind::HangUp { for_everyone: true },
            CommandKind::HangUp {
                for_everyone: false,
            },
            CommandKind::StartRecording {
                server_call_id: "s".into(),
            },
        ];
        for kind in &kinds {
            let Some(op) = kind.operation() else { continue };
            let success = op.kinds(CoreOutcome::Succeeded);
            let carries_context = !success.is_empty()
                && !success.contains(&"CallDisconnected")
                && !success.contains(&"RecordingStateChanged");
            assert_eq!(completes_with_event(kind), carries_context, "{kind:?}");
        }
    }
}
