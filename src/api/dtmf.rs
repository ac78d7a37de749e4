//! DTMF: send tones, and continuous tone recognition.

use super::media::{call_action_json, operation_setters, participant_only_op};
use super::response::decode_json;
use super::routes::OperationId;
use super::Operation;
use crate::http::{Repeatability, Request, Response};
use crate::identifier::CommunicationIdentifier;
use crate::models::Tone;
use crate::validate::non_empty;
use crate::validate::{identifier as check_identifier, optional_callback};
use crate::Error;
use serde::{Deserialize, Serialize};

/// `CallMedia_SendDtmfTones`: send tones to a participant (202 with
/// [`SendDtmfTonesResult`]; then `SendDtmfTonesCompleted` / `SendDtmfTonesFailed`).
///
/// Takes repeatability headers: set [`SendDtmfTones::repeatability`] to make a retry safe
/// (the JS face always sets fresh ones, as the official package does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDtmfTones {
    #[serde(skip)]
    pub call_connection_id: String,
    #[serde(skip)]
    pub repeatability: Option<Repeatability>,
    pub tones: Vec<Tone>,
    pub target_participant: CommunicationIdentifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_callback_uri: Option<String>,
}

impl SendDtmfTones {
    /// Send `tones` to `target_participant` in call `call_connection_id`. Tones from text
    /// (`"123#"`) come from [`Tone::parse_sequence`].
    pub fn new(
        call_connection_id: impl Into<String>,
        tones: Vec<Tone>,
        target_participant: CommunicationIdentifier,
    ) -> Self {
        SendDtmfTones {
            call_connection_id: call_connection_id.into(),
            repeatability: None,
            tones,
            target_participant,
            operation_context: None,
            operation_callback_uri: None,
        }
    }
    super::build::repeatability_setter!();

    /// # Errors
    /// [`Error::InvalidInput`] for a blank `callConnectionId`, an empty `tones`, an invalid
    /// `targetParticipant`, a non-https `operationCallbackUri`.
    pub fn validate(&self) -> Result<(), Error> {
        non_empty("callConnectionId", &self.call_connection_id)?;
        if self.tones.is_empty() {
            return Err(Error::invalid("tones", "must list at least one tone"));
        }
        check_identifier("targetParticipant", &self.target_participant)?;
        optional_callback(
            "operationCallbackUri",
            self.operation_callback_uri.as_deref(),
        )
    }
}
operation_setters!(SendDtmfTones);

/// Spec `SendDtmfTonesResult`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDtmfTonesResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
}

impl Operation for SendDtmfTones {
    type Output = SendDtmfTonesResult;
    fn id(&self) -> OperationId {
        OperationId::SendDtmf
    }
    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        self.validate()?;
        let mut req = call_action_json(self.id(), &self.call_connection_id, api_version, self)?;
        if let Some(r) = &self.repeatability {
            r.apply(&mut req);
        }
        Ok(req)
    }
    /// An empty 202 body decodes to an empty result (lenient: the field is optional anyway).
    fn decode(&self, response: &Response<'_>) -> Result<SendDtmfTonesResult, Error> {
        if response.status == 202 && response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(SendDtmfTonesResult::default());
        }
        decode_json(response, &[202], "SendDtmfTonesResult")
    }
}

participant_only_op!(
    /// `CallMedia_StartContinuousDtmfRecognition`: report every tone the participant presses
    /// (`ContinuousDtmfRecognitionToneReceived` events) until stopped.
    StartContinuousDtmfRecognition,
    StartContinuousDtmf
);
participant_only_op!(
    /// `CallMedia_StopContinuousDtmfRecognition`: stop continuous tone recognition.
    StopContinuousDtmfRecognition,
    StopContinuousDtmf
);
