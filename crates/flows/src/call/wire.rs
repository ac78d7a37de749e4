//! Turning routing decisions and flow commands into Call Automation requests, with the
//! core's operation builders. Pure: the worker signs and sends what comes out.

use super::command::{Command, CommandKind};
use crate::flow::step::{CollectStep, Input};
use crate::flow::Prompt;
use crate::incoming::IncomingCall;
use crate::rules::{Action, RejectReason};
use callsteer::api::{
    AddParticipant, AnswerCall, CancelAddParticipant, HangUpCall, Hold, MuteParticipant, Operation,
    Play, Recognize, RedirectCall, RejectCall, RemoveParticipant, StartRecording, TerminateCall,
    TransferCallToParticipant, Unhold,
};
use callsteer::http::{Repeatability, Request};
use callsteer::identifier::CommunicationIdentifier;
use callsteer::models::{
    CallLocator, CallRejectReason, Choice, DtmfOptions, PlaySource, RecognizeInputType,
    RecognizeOptions, SpeechOptions, SsmlSource, TextSource, Tone,
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
    match (&p.text, &p.ssml, &p.file) {
        (Some(text), _, _) => {
            let mut source = TextSource::new(text.clone());
            if let Some(voice) = &p.voice {
                source = source.voice_name(voice.clone());
            }
            PlaySource::text(source)
        }
        (None, Some(ssml), _) => PlaySource::ssml(SsmlSource::new(ssml.clone())),
        (None, None, Some(file)) => PlaySource::file(file.clone()),
        (None, None, None) => PlaySource::text(TextSource::new(String::new())),
    }
}

/// A collect step's initial silence timeout when it sets none (seconds; version 1 menus'
/// default too).
pub const DEFAULT_COLLECT_SECONDS: u32 = 5;

/// The service's `recognizeInputType` for a collect step's input.
pub fn input_type(input: Input) -> RecognizeInputType {
    match input {
        Input::Dtmf => RecognizeInputType::Dtmf,
        Input::Speech => RecognizeInputType::Speech,
        Input::SpeechOrDtmf => RecognizeInputType::SpeechOrDtmf,
        Input::Choices => RecognizeInputType::Choices,
    }
}

/// The Recognize options a collect step sends, for `target` (the caller).
///
/// Decision: `interruptPrompt` is on unless the step turns it off (barge-in, as version 1 menus
/// had); DTMF options are sent for DTMF and speech-or-DTMF input, speech options only when the
/// step sets `endSilenceTimeoutMs`.
pub fn recognize_options(c: &CollectStep, target: &str) -> RecognizeOptions {
    let seconds = c.timeout_seconds.unwrap_or(DEFAULT_COLLECT_SECONDS);
    let mut o = RecognizeOptions::new(identifier(target))
        .initial_silence_timeout_in_seconds(i32::try_from(seconds).unwrap_or(i32::MAX))
        .interrupt_prompt(c.interrupt_prompt.unwrap_or(true));
    if matches!(c.input, Input::Dtmf | Input::SpeechOrDtmf) {
        let mut d = DtmfOptions::new()
            .max_tones_to_collect(i32::try_from(c.max_tones.unwrap_or(1)).unwrap_or(i32::MAX));
        if let Some(t) = c.inter_tone_timeout_seconds {
            d = d.inter_tone_timeout_in_seconds(i32::try_from(t).unwrap_or(i32::MAX));
        }
        let stops: Vec<Tone> = c.stop_tones.iter().filter_map(|t| tone(t)).collect();
        if !stops.is_empty() {
            d = d.stop_tones(stops);
        }
        o = o.dtmf_options(d);
    }
    if let Some(lang) = &c.language {
        o = o.speech_language(lang.clone());
    }
    if let Some(ms) = c.end_silence_timeout_ms {
        o = o.speech_options(SpeechOptions::new().end_silence_timeout_in_ms(ms));
    }
    if !c.choices.is_empty() {
        let choices = c
            .choices
            .iter()
            .map(|ch| {
                let choice = Choice::new(ch.label.clone(), ch.phrases.clone());
                match ch.tone.as_deref().and_then(tone) {
                    Some(t) => choice.tone(t),
                    None => choice,
                }
            })
            .collect();
        o = o.choices(choices);
    }
    o
}

/// A keypad tone written as its character (`1`, `#`, `*`).
pub fn tone(text: &str) -> Option<Tone> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Tone::ALL
            .into_iter()
            .find(|t| t.as_char().eq_ignore_ascii_case(&c)),
        _ => None,
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
        CommandKind::Recognize {
            prompts,
            target,
            collect,
        } => {
            let options = recognize_options(collect, target);
            let sources: Vec<PlaySource> = prompts.iter().map(play_source).collect();
            let op = Recognize::new(id, input_type(collect.input), options);
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
        CommandKind::AddParticipant {
            target,
            timeout_seconds,
        } => {
            let mut op = AddParticipant::new(id, identifier(target));
            if let Some(t) = timeout_seconds {
                op = op.invitation_timeout_in_seconds(i32::try_from(*t).unwrap_or(i32::MAX));
            }
            if let (true, Some(number)) = (
                target.starts_with('+'),
                callee.filter(|c| c.starts_with('+')),
            ) {
                op = op.source_caller_id_number(number);
            }
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::CancelAddParticipant { invitation_id, .. } => {
            let op = CancelAddParticipant::new(id, invitation_id.clone());
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::Hold { target, music } => {
            let mut op = Hold::new(id, identifier(target));
            if let Some(m) = music {
                op = op.play_source_info(play_source(m));
            }
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::Unhold { target } => {
            let op = Unhold::new(id, identifier(target));
            with_ctx(op, ctx, |o, c| o.operation_context(c)).to_request(api_version)
        }
        CommandKind::Webhook { .. } => Err(Error::invalid(
            "command",
            "a webhook is sent to the app, not to Call Automation",
        )),
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
