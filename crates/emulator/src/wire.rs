//! Request bodies of the 34 operations as the emulator decodes them.
//!
//! These structs are deliberately independent of the core's request builders: the
//! emulator stands in for the service, so it decodes what a client *sends* (any client,
//! including the official SDKs) and checks the spec's `required` fields itself. Unknown
//! fields are ignored, like the service does. Identifiers reuse the crate's wire model.

use callsteer::identifier::CommunicationIdentifierModel as Ident;
use callsteer::identifier::{CommunicationUserModel as UserModel, PhoneNumberModel as PhoneModel};
use serde::Deserialize;
use serde_json::Value;

/// `CreateCallRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCall {
    pub targets: Vec<Ident>,
    pub source_caller_id_number: Option<PhoneModel>,
    pub source_display_name: Option<String>,
    pub source: Option<UserModel>,
    pub operation_context: Option<String>,
    pub callback_uri: String,
    pub media_streaming_options: Option<MediaStreamingOptions>,
    pub transcription_options: Option<TranscriptionOptions>,
}

/// `AnswerCallRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerCall {
    pub incoming_call_context: String,
    pub callback_uri: String,
    pub operation_context: Option<String>,
    pub answered_by: Option<UserModel>,
    pub media_streaming_options: Option<MediaStreamingOptions>,
    pub transcription_options: Option<TranscriptionOptions>,
}

/// `RedirectCallRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectCall {
    pub incoming_call_context: String,
    pub target: Ident,
}

/// `RejectCallRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectCall {
    pub incoming_call_context: String,
    pub call_reject_reason: Option<String>,
}

/// `ConnectRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connect {
    pub call_locator: CallLocator,
    pub callback_uri: String,
    pub operation_context: Option<String>,
    pub media_streaming_options: Option<MediaStreamingOptions>,
    pub transcription_options: Option<TranscriptionOptions>,
}

/// `CallLocator`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallLocator {
    pub group_call_id: Option<String>,
    pub server_call_id: Option<String>,
    pub room_id: Option<String>,
    pub kind: Option<String>,
}

/// `MediaStreamingOptions` (websocket).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaStreamingOptions {
    pub transport_type: String,
    pub audio_channel_type: String,
    pub transport_url: Option<String>,
    pub content_type: Option<String>,
    pub start_media_streaming: Option<bool>,
}

/// `TranscriptionOptions` (websocket).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionOptions {
    pub transport_type: String,
    pub locale: String,
    pub transport_url: Option<String>,
    pub start_transcription: Option<bool>,
    pub enable_intermediate_results: Option<bool>,
}

/// `TransferToParticipantRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub target_participant: Ident,
    pub operation_context: Option<String>,
    pub transferee: Option<Ident>,
    pub operation_callback_uri: Option<String>,
    pub custom_calling_context: Option<Value>,
}

/// `AddParticipantRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddParticipant {
    pub source_caller_id_number: Option<PhoneModel>,
    pub participant_to_add: Ident,
    pub invitation_timeout_in_seconds: Option<i64>,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `RemoveParticipantRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveParticipant {
    pub participant_to_remove: Ident,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `MuteParticipantsRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mute {
    pub target_participants: Vec<Ident>,
    pub operation_context: Option<String>,
}

/// `CancelAddParticipantRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelAddParticipant {
    pub invitation_id: String,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `MoveParticipantsRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveParticipants {
    pub target_participants: Vec<Ident>,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
    pub from_call: String,
}

/// `PlaySource`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaySource {
    pub kind: String,
    pub file: Option<FileSource>,
    pub text: Option<TextSource>,
    pub ssml: Option<SsmlSource>,
}

/// `FileSource`.
#[derive(Debug, Clone, Deserialize)]
pub struct FileSource {
    pub uri: String,
}

/// `TextSource`.
#[derive(Debug, Clone, Deserialize)]
pub struct TextSource {
    pub text: String,
}

/// `SsmlSource`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsmlSource {
    pub ssml_text: String,
}

/// `PlayRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Play {
    pub play_sources: Vec<PlaySource>,
    pub play_to: Option<Vec<Ident>>,
    pub interrupt_call_media_operation: Option<bool>,
    pub play_options: Option<PlayOptions>,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `PlayOptions`.
#[derive(Debug, Clone, Deserialize)]
pub struct PlayOptions {
    #[serde(rename = "loop")]
    pub looped: bool,
}

/// `RecognizeRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recognize {
    pub recognize_input_type: String,
    pub play_prompt: Option<PlaySource>,
    pub play_prompts: Option<Vec<PlaySource>>,
    pub interrupt_call_media_operation: Option<bool>,
    pub recognize_options: RecognizeOptions,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `RecognizeOptions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecognizeOptions {
    pub interrupt_prompt: Option<bool>,
    pub initial_silence_timeout_in_seconds: Option<i64>,
    pub target_participant: Ident,
    pub dtmf_options: Option<DtmfOptions>,
    pub choices: Option<Vec<Choice>>,
    pub speech_options: Option<SpeechOptions>,
}

/// `DtmfOptions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DtmfOptions {
    pub inter_tone_timeout_in_seconds: Option<i64>,
    pub max_tones_to_collect: Option<i64>,
    pub stop_tones: Option<Vec<String>>,
}

/// `Choice`.
#[derive(Debug, Clone, Deserialize)]
pub struct Choice {
    pub label: String,
    pub phrases: Vec<String>,
    pub tone: Option<String>,
}

/// `SpeechOptions`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpeechOptions {
    pub end_silence_timeout_in_ms: Option<i64>,
}

/// `ContinuousDtmfRecognitionRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinuousDtmf {
    pub target_participant: Ident,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `SendDtmfTonesRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendDtmf {
    pub tones: Vec<String>,
    pub target_participant: Ident,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `HoldRequest` / `UnholdRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    pub target_participant: Ident,
    pub play_source_info: Option<PlaySource>,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// Start/stop/update transcription and start/stop media streaming bodies.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaControl {
    pub locale: Option<String>,
    pub operation_context: Option<String>,
    pub operation_callback_uri: Option<String>,
}

/// `StartCallRecordingRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartRecording {
    pub call_locator: Option<CallLocator>,
    pub call_connection_id: Option<String>,
    pub recording_state_callback_uri: Option<String>,
    pub recording_content_type: Option<String>,
    pub recording_channel_type: Option<String>,
    pub recording_format_type: Option<String>,
    pub pause_on_start: Option<bool>,
}
