//! Inputs that come from the control API: incoming calls, remote parties pressing
//! keys, speaking and hanging up, rooms, and views of the state for tests.

use super::media::TONES;
use super::model::{CallState, Incoming, MediaKind, Participant, Room, Shape, Timer};
use super::To;
use super::{Output, Simulation};
use crate::error::ApiError;
use crate::events::{self, ResultInfo};
use callsteer::CommunicationIdentifier;
use serde_json::{json, Value};

/// What the control API returns for a new incoming call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCreated {
    pub server_call_id: String,
    pub incoming_call_context: String,
    pub correlation_id: String,
}

/// Which listener took DTMF or speech input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    Recognize,
    ContinuousDtmf,
    Nobody,
}

impl Consumer {
    /// The name used in control API replies.
    pub fn as_str(self) -> &'static str {
        match self {
            Consumer::Recognize => "recognize",
            Consumer::ContinuousDtmf => "continuousDtmf",
            Consumer::Nobody => "none",
        }
    }
}

/// A raw id or an E.164 number as an identifier.
pub fn parse_party(field: &str, s: &str) -> Result<CommunicationIdentifier, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ApiError::field(field, "must not be empty"));
    }
    if s.starts_with('+') {
        callsteer::validate::e164(field, s)?;
        return Ok(CommunicationIdentifier::phone(s));
    }
    Ok(match CommunicationIdentifier::from_raw_id(s) {
        CommunicationIdentifier::TeamsExtensionUser { .. } if s.starts_with("8:acs:") => {
            CommunicationIdentifier::user(s)
        }
        id => id,
    })
}

impl Simulation {
    /// A new call from `from` to `to`, announced to Event Grid subscribers.
    pub fn handle_incoming_call(
        &mut self,
        from: CommunicationIdentifier,
        to: CommunicationIdentifier,
        display: Option<String>,
        custom: Option<Value>,
        now: u64,
    ) -> IncomingCreated {
        let server_call_id = self.new_server(
            Shape::OneToOne,
            None,
            vec![Participant {
                id: from.clone(),
                muted: false,
                on_hold: false,
            }],
        );
        let correlation_id = self.new_uuid();
        let incoming = Incoming {
            server_call_id: server_call_id.clone(),
            correlation_id: correlation_id.clone(),
            from,
            to,
        };
        let context = self.announce_incoming(incoming, display, custom, now);
        IncomingCreated {
            server_call_id,
            incoming_call_context: context,
            correlation_id,
        }
    }

    /// Registers an incoming call and emits `Microsoft.Communication.IncomingCall`.
    pub(super) fn announce_incoming(
        &mut self,
        inc: Incoming,
        display: Option<String>,
        custom: Option<Value>,
        now: u64,
    ) -> String {
        let context = format!("emu1.{}", self.random_token(48));
        let mut data = json!({
            "to": inc.to.to_model(),
            "from": inc.from.to_model(),
            "serverCallId": inc.server_call_id,
            "callerDisplayName": display.unwrap_or_default(),
            "incomingCallContext": context,
            "correlationId": inc.correlation_id,
        });
        if let Some(c) = custom {
            data["customContext"] = c;
        }
        let subject = format!(
            "/caller/{}/recipient/{}",
            inc.from.raw_id(),
            inc.to.raw_id()
        );
        let topic = format!("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/microsoft.communication/communicationservices/{}", self.resource_id);
        let id = self.new_uuid();
        let event = events::event_grid_event(
            "Microsoft.Communication.IncomingCall",
            &topic,
            &subject,
            data,
            &id,
            &events::event_time(now),
        );
        self.incoming.insert(context.clone(), inc);
        self.outbox.push_back(Output::IncomingCall { event });
        context
    }

    /// A remote party presses `tones` ("12#").
    ///
    /// # Errors
    /// 404 for an unknown call or participant, 400 for a character that is not a key.
    pub fn handle_dtmf(
        &mut self,
        call_id: &str,
        party: &str,
        tones: &str,
        now: u64,
    ) -> Result<Consumer, ApiError> {
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        let raw = parse_party("participant", party)?.raw_id();
        self.require_participant(&server_id, &raw)?;
        let names = tones
            .chars()
            .map(|c| {
                TONES
                    .iter()
                    .find(|(_, k)| *k == c.to_ascii_uppercase())
                    .map(|(n, _)| *n)
                    .ok_or_else(|| ApiError::field("tones", format!("{c:?} is not a DTMF key")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if names.is_empty() {
            return Err(ApiError::field("tones", "must not be empty"));
        }
        let mut consumer = Consumer::Nobody;
        for t in names {
            let c = self.one_tone(call_id, &raw, t, now);
            if consumer == Consumer::Nobody {
                consumer = c;
            }
        }
        Ok(consumer)
    }

    fn one_tone(&mut self, call_id: &str, raw: &str, tone: &str, now: u64) -> Consumer {
        if self.recognize_tone(call_id, raw, tone, now) {
            return Consumer::Recognize;
        }
        let Some(call) = self.calls.get_mut(call_id) else {
            return Consumer::Nobody;
        };
        let Some((ctx, uri, seq)) = call.media.continuous.get_mut(raw) else {
            return Consumer::Nobody;
        };
        let (ctx, uri, id) = (ctx.clone(), uri.clone(), *seq);
        *seq += 1;
        let f = super::fields([("sequenceId", json!(id)), ("tone", json!(tone))]);
        self.emit(
            call_id,
            To::new(uri.as_deref(), ctx.as_deref()),
            "ContinuousDtmfRecognitionToneReceived",
            Some(&ResultInfo::ok()),
            f,
            now,
        );
        Consumer::ContinuousDtmf
    }

    /// Feeds one tone to a running recognize aimed at `raw`; false if none takes it.
    fn recognize_tone(&mut self, call_id: &str, raw: &str, tone: &str, now: u64) -> bool {
        let Some(mut op) = self
            .calls
            .get(call_id)
            .and_then(|c| c.media.current.clone())
        else {
            return false;
        };
        let MediaKind::Recognize(r) = &mut op.kind else {
            return false;
        };
        if r.target != raw || r.input == "speech" {
            return false;
        }
        r.input_seen = true;
        if r.input == "choices" {
            let label = r
                .choices
                .iter()
                .find(|c| c.tone.as_deref() == Some(tone))
                .map(|c| c.label.clone());
            self.choice_outcome(call_id, &op, label, tone, now);
            return true;
        }
        let stop = r.stop_tones.iter().any(|s| s == tone);
        if !stop {
            r.tones.push(tone.to_owned());
            r.last_tone_ms = now;
        }
        let (tones, full, inter) = (
            r.tones.clone(),
            r.tones.len() >= r.max_tones,
            r.inter_tone_ms,
        );
        if stop {
            let res = ResultInfo::new(200, 8514, "Action completed, stop tone detected.");
            self.recognized(call_id, &op, "dtmf", json!({ "tones": tones }), res, now);
        } else if full {
            let res = ResultInfo::new(200, 8531, "Action completed, max digits received.");
            self.recognized(call_id, &op, "dtmf", json!({ "tones": tones }), res, now);
        } else {
            let op_id = op.id;
            if let Some(c) = self.calls.get_mut(call_id) {
                c.media.current = Some(op);
            }
            let what = super::model::MediaTimer::InterTone;
            self.schedule(
                now + inter,
                Timer::Media {
                    call_id: call_id.to_owned(),
                    op_id,
                    what,
                },
            );
        }
        true
    }

    /// `RecognizeCompleted` with the matched choice, or `RecognizeFailed` (no match).
    fn choice_outcome(
        &mut self,
        call_id: &str,
        op: &super::model::MediaOp,
        label: Option<String>,
        phrase: &str,
        now: u64,
    ) {
        match label {
            Some(label) => {
                let res = ResultInfo::new(200, 8545, "Action completed, recognized a choice.");
                let result =
                    json!({ "label": label, "recognizedPhrase": phrase, "confidence": 1.0 });
                self.recognized(call_id, op, "choices", result, res, now);
            }
            None => self.recognize_failed(call_id, op, now),
        }
    }

    fn recognize_failed(&mut self, call_id: &str, op: &super::model::MediaOp, now: u64) {
        let res = ResultInfo::new(
            400,
            8547,
            "Action failed, the input did not match any choice.",
        );
        self.emit(
            call_id,
            To::new(op.uri.as_deref(), op.context.as_deref()),
            "RecognizeFailed",
            Some(&res),
            super::fields([]),
            now,
        );
        self.finish_op(call_id, now);
    }

    /// A remote party says `text`.
    ///
    /// # Errors
    /// 404 for an unknown call or participant, 400 for empty text.
    pub fn handle_speech(
        &mut self,
        call_id: &str,
        party: &str,
        text: &str,
        now: u64,
    ) -> Result<Consumer, ApiError> {
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        let raw = parse_party("participant", party)?.raw_id();
        self.require_participant(&server_id, &raw)?;
        if text.trim().is_empty() {
            return Err(ApiError::field("text", "must not be empty"));
        }
        let Some(op) = self
            .calls
            .get(call_id)
            .and_then(|c| c.media.current.clone())
        else {
            return Ok(Consumer::Nobody);
        };
        let MediaKind::Recognize(r) = &op.kind else {
            return Ok(Consumer::Nobody);
        };
        if r.target != raw || r.input == "dtmf" {
            return Ok(Consumer::Nobody);
        }
        if r.input == "choices" {
            let said = text.trim().to_lowercase();
            let label = r
                .choices
                .iter()
                .find(|c| {
                    c.label.to_lowercase() == said
                        || c.phrases.iter().any(|p| p.to_lowercase() == said)
                })
                .map(|c| c.label.clone());
            self.choice_outcome(call_id, &op, label, text, now);
        } else {
            let res = ResultInfo::new(200, 8533, "Action completed, speech recognized.");
            self.recognized(
                call_id,
                &op,
                "speech",
                json!({ "speech": text, "confidence": 1.0 }),
                res,
                now,
            );
        }
        Ok(Consumer::Recognize)
    }

    /// A remote party hangs up.
    ///
    /// # Errors
    /// 404 for an unknown call or participant.
    pub fn handle_remote_hangup(
        &mut self,
        call_id: &str,
        party: &str,
        now: u64,
    ) -> Result<(), ApiError> {
        let server_id = self.live_call(call_id)?.server_call_id.clone();
        let raw = parse_party("participant", party)?.raw_id();
        self.require_participant(&server_id, &raw)?;
        self.party_left(&server_id, &raw, now);
        Ok(())
    }

    /// Creates a room for `connect` with a `roomCallLocator`.
    pub fn create_room(&mut self, room_id: Option<String>, pstn_dial_out: bool) -> String {
        let id = room_id.unwrap_or_else(|| format!("emu-room-{}", self.new_uuid()));
        self.rooms.insert(id.clone(), Room { pstn_dial_out });
        id
    }

    /// Summary of every call connection (`GET /emulator/calls`).
    pub fn list_calls(&self) -> Value {
        json!(self.calls.values().map(|c| json!({
            "callConnectionId": c.id, "serverCallId": c.server_call_id, "state": c.state.as_str(),
            "events": c.event_log.len(),
        })).collect::<Vec<_>>())
    }

    /// One call connection with participants and its event log.
    pub fn call_detail(&self, call_id: &str) -> Option<Value> {
        let c = self.calls.get(call_id)?;
        let participants: Vec<Value> = self
            .servers
            .get(&c.server_call_id)
            .map(|s| {
                s.participants
                    .iter()
                    .map(super::legs::participant_json)
                    .collect()
            })
            .unwrap_or_default();
        let pending: Vec<Value> = self
            .legs
            .iter()
            .filter(|(_, l)| l.call_id == call_id)
            .map(|(id, l)| json!({ "invitationId": id, "target": l.target.raw_id() }))
            .collect();
        let mut props = self.properties(c);
        props["participants"] = json!(participants);
        props["pendingInvitations"] = json!(pending);
        props["events"] = json!(c.event_log);
        props["connected"] = json!(c.state == CallState::Connected);
        Some(props)
    }
}
