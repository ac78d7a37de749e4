//! Turning routing decisions and flow commands into Call Automation requests, with the
//! core's operation builders. Pure: the worker signs and sends what comes out.

use super::command::{Command, CommandKind};
use crate::routing::flow::Prompt;
use crate::routing::incoming::IncomingCall;
use crate::routing::rules::{Action, RejectReason};
use callsteer::api::{
    AddParticipant, AnswerCall, HangUpCall, MuteParticipant, Operation, Play, Recognize,
    RedirectCall, RejectCall, RemoveParticipant, StartRecording, TerminateCall,
    TransferCallToParticipant,
};
use callsteer::http::{Repeatability, Request};
use callsteer::identifier::CommunicationIdentifier;
use callsteer::models::{
    CallLocator, CallRejectReason, DtmfOptions, PlaySource, RecognizeInputType, RecognizeOptions,
    TextSource,
};
use callsteer::Error;

/// A target from a rules document: `+1…` is a phone number, anything else a raw id.
pub fn identifier(target: &str) -> CommunicationIdentifier {
    if target.starts_with('+') {
        CommunicationIdentifier::phone(target)
    } else {
        CommunicationIdentifier::from_raw_id(target)
    }
}

/// The play source for a prompt.
pub fn play_source(p: &Prompt) -> PlaySource {
    match (&p.text, &p.file) {
        (Some(text), _) => {
            let mut source = TextSource::new(text.clone());
            if let Some(voice) = &p.voice {
                source = source.voice_name(voice.clone());
            }
            PlaySource::text(source)
        }
        (None, Some(file)) => PlaySource::file(file.clone()),
        (None, None) => PlaySource::text(TextSource::new(String::new())),
    }
}

/// The Call Automation operation that carries out a routing decision.
#[derive(Debug, Clone)]
pub enum DecisionOp {
    Answer(AnswerCall),
    Redirect(RedirectCall),
    Reject(RejectCall),
}

impl DecisionOp {
    /// The validated request.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] from the operation's validation.
    pub fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        match self {
            DecisionOp::Answer(op) => op.to_request(api_version),
            DecisionOp::Redirect(op) => op.to_request(api_version),
            DecisionOp::Reject(op) => op.to_request(api_version),
        }
    }
}

/// The operation that carries out a routing decision for `call`: answer (with
/// `callback_uri`), redirect or reject. Repeatability is derived from the IncomingCall
/// event id, so a re-delivered IncomingCall cannot answer twice.
pub fn decision_operation(
    action: &Action,
    call: &IncomingCall,
    callback_uri: &str,
    event_id: &str,
    event_time: u64,
) -> DecisionOp {
    let ctx = call.incoming_call_context.clone();
    let rep = |name: &str| Repeatability::derive(&format!("{event_id}/{name}"), event_time);
    match action {
        Action::Answer { .. } => {
            DecisionOp::Answer(AnswerCall::new(ctx, callback_uri).repeatability(rep("answer")))
        }
        Action::Redirect { target } => DecisionOp::Redirect(
            RedirectCall::new(ctx, identifier(target)).repeatability(rep("redirect")),
        ),
        Action::Reject { reason } => {
            let reason = match reason {
                RejectReason::None => CallRejectReason::None,
                RejectReason::Busy => CallRejectReason::Busy,
                RejectReason::Forbidden => CallRejectReason::Forbidden,
            };
            DecisionOp::Reject(
                RejectCall::new(ctx)
                    .call_reject_reason(reason)
                    .repeatability(rep("reject")),
            )
        }
    }
}

/// [`decision_operation`]'s validated request.
///
/// # Errors
/// [`Error::InvalidInput`] from the operation's validation.
pub fn decision_request(
    action: &Action,
    call: &IncomingCall,
    callback_uri: &str,
    event_id: &str,
    event_time: u64,
    api_version: &str,
) -> Result<Request, Error> {
    decision_operation(action, call, callback_uri, event_id, event_time).to_request(api_version)
}

/// The request for a flow or admin command in call `call_connection_id`, with the
/// command's derived repeatability headers. `callee` (the number that was called) is
/// the caller id shown when a phone number is invited.
///
/// # Errors
/// [`Error::InvalidInput`] from the operation's validation.
pub fn command_request(
    cmd: &Command,
    call_connection_id: &str,
    callee: Option<&str>,
    api_version: &str,
) -> Result<Request, Error> {
    let id = call_connection_id;
    let ctx = cmd.operation_context.clone();
    let mut req = match &cmd.kind {
        CommandKind::Play { prompts } => {
            let op = Play::new(id, prompts.iter().map(play_source).collect());
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::RecognizeDtmf {
            prompts,
            target,
            timeout_seconds,
        } => {
            let options = RecognizeOptions::new(identifier(target))
                .initial_silence_timeout_in_seconds(i32::try_from(*timeout_seconds).unwrap_or(5))
                .interrupt_prompt(true)
                .dtmf_options(DtmfOptions::new().max_tones_to_collect(1));
            let sources: Vec<PlaySource> = prompts.iter().map(play_source).collect();
            let op = Recognize::new(id, RecognizeInputType::Dtmf, options);
            let op = if sources.len() == 1 {
                op.play_prompt(sources[0].clone())
            } else {
                op.play_prompts(sources)
            };
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::TransferToParticipant { target } => {
            let op = TransferCallToParticipant::new(id, identifier(target));
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::AddParticipant { target } => {
            let mut op = AddParticipant::new(id, identifier(target));
            if let (true, Some(number)) = (
                target.starts_with('+'),
                callee.filter(|c| c.starts_with('+')),
            ) {
                op = op.source_caller_id_number(number);
            }
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::RemoveParticipant { target } => {
            let op = RemoveParticipant::new(id, identifier(target));
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::Mute { target } => {
            let op = MuteParticipant::new(id, identifier(target));
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::HangUp { for_everyone: true } => {
            TerminateCall::new(id).to_request(api_version)
        }
        CommandKind::HangUp {
            for_everyone: false,
        } => HangUpCall::new(id).to_request(api_version),
        CommandKind::StartRecording { server_call_id } => {
            StartRecording::new(CallLocator::ServerCall(server_call_id.clone()))
                .to_request(api_version)
        }
    }?;
    cmd.repeatability().apply(&mut req);
    Ok(req)
}

fn with_ctx<T>(op: T, ctx: Option<String>, set: impl FnOnce(T, String) -> T) -> T {
    match ctx {
        Some(c) => set(op, c),
        None => op,
    }
}
