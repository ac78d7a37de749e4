//! Starting and routing calls: create, answer, redirect, reject, connect.

use super::build::{self, body_op_accessors, body_setters};
use super::response::{decode_json, expect_status};
use super::routes::OperationId;
use super::Operation;
use crate::http::{Repeatability, Request, Response};
use crate::identifier::{CommunicationUserModel, MicrosoftTeamsAppModel};
use crate::models::{
    AnswerCallRequest, CallConnectionProperties, CallIntelligenceOptions, CallLocator,
    CallRejectReason, ConnectRequest, CreateCallRequest, MediaStreamingOptions,
    RedirectCallRequest, RejectCallRequest, TranscriptionOptions,
};
use crate::validate;
use crate::{CommunicationIdentifier, Error};
use core::convert::identity;

/// `POST /calling/callConnections` — place an outbound call (spec `CreateCall`).
///
/// Output: [`CallConnectionProperties`] (201).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCall {
    body: CreateCallRequest,
    repeatability: Option<Repeatability>,
}

impl CreateCall {
    /// A call to `targets`, with events posted to `callback_uri`.
    pub fn new(
        targets: impl IntoIterator<Item = CommunicationIdentifier>,
        callback_uri: impl Into<String>,
    ) -> Self {
        let body = CreateCallRequest {
            targets: targets.into_iter().collect(),
            source_caller_id_number: None,
            source_display_name: None,
            source: None,
            operation_context: None,
            callback_uri: callback_uri.into(),
            call_intelligence_options: None,
            media_streaming_options: None,
            transcription_options: None,
            teams_app_source: None,
        };
        CreateCall {
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// The E.164 number shown to PSTN targets (required when any target is a phone number).
        source_caller_id_number: impl Into<String> => build::phone_model;
        /// Display name shown to the targets.
        source_display_name: impl Into<String> => identity;
        /// The ACS user id placing the call.
        source: impl Into<String> => |id: String| CommunicationUserModel { id };
        /// Echoed in this call's events.
        operation_context: impl Into<String> => identity;
        /// Azure AI services for play/recognize.
        call_intelligence_options: CallIntelligenceOptions => identity;
        /// Stream the call's audio over a WebSocket.
        media_streaming_options: MediaStreamingOptions => identity;
        /// Transcribe the call over a WebSocket.
        transcription_options: TranscriptionOptions => identity;
        /// Place the call on behalf of a Teams resource account (app id).
        teams_app_source: impl Into<String> => |app_id: String| MicrosoftTeamsAppModel { app_id, cloud: None };
    }
    body_op_accessors!(CreateCallRequest);

    fn validate(&self) -> Result<(), Error> {
        let b = &self.body;
        if b.targets.is_empty() {
            return Err(Error::invalid(
                "targets",
                "must contain at least one target",
            ));
        }
        for (i, target) in b.targets.iter().enumerate() {
            build::identifier(&format!("targets[{i}]"), target)?;
        }
        if b.source_caller_id_number.is_none() && b.targets.iter().any(build::is_phone) {
            return Err(Error::invalid(
                "sourceCallerIdNumber",
                "is required when a target is a phone number (PSTN calls show a number the resource owns)",
            ));
        }
        build::caller_id("sourceCallerIdNumber", b.source_caller_id_number.as_ref())?;
        if let Some(source) = &b.source {
            validate::non_empty("source.id", &source.id)?;
        }
        if let Some(app) = &b.teams_app_source {
            validate::non_empty("teamsAppSource.appId", &app.app_id)?;
        }
        validate::callback_uri("callbackUri", &b.callback_uri)?;
        streaming(
            b.media_streaming_options.as_ref(),
            b.transcription_options.as_ref(),
        )
    }
}

fn streaming(
    media: Option<&MediaStreamingOptions>,
    transcription: Option<&TranscriptionOptions>,
) -> Result<(), Error> {
    media.map_or(Ok(()), |m| m.validate("mediaStreamingOptions"))?;
    transcription.map_or(Ok(()), |t| t.validate("transcriptionOptions"))
}

impl Operation for CreateCall {
    type Output = CallConnectionProperties;
    fn id(&self) -> OperationId {
        OperationId::CreateCall
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        self.validate()?;
        build::post_json(
            self.id(),
            &[],
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[201], "CallConnectionProperties")
    }
}

/// `POST /calling/callConnections:answer` — answer an incoming call (spec `AnswerCall`).
///
/// Output: [`CallConnectionProperties`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerCall {
    body: AnswerCallRequest,
    repeatability: Option<Repeatability>,
}

impl AnswerCall {
    /// Answers the call identified by `incoming_call_context` (from the `IncomingCall` event).
    pub fn new(incoming_call_context: impl Into<String>, callback_uri: impl Into<String>) -> Self {
        let body = AnswerCallRequest {
            incoming_call_context: incoming_call_context.into(),
            callback_uri: callback_uri.into(),
            operation_context: None,
            call_intelligence_options: None,
            answered_by: None,
            media_streaming_options: None,
            transcription_options: None,
        };
        AnswerCall {
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in this call's events.
        operation_context: impl Into<String> => identity;
        /// Azure AI services for play/recognize.
        call_intelligence_options: CallIntelligenceOptions => identity;
        /// The ACS user id answering the call.
        answered_by: impl Into<String> => |id: String| CommunicationUserModel { id };
        /// Stream the call's audio over a WebSocket.
        media_streaming_options: MediaStreamingOptions => identity;
        /// Transcribe the call over a WebSocket.
        transcription_options: TranscriptionOptions => identity;
    }
    body_op_accessors!(AnswerCallRequest);
}

impl Operation for AnswerCall {
    type Output = CallConnectionProperties;
    fn id(&self) -> OperationId {
        OperationId::AnswerCall
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        let b = &self.body;
        validate::non_empty("incomingCallContext", &b.incoming_call_context)?;
        validate::callback_uri("callbackUri", &b.callback_uri)?;
        if let Some(user) = &b.answered_by {
            validate::non_empty("answeredBy.id", &user.id)?;
        }
        streaming(
            b.media_streaming_options.as_ref(),
            b.transcription_options.as_ref(),
        )?;
        build::post_json(self.id(), &[], api_version, b, self.repeatability.as_ref())
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[200], "CallConnectionProperties")
    }
}

/// `POST /calling/callConnections:redirect` — send a ringing call elsewhere (spec `RedirectCall`).
///
/// Output: `()` (204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectCall {
    body: RedirectCallRequest,
    repeatability: Option<Repeatability>,
}

impl RedirectCall {
    /// Redirects the incoming call to `target`.
    pub fn new(incoming_call_context: impl Into<String>, target: CommunicationIdentifier) -> Self {
        let body = RedirectCallRequest {
            incoming_call_context: incoming_call_context.into(),
            target,
        };
        RedirectCall {
            body,
            repeatability: None,
        }
    }
    body_op_accessors!(RedirectCallRequest);
}

impl Operation for RedirectCall {
    type Output = ();
    fn id(&self) -> OperationId {
        OperationId::RedirectCall
    }

    // No caller-id rule here, unlike create/add: `RedirectCallRequest` has no
    // `sourceCallerIdNumber` (the spec is `additionalProperties: false`), and a redirect
    // deflects the original inbound call, so the target sees the original caller's number.
    // A phone target still has to be E.164.
    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        validate::non_empty("incomingCallContext", &self.body.incoming_call_context)?;
        build::identifier("target", &self.body.target)?;
        build::post_json(
            self.id(),
            &[],
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        expect_status(response, &[204])
    }
}

/// `POST /calling/callConnections:reject` — decline a ringing call (spec `RejectCall`).
///
/// Output: `()` (204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectCall {
    body: RejectCallRequest,
    repeatability: Option<Repeatability>,
}

impl RejectCall {
    /// Rejects the incoming call.
    pub fn new(incoming_call_context: impl Into<String>) -> Self {
        let body = RejectCallRequest {
            incoming_call_context: incoming_call_context.into(),
            call_reject_reason: None,
        };
        RejectCall {
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Why the call is rejected (`none`, `busy`, `forbidden`).
        call_reject_reason: CallRejectReason => identity;
    }
    body_op_accessors!(RejectCallRequest);
}

impl Operation for RejectCall {
    type Output = ();
    fn id(&self) -> OperationId {
        OperationId::RejectCall
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        validate::non_empty("incomingCallContext", &self.body.incoming_call_context)?;
        build::post_json(
            self.id(),
            &[],
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        expect_status(response, &[204])
    }
}

/// `POST /calling/callConnections:connect` — join an existing call, group call or room
/// (spec `Connect`).
///
/// Output: [`CallConnectionProperties`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectCall {
    body: ConnectRequest,
    repeatability: Option<Repeatability>,
}

impl ConnectCall {
    /// Connects to the call at `call_locator`, with events posted to `callback_uri`.
    pub fn new(call_locator: CallLocator, callback_uri: impl Into<String>) -> Self {
        let body = ConnectRequest {
            call_locator,
            callback_uri: callback_uri.into(),
            operation_context: None,
            call_intelligence_options: None,
            media_streaming_options: None,
            transcription_options: None,
        };
        ConnectCall {
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in this call's events.
        operation_context: impl Into<String> => identity;
        /// Azure AI services for play/recognize.
        call_intelligence_options: CallIntelligenceOptions => identity;
        /// Stream the call's audio over a WebSocket.
        media_streaming_options: MediaStreamingOptions => identity;
        /// Transcribe the call over a WebSocket.
        transcription_options: TranscriptionOptions => identity;
    }
    body_op_accessors!(ConnectRequest);
}

impl Operation for ConnectCall {
    type Output = CallConnectionProperties;
    fn id(&self) -> OperationId {
        OperationId::Connect
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        let b = &self.body;
        let field = match b.call_locator {
            CallLocator::ServerCall(_) => "callLocator.serverCallId",
            CallLocator::GroupCall(_) => "callLocator.groupCallId",
            CallLocator::Room(_) => "callLocator.roomId",
        };
        validate::non_empty(field, b.call_locator.id())?;
        validate::callback_uri("callbackUri", &b.callback_uri)?;
        streaming(
            b.media_streaming_options.as_ref(),
            b.transcription_options.as_ref(),
        )?;
        build::post_json(self.id(), &[], api_version, b, self.repeatability.as_ref())
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[200], "CallConnectionProperties")
    }
}
