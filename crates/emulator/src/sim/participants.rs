//! Participant operations: add, cancel, remove, move, mute, hold, transfer, list.

use super::calls::is_phone;
use super::legs::{participant_json, DEFAULT_INVITATION_TIMEOUT_MS};
use super::model::{CallState, LegPurpose};
use super::requests::{context, ident, op_callback};
use super::To;
use super::{fields, Reply, Simulation};
use crate::error::ApiError;
use crate::events::ResultInfo;
use crate::wire;
use serde_json::json;

impl Simulation {
    pub(super) fn add_participant(
        &mut self,
        call_id: &str,
        b: wire::AddParticipant,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let target = ident("participantToAdd", &b.participant_to_add)?;
        op_callback(&b.operation_callback_uri)?;
        context(&b.operation_context)?;
        let timeout_s = b
            .invitation_timeout_in_seconds
            .unwrap_or(DEFAULT_INVITATION_TIMEOUT_MS as i64 / 1000);
        if !(0..=180).contains(&timeout_s) {
            return Err(ApiError::field(
                "invitationTimeoutInSeconds",
                "must be between 0 and 180",
            ));
        }
        let call = self.connected_call(call_id)?;
        let server = self.servers.get(&call.server_call_id);
        if is_phone(&target) {
            if b.source_caller_id_number.is_none() && call.source_caller_id.is_none() {
                return Err(ApiError::field(
                    "sourceCallerIdNumber",
                    "is required when adding a phone number",
                ));
            }
            let room = server.and_then(|s| s.room_id.clone());
            if let Some(room) = room.filter(|r| self.rooms.get(r).is_some_and(|r| !r.pstn_dial_out))
            {
                return Err(ApiError::forbidden(format!(
                    "Room {room} does not allow PSTN dial-out."
                )));
            }
        }
        if server.is_some_and(|s| {
            s.participants
                .iter()
                .any(|p| p.id.raw_id() == target.raw_id())
        }) {
            return Err(ApiError::bad_request(
                "participantToAdd: is already in the call",
            ));
        }
        let purpose = LegPurpose::Add {
            context: b.operation_context.clone(),
            uri: b.operation_callback_uri.clone(),
        };
        let model = target.to_model();
        let invitation = self.invite(call_id, target, purpose, timeout_s as u64 * 1000, now);
        let participant = json!({ "identifier": model, "isMuted": false, "isOnHold": false });
        Ok(Reply::json(
            202,
            json!({ "participant": participant, "operationContext": b.operation_context, "invitationId": invitation }),
        ))
    }

    pub(super) fn cancel_add(
        &mut self,
        call_id: &str,
        b: wire::CancelAddParticipant,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        if b.invitation_id.trim().is_empty() {
            return Err(ApiError::field("invitationId", "must not be empty"));
        }
        self.connected_call(call_id)?;
        let pending = self
            .legs
            .get(&b.invitation_id)
            .is_some_and(|l| l.call_id == call_id && matches!(l.purpose, LegPurpose::Add { .. }));
        let f = fields([("invitationId", json!(b.invitation_id))]);
        let uri = b.operation_callback_uri.as_deref();
        if pending {
            let leg = self.legs.remove(&b.invitation_id);
            let raw = leg.map(|l| l.target.raw_id()).unwrap_or_default();
            let msg = format!("addParticipants failed for participant {raw}. Underlying reason: The conversation has ended.");
            let r = ResultInfo::new(200, 5300, &msg);
            self.emit(
                call_id,
                To::new(uri, b.operation_context.as_deref()),
                "CancelAddParticipantSucceeded",
                Some(&r),
                f,
                now,
            );
        } else {
            let r = ResultInfo::new(
                400,
                8536,
                "The invitation has already completed or does not exist.",
            );
            self.emit(
                call_id,
                To::new(uri, b.operation_context.as_deref()),
                "CancelAddParticipantFailed",
                Some(&r),
                f,
                now,
            );
        }
        Ok(Reply::json(
            202,
            json!({ "invitationId": b.invitation_id, "operationContext": b.operation_context }),
        ))
    }

    pub(super) fn remove_participant(
        &mut self,
        call_id: &str,
        b: wire::RemoveParticipant,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let who = ident("participantToRemove", &b.participant_to_remove)?;
        op_callback(&b.operation_callback_uri)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &who.raw_id())?;
        let f = fields([("participant", json!(who.to_model()))]);
        let uri = b.operation_callback_uri.clone();
        self.emit(
            call_id,
            To::new(uri.as_deref(), b.operation_context.as_deref()),
            "RemoveParticipantSucceeded",
            Some(&ResultInfo::ok()),
            f,
            now,
        );
        self.party_left(&server_id, &who.raw_id(), now);
        Ok(Reply::json(
            202,
            json!({ "operationContext": b.operation_context }),
        ))
    }

    pub(super) fn mute(
        &mut self,
        call_id: &str,
        b: wire::Mute,
        now: u64,
    ) -> Result<Reply, ApiError> {
        context(&b.operation_context)?;
        if b.target_participants.len() != 1 {
            return Err(ApiError::field(
                "targetParticipants",
                "must contain exactly one participant",
            ));
        }
        let who = ident("targetParticipants[0]", &b.target_participants[0])?;
        if !matches!(
            who,
            callsteer::CommunicationIdentifier::CommunicationUser { .. }
        ) {
            return Err(ApiError::field(
                "targetParticipants[0]",
                "only ACS users can be muted",
            ));
        }
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &who.raw_id())?;
        self.update_participant(&server_id, &who.raw_id(), |p| p.muted = true, now);
        Ok(Reply::json(
            200,
            json!({ "operationContext": b.operation_context }),
        ))
    }

    pub(super) fn hold(
        &mut self,
        call_id: &str,
        b: wire::Hold,
        hold: bool,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let who = ident("targetParticipant", &b.target_participant)?;
        op_callback(&b.operation_callback_uri)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        self.require_participant(&server_id, &who.raw_id())?;
        // Hold has no success event (only HoldFailed); the roster shows isOnHold.
        self.update_participant(&server_id, &who.raw_id(), |p| p.on_hold = hold, now);
        Ok(Reply::empty(200))
    }

    pub(super) fn transfer(
        &mut self,
        call_id: &str,
        b: wire::Transfer,
        now: u64,
    ) -> Result<Reply, ApiError> {
        let target = ident("targetParticipant", &b.target_participant)?;
        op_callback(&b.operation_callback_uri)?;
        context(&b.operation_context)?;
        let server_id = self.connected_call(call_id)?.server_call_id.clone();
        let transferee = match &b.transferee {
            Some(t) => {
                let t = ident("transferee", t)?;
                self.require_participant(&server_id, &t.raw_id())?;
                Some(t)
            }
            None => None,
        };
        let count = self
            .servers
            .get(&server_id)
            .map_or(0, |s| s.participants.len());
        if transferee.is_none() && count != 1 {
            return Err(ApiError::field(
                "transferee",
                "is required when the call has more than one other participant",
            ));
        }
        self.set_state(call_id, CallState::Transferring);
        let purpose = LegPurpose::Transfer {
            context: b.operation_context.clone(),
            uri: b.operation_callback_uri.clone(),
            transferee,
        };
        self.invite(call_id, target, purpose, DEFAULT_INVITATION_TIMEOUT_MS, now);
        Ok(Reply::json(
            202,
            json!({ "operationContext": b.operation_context }),
        ))
    }

    pub(super) fn move_participants(
        &mut self,
        call_id: &str,
        b: wire::MoveParticipants,
        now: u64,
    ) -> Result<Reply, ApiError> {
        op_callback(&b.operation_callback_uri)?;
        if b.target_participants.is_empty() {
            return Err(ApiError::field(
                "targetParticipants",
                "must contain at least one participant",
            ));
        }
        let whos = b
            .target_participants
            .iter()
            .enumerate()
            .map(|(i, m)| ident(&format!("targetParticipants[{i}]"), m))
            .collect::<Result<Vec<_>, _>>()?;
        let here = self.connected_call(call_id)?.server_call_id.clone();
        let from = self.connected_call(&b.from_call).map_err(|_| {
            ApiError::not_found(format!(
                "fromCall: call connection {} was not found.",
                b.from_call
            ))
        })?;
        let there = from.server_call_id.clone();
        if here == there {
            return Err(ApiError::field("fromCall", "must be a different call"));
        }
        for w in &whos {
            self.require_participant(&there, &w.raw_id())?;
        }
        let mut moved = Vec::new();
        for w in whos {
            if let Some(p) = self.leave(&there, &w.raw_id()) {
                moved.push(participant_json(&p));
                self.join(&here, p.id.clone(), now);
                let f = fields([
                    ("participant", json!(p.id.to_model())),
                    ("fromCall", json!(b.from_call)),
                ]);
                self.emit(
                    call_id,
                    To::new(
                        b.operation_callback_uri.as_deref(),
                        b.operation_context.as_deref(),
                    ),
                    "MoveParticipantSucceeded",
                    Some(&ResultInfo::ok()),
                    f,
                    now,
                );
            }
        }
        self.roster_changed(&there, now);
        Ok(Reply::json(
            202,
            json!({ "participants": moved, "operationContext": b.operation_context, "fromCall": b.from_call }),
        ))
    }

    pub(super) fn get_participants(&self, call_id: &str) -> Result<Reply, ApiError> {
        let call = self.live_call(call_id)?;
        let list: Vec<_> = self
            .servers
            .get(&call.server_call_id)
            .map(|s| s.participants.iter().map(participant_json).collect())
            .unwrap_or_default();
        Ok(Reply::json(200, json!({ "value": list })))
    }

    pub(super) fn get_participant(&self, call_id: &str, raw_id: &str) -> Result<Reply, ApiError> {
        let call = self.live_call(call_id)?;
        let p = self
            .servers
            .get(&call.server_call_id)
            .and_then(|s| s.participants.iter().find(|p| p.id.raw_id() == raw_id));
        match p {
            Some(p) => Ok(Reply::json(200, participant_json(p))),
            None => Err(ApiError::not_found(format!(
                "Participant {raw_id} is not in the call."
            ))),
        }
    }

    /// A call that is connected (mid-call actions need one), else 404 / 400.
    pub(super) fn connected_call(&self, call_id: &str) -> Result<&super::model::Call, ApiError> {
        let call = self.live_call(call_id)?;
        if call.state == CallState::Connecting {
            return Err(ApiError::bad_request(format!(
                "Call connection {call_id} is not connected yet."
            )));
        }
        Ok(call)
    }

    pub(super) fn require_participant(
        &self,
        server_id: &str,
        raw_id: &str,
    ) -> Result<(), ApiError> {
        let found = self
            .servers
            .get(server_id)
            .is_some_and(|s| s.participants.iter().any(|p| p.id.raw_id() == raw_id));
        if found {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "Participant {raw_id} is not in the call."
            )))
        }
    }

    fn update_participant(
        &mut self,
        server_id: &str,
        raw_id: &str,
        f: impl FnOnce(&mut super::model::Participant),
        now: u64,
    ) {
        if let Some(p) = self
            .servers
            .get_mut(server_id)
            .and_then(|s| s.participants.iter_mut().find(|p| p.id.raw_id() == raw_id))
        {
            f(p);
        }
        self.roster_changed(server_id, now);
    }
}
