//! Transcription and media streaming subscriptions (state and events only: the
//! emulator opens no WebSocket).

use super::requests::op_callback;
use super::To;
use super::{fields, Reply, Simulation};
use crate::error::ApiError;
use crate::events::ResultInfo;
use crate::wire;
use serde_json::json;

impl Simulation {
    pub(super) fn transcription(
        &mut self,
        call_id: &str,
        b: wire::MediaControl,
        action: &str,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        let call = self.connected_call(call_id)?;
        let sub = &call.transcription;
        if !sub.configured {
            return Err(ApiError::bad_request("Transcription options were not given when the call was created, answered or connected."));
        }
        let (kind, status, details, active) = match (action, sub.active) {
            ("start", false) => (
                "TranscriptionStarted",
                "transcriptionStarted",
                "subscriptionStarted",
                true,
            ),
            ("stop", true) => (
                "TranscriptionStopped",
                "transcriptionStopped",
                "subscriptionStopped",
                false,
            ),
            ("update", true) => (
                "TranscriptionUpdated",
                "transcriptionUpdated",
                "transcriptionLocaleUpdated",
                true,
            ),
            ("start", true) => {
                return Err(ApiError::bad_request("Transcription is already active."))
            }
            _ => return Err(ApiError::bad_request("Transcription is not active.")),
        };
        let new_id = self.new_uuid();
        if let Some(c) = self.calls.get_mut(call_id) {
            c.transcription.active = active;
            if c.transcription.id.is_empty() {
                c.transcription.id = new_id;
            }
            if let Some(l) = &b.locale {
                c.transcription.locale = Some(l.clone());
            }
        }
        let f = fields([(
            "transcriptionUpdate",
            json!({ "transcriptionStatus": status, "transcriptionStatusDetails": details }),
        )]);
        self.emit(
            call_id,
            To::new(
                b.operation_callback_uri.as_deref(),
                b.operation_context.as_deref(),
            ),
            kind,
            Some(&ResultInfo::ok()),
            f,
            now,
        );
        Ok(Reply::empty(202))
    }

    pub(super) fn streaming(
        &mut self,
        call_id: &str,
        b: wire::MediaControl,
        start: bool,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        let call = self.connected_call(call_id)?;
        if !call.streaming.configured {
            return Err(ApiError::bad_request("Media streaming options were not given when the call was created, answered or connected."));
        }
        if call.streaming.active == start {
            return Err(ApiError::bad_request(if start {
                "Media streaming is already active."
            } else {
                "Media streaming is not active."
            }));
        }
        self.set_streaming(
            call_id,
            start,
            b.operation_context.as_deref(),
            b.operation_callback_uri.as_deref(),
            now,
        );
        Ok(Reply::empty(202))
    }

    fn set_streaming(
        &mut self,
        call_id: &str,
        start: bool,
        ctx: Option<&str>,
        uri: Option<&str>,
        now: u64,
    ) {
        let new_id = self.new_uuid();
        if let Some(c) = self.calls.get_mut(call_id) {
            c.streaming.active = start;
            if c.streaming.id.is_empty() {
                c.streaming.id = new_id;
            }
        }
        let (kind, status, details) = if start {
            (
                "MediaStreamingStarted",
                "mediaStreamingStarted",
                "subscriptionStarted",
            )
        } else {
            (
                "MediaStreamingStopped",
                "mediaStreamingStopped",
                "subscriptionStopped",
            )
        };
        let update = json!({ "contentType": "Audio", "mediaStreamingStatus": status, "mediaStreamingStatusDetails": details });
        self.emit(
            call_id,
            To::new(uri, ctx),
            kind,
            Some(&ResultInfo::ok()),
            fields([("mediaStreamingUpdate", update)]),
            now,
        );
    }

    /// Starts the subscriptions the call asked to start with it.
    pub(super) fn auto_start_streams(&mut self, call_id: &str, now: u64) {
        let Some(c) = self.calls.get(call_id) else {
            return;
        };
        let (t, m) = (
            c.transcription.start_on_connect,
            c.streaming.start_on_connect,
        );
        if m {
            self.set_streaming(call_id, true, None, None, now);
        }
        if t {
            let _ = self.transcription(call_id, wire::MediaControl::default(), "start", now);
        }
    }
}
