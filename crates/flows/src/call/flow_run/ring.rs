//! The `ring` step: invitations one after another or all at once, the first answer winning,
//! the others cancelled (or removed when their answer beat the cancel).

use super::{CallSession, End, Failure, LegState, Wait};
use crate::call::command::CommandKind;
use crate::call::event::{CallEvent, Kind};
use crate::flow::step::{FlowStep, RingMode, StepKind, DEFAULT_RING_SECONDS};

impl CallSession {
    /// Invites the ring step's waiting legs: all of them at once, or the next one in turn.
    /// When none is left, follows the outcome of the last one that failed.
    pub(super) fn ring_next(
        &mut self,
        step: &FlowStep,
        trigger: &str,
        at_ms: i64,
    ) -> Option<String> {
        let Wait::Ring { mut legs, mode } = std::mem::take(&mut self.flow.wait) else {
            return None;
        };
        let timeout_seconds = match &step.kind {
            StepKind::Ring(r) => r.timeout_seconds,
            _ => None,
        };
        let ringing = legs.iter().any(|l| l.state == LegState::Ringing);
        let mut invited = 0;
        for leg in legs.iter_mut().filter(|l| l.state == LegState::Waiting) {
            if mode == RingMode::Sequential && (ringing || invited > 0) {
                break;
            }
            if let Err(reason) = crate::flow::check_target(&leg.target) {
                leg.state = LegState::Failed(Failure::Failed);
                self.note(&format!("ring {}: {reason}", leg.target));
                continue;
            }
            let kind = CommandKind::AddParticipant {
                target: leg.target.clone(),
                timeout_seconds: Some(timeout_seconds.unwrap_or(DEFAULT_RING_SECONDS)),
            };
            leg.ctx = self.emit_step(trigger, at_ms, kind);
            leg.state = LegState::Ringing;
            invited += 1;
        }
        let open = legs
            .iter()
            .any(|l| matches!(l.state, LegState::Ringing | LegState::Waiting));
        let last_failure = legs.iter().rev().find_map(|l| match l.state {
            LegState::Failed(f) => Some(f),
            _ => None,
        });
        self.flow.wait = Wait::Ring { legs, mode };
        if open {
            return None;
        }
        let outcome = last_failure.unwrap_or(Failure::Failed).path();
        self.fail_over(step, outcome, "no target answered", trigger, at_ms)
    }

    pub(super) fn ring_event(&mut self, ev: &CallEvent, kind: Kind) {
        let ctx = ev.operation_context.as_deref().unwrap_or("");
        let Wait::Ring { mut legs, mode } = self.flow.wait.clone() else {
            return;
        };
        let Some(i) = legs.iter().position(|l| !l.ctx.is_empty() && l.ctx == ctx) else {
            return;
        };
        let (trigger, at) = (ev.key.clone(), ev.time_ms);
        let won = legs.iter().any(|l| l.state == LegState::Answered);
        match kind {
            Kind::AddParticipantSucceeded if won || self.flow.end.is_some() => {
                // Answered after another leg won (its cancel lost the race): take it out again.
                legs[i].state = LegState::Canceled;
                let target = legs[i].target.clone();
                self.emit(
                    &trigger,
                    at,
                    CommandKind::RemoveParticipant { target },
                    None,
                );
            }
            Kind::AddParticipantSucceeded => {
                legs[i].state = LegState::Answered;
                for leg in legs.iter_mut().filter(|l| l.state == LegState::Ringing) {
                    leg.state = LegState::Canceled;
                    if let Some(invitation_id) = leg.invitation_id.clone() {
                        let kind = CommandKind::CancelAddParticipant {
                            invitation_id,
                            target: leg.target.clone(),
                        };
                        let ctx = leg.ctx.clone();
                        self.emit(&trigger, at, kind, Some(format!("{ctx}-cancel")));
                    }
                }
                for leg in legs.iter_mut().filter(|l| l.state == LegState::Waiting) {
                    leg.state = LegState::Canceled;
                }
                self.flow.wait = Wait::Ring { legs, mode };
                return self.finish(End::Connected, "a ring target answered", &trigger, at);
            }
            Kind::AddParticipantFailed if legs[i].state == LegState::Ringing => {
                legs[i].state = LegState::Failed(Failure::of(ev));
                self.note(&format!(
                    "ring {}: {}",
                    legs[i].target,
                    crate::call::driver::result_text(ev)
                ));
                self.flow.wait = Wait::Ring { legs, mode };
                if self.flow.end.is_none() {
                    if let Some(step) = self.current() {
                        if let Some(next) = self.ring_next(&step, &trigger, at) {
                            self.flow.wait = Wait::Nothing;
                            self.enter(next, &trigger, at);
                        }
                    }
                }
                return;
            }
            _ => return,
        }
        self.flow.wait = Wait::Ring { legs, mode };
    }

    /// Reports the invitation id the service gave an add-participant command (from its 202
    /// response): what cancelling that invitation needs.
    pub fn handle_invitation(&mut self, command_id: &str, invitation_id: &str) {
        let ctx = self
            .timeline
            .iter()
            .find(|e| e.id.as_deref() == Some(command_id))
            .and_then(|e| e.operation_context.clone());
        let Some(ctx) = ctx else { return };
        if let Wait::Ring { legs, .. } = &mut self.flow.wait {
            if let Some(leg) = legs.iter_mut().find(|l| l.ctx == ctx) {
                leg.invitation_id = Some(invitation_id.to_owned());
            }
        }
    }
}
