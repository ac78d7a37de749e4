//! The simulator's other side: a model of the service and a scripted caller, answering each
//! command the session queues with the events the service would send (the module doc of
//! [`super`] states the model).

use super::{sim_command, ScriptEntry, SimResult, SimWebhook, TargetOutcome, MAX_SIM_STEPS};
use crate::call::command::{Command, CommandKind};
use crate::call::event::{CallEvent, Collected, EventResult};
use crate::call::flow_run::NoAnswer;
use crate::call::wire::{command_request, identifier};
use crate::call::CallSession;
use crate::flow::step::Input;
use std::collections::{BTreeMap, BTreeSet};

/// An event due at `at_ms` (ties in the order queued).
struct Due {
    at_ms: i64,
    seq: u64,
    event: CallEvent,
    /// The invitation it answers (a ring leg's ctx), so a cancel can withdraw it.
    leg: Option<String>,
}

/// The service model and the scripted caller.
pub(super) struct Sim<'a> {
    script: &'a [ScriptEntry],
    used: BTreeSet<usize>,
    now_ms: i64,
    seq: u64,
    queue: Vec<Due>,
    /// Ring legs still ringing: ctx → invitation id.
    ringing: BTreeMap<String, String>,
}

impl<'a> Sim<'a> {
    pub(super) fn new(script: &'a [ScriptEntry], now_ms: i64) -> Self {
        Sim {
            script,
            used: BTreeSet::new(),
            now_ms,
            seq: 0,
            queue: Vec::new(),
            ringing: BTreeMap::new(),
        }
    }

    pub(super) fn unused(&self) -> Vec<usize> {
        (0..self.script.len())
            .filter(|i| !self.used.contains(i))
            .collect()
    }

    pub(super) fn event(
        &mut self,
        kind: &str,
        ctx: Option<&str>,
        result: Option<(i64, i64)>,
    ) -> CallEvent {
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

    pub(super) fn deliver(&mut self, session: &mut CallSession, mut ev: CallEvent) {
        ev.time_ms = self.now_ms;
        session.handle_event(&ev);
    }

    /// Sends every queued command, then delivers the next due event, until nothing is left.
    pub(super) fn run(
        &mut self,
        session: &mut CallSession,
        out: &mut SimResult,
        api_version: &str,
    ) {
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
        if let CommandKind::Webhook {
            url,
            body,
            timeout_ms,
        } = &cmd.kind
        {
            session.handle_sent(&cmd.id, Ok(()));
            let answer = self.next_webhook();
            out.webhooks.push(SimWebhook {
                step,
                url: url.clone(),
                body: serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
                answer: answer.clone(),
            });
            let reply = match answer {
                serde_json::Value::String(s) if s == "timeout" => {
                    Err(NoAnswer::Timeout { ms: *timeout_ms })
                }
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

    fn recognize(&mut self, c: &crate::flow::step::CollectStep, ctx: Option<&str>) {
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
fn dtmf(tones: &str, c: &crate::flow::step::CollectStep) -> Option<(String, i64)> {
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
