//! One established call: get its properties, hang up, terminate for everyone, transfer.

use super::build::{self, body_op_accessors, body_setters, repeatability_setter};
use super::response::{decode_json, expect_status};
use super::routes::OperationId;
use super::Operation;
use crate::http::{Repeatability, Request, Response};
use crate::models::{
    CallConnectionProperties, CustomCallingContext, TransferCallResponse,
    TransferToParticipantRequest,
};
use crate::{CommunicationIdentifier, Error};
use core::convert::identity;

/// `GET /calling/callConnections/{callConnectionId}` (spec `CallConnection_GetCall`).
///
/// Output: [`CallConnectionProperties`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetCall {
    call_connection_id: String,
}

impl GetCall {
    /// The properties of the call connection `call_connection_id`.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        GetCall {
            call_connection_id: call_connection_id.into(),
        }
    }
}

impl Operation for GetCall {
    type Output = CallConnectionProperties;
    fn id(&self) -> OperationId {
        OperationId::GetCall
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        build::op(self.id(), &[&self.call_connection_id], api_version)
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[200], "CallConnectionProperties")
    }
}

/// `DELETE /calling/callConnections/{callConnectionId}` — leave the call; it goes on for
/// the others (spec `CallConnection_HangupCall`).
///
/// Output: `()` (204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HangUpCall {
    call_connection_id: String,
}

impl HangUpCall {
    /// Hangs up the app's leg of `call_connection_id`.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        HangUpCall {
            call_connection_id: call_connection_id.into(),
        }
    }
}

impl Operation for HangUpCall {
    type Output = ();
    fn id(&self) -> OperationId {
        OperationId::HangUp
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        build::op(self.id(), &[&self.call_connection_id], api_version)
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        expect_status(response, &[204])
    }
}

/// `POST /calling/callConnections/{callConnectionId}:terminate` — end the call for
/// everyone (spec `CallConnection_TerminateCall`).
///
/// Output: `()` (204).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminateCall {
    call_connection_id: String,
    repeatability: Option<Repeatability>,
}

impl TerminateCall {
    /// Terminates `call_connection_id` for all participants.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        TerminateCall {
            call_connection_id: call_connection_id.into(),
            repeatability: None,
        }
    }
    repeatability_setter!();
}

impl Operation for TerminateCall {
    type Output = ();
    fn id(&self) -> OperationId {
        OperationId::Terminate
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        let ids = [self.call_connection_id.as_str()];
        build::post::<()>(
            self.id(),
            &ids,
            api_version,
            None,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        expect_status(response, &[204])
    }
}

/// `POST /calling/callConnections/{callConnectionId}:transferToParticipant`
/// (spec `CallConnection_TransferToParticipant`).
///
/// Output: [`TransferCallResponse`] (202); the outcome arrives as `CallTransferAccepted`
/// or `CallTransferFailed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferCallToParticipant {
    call_connection_id: String,
    body: TransferToParticipantRequest,
    repeatability: Option<Repeatability>,
}

impl TransferCallToParticipant {
    /// Transfers the call `call_connection_id` to `target_participant`.
    pub fn new(
        call_connection_id: impl Into<String>,
        target_participant: CommunicationIdentifier,
    ) -> Self {
        let body = TransferToParticipantRequest {
            target_participant,
            operation_context: None,
            transferee: None,
            operation_callback_uri: None,
            custom_calling_context: None,
            source_caller_id_number: None,
        };
        TransferCallToParticipant {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in the transfer events.
        operation_context: impl Into<String> => identity;
        /// In a group call, the participant being transferred.
        transferee: CommunicationIdentifier => identity;
        /// Where this operation's events go (overrides the call's callback URI).
        operation_callback_uri: impl Into<String> => identity;
        /// SIP/VoIP headers for the transfer target.
        custom_calling_context: CustomCallingContext => identity;
        /// The E.164 number shown to a PSTN transfer target.
        source_caller_id_number: impl Into<String> => build::phone_model;
    }
    body_op_accessors!(TransferToParticipantRequest);
}

impl Operation for TransferCallToParticipant {
    type Output = TransferCallResponse;
    fn id(&self) -> OperationId {
        OperationId::Transfer
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        let b = &self.body;
        build::call_connection_id(&self.call_connection_id)?;
        build::identifier("targetParticipant", &b.target_participant)?;
        if let Some(transferee) = &b.transferee {
            build::identifier("transferee", transferee)?;
        }
        build::optional_callback("operationCallbackUri", b.operation_callback_uri.as_deref())?;
        if let Some(ctx) = &b.custom_calling_context {
            ctx.validate("customCallingContext")?;
        }
        build::caller_id("sourceCallerIdNumber", b.source_caller_id_number.as_ref())?;
        let ids = [self.call_connection_id.as_str()];
        build::post_json(self.id(), &ids, api_version, b, self.repeatability.as_ref())
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[202], "TransferCallResponse")
    }
}
