//! The other voice/video events Event Grid delivers for an ACS resource: call started/ended,
//! participant added/removed (ACS VoIP users only) and recording file status.
//! Field names from the Event Grid system-event schemas (`AcsCall*EventData`) and the
//! samples of the Event Grid docs ("Azure Communication Services - Voice and video calling
//! events"); every field is optional.

use serde::{Deserialize, Serialize};

use crate::CommunicationIdentifier;

/// Adds the fields of every ACS calling event (`AcsCallingEventProperties`).
macro_rules! calling_event {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $name {
            /// `startedBy`: who started the call.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub started_by: Option<CallingParticipant>,
            /// `serverCallId`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub server_call_id: Option<String>,
            /// `group`: the group call, when it is one.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub group: Option<IdOnly>,
            /// `room`: the room, when it is a rooms call.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub room: Option<IdOnly>,
            /// `isTwoParty`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub is_two_party: Option<bool>,
            /// `correlationId`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub correlation_id: Option<String>,
            /// `isRoomsCall`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub is_rooms_call: Option<bool>,
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: $ty,
            )*
        }
    };
}

calling_event!(
    /// `Microsoft.Communication.CallStarted` data.
    CallStartedData {}
);

calling_event!(
    /// `Microsoft.Communication.CallEnded` data.
    CallEndedData {
        /// `endedBy`: who ended the call.
        ended_by: Option<CallEndedBy>,
        /// `reason`: why.
        reason: Option<CallEndReason>,
        /// `callDurationInSeconds`.
        call_duration_in_seconds: Option<f64>,
        /// `durationOfCall`: the name used by the docs' sample for the same value.
        duration_of_call: Option<f64>,
    }
);

calling_event!(
    /// `Microsoft.Communication.CallParticipantAdded` / `CallParticipantRemoved` data.
    CallParticipantData {
        /// `user`: the participant.
        user: Option<CallingParticipant>,
        /// `displayName`.
        display_name: Option<String>,
        /// `participantId`.
        participant_id: Option<String>,
        /// `userAgent`.
        user_agent: Option<String>,
        /// `endpointType` (docs' sample).
        endpoint_type: Option<String>,
    }
);

/// `AcsCallParticipantProperties`: an identifier and its role.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallingParticipant {
    /// `communicationIdentifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_identifier: Option<CommunicationIdentifier>,
    /// `role` (e.g. `Attendee`, `Presenter`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// `{ "id": … }` (`group`, `room`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdOnly {
    /// `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// `AcsCallEndedByProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallEndedBy {
    /// `communicationIdentifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_identifier: Option<CommunicationIdentifier>,
    /// `kind` (e.g. `Participant`, `MicrosoftInternal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `AcsCallEndReasonProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallEndReason {
    /// `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// `subCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<i64>,
    /// `phrase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
}

/// `Microsoft.Communication.RecordingFileStatusUpdated` data: where a finished recording is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecordingFileStatusUpdatedData {
    /// `recordingStorageInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_storage_info: Option<RecordingStorageInfo>,
    /// `recordingStartTime` (RFC 3339, as sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_start_time: Option<String>,
    /// `recordingDurationMs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_duration_ms: Option<i64>,
    /// `recordingContentType` (`Audio`, `AudioVideo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_content_type: Option<String>,
    /// `recordingChannelType` (`Mixed`, `Unmixed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_channel_type: Option<String>,
    /// `recordingFormatType` (`Wav`, `Mp3`, `Mp4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_format_type: Option<String>,
    /// `sessionEndReason` (e.g. `CallEnded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_end_reason: Option<String>,
}

/// `recordingStorageInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecordingStorageInfo {
    /// `recordingChunks`.
    #[serde(default)]
    pub recording_chunks: Vec<RecordingChunk>,
}

/// One chunk of a recording.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecordingChunk {
    /// `documentId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// `index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<i64>,
    /// `endReason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    /// `contentLocation`: download URL of the media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_location: Option<String>,
    /// `metadataLocation`: download URL of the metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_location: Option<String>,
    /// `deleteLocation`: URL to delete the recording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_location: Option<String>,
}
