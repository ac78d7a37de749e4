//! Call-level request bodies and `CallConnectionProperties`.
//!
//! `incomingCallContext` is a credential for the ringing call: the request models that
//! carry it print `<redacted>` in their `Debug` output.

use super::{
    CallIntelligenceOptions, CallLocator, MediaStreamingOptions, MediaStreamingSubscription,
};
use super::{TranscriptionOptions, TranscriptionSubscription};
use crate::identifier::{CommunicationUserModel, MicrosoftTeamsAppModel, PhoneNumberModel};
use crate::CommunicationIdentifier;
use core::fmt;
use serde::{Deserialize, Serialize};

/// Spec `CreateCallRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCallRequest {
    pub targets: Vec<CommunicationIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_caller_id_number: Option<PhoneNumberModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CommunicationUserModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    pub callback_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_intelligence_options: Option<CallIntelligenceOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_options: Option<MediaStreamingOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_options: Option<TranscriptionOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_app_source: Option<MicrosoftTeamsAppModel>,
}

/// Spec `AnswerCallRequest`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerCallRequest {
    pub incoming_call_context: String,
    pub callback_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_intelligence_options: Option<CallIntelligenceOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<CommunicationUserModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_options: Option<MediaStreamingOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_options: Option<TranscriptionOptions>,
}

impl fmt::Debug for AnswerCallRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnswerCallRequest")
            .field("incoming_call_context", &"<redacted>")
            .field("callback_uri", &self.callback_uri)
            .field("operation_context", &self.operation_context)
            .field("call_intelligence_options", &self.call_intelligence_options)
            .field("answered_by", &self.answered_by)
            .field("media_streaming_options", &self.media_streaming_options)
            .field("transcription_options", &self.transcription_options)
            .finish()
    }
}

/// Spec `RedirectCallRequest`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectCallRequest {
    pub incoming_call_context: String,
    pub target: CommunicationIdentifier,
}

impl fmt::Debug for RedirectCallRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectCallRequest")
            .field("incoming_call_context", &"<redacted>")
            .field("target", &self.target)
            .finish()
    }
}

/// Spec `CallRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum CallRejectReason {
    None,
    Busy,
    Forbidden,
}

/// Spec `RejectCallRequest`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectCallRequest {
    pub incoming_call_context: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_reject_reason: Option<CallRejectReason>,
}

impl fmt::Debug for RejectCallRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RejectCallRequest")
            .field("incoming_call_context", &"<redacted>")
            .field("call_reject_reason", &self.call_reject_reason)
            .finish()
    }
}

/// Spec `ConnectRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    pub call_locator: CallLocator,
    pub callback_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_intelligence_options: Option<CallIntelligenceOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_options: Option<MediaStreamingOptions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_options: Option<TranscriptionOptions>,
}

/// Spec `CallConnectionStateModel`; states the service adds later decode as `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum CallConnectionState {
    Connecting,
    Connected,
    Transferring,
    TransferAccepted,
    Disconnecting,
    Disconnected,
    /// `unknown`, and any state this version does not know.
    #[serde(other)]
    Unknown,
}

/// Spec `CallConnectionProperties`: the output of create/answer/connect/get call.
/// Every field is optional on the wire; unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallConnectionProperties {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_connection_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_call_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<CommunicationIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_connection_state: Option<CallConnectionState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_caller_id_number: Option<PhoneNumberModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CommunicationIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<CommunicationUserModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_subscription: Option<MediaStreamingSubscription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_subscription: Option<TranscriptionSubscription>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_for: Option<PhoneNumberModel>,
}
