//! Dispatch of decoded API requests, and the checks every operation shares.

use super::model::Request;
use super::{Reply, Simulation};
use crate::error::ApiError;
use callsteer::identifier::CommunicationIdentifierModel;
use callsteer::CommunicationIdentifier;

impl Simulation {
    /// Applies one API request at `now_ms`.
    ///
    /// # Errors
    /// [`ApiError`] 400 when the body breaks a service rule, 404 for an unknown call,
    /// participant or recording, 403 when a room forbids the action.
    pub fn handle_request(&mut self, req: Request, now_ms: u64) -> Result<Reply, ApiError> {
        use Request as R;
        let now = now_ms;
        match req {
            R::CreateCall(b) => self.create_call(b, now),
            R::AnswerCall(b) => self.answer_call(b, now),
            R::RedirectCall(b) => self.redirect_call(b, now),
            R::RejectCall(b) => self.reject_call(b),
            R::Connect(b) => self.connect(b, now),
            R::GetCall { call } => Ok(Reply::json(200, self.properties(self.call(&call)?))),
            R::HangUp { call } => self.hang_up(&call, now),
            R::Terminate { call } => self.terminate(&call, now),
            R::Transfer { call, body } => self.transfer(&call, body, now),
            R::Play { call, body } => self.play(&call, body, now),
            R::StartTranscription { call, body } => self.transcription(&call, body, "start", now),
            R::StopTranscription { call, body } => self.transcription(&call, body, "stop", now),
            R::UpdateTranscription { call, body } => self.transcription(&call, body, "update", now),
            R::CancelAllMedia { call } => self.cancel_all_media(&call, now),
            R::Recognize { call, body } => self.recognize(&call, body, now),
            R::StartContinuousDtmf { call, body } => self.continuous_dtmf(&call, body, true, now),
            R::StopContinuousDtmf { call, body } => self.continuous_dtmf(&call, body, false, now),
            R::SendDtmf { call, body } => self.send_dtmf(&call, body, now),
            R::Hold { call, body } => self.hold(&call, body, true, now),
            R::Unhold { call, body } => self.hold(&call, body, false, now),
            R::StartMediaStreaming { call, body } => self.streaming(&call, body, true, now),
            R::StopMediaStreaming { call, body } => self.streaming(&call, body, false, now),
            R::GetParticipants { call } => self.get_participants(&call),
            R::AddParticipant { call, body } => self.add_participant(&call, body, now),
            R::RemoveParticipant { call, body } => self.remove_participant(&call, body, now),
            R::Mute { call, body } => self.mute(&call, body, now),
            R::CancelAddParticipant { call, body } => self.cancel_add(&call, body, now),
            R::MoveParticipants { call, body } => self.move_participants(&call, body, now),
            R::GetParticipant { call, raw_id } => self.get_participant(&call, &raw_id),
            R::StartRecording(b) => self.start_recording(b, now),
            R::GetRecording { id } => self.get_recording(&id),
            R::StopRecording { id } => self.stop_recording(&id, now),
            R::PauseRecording { id } => self.set_recording(&id, false, now),
            R::ResumeRecording { id } => self.set_recording(&id, true, now),
        }
    }
}

/// A wire identifier as a typed one; 400 naming `field` when it has no id at all.
pub(super) fn ident(
    field: &str,
    m: &CommunicationIdentifierModel,
) -> Result<CommunicationIdentifier, ApiError> {
    let id = CommunicationIdentifier::from_model(m)
        .map_err(|_| ApiError::field(field, "must have a rawId or a typed identifier"))?;
    if let CommunicationIdentifier::PhoneNumber {
        value,
        is_anonymous: false,
        ..
    } = &id
    {
        callsteer::validate::e164(field, value)?;
    }
    if id.raw_id().trim().is_empty() {
        return Err(ApiError::field(field, "must not be empty"));
    }
    Ok(id)
}

/// A callback URI must be absolute http(s).
pub(super) fn callback(field: &str, uri: &str) -> Result<(), ApiError> {
    let e = callsteer::http::Endpoint::parse(uri)
        .map_err(|_| ApiError::field(field, "must be an absolute http or https URL"))?;
    if e.host().is_empty() {
        return Err(ApiError::field(field, "must name a host"));
    }
    Ok(())
}

/// An optional per-operation callback override.
pub(super) fn op_callback(uri: &Option<String>) -> Result<(), ApiError> {
    match uri {
        Some(u) => callback("operationCallbackUri", u),
        None => Ok(()),
    }
}

/// Service limit on `operationContext` length.
pub(super) fn context(ctx: &Option<String>) -> Result<(), ApiError> {
    match ctx {
        Some(c) if c.chars().count() > 5_000 => Err(ApiError::field(
            "operationContext",
            "must be at most 5000 characters",
        )),
        _ => Ok(()),
    }
}
