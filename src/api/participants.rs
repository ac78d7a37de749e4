//! Changing who is in a call: add, remove, mute, cancel an invitation, move.

use super::build::{self, body_op_accessors, body_setters};
use super::response::decode_json;
use super::routes::OperationId;
use super::Operation;
use crate::http::{Repeatability, Request, Response};
use crate::models::{
    AddParticipantRequest, AddParticipantResponse, CancelAddParticipantRequest,
    CancelAddParticipantResponse, CustomCallingContext, MoveParticipantsRequest,
    MoveParticipantsResponse, MuteParticipantsRequest, MuteParticipantsResult,
    RemoveParticipantRequest, RemoveParticipantResponse,
};
use crate::validate::{self, INVITATION_TIMEOUT_RANGE};
use crate::{CommunicationIdentifier, Error};
use core::convert::identity;

/// `POST …/participants:add` — invite someone into the call
/// (spec `CallConnection_AddParticipant`).
///
/// Output: [`AddParticipantResponse`] (202); the outcome arrives as
/// `AddParticipantSucceeded`/`AddParticipantFailed`.
///
/// ```
/// use callsteer::api::{AddParticipant, Operation};
/// use callsteer::http::{Repeatability, Response};
/// use callsteer::CommunicationIdentifier;
///
/// let op = AddParticipant::new("call-1", CommunicationIdentifier::phone("+14255550123"))
///     .source_caller_id_number("+18005550100")
///     .invitation_timeout_in_seconds(30)
///     // Derived from the triggering event: a re-delivered webhook re-sends the same id.
///     .repeatability(Repeatability::derive("event-42/add", 1_700_000_000));
/// let req = op.to_request(callsteer::DEFAULT_API_VERSION)?;
/// assert_eq!(
///     req.path_and_query(),
///     "/calling/callConnections/call-1/participants:add?api-version=2026-03-12"
/// );
/// // A face signs and sends `req`; the response goes back through the same value:
/// let body = br#"{"invitationId":"inv-1","operationContext":"x"}"#;
/// let out = op.decode(&Response { status: 202, headers: &[], body })?;
/// assert_eq!(out.invitation_id.as_deref(), Some("inv-1"));
/// # Ok::<(), callsteer::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddParticipant {
    call_connection_id: String,
    body: AddParticipantRequest,
    repeatability: Option<Repeatability>,
}

impl AddParticipant {
    /// Invites `participant_to_add` into `call_connection_id`.
    pub fn new(
        call_connection_id: impl Into<String>,
        participant_to_add: CommunicationIdentifier,
    ) -> Self {
        let body = AddParticipantRequest {
            source_caller_id_number: None,
            source_display_name: None,
            participant_to_add,
            invitation_timeout_in_seconds: None,
            operation_context: None,
            operation_callback_uri: None,
            custom_calling_context: None,
        };
        AddParticipant {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// The E.164 number shown to a PSTN invitee (required when inviting a phone number).
        source_caller_id_number: impl Into<String> => build::phone_model;
        /// Display name shown to the invitee.
        source_display_name: impl Into<String> => identity;
        /// How long the invitation rings, 0–180 seconds.
        invitation_timeout_in_seconds: i32 => identity;
        /// Echoed in the add-participant events.
        operation_context: impl Into<String> => identity;
        /// Where this operation's events go (overrides the call's callback URI).
        operation_callback_uri: impl Into<String> => identity;
        /// SIP/VoIP headers for the invitee.
        custom_calling_context: CustomCallingContext => identity;
    }
    body_op_accessors!(AddParticipantRequest);

    fn validate(&self) -> Result<(), Error> {
        let b = &self.body;
        build::call_connection_id(&self.call_connection_id)?;
        build::identifier("participantToAdd", &b.participant_to_add)?;
        if build::is_phone(&b.participant_to_add) && b.source_caller_id_number.is_none() {
            return Err(Error::invalid(
                "sourceCallerIdNumber",
                "is required when adding a phone number (PSTN calls show a number the resource owns)",
            ));
        }
        build::caller_id("sourceCallerIdNumber", b.source_caller_id_number.as_ref())?;
        if let Some(t) = b.invitation_timeout_in_seconds {
            validate::in_range("invitationTimeoutInSeconds", t, INVITATION_TIMEOUT_RANGE)?;
        }
        build::optional_callback("operationCallbackUri", b.operation_callback_uri.as_deref())?;
        b.custom_calling_context
            .as_ref()
            .map_or(Ok(()), |c| c.validate("customCallingContext"))
    }
}

impl Operation for AddParticipant {
    type Output = AddParticipantResponse;
    fn id(&self) -> OperationId {
        OperationId::AddParticipant
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        self.validate()?;
        let ids = [self.call_connection_id.as_str()];
        build::post_json(
            self.id(),
            &ids,
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[202], "AddParticipantResponse")
    }
}

/// `POST …/participants:remove` (spec `CallConnection_RemoveParticipant`).
///
/// Output: [`RemoveParticipantResponse`] (202).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveParticipant {
    call_connection_id: String,
    body: RemoveParticipantRequest,
    repeatability: Option<Repeatability>,
}

impl RemoveParticipant {
    /// Removes `participant_to_remove` from `call_connection_id`.
    pub fn new(
        call_connection_id: impl Into<String>,
        participant_to_remove: CommunicationIdentifier,
    ) -> Self {
        let body = RemoveParticipantRequest {
            participant_to_remove,
            operation_context: None,
            operation_callback_uri: None,
        };
        RemoveParticipant {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in the remove-participant events.
        operation_context: impl Into<String> => identity;
        /// Where this operation's events go (overrides the call's callback URI).
        operation_callback_uri: impl Into<String> => identity;
    }
    body_op_accessors!(RemoveParticipantRequest);
}

impl Operation for RemoveParticipant {
    type Output = RemoveParticipantResponse;
    fn id(&self) -> OperationId {
        OperationId::RemoveParticipant
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        build::identifier("participantToRemove", &self.body.participant_to_remove)?;
        build::optional_callback(
            "operationCallbackUri",
            self.body.operation_callback_uri.as_deref(),
        )?;
        let ids = [self.call_connection_id.as_str()];
        build::post_json(
            self.id(),
            &ids,
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[202], "RemoveParticipantResponse")
    }
}

/// `POST …/participants:mute` (spec `CallConnection_Mute`). The wire takes a list, but the
/// service mutes one participant per request (as the official SDKs do), so this takes one.
///
/// Output: [`MuteParticipantsResult`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MuteParticipant {
    call_connection_id: String,
    body: MuteParticipantsRequest,
    repeatability: Option<Repeatability>,
}

impl MuteParticipant {
    /// Mutes `participant` in `call_connection_id`.
    pub fn new(
        call_connection_id: impl Into<String>,
        participant: CommunicationIdentifier,
    ) -> Self {
        let body = MuteParticipantsRequest {
            target_participants: vec![participant],
            operation_context: None,
        };
        MuteParticipant {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in the response.
        operation_context: impl Into<String> => identity;
    }
    body_op_accessors!(MuteParticipantsRequest);
}

impl Operation for MuteParticipant {
    type Output = MuteParticipantsResult;
    fn id(&self) -> OperationId {
        OperationId::Mute
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        for (i, p) in self.body.target_participants.iter().enumerate() {
            build::identifier(&format!("targetParticipants[{i}]"), p)?;
        }
        let ids = [self.call_connection_id.as_str()];
        build::post_json(
            self.id(),
            &ids,
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[200], "MuteParticipantsResult")
    }
}

/// `POST …/participants:cancelAddParticipant` — withdraw a pending invitation
/// (spec `CallConnection_CancelAddParticipant`).
///
/// Output: [`CancelAddParticipantResponse`] (202).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelAddParticipant {
    call_connection_id: String,
    body: CancelAddParticipantRequest,
    repeatability: Option<Repeatability>,
}

impl CancelAddParticipant {
    /// Cancels the invitation `invitation_id` (from [`AddParticipantResponse`]).
    pub fn new(call_connection_id: impl Into<String>, invitation_id: impl Into<String>) -> Self {
        let body = CancelAddParticipantRequest {
            invitation_id: invitation_id.into(),
            operation_context: None,
            operation_callback_uri: None,
        };
        CancelAddParticipant {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in the cancel events.
        operation_context: impl Into<String> => identity;
        /// Where this operation's events go (overrides the call's callback URI).
        operation_callback_uri: impl Into<String> => identity;
    }
    body_op_accessors!(CancelAddParticipantRequest);
}

impl Operation for CancelAddParticipant {
    type Output = CancelAddParticipantResponse;
    fn id(&self) -> OperationId {
        OperationId::CancelAddParticipant
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        validate::non_empty("invitationId", &self.body.invitation_id)?;
        build::optional_callback(
            "operationCallbackUri",
            self.body.operation_callback_uri.as_deref(),
        )?;
        let ids = [self.call_connection_id.as_str()];
        build::post_json(
            self.id(),
            &ids,
            api_version,
            &self.body,
            self.repeatability.as_ref(),
        )
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[202], "CancelAddParticipantResponse")
    }
}

/// `POST …/participants:moveHere` — move participants from another call into this one
/// (spec `CallConnection_MoveParticipants`).
///
/// Output: [`MoveParticipantsResponse`] (202).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveParticipants {
    call_connection_id: String,
    body: MoveParticipantsRequest,
    repeatability: Option<Repeatability>,
}

impl MoveParticipants {
    /// Moves `target_participants` from the call connection `from_call` into `call_connection_id`.
    pub fn new(
        call_connection_id: impl Into<String>,
        from_call: impl Into<String>,
        target_participants: impl IntoIterator<Item = CommunicationIdentifier>,
    ) -> Self {
        let body = MoveParticipantsRequest {
            target_participants: target_participants.into_iter().collect(),
            operation_context: None,
            operation_callback_uri: None,
            from_call: from_call.into(),
        };
        MoveParticipants {
            call_connection_id: call_connection_id.into(),
            body,
            repeatability: None,
        }
    }

    body_setters! {
        /// Echoed in the move events.
        operation_context: impl Into<String> => identity;
        /// Where this operation's events go (overrides the call's callback URI).
        operation_callback_uri: impl Into<String> => identity;
    }
    body_op_accessors!(MoveParticipantsRequest);
}

impl Operation for MoveParticipants {
    type Output = MoveParticipantsResponse;
    fn id(&self) -> OperationId {
        OperationId::MoveParticipants
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        let b = &self.body;
        build::call_connection_id(&self.call_connection_id)?;
        validate::non_empty("fromCall", &b.from_call)?;
        if b.target_participants.is_empty() {
            return Err(Error::invalid(
                "targetParticipants",
                "must contain at least one participant",
            ));
        }
        for (i, p) in b.target_participants.iter().enumerate() {
            build::identifier(&format!("targetParticipants[{i}]"), p)?;
        }
        build::optional_callback("operationCallbackUri", b.operation_callback_uri.as_deref())?;
        let ids = [self.call_connection_id.as_str()];
        build::post_json(self.id(), &ids, api_version, b, self.repeatability.as_ref())
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[202], "MoveParticipantsResponse")
    }
}
