//! The flow interpreter: where a call is in its flow ([`FlowRun`]), and how each input moves it.
//!
//! It is part of [`CallSession`], so a live call (the worker's Durable Object) and a simulated
//! one ([`crate::routing::simulate`]) run exactly this code. Inputs are the session's: callback
//! events, the app's answer to a webhook step ([`CallSession::handle_webhook`]), a timer
//! ([`CallSession::handle_timer`]: a park's wait), an invitation id
//! ([`CallSession::handle_invitation`]: what cancelling a ring needs) and a send that failed.
//! Outputs are commands in the session's outbox, each with the operation context
//! `<step id>-<n>` (the step's n-th command in the call), which is how an event finds its step.
//!
//! Every outcome the service can report for a command a step sent leads somewhere: to one of the
//! step's paths, to its default (docs/flows.md), or — where the step has none — to a hang-up.

use super::command::CommandKind;
use super::event::{CallEvent, Collected, Kind};
use super::CallSession;
use crate::routing::flow::step::{
    CollectStep, FlowStep, RingMode, StepKind, DEFAULT_MAX_VISITS, DEFAULT_PARK_SECONDS,
    DEFAULT_RING_SECONDS, DEFAULT_WEBHOOK_TIMEOUT_MS, MAX_STEP_RUNS,
};
use crate::routing::flow::template::Template;
use crate::routing::flow::validate::RESERVED_VARIABLES;
use crate::routing::flow::Prompt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a call is in its flow. Stored with the session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowRun {
    /// The flow has started (the setup and `CallConnected` are both known).
    #[serde(default)]
    pub started: bool,
    /// The step the call is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// What the step waits for.
    #[serde(default)]
    pub wait: Wait,
    /// Step ids in the order the call entered them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// Visits per step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub visits: BTreeMap<String, u32>,
    /// Commands sent per step (numbers the operation contexts).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sent: BTreeMap<String, u32>,
    /// The flow's variables (collected input, the app's `set`, `set` steps).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, String>,
    /// How the flow ended, once it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<End>,
    /// Why it ended that way (`transfer: no target took the call`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    /// The app's answers to webhook steps, in order (`{"goto", "set"}`, or `"timeout"` /
    /// `"failed"` when there was none): what a replay of the call gives the app's part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<serde_json::Value>,
}

/// What the current step waits for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "on")]
pub enum Wait {
    #[default]
    Nothing,
    /// A play step's prompt.
    Play { ctx: String },
    /// A collect step's recognition, attempt `attempt` (1-based).
    Collect { ctx: String, attempt: u32 },
    /// A transfer to `targets[index]`.
    Transfer {
        ctx: String,
        index: usize,
        targets: Vec<String>,
    },
    /// A ring step's invitations.
    Ring { legs: Vec<Leg>, mode: RingMode },
    /// A park: until an operator takes the call, or `until_ms`.
    Park { ctx: String, until_ms: i64 },
    /// The app's answer to webhook command `command`.
    Webhook { command: String },
    /// A hang-up step's goodbye prompt.
    Goodbye { ctx: String },
}

/// One invitation of a ring step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Leg {
    pub target: String,
    /// Empty until the leg is invited (sequential rings invite one at a time).
    #[serde(default)]
    pub ctx: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    pub state: LegState,
}

/// How one invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LegState {
    Waiting,
    Ringing,
    Answered,
    /// Cancelled (by us: another leg won).
    Canceled,
    Failed(Failure),
}

/// Why a target did not take the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Failure {
    Busy,
    NoAnswer,
    Failed,
}

impl Failure {
    /// From a failure event's result code: 486 busy; 408, 480 and 487 no answer (the service
    /// reports an invitation that timed out as 408, the emulator does too); anything else failed.
    pub fn of(ev: &CallEvent) -> Failure {
        match ev.result.as_ref().map(|r| r.code) {
            Some(486 | 600) => Failure::Busy,
            Some(408 | 480 | 487) => Failure::NoAnswer,
            _ => Failure::Failed,
        }
    }

    fn path(self) -> Outcome {
        match self {
            Failure::Busy => Outcome::Busy,
            Failure::NoAnswer => Outcome::NoAnswer,
            Failure::Failed => Outcome::Failure,
        }
    }
}

/// How a call's flow ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum End {
    /// The flow hung up (a hangUp step, or a path that defaults to a hang-up).
    HungUp,
    /// A transfer was accepted: the caller is with the target, this worker's leg is gone.
    Transferred,
    /// A ring was answered (or an operator took a parked call): the caller is connected.
    Connected,
    /// The caller (or someone else) ended the call first.
    CallerHungUp,
    /// A step's `maxVisits` without a `limit` path, or the call's step limit: hung up.
    StepLimit,
}

/// A step's outcome: which path it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Next,
    On,
    NoInput,
    NoMatch,
    Failure,
    Busy,
    NoAnswer,
    Timeout,
}

/// The recognition failure sub-codes that mean "nothing heard" and "not understood" (the
/// service's documented `RecognizeFailed` codes: 8510 initial silence timeout; 8532 inter-tone
/// timeout before any tone; 8534 incorrect tone, 8547 speech matched no choice, 8546 no
/// speech-or-DTMF match). Every other failure is the step's `failure`.
const NO_INPUT_CODES: [i64; 2] = [8510, 8532];
const NO_MATCH_CODES: [i64; 3] = [8534, 8546, 8547];

/// The app's answer to a webhook step, as the worker received it.
pub type WebhookReply = Result<String, String>;

/// Limits on the app's answer to a webhook step.
pub const MAX_WEBHOOK_ANSWER_BYTES: usize = 64 * 1024;
const MAX_SET_VARIABLES: usize = 50;
const MAX_VARIABLE_BYTES: usize = 1024;

impl CallSession {
    /// Starts the flow (once the setup and `CallConnected` are both known).
    pub(super) fn flow_start(&mut self, trigger: &str, at_ms: i64) {
        self.flow.started = true;
        let Some(start) = self
            .setup
            .as_ref()
            .and_then(|s| s.flow.start_id().map(str::to_owned))
        else {
            return;
        };
        self.enter(start, trigger, at_ms);
    }

    /// The step `id` of this call's flow.
    fn step(&self, id: &str) -> Option<FlowStep> {
        self.setup.as_ref()?.flow.step(id).cloned()
    }

    fn current(&self) -> Option<FlowStep> {
        self.step(self.flow.step.as_deref()?)
    }

    /// Enters step `id`, and the next ones while they take no time (branch, set).
    fn enter(&mut self, id: String, trigger: &str, at_ms: i64) {
        let mut next = Some(id);
        while let Some(id) = next.take() {
            if self.flow.end.is_some() {
                return;
            }
            let Some(step) = self.step(&id) else {
                return self.finish(End::HungUp, &format!("no step {id:?}"), trigger, at_ms);
            };
            let runs: u32 = self.flow.visits.values().sum();
            if runs >= MAX_STEP_RUNS {
                return self.finish(
                    End::StepLimit,
                    &format!("the call ran {MAX_STEP_RUNS} steps"),
                    trigger,
                    at_ms,
                );
            }
            let visits = self.flow.visits.entry(id.clone()).or_insert(0);
            *visits += 1;
            if *visits > step.max_visits.unwrap_or(DEFAULT_MAX_VISITS) {
                match step.paths.limit.clone() {
                    Some(limit) if limit != id => {
                        self.flow.path.push(format!("{id}:limit"));
                        next = Some(limit);
                        continue;
                    }
                    _ => {
                        return self.finish(
                            End::StepLimit,
                            &format!("step {id} reached its visit limit"),
                            trigger,
                            at_ms,
                        )
                    }
                }
            }
            self.flow.step = Some(id.clone());
            self.flow.path.push(id);
            self.flow.wait = Wait::Nothing;
            next = self.run(&step, trigger, at_ms);
        }
    }

    /// Runs a step; returns the next step when it took no time.
    fn run(&mut self, step: &FlowStep, trigger: &str, at_ms: i64) -> Option<String> {
        match &step.kind {
            StepKind::Play(p) => {
                let prompts = self.render_all(&p.all());
                let ctx = self.emit_step(trigger, at_ms, CommandKind::Play { prompts });
                self.flow.wait = Wait::Play { ctx };
                None
            }
            StepKind::Collect(c) => {
                self.collect(c, 1, trigger, at_ms);
                None
            }
            StepKind::Branch(b) => {
                let now = at_ms.div_euclid(1000);
                let case = b.cases.iter().find(|c| self.holds(&c.when, now));
                Some(case.map_or_else(|| b.otherwise.clone(), |c| c.goto.clone()))
            }
            StepKind::Set(vars) => {
                let values: Vec<(String, String)> = vars
                    .iter()
                    .map(|(k, v)| (k.clone(), self.render(v)))
                    .collect();
                self.flow.vars.extend(values);
                step.paths.next.clone()
            }
            StepKind::Webhook(w) => {
                let url = self.render(&w.url);
                if let Err(reason) = crate::routing::flow::validate::check_webhook_url(&url) {
                    return self.fail_over(step, Outcome::Failure, &reason, trigger, at_ms);
                }
                let body = self.webhook_body(&step.id);
                let timeout_ms = w.timeout_ms.unwrap_or(DEFAULT_WEBHOOK_TIMEOUT_MS);
                let kind = CommandKind::Webhook {
                    url,
                    body,
                    timeout_ms,
                };
                let ctx = self.next_ctx(&step.id);
                let cmd = self.emit(trigger, at_ms, kind, Some(ctx));
                self.flow.wait = Wait::Webhook { command: cmd.id };
                None
            }
            StepKind::Transfer(t) => {
                let targets: Vec<String> = t.targets.iter().map(|x| self.render(x)).collect();
                self.transfer_to(targets, 0, trigger, at_ms)
            }
            StepKind::Ring(r) => {
                let legs = r
                    .targets
                    .iter()
                    .map(|t| Leg {
                        target: self.render(t),
                        ctx: String::new(),
                        invitation_id: None,
                        state: LegState::Waiting,
                    })
                    .collect();
                self.flow.wait = Wait::Ring { legs, mode: r.mode };
                self.ring_next(step, trigger, at_ms)
            }
            StepKind::Park(p) => {
                let music = p.music.as_ref().map(|m| self.render_prompt(m));
                let target = self.caller();
                let ctx = self.emit_step(trigger, at_ms, CommandKind::Hold { target, music });
                let wait_ms = i64::from(p.max_wait_seconds.unwrap_or(DEFAULT_PARK_SECONDS)) * 1000;
                self.flow.wait = Wait::Park {
                    ctx,
                    until_ms: at_ms.saturating_add(wait_ms),
                };
                None
            }
            StepKind::HangUp(h) => {
                match &h.prompt {
                    Some(p) => {
                        let prompts = vec![self.render_prompt(p)];
                        let ctx = self.emit_step(trigger, at_ms, CommandKind::Play { prompts });
                        self.flow.wait = Wait::Goodbye { ctx };
                    }
                    None => self.finish(End::HungUp, "hangUp step", trigger, at_ms),
                }
                None
            }
        }
    }

    fn collect(&mut self, c: &CollectStep, attempt: u32, trigger: &str, at_ms: i64) {
        let prompts = if attempt > 1 && !c.retry_prompts.is_empty() {
            c.retry_prompts.clone()
        } else {
            c.all()
        };
        let kind = CommandKind::Recognize {
            prompts: self.render_all(&prompts),
            target: self.caller(),
            collect: Box::new(c.clone()),
        };
        let ctx = self.emit_step(trigger, at_ms, kind);
        self.flow.wait = Wait::Collect { ctx, attempt };
    }

    /// Transfers to `targets[index]`; past the last one, nothing (the caller decides the path).
    fn transfer_to(
        &mut self,
        targets: Vec<String>,
        index: usize,
        trigger: &str,
        at_ms: i64,
    ) -> Option<String> {
        let target = targets.get(index)?.clone();
        if let Err(reason) = crate::routing::flow::check_target(&target) {
            let step = self.current()?;
            return self.fail_over(&step, Outcome::Failure, &reason, trigger, at_ms);
        }
        let ctx = self.emit_step(
            trigger,
            at_ms,
            CommandKind::TransferToParticipant { target },
        );
        self.flow.wait = Wait::Transfer {
            ctx,
            index,
            targets,
        };
        None
    }

    /// Invites the ring step's waiting legs: all of them at once, or the next one in turn.
    /// When none is left, follows the outcome of the last one that failed.
    fn ring_next(&mut self, step: &FlowStep, trigger: &str, at_ms: i64) -> Option<String> {
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
            if let Err(reason) = crate::routing::flow::check_target(&leg.target) {
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

    /// The path for `outcome` of `step`, with the defaults docs/flows.md states; a hang-up when
    /// there is none.
    fn fail_over(
        &mut self,
        step: &FlowStep,
        outcome: Outcome,
        reason: &str,
        trigger: &str,
        at_ms: i64,
    ) -> Option<String> {
        let p = &step.paths;
        let path = match outcome {
            Outcome::Next | Outcome::On => p.next.clone(),
            Outcome::NoInput => p
                .no_input
                .clone()
                .or(p.no_match.clone())
                .or(p.failure.clone()),
            Outcome::NoMatch => p.no_match.clone().or(p.failure.clone()),
            Outcome::Busy => p.busy.clone().or(p.failure.clone()),
            Outcome::NoAnswer => p.no_answer.clone().or(p.failure.clone()),
            Outcome::Timeout => p.timeout.clone(),
            Outcome::Failure => match step.kind {
                StepKind::Play(_) => p.failure.clone().or(p.next.clone()),
                _ => p.failure.clone(),
            },
        };
        if outcome != Outcome::Next && outcome != Outcome::On {
            let what = if reason.is_empty() {
                outcome.name()
            } else {
                reason
            };
            self.note(&format!("{}: {what}", step.id));
        }
        if path.is_none() {
            let what = format!(
                "{} of step {} has no path: {reason}",
                outcome.name(),
                step.id
            );
            self.finish(End::HungUp, &what, trigger, at_ms);
        }
        path
    }

    /// Moves on from the current step along `outcome`.
    fn follow(&mut self, outcome: Outcome, reason: &str, trigger: &str, at_ms: i64) {
        let Some(step) = self.current() else { return };
        self.flow.wait = Wait::Nothing;
        if let Some(next) = self.fail_over(&step, outcome, reason, trigger, at_ms) {
            self.enter(next, trigger, at_ms);
        }
    }

    /// Ends the flow; a hang-up (or step limit) hangs up for everyone.
    fn finish(&mut self, end: End, reason: &str, trigger: &str, at_ms: i64) {
        if self.flow.end.is_some() {
            return;
        }
        self.flow.end = Some(end);
        self.flow.end_reason = Some(reason.to_owned());
        if !matches!(self.flow.wait, Wait::Ring { .. }) {
            self.flow.wait = Wait::Nothing;
        }
        if matches!(end, End::HungUp | End::StepLimit) && self.flow_live() {
            self.emit(
                trigger,
                at_ms,
                CommandKind::HangUp { for_everyone: true },
                None,
            );
        }
    }

    fn flow_live(&self) -> bool {
        self.connected && !self.disconnected && !self.transferred
    }

    /// Reacts to an event for the step the call is in.
    pub(super) fn flow_event(&mut self, ev: &CallEvent) {
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
                    &super::driver::result_text(ev),
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
                        super::driver::result_text(ev)
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

    fn collected(&mut self, ev: &CallEvent, kind: Kind, attempt: u32) {
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
                Outcome::Failure => super::driver::result_text(ev),
                _ => String::new(),
            };
            self.follow(outcome, &reason, &trigger, at);
        }
    }

    fn ring_event(&mut self, ev: &CallEvent, kind: Kind) {
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
                    super::driver::result_text(ev)
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

    /// A flow command the service refused (or that could not be built): the step fails.
    pub(super) fn flow_refused(&mut self, ctx: &str, reason: &str, trigger: &str, at_ms: i64) {
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

    /// The app's answer to webhook command `command_id`: the body it returned, or why there
    /// is none (refused, timed out, not 2xx). `at_ms` is when the answer came.
    pub fn handle_webhook(&mut self, command_id: &str, reply: WebhookReply, at_ms: i64) {
        if self.flow.wait
            != (Wait::Webhook {
                command: command_id.to_owned(),
            })
            || self.flow.end.is_some()
        {
            return;
        }
        let trigger = format!("webhook:{command_id}");
        let Some(step) = self.current() else { return };
        let StepKind::Webhook(w) = &step.kind else {
            return;
        };
        let timed_out =
            matches!(&reply, Err(r) if r.contains("no answer within") || r == "timed out");
        let answer = reply.and_then(|body| parse_answer(&body));
        self.flow.answers.push(match &answer {
            Ok(a) => serde_json::json!({ "goto": a.goto, "set": a.set }),
            Err(_) if timed_out => "timeout".into(),
            Err(_) => serde_json::json!({ "goto": 0 }),
        });
        let outcome = answer.and_then(|a| {
            if let Some(goto) = &a.goto {
                let listed = w.goto.is_empty() || w.goto.contains(goto);
                if self.step(goto).is_none() || !listed {
                    return Err(format!(
                        "the app's goto {goto:?} is not a step this one may lead to"
                    ));
                }
            }
            Ok(a)
        });
        let rev = self.bump();
        let status = match &outcome {
            Ok(a) => match &a.goto {
                Some(g) => format!("answered: goto {g}"),
                None => "answered".to_owned(),
            },
            Err(reason) => format!("failed: {reason}"),
        };
        if let Some(entry) = self.command_entry(command_id) {
            entry.status = Some(status);
            entry.outcome = Some(if outcome.is_ok() {
                super::timeline::Outcome::Succeeded
            } else {
                super::timeline::Outcome::Failed
            });
            entry.rev = rev;
        }
        self.flow.wait = Wait::Nothing;
        match outcome {
            Ok(a) => {
                self.flow.vars.extend(a.set);
                match a.goto.or(step.paths.next.clone()) {
                    Some(next) => self.enter(next, &trigger, at_ms),
                    None => self.follow(
                        Outcome::Failure,
                        "the app named no step and the webhook has no next",
                        &trigger,
                        at_ms,
                    ),
                }
            }
            Err(reason) => self.follow(Outcome::Failure, &reason, &trigger, at_ms),
        }
    }

    /// When the session next needs [`CallSession::handle_timer`] (Unix ms): a park's end.
    pub fn next_timer(&self) -> Option<i64> {
        match &self.flow.wait {
            Wait::Park { until_ms, .. } if self.flow.end.is_none() && self.flow_live() => {
                Some(*until_ms)
            }
            _ => None,
        }
    }

    /// Time has come to `now_ms`: a park whose wait is over unholds the caller and takes its
    /// `timeout` path.
    pub fn handle_timer(&mut self, now_ms: i64) {
        let Some(until) = self.next_timer().filter(|t| *t <= now_ms) else {
            return;
        };
        let trigger = format!("timer:{until}");
        let target = self.caller();
        self.emit(&trigger, until, CommandKind::Unhold { target }, None);
        self.follow(Outcome::Timeout, "the park's wait is over", &trigger, until);
    }

    /// Queues a command for the current step with the next operation context; returns it.
    fn emit_step(&mut self, trigger: &str, at_ms: i64, kind: CommandKind) -> String {
        let step = self.flow.step.clone().unwrap_or_default();
        let ctx = self.next_ctx(&step);
        self.emit(trigger, at_ms, kind, Some(ctx.clone()));
        ctx
    }

    fn next_ctx(&mut self, step: &str) -> String {
        let n = self.flow.sent.entry(step.to_owned()).or_insert(0);
        *n += 1;
        format!("{step}-{n}")
    }

    /// Adds a line to the flow's record of what happened (shown with the path).
    fn note(&mut self, text: &str) {
        self.flow.path.push(format!("! {text}"));
    }

    /// The caller as the commands address it (its raw id).
    fn caller(&self) -> String {
        self.setup
            .as_ref()
            .map(|s| s.caller.clone())
            .unwrap_or_default()
    }

    /// A variable's value: the worker's (`caller`, `callee`, `callerDisplayName`, `rule`,
    /// `revision`, `flow`, `visits.<step>`), else the flow's, else empty.
    pub fn variable(&self, name: &str) -> String {
        let setup = self.setup.as_ref();
        let phone = |raw: &str| raw.strip_prefix("4:").unwrap_or(raw).to_owned();
        match name {
            "caller" => setup.map(|s| phone(&s.caller)).unwrap_or_default(),
            "callee" => setup.map(|s| phone(&s.callee)).unwrap_or_default(),
            "callerDisplayName" => setup
                .and_then(|s| s.caller_display_name.clone())
                .unwrap_or_default(),
            "rule" => setup.and_then(|s| s.rule.clone()).unwrap_or_default(),
            "revision" => setup.and_then(|s| s.revision.clone()).unwrap_or_default(),
            "flow" => setup.and_then(|s| s.flow.name.clone()).unwrap_or_default(),
            _ => match name.strip_prefix("visits.") {
                Some(step) => self.flow.visits.get(step).copied().unwrap_or(0).to_string(),
                None => self.flow.vars.get(name).cloned().unwrap_or_default(),
            },
        }
    }

    fn render(&self, text: &str) -> String {
        Template::fill(text, &|name| self.variable(name))
    }

    fn render_prompt(&self, p: &Prompt) -> Prompt {
        p.render(&|name| self.variable(name))
    }

    fn render_all(&self, list: &[Prompt]) -> Vec<Prompt> {
        list.iter().map(|p| self.render_prompt(p)).collect()
    }

    fn holds(&self, c: &crate::routing::flow::step::Condition, now_unix: i64) -> bool {
        let value = c.variable.as_deref().map(|v| self.variable(v));
        let text_ok = match (&c.matches, &value) {
            (Some(m), Some(v)) => m.matches(v),
            _ => true,
        };
        let set_ok = match (c.is_set, &value) {
            (Some(want), Some(v)) => want != v.is_empty(),
            _ => true,
        };
        let number_ok = match (&c.number, &value) {
            (Some(n), Some(v)) => v.trim().parse::<i64>().is_ok_and(|x| n.holds(x)),
            _ => true,
        };
        let time_ok = c.time.is_empty()
            || c.time
                .iter()
                .filter_map(|w| w.compile().ok())
                .any(|w| w.contains(now_unix));
        text_ok && set_ok && number_ok && time_ok
    }

    /// The JSON a webhook step POSTs: the call's facts, the step, the variables and the path.
    fn webhook_body(&self, step: &str) -> String {
        let vars: BTreeMap<&str, String> = RESERVED_VARIABLES
            .into_iter()
            .map(|n| (n, self.variable(n)))
            .collect();
        let body = serde_json::json!({
            "callConnectionId": self.call_connection_id,
            "serverCallId": self.server_call_id,
            "step": step,
            "call": vars,
            "variables": self.flow.vars,
            "path": self.flow.path.iter().filter(|p| !p.starts_with('!')).collect::<Vec<_>>(),
        });
        body.to_string()
    }
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Next => "next",
            Outcome::On => "on",
            Outcome::NoInput => "noInput",
            Outcome::NoMatch => "noMatch",
            Outcome::Failure => "failure",
            Outcome::Busy => "busy",
            Outcome::NoAnswer => "noAnswer",
            Outcome::Timeout => "timeout",
        }
    }
}

impl crate::routing::flow::step::NumberCmp {
    /// True when every comparison present holds for `x`.
    pub fn holds(&self, x: i64) -> bool {
        self.eq.is_none_or(|v| x == v)
            && self.ne.is_none_or(|v| x != v)
            && self.lt.is_none_or(|v| x < v)
            && self.lte.is_none_or(|v| x <= v)
            && self.gt.is_none_or(|v| x > v)
            && self.gte.is_none_or(|v| x >= v)
    }
}

/// The `on` entry a collected value leads to: keys compared ignoring ASCII case, speech also
/// without the punctuation recognition adds at the end (`"Sales."` → `sales`).
fn on_path(on: &BTreeMap<String, String>, value: &Collected) -> Option<String> {
    let v = value.value().trim();
    let v = match value {
        Collected::Speech(_) => v.trim_end_matches(['.', '?', '!', ',']),
        _ => v,
    };
    on.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(v))
        .map(|(_, step)| step.clone())
}

/// The app's answer: `{"goto": "step", "set": {"name": value}}`, both optional.
#[derive(Debug, Default)]
struct Answer {
    goto: Option<String>,
    set: BTreeMap<String, String>,
}

fn parse_answer(body: &str) -> Result<Answer, String> {
    if body.len() > MAX_WEBHOOK_ANSWER_BYTES {
        return Err(format!(
            "the answer is {} bytes, over the {MAX_WEBHOOK_ANSWER_BYTES}-byte limit",
            body.len()
        ));
    }
    let value: serde_json::Value = match body.trim() {
        "" => return Ok(Answer::default()),
        text => serde_json::from_str(text).map_err(|_| "the answer is not JSON".to_owned())?,
    };
    let serde_json::Value::Object(mut map) = value else {
        return Err("the answer is not a JSON object".into());
    };
    let goto = match map.remove("goto") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => return Err("the answer's goto is not a string".into()),
    };
    let mut set = BTreeMap::new();
    match map.remove("set") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(vars)) => {
            if vars.len() > MAX_SET_VARIABLES {
                return Err(format!(
                    "the answer sets over {MAX_SET_VARIABLES} variables"
                ));
            }
            for (name, v) in vars {
                let reserved =
                    RESERVED_VARIABLES.contains(&name.as_str()) || name.starts_with("visits.");
                if !crate::routing::flow::template::is_name(&name) || reserved {
                    return Err(format!(
                        "the answer sets {name:?}, which a flow may not set"
                    ));
                }
                let text = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Null => String::new(),
                    _ => {
                        return Err(format!(
                            "the answer's set.{name} is not text, a number or a boolean"
                        ))
                    }
                };
                if text.len() > MAX_VARIABLE_BYTES {
                    return Err(format!(
                        "the answer's set.{name} is over {MAX_VARIABLE_BYTES} bytes"
                    ));
                }
                set.insert(name, text);
            }
        }
        Some(_) => return Err("the answer's set is not an object".into()),
    }
    if let Some(key) = map.keys().next() {
        return Err(format!(
            "the answer has an unknown member {key:?} (goto and set only)"
        ));
    }
    Ok(Answer { goto, set })
}
