//! Transcription and media streaming status events.

use serde::{Deserialize, Serialize};

use super::define::call_event;
use crate::models::lenient_enum;

call_event!(
    /// `TranscriptionStarted`.
    TranscriptionStarted {
        /// `transcriptionUpdate`: status and detail.
        transcription_update: Option<TranscriptionUpdate>,
    }
);
call_event!(
    /// `TranscriptionStopped`.
    TranscriptionStopped {
        /// `transcriptionUpdate`: status and detail.
        transcription_update: Option<TranscriptionUpdate>,
    }
);
call_event!(
    /// `TranscriptionUpdated`: e.g. the locale changed.
    TranscriptionUpdated {
        /// `transcriptionUpdate`: status and detail.
        transcription_update: Option<TranscriptionUpdate>,
    }
);
call_event!(
    /// `TranscriptionFailed`.
    TranscriptionFailed {
        /// `transcriptionUpdate`: status and detail (why it failed).
        transcription_update: Option<TranscriptionUpdate>,
    }
);
call_event!(
    /// `MediaStreamingStarted`.
    MediaStreamingStarted {
        /// `mediaStreamingUpdate`: content type, status and detail.
        media_streaming_update: Option<MediaStreamingUpdate>,
    }
);
call_event!(
    /// `MediaStreamingStopped`.
    MediaStreamingStopped {
        /// `mediaStreamingUpdate`: content type, status and detail.
        media_streaming_update: Option<MediaStreamingUpdate>,
    }
);
call_event!(
    /// `MediaStreamingFailed` (e.g. 400/8581 "Transport url is not valid").
    MediaStreamingFailed {
        /// `mediaStreamingUpdate`: content type, status and detail.
        media_streaming_update: Option<MediaStreamingUpdate>,
    }
);

/// `TranscriptionUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TranscriptionUpdate {
    /// `transcriptionStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_status: Option<TranscriptionStatus>,
    /// `transcriptionStatusDetails`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_status_details: Option<StreamingStatusDetails>,
}

/// `MediaStreamingUpdate`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MediaStreamingUpdate {
    /// `contentType` (e.g. `Audio`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `mediaStreamingStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_status: Option<MediaStreamingStatus>,
    /// `mediaStreamingStatusDetails`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_streaming_status_details: Option<StreamingStatusDetails>,
}

lenient_enum! {
    /// `TranscriptionStatus`.
    TranscriptionStatus {
        TranscriptionStarted => "transcriptionStarted",
        TranscriptionFailed => "transcriptionFailed",
        TranscriptionResumed => "transcriptionResumed",
        TranscriptionUpdated => "transcriptionUpdated",
        TranscriptionStopped => "transcriptionStopped",
        UnspecifiedError => "unspecifiedError",
    }
}

lenient_enum! {
    /// `MediaStreamingStatus`.
    MediaStreamingStatus {
        MediaStreamingStarted => "mediaStreamingStarted",
        MediaStreamingFailed => "mediaStreamingFailed",
        MediaStreamingStopped => "mediaStreamingStopped",
        UnspecifiedError => "unspecifiedError",
    }
}

lenient_enum! {
    /// `TranscriptionStatusDetails` / `MediaStreamingStatusDetails`: the spec's two enums
    /// share all values but their last one, so one type serves both.
    StreamingStatusDetails {
        SubscriptionStarted => "subscriptionStarted",
        StreamConnectionReestablished => "streamConnectionReestablished",
        StreamConnectionUnsuccessful => "streamConnectionUnsuccessful",
        StreamUrlMissing => "streamUrlMissing",
        ServiceShutdown => "serviceShutdown",
        StreamConnectionInterrupted => "streamConnectionInterrupted",
        SpeechServicesConnectionError => "speechServicesConnectionError",
        SubscriptionStopped => "subscriptionStopped",
        UnspecifiedError => "unspecifiedError",
        AuthenticationFailure => "authenticationFailure",
        BadRequest => "badRequest",
        TooManyRequests => "tooManyRequests",
        Forbidden => "forbidden",
        ServiceTimeout => "serviceTimeout",
        TranscriptionLocaleUpdated => "transcriptionLocaleUpdated",
        InitialWebSocketConnectionFailed => "initialWebSocketConnectionFailed",
    }
}
