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

mod replay;
mod service;

pub use replay::replay_script;
use service::Sim;

use super::call::command::Command;
use super::call::flow_run::End;
use super::call::timeline::TimelineEntry;
use super::call::wire::{decision_request, identifier};
use super::call::{CallSession, CallSetup};
use super::dry_run::DryRunRequest;
use super::incoming::IncomingCall;
use super::rules::Action;
use super::{decode_at, RoutingTable};
use callsteer::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
