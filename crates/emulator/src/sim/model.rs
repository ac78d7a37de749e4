//! The simulation's data: calls, server calls, legs, recordings, timers, requests.

use super::super::wire;
use callsteer::CommunicationIdentifier;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// `CallConnectionStateModel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Connecting,
    Connected,
    Transferring,
    TransferAccepted,
    Disconnecting,
    Disconnected,
}

impl CallState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Connecting => "connecting",
            CallState::Connected => "connected",
            CallState::Transferring => "transferring",
            CallState::TransferAccepted => "transferAccepted",
            CallState::Disconnecting => "disconnecting",
            CallState::Disconnected => "disconnected",
        }
    }
}

/// One API request, decoded.
#[derive(Debug, Clone)]
pub enum Request {
    CreateCall(wire::CreateCall),
    AnswerCall(wire::AnswerCall),
    RedirectCall(wire::RedirectCall),
    RejectCall(wire::RejectCall),
    Connect(wire::Connect),
    GetCall {
        call: String,
    },
    HangUp {
        call: String,
    },
    Terminate {
        call: String,
    },
    Transfer {
        call: String,
        body: wire::Transfer,
    },
    Play {
        call: String,
        body: wire::Play,
    },
    StartTranscription {
        call: String,
        body: wire::MediaControl,
    },
    StopTranscription {
        call: String,
        body: wire::MediaControl,
    },
    UpdateTranscription {
        call: String,
        body: wire::MediaControl,
    },
    CancelAllMedia {
        call: String,
    },
    Recognize {
        call: String,
        body: wire::Recognize,
    },
    StartContinuousDtmf {
        call: String,
        body: wire::ContinuousDtmf,
    },
    StopContinuousDtmf {
        call: String,
        body: wire::ContinuousDtmf,
    },
    SendDtmf {
        call: String,
        body: wire::SendDtmf,
    },
    Hold {
        call: String,
        body: wire::Hold,
    },
    Unhold {
        call: String,
        body: wire::Hold,
    },
    StartMediaStreaming {
        call: String,
        body: wire::MediaControl,
    },
    StopMediaStreaming {
        call: String,
        body: wire::MediaControl,
    },
    GetParticipants {
        call: String,
    },
    AddParticipant {
        call: String,
        body: wire::AddParticipant,
    },
    RemoveParticipant {
        call: String,
        body: wire::RemoveParticipant,
    },
    Mute {
        call: String,
        body: wire::Mute,
    },
    CancelAddParticipant {
        call: String,
        body: wire::CancelAddParticipant,
    },
    MoveParticipants {
        call: String,
        body: wire::MoveParticipants,
    },
    GetParticipant {
        call: String,
        raw_id: String,
    },
    StartRecording(wire::StartRecording),
    GetRecording {
        id: String,
    },
    StopRecording {
        id: String,
    },
    PauseRecording {
        id: String,
    },
    ResumeRecording {
        id: String,
    },
}

/// A participant of a server call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Participant {
    pub id: CommunicationIdentifier,
    pub muted: bool,
    pub on_hold: bool,
}

/// Whether the call ends when the application leaves (a 1:1 call) or continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    OneToOne,
    Group,
}

/// The underlying call that connections attach to.
#[derive(Debug, Clone)]
pub(crate) struct ServerCall {
    pub participants: Vec<Participant>,
    pub connections: Vec<String>,
    pub shape: Shape,
    pub room_id: Option<String>,
    pub ended: bool,
}

/// A streaming subscription (transcription or media streaming).
#[derive(Debug, Clone, Default)]
pub(crate) struct Subscription {
    pub configured: bool,
    pub active: bool,
    /// Start when the call connects (`startTranscription` / `startMediaStreaming`).
    pub start_on_connect: bool,
    pub id: String,
    pub locale: Option<String>,
    pub intermediate: bool,
}

/// A call connection: the application's leg in a server call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub id: String,
    pub server_call_id: String,
    pub correlation_id: String,
    pub state: CallState,
    pub callback_uri: String,
    pub operation_context: Option<String>,
    pub source: Option<Value>,
    pub source_caller_id: Option<Value>,
    pub source_display_name: Option<String>,
    pub targets: Vec<Value>,
    pub answered_by: Option<Value>,
    pub sequence: i64,
    pub media: MediaState,
    pub transcription: Subscription,
    pub streaming: Subscription,
    pub event_log: Vec<Value>,
}

/// Media operations of one call: at most one runs, the rest wait in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct MediaState {
    pub current: Option<MediaOp>,
    pub queue: VecDeque<MediaOp>,
    pub next_op: u64,
    /// Continuous DTMF recognition per participant raw id: (context, callback, next sequence id).
    pub continuous: BTreeMap<String, (Option<String>, Option<String>, i64)>,
}

/// A queued or running play / recognize.
#[derive(Debug, Clone)]
pub(crate) struct MediaOp {
    pub id: u64,
    pub context: Option<String>,
    pub uri: Option<String>,
    pub kind: MediaKind,
}

/// What a media operation does.
#[derive(Debug, Clone)]
pub(crate) enum MediaKind {
    Play {
        duration_ms: u64,
        looped: bool,
        /// Index of a source that cannot be fetched (its URI contains `notfound`).
        failed_source: Option<usize>,
    },
    Recognize(Box<Recognizer>),
}

/// A running recognize.
#[derive(Debug, Clone)]
pub(crate) struct Recognizer {
    pub input: String,
    pub target: String,
    pub prompt_ms: u64,
    pub initial_silence_ms: u64,
    pub inter_tone_ms: u64,
    pub max_tones: usize,
    pub stop_tones: Vec<String>,
    pub choices: Vec<wire::Choice>,
    pub tones: Vec<String>,
    pub input_seen: bool,
    /// When the last tone arrived (the inter-tone timeout runs from it).
    pub last_tone_ms: u64,
}

/// Why a media timer was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaTimer {
    PlayDone,
    InitialSilence,
    InterTone,
}

/// An incoming call waiting for answer / reject / redirect.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub server_call_id: String,
    pub correlation_id: String,
    pub from: CommunicationIdentifier,
    pub to: CommunicationIdentifier,
}

/// Why a party is being invited.
#[derive(Debug, Clone)]
pub(crate) enum LegPurpose {
    /// A target of CreateCall.
    CreateTarget,
    /// AddParticipant.
    Add {
        context: Option<String>,
        uri: Option<String>,
    },
    /// TransferToParticipant, optionally replacing `transferee`.
    Transfer {
        context: Option<String>,
        uri: Option<String>,
        transferee: Option<CommunicationIdentifier>,
    },
}

/// An outstanding invitation of one party into a call.
#[derive(Debug, Clone)]
pub(crate) struct Leg {
    pub call_id: String,
    pub target: CommunicationIdentifier,
    pub purpose: LegPurpose,
    pub behaviour: super::super::script::Behaviour,
}

/// A room created through the control API.
#[derive(Debug, Clone)]
pub(crate) struct Room {
    pub pstn_dial_out: bool,
}

/// A recording session.
#[derive(Debug, Clone)]
pub(crate) struct Recording {
    pub server_call_id: String,
    pub active: bool,
    pub started_ms: u64,
    pub uri: Option<String>,
}

/// Something scheduled for later.
#[derive(Debug, Clone)]
pub(crate) enum Timer {
    Connect {
        call_id: String,
    },
    Leg {
        leg_id: String,
    },
    LegTimeout {
        leg_id: String,
    },
    Media {
        call_id: String,
        op_id: u64,
        what: MediaTimer,
    },
    SendDtmfDone {
        call_id: String,
        context: Option<String>,
        uri: Option<String>,
    },
}
