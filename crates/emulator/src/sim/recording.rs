//! Call recording: start, pause, resume, stop, state.

use super::model::Recording;
use super::requests::callback;
use super::To;
use super::{fields, Reply, Simulation};
use crate::error::ApiError;
use crate::events::{self, ResultInfo};
use crate::wire;
use serde_json::json;

impl Simulation {
    pub(super) fn start_recording(
        &mut self,
        b: wire::StartRecording,
        now: u64,
    ) -> Result<Reply, ApiError> {
        check_recording_options(&b)?;
        let server_id = self.recording_target(&b)?;
        if self
            .recordings
            .values()
            .any(|r| r.server_call_id == server_id)
        {
            return Err(ApiError::bad_request(
                "A recording is already in progress for this call.",
            ));
        }
        let id = self.new_uuid();
        let active = !b.pause_on_start.unwrap_or(false);
        self.recordings.insert(
            id.clone(),
            Recording {
                server_call_id: server_id,
                active,
                started_ms: now,
                uri: b.recording_state_callback_uri,
            },
        );
        self.recording_changed(&id, now);
        Ok(Reply::json(200, recording_json(&id, active)))
    }

    /// The server call a start-recording request names: a connected call connection, or
    /// a live server call (rooms are refused, as by the service).
    fn recording_target(&self, b: &wire::StartRecording) -> Result<String, ApiError> {
        match (&b.call_locator, &b.call_connection_id) {
            (Some(_), Some(_)) | (None, None) => Err(ApiError::bad_request(
                "Exactly one of callLocator or callConnectionId must be given.",
            )),
            (None, Some(id)) => Ok(self.connected_call(id)?.server_call_id.clone()),
            (Some(loc), None) => {
                if loc.room_id.is_some() {
                    return Err(ApiError::field(
                        "callLocator",
                        "room locators are not supported for recording",
                    ));
                }
                let id = loc
                    .server_call_id
                    .clone()
                    .ok_or_else(|| ApiError::field("callLocator.serverCallId", "is required"))?;
                match self.servers.get(&id) {
                    Some(s) if !s.ended => Ok(id),
                    _ => Err(ApiError::not_found(format!(
                        "Server call {id} was not found or has ended."
                    ))),
                }
            }
        }
    }

    pub(super) fn get_recording(&self, id: &str) -> Result<Reply, ApiError> {
        let r = self.recording(id)?;
        Ok(Reply::json(200, recording_json(id, r.active)))
    }

    pub(super) fn set_recording(
        &mut self,
        id: &str,
        active: bool,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let r = self.recordings.get_mut(id).ok_or_else(|| not_found(id))?;
        if r.active != active {
            r.active = active;
            self.recording_changed(id, now);
        }
        Ok(Reply::empty(202))
    }

    pub(super) fn stop_recording(&mut self, id: &str, now: u64) -> Result<Reply, ApiError> {
        let r = self.recordings.get_mut(id).ok_or_else(|| not_found(id))?;
        if r.active {
            r.active = false;
            self.recording_changed(id, now);
        }
        self.recordings.remove(id);
        Ok(Reply::empty(204))
    }

    fn recording(&self, id: &str) -> Result<&Recording, ApiError> {
        self.recordings.get(id).ok_or_else(|| not_found(id))
    }

    /// `RecordingStateChanged` to the recording's callback, else to the connections' callbacks.
    fn recording_changed(&mut self, id: &str, now: u64) {
        let Some(r) = self.recordings.get(id).cloned() else {
            return;
        };
        let state = if r.active { "active" } else { "inactive" };
        let f = || {
            fields([
                ("recordingId", json!(id)),
                ("state", json!(state)),
                ("startDateTime", json!(events::event_time(r.started_ms))),
                ("recordingKind", json!("azureCommunicationServices")),
            ])
        };
        let conns = self
            .servers
            .get(&r.server_call_id)
            .map(|s| s.connections.clone())
            .unwrap_or_default();
        match (&r.uri, conns.first()) {
            (Some(uri), Some(first)) => self.emit(
                first,
                To::new(Some(uri), None),
                "RecordingStateChanged",
                Some(&ResultInfo::ok()),
                f(),
                now,
            ),
            (None, _) => {
                for c in conns {
                    self.emit(
                        &c,
                        To::new(None, None),
                        "RecordingStateChanged",
                        Some(&ResultInfo::ok()),
                        f(),
                        now,
                    );
                }
            }
            (Some(_), None) => {}
        }
    }
}

fn recording_json(id: &str, active: bool) -> serde_json::Value {
    json!({ "recordingId": id, "recordingState": if active { "active" } else { "inactive" }, "recordingKind": "azureCommunicationServices" })
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Recording {id} was not found."))
}

fn check_enum(field: &str, v: &Option<String>, allowed: &[&str]) -> Result<(), ApiError> {
    match v {
        Some(x) if !allowed.contains(&x.as_str()) => Err(ApiError::field(
            field,
            format!("must be one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

fn check_recording_options(b: &wire::StartRecording) -> Result<(), ApiError> {
    if let Some(uri) = &b.recording_state_callback_uri {
        callback("recordingStateCallbackUri", uri)?;
    }
    check_enum(
        "recordingContentType",
        &b.recording_content_type,
        &["audio", "audioVideo"],
    )?;
    check_enum(
        "recordingChannelType",
        &b.recording_channel_type,
        &["mixed", "unmixed"],
    )?;
    check_enum(
        "recordingFormatType",
        &b.recording_format_type,
        &["wav", "mp3", "mp4"],
    )
}
