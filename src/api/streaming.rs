//! Media streaming: start and stop sending the call's audio to the WebSocket configured
//! when the call was created, answered or connected (`mediaStreamingOptions`).
//!
//! The request bodies are the spec's own `StartMediaStreamingRequest` /
//! `StopMediaStreamingRequest` (only `operationContext` / `operationCallbackUri`): the
//! transport settings live in the call's `MediaStreamingOptions`, not here.

use super::media::context_only_op;

context_only_op!(
    /// `CallMedia_StartMediaStreaming` (202; then `MediaStreamingStarted` / `MediaStreamingFailed`).
    StartMediaStreaming,
    StartMediaStreaming
);
context_only_op!(
    /// `CallMedia_StopMediaStreaming` (202; then `MediaStreamingStopped` / `MediaStreamingFailed`).
    StopMediaStreaming,
    StopMediaStreaming
);
