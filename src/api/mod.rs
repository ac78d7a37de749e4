//! One request builder per REST operation.
//!
//! Every operation implements [`Operation`]: `to_request` validates the input and
//! produces a [`Request`]; `decode` turns the response into the operation's output
//! (or a structured [`Error::Service`]).

use crate::http::{Request, Response};
use crate::Error;

/// A Call Automation REST operation as a value.
pub trait Operation {
    /// What a successful response decodes to.
    type Output;

    /// Which operation of the table ([`routes::OperationId`]) this is: its method, path
    /// template, repeatability and settling events come from there. (A method rather than an
    /// associated const, so `dyn Operation` stays possible.)
    fn id(&self) -> routes::OperationId;

    /// Validates the input and builds the request for `api_version`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field and the reason.
    fn to_request(&self, api_version: &str) -> Result<Request, Error>;

    /// Decodes a response (any status).
    ///
    /// # Errors
    /// [`Error::Service`] for error statuses, [`Error::Decode`] for bodies that do not match.
    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error>;
}

pub(crate) mod build;
mod call_connection;
mod calls;
mod participant_list;
mod participants;
pub mod response;
pub mod routes;

pub use call_connection::{GetCall, HangUpCall, TerminateCall, TransferCallToParticipant};
pub use calls::{AnswerCall, ConnectCall, CreateCall, RedirectCall, RejectCall};
pub use participant_list::{GetParticipant, ListParticipants, ParticipantsPage};
pub use participants::{
    AddParticipant, CancelAddParticipant, MoveParticipants, MuteParticipant, RemoveParticipant,
};

// --- media and recording operations (core-media) ---
mod dtmf;
pub(crate) mod media;
mod recognize;
mod recording;
mod streaming;
mod transcription;

pub use dtmf::{
    SendDtmfTones, SendDtmfTonesResult, StartContinuousDtmfRecognition,
    StopContinuousDtmfRecognition,
};
pub use media::{CancelAllMediaOperations, Hold, Play, Unhold};
pub use recognize::Recognize;
pub use recording::{
    GetRecordingState, PauseRecording, ResumeRecording, StartRecording, StopRecording,
};
pub use streaming::{StartMediaStreaming, StopMediaStreaming};
pub use transcription::{StartTranscription, StopTranscription, UpdateTranscription};
