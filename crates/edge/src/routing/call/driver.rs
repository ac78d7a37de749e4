//! How events change the call's facts, and how the flow reacts.

use super::command::CommandKind;
use super::event::CallEvent;
use super::{CallSession, Stage};
use crate::routing::flow::{Menu, Step};

/// Operation context of the menu's `attempt`-th offer.
fn menu_ctx(attempt: u32) -> String {
    format!("menu-{attempt}")
}

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
        match ev.kind.as_str() {
            "CallConnected" => self.connected = true,
            "CallDisconnected" => {
                self.disconnected = true;
                self.ended_at_ms.get_or_insert(ev.time_ms);
                self.stage = Stage::Done;
                self.pending.clear();
            }
            "CallTransferAccepted" => {
                self.transferred = true;
                self.stage = Stage::Done;
            }
            "ParticipantsUpdated" => {
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
        self.react(ev);
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

    fn live(&self) -> bool {
        self.connected && !self.disconnected && !self.transferred
    }

    /// Starts the flow once both the setup and CallConnected are known (either order).
    pub(super) fn drive(&mut self, trigger: &str, at_ms: i64) {
        if self.stage != Stage::Waiting || !self.live() {
            return;
        }
        let Some(setup) = self.setup.clone() else {
            return;
        };
        let flow = setup.flow;
        if let Some(menu) = &flow.menu {
            let prompts = flow
                .greeting
                .iter()
                .chain([&menu.prompt])
                .cloned()
                .collect();
            let kind = CommandKind::RecognizeDtmf {
                prompts,
                target: setup.caller,
                timeout_seconds: menu.timeout_seconds,
            };
            self.stage = Stage::Menu { attempt: 1 };
            self.emit(trigger, at_ms, kind, Some(menu_ctx(1)));
        } else if let Some(greeting) = flow.greeting {
            self.stage = Stage::Greeting;
            self.emit(
                trigger,
                at_ms,
                CommandKind::Play {
                    prompts: vec![greeting],
                },
                Some("greeting".into()),
            );
        } else {
            self.stage = Stage::Done;
        }
    }

    /// The flow's reaction to an outcome event that belongs to its current stage.
    fn react(&mut self, ev: &CallEvent) {
        if !self.live() {
            return;
        }
        let ctx = ev.operation_context.as_deref().unwrap_or("");
        match (self.stage, ev.kind.as_str()) {
            (Stage::Menu { attempt }, "RecognizeCompleted" | "RecognizeFailed")
                if ctx == menu_ctx(attempt) =>
            {
                let Some(menu) = self.setup.as_ref().and_then(|s| s.flow.menu.clone()) else {
                    return;
                };
                match ev.tone.and_then(|t| menu.choices.get(&t.to_string())) {
                    Some(step) if ev.kind == "RecognizeCompleted" => {
                        self.run_step(step, &ev.key, ev.time_ms)
                    }
                    _ => self.retry_menu(&menu, attempt, ev),
                }
            }
            (Stage::Farewell, "PlayCompleted" | "PlayFailed" | "PlayCanceled")
                if ctx == "farewell" =>
            {
                self.run_step(&Step::HangUp {}, &ev.key, ev.time_ms);
            }
            (Stage::Greeting, "PlayCompleted" | "PlayFailed") if ctx == "greeting" => {
                self.stage = Stage::Done
            }
            (_, "CallTransferFailed") if ctx == "transfer" => {
                self.run_step(&Step::HangUp {}, &ev.key, ev.time_ms);
            }
            _ => {}
        }
    }

    fn retry_menu(&mut self, menu: &Menu, attempt: u32, ev: &CallEvent) {
        if attempt < menu.attempts {
            let caller = self
                .setup
                .as_ref()
                .map(|s| s.caller.clone())
                .unwrap_or_default();
            let kind = CommandKind::RecognizeDtmf {
                prompts: vec![menu.prompt.clone()],
                target: caller,
                timeout_seconds: menu.timeout_seconds,
            };
            self.stage = Stage::Menu {
                attempt: attempt + 1,
            };
            self.emit(&ev.key, ev.time_ms, kind, Some(menu_ctx(attempt + 1)));
        } else {
            let step = menu
                .on_failure
                .as_deref()
                .cloned()
                .unwrap_or(Step::HangUp {});
            self.run_step(&step, &ev.key, ev.time_ms);
        }
    }

    fn run_step(&mut self, step: &Step, trigger: &str, at_ms: i64) {
        let (kind, ctx, stage) = match step {
            Step::Transfer { target } => (
                CommandKind::TransferToParticipant {
                    target: target.clone(),
                },
                Some("transfer"),
                Stage::Done,
            ),
            Step::AddParticipant { target } => (
                CommandKind::AddParticipant {
                    target: target.clone(),
                },
                Some("add-participant"),
                Stage::Done,
            ),
            Step::PlayAndHangUp { prompt } => (
                CommandKind::Play {
                    prompts: vec![prompt.clone()],
                },
                Some("farewell"),
                Stage::Farewell,
            ),
            Step::HangUp {} => (
                CommandKind::HangUp { for_everyone: true },
                None,
                Stage::Done,
            ),
        };
        self.stage = stage;
        self.emit(trigger, at_ms, kind, ctx.map(str::to_owned));
    }
}

/// Commands whose outcome arrives as an event carrying their operationContext.
pub(super) fn completes_with_event(kind: &CommandKind) -> bool {
    matches!(
        kind,
        CommandKind::Play { .. }
            | CommandKind::RecognizeDtmf { .. }
            | CommandKind::TransferToParticipant { .. }
            | CommandKind::AddParticipant { .. }
            | CommandKind::RemoveParticipant { .. }
    )
}

/// A one-line summary of an event for the timeline.
pub(super) fn describe(ev: &CallEvent) -> String {
    let party = || ev.party.clone().unwrap_or_else(|| "?".into());
    match ev.kind.as_str() {
        "RecognizeCompleted" => match ev.tone {
            Some(t) => format!("tone {t}"),
            None => "no tone".into(),
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
fn result_text(ev: &CallEvent) -> String {
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
        CommandKind::RecognizeDtmf {
            prompts,
            target,
            timeout_seconds,
        } => {
            format!(
                "menu ({} prompt(s)) for {target}, {timeout_seconds}s timeout",
                prompts.len()
            )
        }
        CommandKind::TransferToParticipant { target } => format!("to {target}"),
        CommandKind::AddParticipant { target }
        | CommandKind::RemoveParticipant { target }
        | CommandKind::Mute { target } => target.clone(),
        CommandKind::HangUp { for_everyone } => if *for_everyone {
            "for everyone"
        } else {
            "leave"
        }
        .into(),
        CommandKind::StartRecording { server_call_id } => format!("server call {server_call_id}"),
    }
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
            CommandKind::RecognizeDtmf {
                prompts: vec![],
                target: t(),
                timeout_seconds: 5,
            },
            CommandKind::TransferToParticipant { target: t() },
            CommandKind::AddParticipant { target: t() },
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
            let success = kind.operation().kinds(CoreOutcome::Succeeded);
            let carries_context = !success.is_empty()
                && !success.contains(&"CallDisconnected")
                && !success.contains(&"RecordingStateChanged");
            assert_eq!(completes_with_event(kind), carries_context, "{kind:?}");
        }
    }
}
