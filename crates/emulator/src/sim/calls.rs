//! Creating, answering, redirecting, rejecting, connecting and ending calls.

use super::legs::{ended_by_api, DEFAULT_INVITATION_TIMEOUT_MS};
use super::model::{
    Call, CallState, Incoming, LegPurpose, Participant, ServerCall, Shape, Subscription, Timer,
};
use super::requests::{callback, context, ident};
use super::{Reply, Simulation};
use crate::error::ApiError;
use crate::wire;
use callsteer::CommunicationIdentifier;
use serde_json::{json, Value};

impl Simulation {
    pub(super) fn create_call(&mut self, b: wire::CreateCall, now: u64) -> Result<Reply, ApiError> {
        callback("callbackUri", &b.callback_uri)?;
        context(&b.operation_context)?;
        if b.targets.is_empty() {
            return Err(ApiError::field(
                "targets",
                "must contain at least one target",
            ));
        }
        let targets = b
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| ident(&format!("targets[{i}]"), t))
            .collect::<Result<Vec<_>, _>>()?;
        let caller_id = match &b.source_caller_id_number {
            Some(m) => {
                callsteer::validate::e164("sourceCallerIdNumber.value", &m.value)?;
                Some(CommunicationIdentifier::phone(&m.value))
            }
            None => None,
        };
        if targets.iter().any(is_phone) && !caller_id.as_ref().is_some_and(is_phone) {
            return Err(ApiError::field(
                "sourceCallerIdNumber",
                "is required (a phone number) when a target is a phone number",
            ));
        }
        let (transcription, streaming) =
            stream_options(&b.transcription_options, &b.media_streaming_options)?;
        let shape = if targets.len() == 1 {
            Shape::OneToOne
        } else {
            Shape::Group
        };
        let server_id = self.new_server(shape, None, Vec::new());
        let call_id = self.new_call(
            &server_id,
            &b.callback_uri,
            b.operation_context.clone(),
            transcription,
            streaming,
        );
        if let Some(call) = self.calls.get_mut(&call_id) {
            call.targets = targets.iter().map(|t| json!(t.to_model())).collect();
            call.source = b.source.as_ref().map(|s| json!(s));
            call.source_caller_id = b.source_caller_id_number.as_ref().map(|c| json!(c));
            call.source_display_name = b.source_display_name.clone();
        }
        for t in targets {
            self.invite(
                &call_id,
                t,
                LegPurpose::CreateTarget,
                DEFAULT_INVITATION_TIMEOUT_MS,
                now,
            );
        }
        Ok(Reply::json(201, self.properties(self.call(&call_id)?)))
    }

    pub(super) fn answer_call(&mut self, b: wire::AnswerCall, now: u64) -> Result<Reply, ApiError> {
        callback("callbackUri", &b.callback_uri)?;
        context(&b.operation_context)?;
        let (transcription, streaming) =
            stream_options(&b.transcription_options, &b.media_streaming_options)?;
        let incoming = self.take_incoming(&b.incoming_call_context)?;
        let call_id = self.new_call(
            &incoming.server_call_id,
            &b.callback_uri,
            b.operation_context.clone(),
            transcription,
            streaming,
        );
        if let Some(call) = self.calls.get_mut(&call_id) {
            call.correlation_id = incoming.correlation_id.clone();
            call.targets = vec![json!(incoming.to.to_model())];
            call.source = Some(json!(incoming.from.to_model()));
            call.answered_by = b.answered_by.as_ref().map(|a| json!(a));
        }
        self.schedule(
            now,
            Timer::Connect {
                call_id: call_id.clone(),
            },
        );
        Ok(Reply::json(200, self.properties(self.call(&call_id)?)))
    }

    pub(super) fn reject_call(&mut self, b: wire::RejectCall) -> Result<Reply, ApiError> {
        if let Some(reason) = &b.call_reject_reason {
            if !["none", "busy", "forbidden"].contains(&reason.as_str()) {
                return Err(ApiError::field(
                    "callRejectReason",
                    "must be one of none, busy, forbidden",
                ));
            }
        }
        let incoming = self.take_incoming(&b.incoming_call_context)?;
        if let Some(s) = self.servers.get_mut(&incoming.server_call_id) {
            s.ended = true;
            s.participants.clear();
        }
        Ok(Reply::empty(204))
    }

    pub(super) fn redirect_call(
        &mut self,
        b: wire::RedirectCall,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let target = ident("target", &b.target)?;
        let incoming = self.take_incoming(&b.incoming_call_context)?;
        // The call now rings the new target: subscribers hear about it as a new IncomingCall.
        let redirected = Incoming {
            to: target,
            ..incoming
        };
        self.announce_incoming(redirected, None, None, now);
        Ok(Reply::empty(204))
    }

    pub(super) fn connect(&mut self, b: wire::Connect, now: u64) -> Result<Reply, ApiError> {
        callback("callbackUri", &b.callback_uri)?;
        context(&b.operation_context)?;
        let (transcription, streaming) =
            stream_options(&b.transcription_options, &b.media_streaming_options)?;
        let server_id = self.locate(&b.call_locator)?;
        let call_id = self.new_call(
            &server_id,
            &b.callback_uri,
            b.operation_context.clone(),
            transcription,
            streaming,
        );
        self.schedule(
            now,
            Timer::Connect {
                call_id: call_id.clone(),
            },
        );
        Ok(Reply::json(200, self.properties(self.call(&call_id)?)))
    }

    /// The server call a locator names: server calls must exist, group calls are made on
    /// first use, rooms must have been created through the control API.
    fn locate(&mut self, loc: &wire::CallLocator) -> Result<String, ApiError> {
        let ids = [&loc.server_call_id, &loc.group_call_id, &loc.room_id]
            .iter()
            .filter(|x| x.is_some())
            .count();
        if ids != 1 {
            return Err(ApiError::field(
                "callLocator",
                "must have exactly one of serverCallId, groupCallId, roomId",
            ));
        }
        let kind_ok = match loc.kind.as_deref() {
            None => true,
            Some("serverCallLocator") => loc.server_call_id.is_some(),
            Some("groupCallLocator") => loc.group_call_id.is_some(),
            Some("roomCallLocator") => loc.room_id.is_some(),
            Some(_) => false,
        };
        if !kind_ok {
            return Err(ApiError::field(
                "callLocator.kind",
                "does not match the id given",
            ));
        }
        if let Some(id) = &loc.server_call_id {
            return match self.servers.get_mut(id) {
                Some(s) if !s.ended => {
                    // Another application joining makes it a multi-party call: one leaving
                    // no longer ends it for everyone.
                    s.shape = Shape::Group;
                    Ok(id.clone())
                }
                _ => Err(ApiError::not_found(format!(
                    "Server call {id} was not found or has ended."
                ))),
            };
        }
        if let Some(room) = &loc.room_id {
            if !self.rooms.contains_key(room) {
                return Err(ApiError::not_found(format!("Room {room} was not found.")));
            }
            return Ok(self.locator_call(format!("room:{room}"), Some(room.clone())));
        }
        let group = loc.group_call_id.clone().unwrap_or_default();
        if group.trim().is_empty() {
            return Err(ApiError::field(
                "callLocator.groupCallId",
                "must not be empty",
            ));
        }
        Ok(self.locator_call(format!("group:{group}"), None))
    }

    fn locator_call(&mut self, key: String, room: Option<String>) -> String {
        if let Some(id) = self
            .locators
            .get(&key)
            .filter(|id| self.servers.get(*id).is_some_and(|s| !s.ended))
        {
            return id.clone();
        }
        let id = self.new_server(Shape::Group, room, Vec::new());
        self.locators.insert(key, id.clone());
        id
    }

    pub(super) fn hang_up(&mut self, call_id: &str, now: u64) -> Result<Reply, ApiError> {
        let call = self.live_call(call_id)?;
        let server_id = call.server_call_id.clone();
        let one_to_one = self
            .servers
            .get(&server_id)
            .is_some_and(|s| s.shape == Shape::OneToOne);
        if one_to_one {
            self.end_server(&server_id, &ended_by_api(), now);
        } else {
            self.end_connection(call_id, &ended_by_api(), now);
        }
        Ok(Reply::empty(204))
    }

    pub(super) fn terminate(&mut self, call_id: &str, now: u64) -> Result<Reply, ApiError> {
        let server_id = self.live_call(call_id)?.server_call_id.clone();
        self.end_server(&server_id, &ended_by_api(), now);
        Ok(Reply::empty(204))
    }

    fn take_incoming(&mut self, context: &str) -> Result<Incoming, ApiError> {
        if context.trim().is_empty() {
            return Err(ApiError::field("incomingCallContext", "must not be empty"));
        }
        self.incoming.remove(context).ok_or_else(|| {
            ApiError::bad_request("incomingCallContext: is not valid, or the call was already answered, rejected or redirected")
        })
    }

    pub(super) fn new_server(
        &mut self,
        shape: Shape,
        room_id: Option<String>,
        participants: Vec<Participant>,
    ) -> String {
        use base64::Engine as _;
        let raw = format!("emulator:conv:{}", self.new_uuid());
        let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        self.servers.insert(
            id.clone(),
            ServerCall {
                participants,
                connections: Vec::new(),
                shape,
                room_id,
                ended: false,
            },
        );
        id
    }

    fn new_call(
        &mut self,
        server_id: &str,
        callback_uri: &str,
        ctx: Option<String>,
        transcription: Subscription,
        streaming: Subscription,
    ) -> String {
        let id = self.new_uuid();
        let correlation_id = self.new_uuid();
        let call = Call {
            id: id.clone(),
            server_call_id: server_id.to_owned(),
            correlation_id,
            state: CallState::Connecting,
            callback_uri: callback_uri.to_owned(),
            operation_context: ctx,
            source: None,
            source_caller_id: None,
            source_display_name: None,
            targets: Vec::new(),
            answered_by: None,
            sequence: 0,
            media: Default::default(),
            transcription,
            streaming,
            event_log: Vec::new(),
        };
        self.calls.insert(id.clone(), call);
        if let Some(s) = self.servers.get_mut(server_id) {
            s.connections.push(id.clone());
        }
        id
    }

    /// `CallConnectionProperties`.
    pub(super) fn properties(&self, call: &Call) -> Value {
        let mut v = json!({
            "callConnectionId": call.id,
            "serverCallId": call.server_call_id,
            "targets": call.targets,
            "callConnectionState": call.state.as_str(),
            "callbackUri": call.callback_uri,
            "correlationId": call.correlation_id,
        });
        let opt = [
            ("source", &call.source),
            ("sourceCallerIdNumber", &call.source_caller_id),
            ("answeredBy", &call.answered_by),
        ];
        for (k, val) in opt {
            if let Some(x) = val {
                v[k] = x.clone();
            }
        }
        if let Some(name) = &call.source_display_name {
            v["sourceDisplayName"] = json!(name);
        }
        if call.streaming.configured {
            v["mediaStreamingSubscription"] = json!({
                "id": call.streaming.id, "state": sub_state(&call.streaming), "subscribedContentTypes": ["audio"],
            });
        }
        if call.transcription.configured {
            let types: &[&str] = if call.transcription.intermediate {
                &["final", "intermediate"]
            } else {
                &["final"]
            };
            v["transcriptionSubscription"] = json!({
                "id": call.transcription.id, "state": sub_state(&call.transcription),
                "subscribedResultTypes": types, "locale": call.transcription.locale,
            });
        }
        v
    }
}

fn sub_state(s: &Subscription) -> &'static str {
    if s.active {
        "active"
    } else {
        "inactive"
    }
}

pub(super) fn is_phone(id: &CommunicationIdentifier) -> bool {
    matches!(id, CommunicationIdentifier::PhoneNumber { .. })
}

/// Validates call-setup streaming options into (transcription, media streaming) subscriptions.
fn stream_options(
    t: &Option<wire::TranscriptionOptions>,
    m: &Option<wire::MediaStreamingOptions>,
) -> Result<(Subscription, Subscription), ApiError> {
    let mut ts = Subscription::default();
    if let Some(t) = t {
        if t.transport_type != "websocket" {
            return Err(ApiError::field(
                "transcriptionOptions.transportType",
                "must be websocket",
            ));
        }
        if t.locale.trim().is_empty() {
            return Err(ApiError::field(
                "transcriptionOptions.locale",
                "must not be empty",
            ));
        }
        ts = Subscription {
            configured: true,
            start_on_connect: t.start_transcription.unwrap_or(false),
            locale: Some(t.locale.clone()),
            intermediate: t.enable_intermediate_results.unwrap_or(false),
            ..Default::default()
        };
    }
    let mut ms = Subscription::default();
    if let Some(m) = m {
        if m.transport_type != "websocket" {
            return Err(ApiError::field(
                "mediaStreamingOptions.transportType",
                "must be websocket",
            ));
        }
        if !["mixed", "unmixed"].contains(&m.audio_channel_type.as_str()) {
            return Err(ApiError::field(
                "mediaStreamingOptions.audioChannelType",
                "must be mixed or unmixed",
            ));
        }
        ms = Subscription {
            configured: true,
            start_on_connect: m.start_media_streaming.unwrap_or(false),
            ..Default::default()
        };
    }
    Ok((ts, ms))
}
