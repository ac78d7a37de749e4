//! How the step the call is in reacts to an event: a prompt done, input collected or not, a
//! transfer accepted or failed, a ring's invitations, an operator taking a parked call, a
//! command the service refused.

use super::{
    on_path, CallSession, End, Failure, LegState, Outcome, Wait, NO_INPUT_CODES, NO_MATCH_CODES,
};
use crate::call::command::CommandKind;
use crate::call::event::{CallEvent, Kind};
use crate::flow::step::StepKind;

impl CallSession {
    /// Reacts to an event for the step the call is in.
    pub(in crate::call) fn flow_event(&mut self, ev: &CallEvent) {
        let kind = ev.typed();
        let ctx = ev.operation_context.as_deref().unwrap_or("");
        if kind == Kind::CallDisconnected {
            if self.flow.end.is_none() && self.flow.started {
                self.flow.end = Some(End::CallerHungUp);
                self.flow.end_reason = Some("the call ended".into());
            }
            self.flow.wait = Wait::Nothing;
            return;
        }
        if !self.flow_live() {
            return;
        }
        let (trigger, at) = (ev.key.clone(), ev.time_ms);
        match self.flow.wait.clone() {
            Wait::Play { ctx: c } if c == ctx => match kind {
                Kind::PlayCompleted | Kind::PlayCanceled => {
                    self.follow(Outcome::Next, "", &trigger, at)
                }
                Kind::PlayFailed => self.follow(
                    Outcome::Failure,
                    &crate::call::driver::result_text(ev),
                    &trigger,
                    at,
                ),
                _ => {}
            },
            Wait::Goodbye { ctx: c } if c == ctx => {
                if matches!(
                    kind,
                    Kind::PlayCompleted | Kind::PlayFailed | Kind::PlayCanceled
                ) {
                    self.finish(End::HungUp, "hangUp step", &trigger, at);
                }
            }
            Wait::Collect { ctx: c, attempt } if c == ctx => self.collected(ev, kind, attempt),
            Wait::Transfer {
                ctx: c,
                index,
                targets,
            } if c == ctx => match kind {
                Kind::CallTransferAccepted => {
                    self.finish(End::Transferred, "transfer accepted", &trigger, at)
                }
                Kind::CallTransferFailed => {
                    let failure = Failure::of(ev);
                    self.note(&format!(
                        "transfer to {}: {}",
                        targets.get(index).map_or("?", String::as_str),
                        crate::call::driver::result_text(ev)
                    ));
                    if index + 1 < targets.len() {
                        self.transfer_to(targets, index + 1, &trigger, at);
                    } else {
                        self.follow(failure.path(), "no target took the call", &trigger, at);
                    }
                }
                _ => {}
            },
            Wait::Ring { .. } => self.ring_event(ev, kind),
            Wait::Park { ctx: c, .. } => match kind {
                Kind::AddParticipantSucceeded => {
                    let target = self.caller();
                    self.emit(&trigger, at, CommandKind::Unhold { target }, None);
                    self.finish(End::Connected, "an operator took the call", &trigger, at);
                }
                Kind::CallTransferAccepted => self.finish(
                    End::Transferred,
                    "an operator transferred the call",
                    &trigger,
                    at,
                ),
                Kind::HoldFailed if c == ctx => {
                    self.follow(Outcome::Timeout, "hold failed", &trigger, at)
                }
                _ => {}
            },
            _ => {}
        }
    }

    pub(super) fn collected(&mut self, ev: &CallEvent, kind: Kind, attempt: u32) {
        let Some(step) = self.current() else { return };
        let StepKind::Collect(c) = &step.kind else {
            return;
        };
        let (trigger, at) = (ev.key.clone(), ev.time_ms);
        let outcome = match kind {
            Kind::RecognizeCompleted => match &ev.collected {
                Some(value) => {
                    let variable = c.variable.clone().unwrap_or_else(|| step.id.clone());
                    self.flow.vars.insert(variable, value.value().to_owned());
                    match on_path(&step.paths.on, value) {
                        Some(path) => {
                            self.flow.wait = Wait::Nothing;
                            return self.enter(path, &trigger, at);
                        }
                        None if step.paths.next.is_some() => Outcome::Next,
                        None => Outcome::NoMatch,
                    }
                }
                None => Outcome::NoInput,
            },
            Kind::RecognizeFailed => match ev.sub_code() {
                Some(code) if NO_INPUT_CODES.contains(&code) => Outcome::NoInput,
                Some(code) if NO_MATCH_CODES.contains(&code) => Outcome::NoMatch,
                _ => Outcome::Failure,
            },
            Kind::RecognizeCanceled => Outcome::Failure,
            _ => return,
        };
        let retry = matches!(outcome, Outcome::NoInput | Outcome::NoMatch)
            && attempt < c.attempts.unwrap_or(1);
        if retry {
            self.collect(c, attempt + 1, &trigger, at);
        } else {
            let reason = match outcome {
                Outcome::Failure => crate::call::driver::result_text(ev),
                _ => String::new(),
            };
            self.follow(outcome, &reason, &trigger, at);
        }
    }

    /// A flow command the service refused (or that could not be built): the step fails.
    pub(in crate::call) fn flow_refused(
        &mut self,
        ctx: &str,
        reason: &str,
        trigger: &str,
        at_ms: i64,
    ) {
        let waiting_on = match &self.flow.wait {
            Wait::Play { ctx: c }
            | Wait::Collect { ctx: c, .. }
            | Wait::Transfer { ctx: c, .. }
            | Wait::Park { ctx: c, .. }
            | Wait::Goodbye { ctx: c } => c == ctx,
            Wait::Ring { legs, .. } => legs.iter().any(|l| l.ctx == ctx),
            Wait::Webhook { .. } | Wait::Nothing => false,
        };
        if !waiting_on || self.flow.end.is_some() {
            return;
        }
        match self.flow.wait.clone() {
            Wait::Goodbye { .. } => self.finish(End::HungUp, reason, trigger, at_ms),
            Wait::Transfer { index, targets, .. } if index + 1 < targets.len() => {
                self.transfer_to(targets, index + 1, trigger, at_ms);
            }
            Wait::Ring { mut legs, mode } => {
                if let Some(leg) = legs.iter_mut().find(|l| l.ctx == ctx) {
                    leg.state = LegState::Failed(Failure::Failed);
                }
                self.flow.wait = Wait::Ring { legs, mode };
                if let Some(step) = self.current() {
                    if let Some(next) = self.ring_next(&step, trigger, at_ms) {
                        self.enter(next, trigger, at_ms);
                    }
                }
            }
            Wait::Park { .. } => self.follow(Outcome::Timeout, reason, trigger, at_ms),
            _ => self.follow(Outcome::Failure, reason, trigger, at_ms),
        }
    }
}
