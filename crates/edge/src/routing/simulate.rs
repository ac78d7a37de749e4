//! Simulation (`POST /admin/flows/simulate`) and replay: a call described by hand, or one that
//! really happened, runs through **the same [`CallSession`] a live call runs**, against a
//! model of the service and a scripted caller. There is no second interpreter: this module
//! only plays the other side — it answers each command the session queues with the events
//! the service would send, taking the caller's and the targets' parts from the script.
//!
//! ```json
//! { "call": { "from": "+14255550111", "to": "+18005550100", "at": "2026-12-07T15:00:00Z" },
//!   "script": [ {"tones": "1234#"}, {"webhook": {"goto": "sales"}},
//!               {"target": "+14255550101", "outcome": "busy"}, {"speech": "billing"},
//!               {"silence": true} ] }
//! ```
//!
//! The service model (docs/flows.md, "Simulation"), each a decision of ours:
//! * a prompt plays for 1 s (`PlayCompleted`); a hold, unhold or mute has no event;
//! * a collect consumes the next `tones`, `speech` or `silence` entry (none left: silence).
//!   Tones stop at a stop tone (not kept, subCode 8514) or at `maxTones` (8531), else end by the
//!   inter-tone timeout (8532); speech is matched to a choice's label or phrases ignoring case
//!   (8545), else refused (`RecognizeFailed` 8547); silence is `RecognizeFailed` 8510. Input
//!   the step does not listen for counts as silence;
//! * a transfer or ring target does what the first unused `target` entry for it says
//!   (default `answered`): busy after 0.2 s (486), failed after 0.3 s (500), answered after 1 s,
//!   no answer when its invitation times out (408). A cancelled invitation that has not been
//!   answered yet is `CancelAddParticipantSucceeded`, else `CancelAddParticipantFailed`;
//! * a webhook takes the next `webhook` entry (none left: a timeout);
//! * a hang-up ends the call (`CallDisconnected`).
//!
//! Time starts at the call's `at` and moves with each event; a park's wait passes when nothing
//! else is left to happen.

use super::call::command::{Command, CommandKind};
use super::call::event::{CallEvent, Collected, EventResult};
use super::call::flow_run::End;
use super::call::timeline::TimelineEntry;
use super::call::wire::{command_request, decision_request, identifier};
use super::call::{CallSession, CallSetup};
use super::dry_run::DryRunRequest;
use super::flow::step::Input;
use super::incoming::IncomingCall;
use super::rules::Action;
use super::{decode_at, RoutingTable};
use callsteer::Error;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One thing that happens in a simulated call, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", untagged)]
pub enum ScriptEntry {
    /// The caller presses tones (`"1234#"`).
    Tones { tones: String },
    /// The caller says something.
    Speech { speech: String },
    /// The caller says nothing (`{"silence": true}`).
    Silence { silence: bool },
    /// What a transfer or ring target does.
    Target {
        target: String,
        outcome: TargetOutcome,
    },
    /// The app's answer to a webhook step: `{"goto", "set"}`, or `"timeout"`.
    Webhook { webhook: serde_json::Value },
}

/// What a target does with its invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TargetOutcome {
    Answered,
    Busy,
    NoAnswer,
    Failed,
}

/// `POST /admin/flows/simulate`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimulateRequest {
    /// A rules document to simulate (else `revision`, else the rules in force).
    #[serde(default)]
    pub rules: Option<serde_json::Value>,
    /// A stored revision's id.
    #[serde(default)]
    pub revision: Option<String>,
    /// The call, as the dry run takes it.
    pub call: DryRunRequest,
    #[serde(default)]
    pub script: Vec<serde_json::Value>,
}

/// A command the worker would send, as the simulation saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimCommand {
    /// The operation table's name (`CallMedia_Play`).
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    /// The step that sent it (`None` for the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub request: SimRequest,
}

/// The HTTP request of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimRequest {
    pub method: String,
    pub path: String,
    pub body: serde_json::Value,
}

/// A webhook step's request, as the app would receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimWebhook {
    pub step: Option<String>,
    pub url: String,
    pub body: serde_json::Value,
    /// What the script answered (`"timeout"` when it had nothing).
    pub answer: serde_json::Value,
}

/// What a simulation answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimResult {
    /// The rule that won (`None`: the default).
    pub rule: Option<String>,
    pub revision: Option<String>,
    /// `answer`, `redirect` or `reject`.
    pub action: String,
    /// Step ids in the order the call entered them.
    pub path: Vec<String>,
    /// What the flow noted on the way (a failed transfer, a limit).
    pub notes: Vec<String>,
    pub commands: Vec<SimCommand>,
    pub webhooks: Vec<SimWebhook>,
    /// `hungUp`, `transferred`, `connected`, `callerHungUp`, `stepLimit`, `redirected`,
    /// `rejected`, or `open` (a flow without steps: the call waits for an operator).
    pub end: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    pub variables: BTreeMap<String, String>,
    /// Script entries (by index) the call never used.
    pub unused_script: Vec<usize>,
    /// The call's timeline, as a live call's (the admin page draws it as a diagram).
    pub timeline: Vec<TimelineEntry>,
}

/// The most inputs one simulation processes (a guard; the flow's step limits end loops first).
const MAX_SIM_STEPS: usize = 10_000;

impl SimulateRequest {
    /// Reads a simulate body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: `document` for a body that is not a JSON object,
    /// `call.<field>`, an unknown key, `rules` and `revision` both given, `script[i]` for an
    /// entry that is none of the forms.
    pub fn from_json(body: &str) -> Result<(SimulateRequest, Vec<ScriptEntry>), Error> {
        let value: serde_json::Value = serde_json::from_str(body)
            .map_err(|e| Error::invalid("document", format!("not valid JSON: {e}")))?;
        let req: SimulateRequest = decode_at(value, "")?;
        if req.rules.is_some() && req.revision.is_some() {
            return Err(Error::invalid(
                "revision",
                "give `rules` or `revision`, not both",
            ));
        }
        let script = parse_script(&req.script)?;
        Ok((req, script))
    }
}

/// Reads script entries, each naming its index when refused.
///
/// # Errors
/// [`Error::InvalidInput`] at `script[i]`.
pub fn parse_script(raw: &[serde_json::Value]) -> Result<Vec<ScriptEntry>, Error> {
    raw.iter()
        .enumerate()
        .map(|(i, v)| {
            let field = format!("script[{i}]");
            let keys: Vec<&str> = v
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let known = match keys.as_slice() {
                ["tones"] | ["speech"] | ["silence"] | ["webhook"] => true,
                [a, b] => matches!((*a, *b), ("target", "outcome") | ("outcome", "target")),
                _ => false,
            };
            if !known {
                return Err(Error::invalid(
                    field,
                    "one of {\"tones\"}, {\"speech\"}, {\"silence\": true}, {\"target\", \
                     \"outcome\"}, {\"webhook\"}",
                ));
            }
            let entry: ScriptEntry = decode_at(v.clone(), &field)?;
            match &entry {
                ScriptEntry::Tones { tones }
                    if !tones.chars().all(|c| "0123456789*#ABCDabcd".contains(c)) =>
                {
                    Err(Error::invalid(
                        format!("{field}.tones"),
                        "keypad tones only: 0-9 * # A-D",
                    ))
                }
                ScriptEntry::Target { target, .. } => super::flow::check_target(target)
                    .map(|()| entry.clone())
                    .map_err(|r| Error::invalid(format!("{field}.target"), r)),
                ScriptEntry::Webhook { webhook }
                    if !(webhook.is_object() || webhook.as_str() == Some("timeout")) =>
                {
                    Err(Error::invalid(
                        format!("{field}.webhook"),
                        "the app's answer ({\"goto\", \"set\"}) or \"timeout\"",
                    ))
                }
                _ => Ok(entry),
            }
        })
        .collect()
}

/// Simulates `call` with `script` against `table` (revision `revision`, for the record).
///
/// # Errors
/// As [`DryRunRequest::call_info`] for the call.
pub fn simulate(
    table: &RoutingTable,
    revision: Option<&str>,
    call: &DryRunRequest,
    script: &[ScriptEntry],
    api_version: &str,
) -> Result<SimResult, Error> {
    let info = call.call_info(0)?;
    let decision = table.route(&info);
    let start_ms = info.arrived_at.saturating_mul(1000);
    let incoming = IncomingCall {
        info: info.clone(),
        from_raw_id: identifier(&call.from).raw_id(),
        to_raw_id: identifier(&call.to).raw_id(),
        incoming_call_context: "<incomingCallContext>".into(),
        correlation_id: None,
        server_call_id: Some("sim-server-call".into()),
    };
    let answer = decision_request(
        &decision.action,
        &incoming,
        "https://worker.example/api/callbacks",
        "sim-incoming",
        u64::try_from(info.arrived_at).unwrap_or(0),
        api_version,
    )?;
    let mut result = SimResult {
        rule: decision.rule.clone(),
        revision: revision.map(str::to_owned),
        action: String::new(),
        path: Vec::new(),
        notes: Vec::new(),
        commands: vec![sim_command(
            decision_operation_name(&decision.action),
            None,
            None,
            &answer,
        )],
        webhooks: Vec::new(),
        end: String::new(),
        end_reason: None,
        variables: BTreeMap::new(),
        unused_script: Vec::new(),
        timeline: Vec::new(),
    };
    let flow = match decision.action {
        Action::Answer { flow } => flow,
        Action::Redirect { .. } => return Ok(ended(result, "redirect", "redirected", script)),
        Action::Reject { .. } => return Ok(ended(result, "reject", "rejected", script)),
    };
    result.action = "answer".into();
    let setup = CallSetup {
        rule: decision.rule,
        revision: revision.map(str::to_owned),
        flow,
        caller: incoming.from_raw_id.clone(),
        callee: incoming.to_raw_id.clone(),
        caller_display_name: info.caller_display_name.clone(),
        incoming_event_id: "sim-incoming".into(),
        answered_at_ms: start_ms,
    };
    let mut sim = Sim::new(script, start_ms);
    let mut session = CallSession::new("sim-call");
    session.handle_setup(setup);
    let connected = sim.event("CallConnected", None, None);
    sim.deliver(&mut session, connected);
    sim.run(&mut session, &mut result, api_version);
    let flow = &session.flow;
    result.path = flow
        .path
        .iter()
        .filter(|p| !p.starts_with('!'))
        .cloned()
        .collect();
    result.notes = flow
        .path
        .iter()
        .filter_map(|p| p.strip_prefix("! "))
        .map(str::to_owned)
        .collect();
    result.end = match flow.end {
        Some(end) => end_name(end).into(),
        None if session.disconnected => "callerHungUp".into(),
        None => "open".into(),
    };
    result.end_reason.clone_from(&flow.end_reason);
    result.variables.clone_from(&flow.vars);
    result.unused_script = sim.unused();
    result.timeline = session.timeline;
    Ok(result)
}

fn ended(mut result: SimResult, action: &str, end: &str, script: &[ScriptEntry]) -> SimResult {
    result.action = action.into();
    result.end = end.into();
    result.unused_script = (0..script.len()).collect();
    result
}

/// The operation table's name of the request that carries out a routing decision.
fn decision_operation_name(action: &Action) -> &'static str {
    use callsteer::api::routes::OperationId;
    match action {
        Action::Answer { .. } => OperationId::AnswerCall.as_str(),
        Action::Redirect { .. } => OperationId::RedirectCall.as_str(),
        Action::Reject { .. } => OperationId::RejectCall.as_str(),
    }
}

/// The wire name of a flow's end (`hungUp`).
pub fn end_name(end: End) -> &'static str {
    match end {
        End::HungUp => "hungUp",
        End::Transferred => "transferred",
        End::Connected => "connected",
        End::CallerHungUp => "callerHungUp",
        End::StepLimit => "stepLimit",
    }
}

fn sim_command(
    operation: &str,
    op: Option<&Command>,
    step: Option<String>,
    req: &callsteer::http::Request,
) -> SimCommand {
    let body = req
        .body
        .as_deref()
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(serde_json::Value::Null);
    SimCommand {
        operation: operation.to_owned(),
        operation_context: op.and_then(|c| c.operation_context.clone()),
        step,
        request: SimRequest {
            method: req.method.as_str().to_owned(),
            path: req.path.clone(),
            body,
        },
    }
}

/// An event due at `at_ms` (ties in the order queued).
struct Due {
    at_ms: i64,
    seq: u64,
    event: CallEvent,
    /// The invitation it answers (a ring leg's ctx), so a cancel can withdraw it.
    leg: Option<String>,
}

/// The service model and the scripted caller.
struct Sim<'a> {
    script: &'a [ScriptEntry],
    used: BTreeSet<usize>,
    now_ms: i64,
    seq: u64,
    queue: Vec<Due>,
    /// Ring legs still ringing: ctx → invitation id.
    ringing: BTreeMap<String, String>,
}

impl<'a> Sim<'a> {
    fn new(script: &'a [ScriptEntry], now_ms: i64) -> Self {
        Sim {
            script,
            used: BTreeSet::new(),
            now_ms,
            seq: 0,
            queue: Vec::new(),
            ringing: BTreeMap::new(),
        }
    }

    fn unused(&self) -> Vec<usize> {
        (0..self.script.len())
            .filter(|i| !self.used.contains(i))
            .collect()
    }

    fn event(&mut self, kind: &str, ctx: Option<&str>, result: Option<(i64, i64)>) -> CallEvent {
        self.seq += 1;
        CallEvent {
            key: format!("sim-{}", self.seq),
            id: format!("sim-event-{}", self.seq),
            kind: kind.into(),
            time_ms: self.now_ms,
            call_connection_id: "sim-call".into(),
            operation_context: ctx.map(str::to_owned),
            server_call_id: Some("sim-server-call".into()),
            result: result.map(|(code, sub_code)| EventResult {
                code,
                sub_code,
                message: String::new(),
            }),
            tone: None,
            collected: None,
            roster: None,
            party: None,
        }
    }

    fn at(&mut self, delay_ms: i64, event: CallEvent, leg: Option<String>) {
        self.seq += 1;
        let at_ms = self.now_ms + delay_ms;
        self.queue.push(Due {
            at_ms,
            seq: self.seq,
            event,
            leg,
        });
    }

    fn deliver(&mut self, session: &mut CallSession, mut ev: CallEvent) {
        ev.time_ms = self.now_ms;
        session.handle_event(&ev);
    }

    /// Sends every queued command, then delivers the next due event, until nothing is left.
    fn run(&mut self, session: &mut CallSession, out: &mut SimResult, api_version: &str) {
        for _ in 0..MAX_SIM_STEPS {
            while let Some(cmd) = session.outbox().first().cloned() {
                self.send(session, &cmd, out, api_version);
            }
            let next = self
                .queue
                .iter()
                .enumerate()
                .min_by_key(|(_, d)| (d.at_ms, d.seq))
                .map(|(i, _)| i);
            let timer = session.next_timer();
            match (next, timer) {
                (Some(i), _) if timer.is_none_or(|t| t >= self.queue[i].at_ms) => {
                    let due = self.queue.remove(i);
                    self.now_ms = self.now_ms.max(due.at_ms);
                    if let Some(leg) = &due.leg {
                        self.ringing.remove(leg);
                    }
                    self.deliver(session, due.event);
                }
                (_, Some(t)) => {
                    self.now_ms = self.now_ms.max(t);
                    session.handle_timer(self.now_ms);
                }
                _ => return,
            }
        }
    }

    fn send(&mut self, session: &mut CallSession, cmd: &Command, out: &mut SimResult, v: &str) {
        let step = session
            .timeline
            .iter()
            .find(|e| e.id.as_deref() == Some(cmd.id.as_str()))
            .and_then(|e| e.step.clone());
        let ctx = cmd.operation_context.clone();
        if let CommandKind::Webhook { url, body, .. } = &cmd.kind {
            session.handle_sent(&cmd.id, Ok(()));
            let answer = self.next_webhook();
            out.webhooks.push(SimWebhook {
                step,
                url: url.clone(),
                body: serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
                answer: answer.clone(),
            });
            let reply = match answer {
                serde_json::Value::String(s) if s == "timeout" => Err("timed out".to_owned()),
                other => Ok(other.to_string()),
            };
            self.now_ms += 50;
            session.handle_webhook(&cmd.id, reply, self.now_ms);
            return;
        }
        match command_request(cmd, "sim-call", Some("+18005550100"), v) {
            Ok(req) => {
                let operation = cmd.kind.operation().map_or("", |o| o.as_str());
                out.commands
                    .push(sim_command(operation, Some(cmd), step, &req));
                session.handle_sent(&cmd.id, Ok(()));
                if let CommandKind::AddParticipant { .. } = cmd.kind {
                    let invitation = format!("sim-invitation-{}", self.seq + 1);
                    session.handle_invitation(&cmd.id, &invitation);
                    if let Some(c) = &ctx {
                        self.ringing.insert(c.clone(), invitation);
                    }
                }
                self.react(cmd, ctx.as_deref());
            }
            Err(e) => session.handle_sent(&cmd.id, Err(e.to_string())),
        }
    }

    /// Queues what the service and the parties do about `cmd`.
    fn react(&mut self, cmd: &Command, ctx: Option<&str>) {
        match &cmd.kind {
            CommandKind::Play { .. } => {
                let e = self.event("PlayCompleted", ctx, Some((200, 0)));
                self.at(1_000, e, None);
            }
            CommandKind::Recognize { collect, .. } => self.recognize(collect, ctx),
            CommandKind::TransferToParticipant { target } => {
                let (delay, kind, code) = match self.target_outcome(target) {
                    TargetOutcome::Answered => (1_000, "CallTransferAccepted", (200, 7015)),
                    TargetOutcome::Busy => (200, "CallTransferFailed", (486, 560486)),
                    TargetOutcome::NoAnswer => (30_000, "CallTransferFailed", (408, 10004)),
                    TargetOutcome::Failed => (300, "CallTransferFailed", (500, 8500)),
                };
                let mut e = self.event(kind, ctx, Some(code));
                e.party = Some(identifier(target).raw_id());
                self.at(delay, e, None);
                if kind == "CallTransferAccepted" {
                    let d = self.event("CallDisconnected", None, Some((200, 7015)));
                    self.at(delay + 100, d, None);
                }
            }
            CommandKind::AddParticipant {
                target,
                timeout_seconds,
            } => {
                let timeout = i64::from(timeout_seconds.unwrap_or(60)) * 1000;
                let (delay, kind, code) = match self.target_outcome(target) {
                    TargetOutcome::Answered => (1_000, "AddParticipantSucceeded", (200, 0)),
                    TargetOutcome::Busy => (200, "AddParticipantFailed", (486, 560486)),
                    TargetOutcome::NoAnswer => (timeout, "AddParticipantFailed", (408, 10004)),
                    TargetOutcome::Failed => (300, "AddParticipantFailed", (500, 8500)),
                };
                let mut e = self.event(kind, ctx, Some(code));
                e.party = Some(identifier(target).raw_id());
                self.at(delay, e, ctx.map(str::to_owned));
            }
            CommandKind::CancelAddParticipant { invitation_id, .. } => {
                let leg = self
                    .ringing
                    .iter()
                    .find(|(_, inv)| *inv == invitation_id)
                    .map(|(c, _)| c.clone());
                let kind = match &leg {
                    Some(l) => {
                        self.queue.retain(|d| d.leg.as_deref() != Some(l.as_str()));
                        self.ringing.remove(l);
                        "CancelAddParticipantSucceeded"
                    }
                    None => "CancelAddParticipantFailed",
                };
                let e = self.event(kind, ctx, Some((200, 5300)));
                self.at(100, e, None);
            }
            CommandKind::HangUp { .. } => {
                let e = self.event("CallDisconnected", None, Some((200, 5001)));
                self.at(100, e, None);
            }
            CommandKind::RemoveParticipant { .. } => {
                let e = self.event("RemoveParticipantSucceeded", ctx, Some((200, 0)));
                self.at(100, e, None);
            }
            _ => {}
        }
    }

    fn recognize(&mut self, c: &crate::routing::flow::step::CollectStep, ctx: Option<&str>) {
        let silence_ms = i64::from(c.timeout_seconds.unwrap_or(5)) * 1000;
        let entry = self.next_input();
        let heard = match (entry, c.input) {
            (Some(ScriptEntry::Tones { tones }), Input::Dtmf | Input::SpeechOrDtmf) => {
                dtmf(&tones, c).map(|(digits, sub)| (Collected::Dtmf(digits), sub))
            }
            (Some(ScriptEntry::Tones { tones }), Input::Choices) => {
                let first = tones.chars().next().map(String::from).unwrap_or_default();
                match c
                    .choices
                    .iter()
                    .find(|ch| ch.tone.as_deref() == Some(first.as_str()))
                {
                    Some(ch) => Some((Collected::Choice(ch.label.clone()), 8545)),
                    None => return self.fail(ctx, 8534, 1_000),
                }
            }
            (Some(ScriptEntry::Speech { speech }), Input::Speech | Input::SpeechOrDtmf) => {
                Some((Collected::Speech(speech), 8533))
            }
            (Some(ScriptEntry::Speech { speech }), Input::Choices) => {
                let said = speech.trim().to_ascii_lowercase();
                let found = c.choices.iter().find(|ch| {
                    ch.label.to_ascii_lowercase() == said
                        || ch.phrases.iter().any(|p| p.to_ascii_lowercase() == said)
                });
                match found {
                    Some(ch) => Some((Collected::Choice(ch.label.clone()), 8545)),
                    None => return self.fail(ctx, 8547, 1_500),
                }
            }
            _ => None,
        };
        match heard {
            Some((value, sub)) => {
                let mut e = self.event("RecognizeCompleted", ctx, Some((200, sub)));
                if let Collected::Dtmf(d) = &value {
                    e.tone = d.chars().next();
                }
                e.collected = Some(value);
                self.at(1_000, e, None);
            }
            None => self.fail(ctx, 8510, 1_000 + silence_ms),
        }
    }

    fn fail(&mut self, ctx: Option<&str>, sub_code: i64, delay: i64) {
        let e = self.event("RecognizeFailed", ctx, Some((400, sub_code)));
        self.at(delay, e, None);
    }

    fn next_input(&mut self) -> Option<ScriptEntry> {
        let i = (0..self.script.len()).find(|i| {
            !self.used.contains(i)
                && matches!(
                    self.script[*i],
                    ScriptEntry::Tones { .. }
                        | ScriptEntry::Speech { .. }
                        | ScriptEntry::Silence { .. }
                )
        })?;
        self.used.insert(i);
        Some(self.script[i].clone())
    }

    fn next_webhook(&mut self) -> serde_json::Value {
        let found = (0..self.script.len()).find(|i| {
            !self.used.contains(i) && matches!(self.script[*i], ScriptEntry::Webhook { .. })
        });
        match found {
            Some(i) => {
                self.used.insert(i);
                match &self.script[i] {
                    ScriptEntry::Webhook { webhook } => webhook.clone(),
                    _ => serde_json::Value::Null,
                }
            }
            None => "timeout".into(),
        }
    }

    fn target_outcome(&mut self, target: &str) -> TargetOutcome {
        let raw = identifier(target).raw_id();
        let found = (0..self.script.len()).find(|i| {
            !self.used.contains(i)
                && matches!(&self.script[*i], ScriptEntry::Target { target: t, .. } if identifier(t).raw_id() == raw)
        });
        match found {
            Some(i) => {
                self.used.insert(i);
                match &self.script[i] {
                    ScriptEntry::Target { outcome, .. } => *outcome,
                    _ => TargetOutcome::Answered,
                }
            }
            None => TargetOutcome::Answered,
        }
    }
}

/// The digits a DTMF collect keeps from `tones`, and the sub-code it completes with; `None`
/// when nothing was kept (silence).
fn dtmf(tones: &str, c: &crate::routing::flow::step::CollectStep) -> Option<(String, i64)> {
    let max = usize::try_from(c.max_tones.unwrap_or(1)).unwrap_or(usize::MAX);
    let mut digits = String::new();
    for t in tones.chars() {
        if c.stop_tones
            .iter()
            .any(|s| s.eq_ignore_ascii_case(&t.to_string()))
        {
            return (!digits.is_empty()).then_some((digits, 8514));
        }
        digits.push(t.to_ascii_uppercase());
        if digits.chars().count() >= max {
            return Some((digits, 8531));
        }
    }
    (!digits.is_empty()).then_some((digits, 8532))
}

/// A call that really happened, as a simulation's call and script (replay): its setup's
/// caller, callee and time, and — from its applied callback events (`events`, in order) and
/// the app's recorded answers — what the caller pressed or said, what each target did, and
/// what the app answered. Run it against another revision with [`simulate`] to see what that
/// revision would have done on this call.
///
/// A step's input that the events do not show (the call ended first) is not in the script:
/// the simulation then hears silence, as the service model does when a script runs out.
pub fn replay_script(
    session: &CallSession,
    events: &[CallEvent],
) -> Option<(DryRunRequest, Vec<ScriptEntry>)> {
    use super::call::event::Kind;
    let setup = session.setup.as_ref()?;
    let phone = |raw: &str| raw.strip_prefix("4:").unwrap_or(raw).to_owned();
    let call = DryRunRequest {
        from: phone(&setup.caller),
        to: phone(&setup.callee),
        caller_display_name: setup.caller_display_name.clone(),
        at: Some(callsteer::time::rfc3339(
            u64::try_from(setup.answered_at_ms / 1000).unwrap_or(0),
        )),
        ..DryRunRequest::default()
    };
    let party_of = |ctx: &Option<String>| {
        session
            .timeline
            .iter()
            .find(|e| {
                e.source == super::call::timeline::Source::Command && &e.operation_context == ctx
            })
            .and_then(|e| e.party.clone())
    };
    let mut script = Vec::new();
    let mut answers = session.flow.answers.iter();
    for ev in events {
        let target = |outcome| {
            ev.party
                .clone()
                .or_else(|| party_of(&ev.operation_context))
                .map(|t| ScriptEntry::Target {
                    target: t.strip_prefix("4:").unwrap_or(&t).to_owned(),
                    outcome,
                })
        };
        let entry = match ev.typed() {
            Kind::RecognizeCompleted => match &ev.collected {
                Some(Collected::Dtmf(d)) => Some(ScriptEntry::Tones { tones: d.clone() }),
                Some(Collected::Speech(s) | Collected::Choice(s)) => {
                    Some(ScriptEntry::Speech { speech: s.clone() })
                }
                None => Some(ScriptEntry::Silence { silence: true }),
            },
            Kind::RecognizeFailed => Some(match ev.sub_code() {
                Some(8547 | 8546 | 8534) => ScriptEntry::Speech {
                    speech: "(not understood)".into(),
                },
                _ => ScriptEntry::Silence { silence: true },
            }),
            Kind::CallTransferAccepted | Kind::AddParticipantSucceeded => {
                target(TargetOutcome::Answered)
            }
            Kind::CallTransferFailed | Kind::AddParticipantFailed => {
                target(match super::call::flow_run::Failure::of(ev) {
                    super::call::flow_run::Failure::Busy => TargetOutcome::Busy,
                    super::call::flow_run::Failure::NoAnswer => TargetOutcome::NoAnswer,
                    super::call::flow_run::Failure::Failed => TargetOutcome::Failed,
                })
            }
            _ => None,
        };
        script.extend(entry);
    }
    // Webhook answers are read by their own cursor (the simulator's), so their place among
    // the other entries does not matter.
    script.extend(
        answers
            .by_ref()
            .map(|a| ScriptEntry::Webhook { webhook: a.clone() }),
    );
    Some((call, script))
}
