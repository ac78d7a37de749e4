//! Wire models of the stable api-version (2026-03-12), named after the spec's definitions.
//!
//! Field names follow the wire (camelCase) through serde; optional fields are skipped
//! when `None`, so request bodies carry exactly what the caller set.

mod call;
mod context;
mod locator;
mod options;
mod participant;

pub use call::{
    AnswerCallRequest, CallConnectionProperties, CallConnectionState, CallRejectReason,
    ConnectRequest, CreateCallRequest, RedirectCallRequest, RejectCallRequest,
};
pub use context::{
    CustomCallingContext, TeamsPhoneCallDetails, TeamsPhoneCallerDetails, TeamsPhoneSourceDetails,
    MAX_CUSTOM_SIP_HEADERS, MAX_VOIP_HEADERS, SIP_CUSTOM_PREFIX, SIP_USER_TO_USER,
};
pub use locator::CallLocator;
pub use options::{
    AudioFormat, CallIntelligenceOptions, MediaStreamingAudioChannelType,
    MediaStreamingContentType, MediaStreamingOptions, MediaStreamingSubscription,
    StreamingTransportType, TranscriptionOptions, TranscriptionSubscription,
};
pub use participant::{
    AddParticipantRequest, AddParticipantResponse, CallParticipant, CancelAddParticipantRequest,
    CancelAddParticipantResponse, GetParticipantsResponse, MoveParticipantsRequest,
    MoveParticipantsResponse, MuteParticipantsRequest, MuteParticipantsResult,
    RemoveParticipantRequest, RemoveParticipantResponse, TransferCallResponse,
    TransferToParticipantRequest,
};

// --- media and recording models (core-media) ---
mod media;
mod recognize;
mod recording;
mod tone;
mod wire_enum;
pub(crate) use wire_enum::lenient_enum;

pub use media::{
    FileSource, PlayOptions, PlaySource, PlaySourceKind, SsmlSource, TextSource, VoiceKind,
};
pub use recognize::{
    Choice, DtmfOptions, RecognizeInputType, RecognizeOptions, SpeechOptions,
    INITIAL_SILENCE_TIMEOUT_RANGE, INTER_TONE_TIMEOUT_RANGE,
};
pub use recording::{
    ChannelAffinity, ExternalStorage, RecordingChannelType, RecordingContentType,
    RecordingFormatType, RecordingKind, RecordingState, RecordingStateResponse,
    StartCallRecordingRequest, CHANNEL_RANGE,
};
pub use tone::Tone;
