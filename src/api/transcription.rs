//! Live transcription: start, stop and update it on the WebSocket configured when the
//! call was created, answered or connected (`transcriptionOptions`).
//!
//! The request bodies are the spec's own `StartTranscriptionRequest`,
//! `StopTranscriptionRequest` and `UpdateTranscriptionRequest`.

use super::media::{context_only_op, operation_setters};
use crate::validate::non_empty;
use crate::validate::{optional_callback, optional_non_empty};
use crate::Error;
use serde::{Deserialize, Serialize};

/// Declares a transcription operation with optional `locale` and `speechModelEndpointId`.
macro_rules! transcription_op {
    ($(#[$meta:meta])* $name:ident, $op:ident, $needs_change:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(skip)]
            pub call_connection_id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub locale: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub speech_model_endpoint_id: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_context: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_callback_uri: Option<String>,
        }

        impl $name {
            /// For call `call_connection_id`.
            pub fn new(call_connection_id: impl Into<String>) -> Self {
                $name { call_connection_id: call_connection_id.into(), ..Default::default() }
            }
            /// Sets `locale` (e.g. `en-US`).
            #[must_use]
            pub fn locale(mut self, v: impl Into<String>) -> Self {
                self.locale = Some(v.into());
                self
            }
            /// Sets `speechModelEndpointId` (a custom speech model; the JS package calls it
            /// `speechRecognitionModelEndpointId`).
            #[must_use]
            pub fn speech_model_endpoint_id(mut self, v: impl Into<String>) -> Self {
                self.speech_model_endpoint_id = Some(v.into());
                self
            }

            /// # Errors
            /// [`Error::InvalidInput`] for a blank `callConnectionId`, a blank `locale` or
            /// `speechModelEndpointId`, a non-https `operationCallbackUri`; for an update,
            /// also when neither `locale` nor `speechModelEndpointId` is set (nothing to change).
            pub fn validate(&self) -> Result<(), Error> {
                non_empty("callConnectionId", &self.call_connection_id)?;
                optional_non_empty("locale", self.locale.as_deref())?;
                optional_non_empty("speechModelEndpointId", self.speech_model_endpoint_id.as_deref())?;
                if $needs_change && self.locale.is_none() && self.speech_model_endpoint_id.is_none() {
                    return Err(Error::invalid("locale", "set locale or speechModelEndpointId: an update must change something"));
                }
                optional_callback("operationCallbackUri", self.operation_callback_uri.as_deref())
            }
        }
        operation_setters!($name);

        $crate::api::build::action_operation!($name, $op, 202);
    };
}

transcription_op!(
    /// `CallMedia_StartTranscription` (202; then `TranscriptionStarted` / `TranscriptionFailed`).
    StartTranscription,
    StartTranscription,
    false
);
transcription_op!(
    /// `CallMedia_UpdateTranscription`: switch locale and/or speech model mid-call (202; then
    /// `TranscriptionUpdated` / `TranscriptionFailed`). The JS package's
    /// `updateTranscription(locale, options)` maps to `UpdateTranscription::new(id).locale(locale)`.
    UpdateTranscription,
    UpdateTranscription,
    true
);
context_only_op!(
    /// `CallMedia_StopTranscription` (202; then `TranscriptionStopped` / `TranscriptionFailed`).
    StopTranscription,
    StopTranscription
);
