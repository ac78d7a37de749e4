//! Call recording: start, get state, pause, resume, stop (`/calling/recordings…`).

use super::build;
use super::response::{decode_json, expect_status};
use super::routes::OperationId;
use super::Operation;
use crate::http::{Repeatability, Request, Response};
use crate::identifier::CommunicationIdentifier;
use crate::models::{
    CallLocator, ChannelAffinity, ExternalStorage, RecordingChannelType, RecordingContentType,
    RecordingFormatType, RecordingStateResponse, StartCallRecordingRequest,
};
use crate::validate::non_empty;
use crate::Error;

/// `CallRecording_StartRecording` (`POST /calling/recordings`; 200 or 202 with a
/// [`RecordingStateResponse`]). Takes repeatability headers.
///
/// The call is named by exactly one of a [`CallLocator`] ([`StartRecording::new`]) or a
/// call connection id ([`StartRecording::for_call_connection`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartRecording {
    pub request: StartCallRecordingRequest,
    pub repeatability: Option<Repeatability>,
}

impl StartRecording {
    /// Record the call at `call_locator` (server call or group call; room locators are refused).
    pub fn new(call_locator: CallLocator) -> Self {
        let request = StartCallRecordingRequest {
            call_locator: Some(call_locator),
            ..Default::default()
        };
        StartRecording {
            request,
            repeatability: None,
        }
    }
    /// Record the call that `call_connection_id` belongs to.
    pub fn for_call_connection(call_connection_id: impl Into<String>) -> Self {
        let request = StartCallRecordingRequest {
            call_connection_id: Some(call_connection_id.into()),
            ..Default::default()
        };
        StartRecording {
            request,
            repeatability: None,
        }
    }
    super::build::repeatability_setter!();
    /// Sets `recordingStateCallbackUri` (https; http only for loopback).
    #[must_use]
    pub fn recording_state_callback_uri(mut self, v: impl Into<String>) -> Self {
        self.request.recording_state_callback_uri = Some(v.into());
        self
    }
    /// Sets `recordingContentType`.
    #[must_use]
    pub fn recording_content_type(mut self, v: RecordingContentType) -> Self {
        self.request.recording_content_type = Some(v);
        self
    }
    /// Sets `recordingChannelType`.
    #[must_use]
    pub fn recording_channel_type(mut self, v: RecordingChannelType) -> Self {
        self.request.recording_channel_type = Some(v);
        self
    }
    /// Sets `recordingFormatType`.
    #[must_use]
    pub fn recording_format_type(mut self, v: RecordingFormatType) -> Self {
        self.request.recording_format_type = Some(v);
        self
    }
    /// Sets `audioChannelParticipantOrdering` (unmixed audio: channel i is participant i).
    #[must_use]
    pub fn audio_channel_participant_ordering(mut self, v: Vec<CommunicationIdentifier>) -> Self {
        self.request.audio_channel_participant_ordering = Some(v);
        self
    }
    /// Sets `channelAffinity`.
    #[must_use]
    pub fn channel_affinity(mut self, v: Vec<ChannelAffinity>) -> Self {
        self.request.channel_affinity = Some(v);
        self
    }
    /// Sets `pauseOnStart`.
    #[must_use]
    pub fn pause_on_start(mut self, v: bool) -> Self {
        self.request.pause_on_start = Some(v);
        self
    }
    /// Sets `externalStorage` (the JS package's `recordingStorage`).
    #[must_use]
    pub fn external_storage(mut self, v: ExternalStorage) -> Self {
        self.request.external_storage = Some(v);
        self
    }
}

impl Operation for StartRecording {
    type Output = RecordingStateResponse;
    fn id(&self) -> OperationId {
        OperationId::StartRecording
    }
    /// # Errors
    /// See [`StartCallRecordingRequest::validate`].
    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        self.request.validate()?;
        build::post_json(
            self.id(),
            &[],
            api_version,
            &self.request,
            self.repeatability.as_ref(),
        )
    }
    fn decode(&self, response: &Response<'_>) -> Result<RecordingStateResponse, Error> {
        decode_json(response, &[200, 202], "RecordingStateResponse")
    }
}

/// Operation `op` on recording `recording_id`, after checking the id.
fn recording_request(
    op: OperationId,
    recording_id: &str,
    api_version: &str,
) -> Result<Request, Error> {
    non_empty("recordingId", recording_id)?;
    build::op(op, &[recording_id], api_version)
}

/// Declares a body-less operation on one recording.
macro_rules! recording_op {
    ($(#[$meta:meta])* $name:ident, $op:ident, $output:ty, |$resp:ident| $decode:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            pub recording_id: String,
        }

        impl $name {
            /// For the recording `recording_id` (from [`StartRecording`]'s response).
            pub fn new(recording_id: impl Into<String>) -> Self {
                $name { recording_id: recording_id.into() }
            }
        }

        impl Operation for $name {
            type Output = $output;
            fn id(&self) -> OperationId {
                OperationId::$op
            }
            /// # Errors
            /// [`Error::InvalidInput`] for a blank `recordingId`.
            fn to_request(&self, api_version: &str) -> Result<Request, Error> {
                recording_request(self.id(), &self.recording_id, api_version)
            }
            fn decode(&self, $resp: &Response<'_>) -> Result<$output, Error> {
                $decode
            }
        }
    };
}

recording_op!(
    /// `CallRecording_GetRecordingProperties`: the recording's state (`GET`, 200 with a
    /// [`RecordingStateResponse`]; the JS package's `getState`).
    GetRecordingState,
    GetRecording,
    RecordingStateResponse,
    |r| decode_json(r, &[200], "RecordingStateResponse")
);
recording_op!(
    /// `CallRecording_StopRecording` (`DELETE`, 204).
    StopRecording,
    StopRecording,
    (),
    |r| expect_status(r, &[204])
);
recording_op!(
    /// `CallRecording_PauseRecording` (`POST …:pause`, 202).
    PauseRecording,
    PauseRecording,
    (),
    |r| expect_status(r, &[202])
);
recording_op!(
    /// `CallRecording_ResumeRecording` (`POST …:resume`, 202).
    ResumeRecording,
    ResumeRecording,
    (),
    |r| expect_status(r, &[202])
);
