//! The flow interpreter: where a call is in its flow ([`FlowRun`]), and how each input moves it.
//!
//! It is part of [`CallSession`], so a live call (the worker's Durable Object) and a simulated
//! one ([`crate::simulate`]) run exactly this code. Inputs are the session's: callback
//! events, the app's answer to a webhook step ([`CallSession::handle_webhook`]), a timer
//! ([`CallSession::handle_timer`]: a park's wait), an invitation id
//! ([`CallSession::handle_invitation`]: what cancelling a ring needs) and a send that failed.
//! Outputs are commands in the session's outbox, each with the operation context
//! `<step id>-<n>` (the step's n-th command in the call), which is how an event finds its step.
//!
//! Every outcome the service can report for a command a step sent leads somewhere: to one of the
//! step's paths, to its default (docs/flows.md), or — where the step has none — to a hang-up.

mod react;
mod ring;
mod vars;
mod webhook;

pub use webhook::MAX_WEBHOOK_ANSWER_BYTES;

use super::command::CommandKind;
use super::event::{CallEvent, Collected};
use super::CallSession;
use crate::flow::step::{
    CollectStep, FlowStep, RingMode, StepKind, DEFAULT_MAX_VISITS, DEFAULT_PARK_SECONDS,
    DEFAULT_WEBHOOK_TIMEOUT_MS, MAX_STEP_RUNS,
};
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

/// The app's answer to a webhook step, as the worker received it: the body of a 2xx answer, or
/// why there is none.
pub type WebhookReply = Result<String, NoAnswer>;

/// Why a webhook step has no answer to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoAnswer {
    /// Nothing within the step's timeout.
    Timeout { ms: u32 },
    /// Refused, not 2xx, too large, unreachable, no secret: the reason, for the timeline.
    Failed(String),
}

impl NoAnswer {
    /// The reason as the timeline shows it.
    pub fn reason(&self) -> String {
        match self {
            NoAnswer::Timeout { ms } => format!("no answer within {ms} ms"),
            NoAnswer::Failed(r) => r.clone(),
        }
    }
}

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
                if let Err(reason) = crate::flow::validate::check_webhook_url(&url) {
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
        if let Err(reason) = crate::flow::check_target(&target) {
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
        // A ring's legs outlive the flow: an answer that beats its cancel must still be found
        // (and removed), so a ring keeps waiting.
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
