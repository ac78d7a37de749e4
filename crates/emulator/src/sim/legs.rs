//! Invitations (legs), their scripted outcomes, roster updates and disconnection.

use super::model::{CallState, Leg, LegPurpose, Participant, Timer};
use super::To;
use super::{fields, Simulation};
use crate::events::ResultInfo;
use crate::script::{self, Behaviour};
use callsteer::CommunicationIdentifier;
use serde_json::{json, Value};

/// Default ring time before an unanswered invitation fails.
pub(super) const DEFAULT_INVITATION_TIMEOUT_MS: u64 = 60_000;

pub(super) fn participant_json(p: &Participant) -> Value {
    json!({ "identifier": p.id.to_model(), "isMuted": p.muted, "isOnHold": p.on_hold })
}

pub(super) fn ended_by_api() -> ResultInfo {
    ResultInfo::new(
        200,
        7000,
        "Call was ended by Azure Communication Service Call Automation API or a server bot.",
    )
}

pub(super) fn conversation_ended() -> ResultInfo {
    ResultInfo::new(200, 5001, "This conversation has ended.")
}

impl Simulation {
    /// Rings `target` for `call_id`; the scripted behaviour decides what happens.
    pub(super) fn invite(
        &mut self,
        call_id: &str,
        target: CommunicationIdentifier,
        purpose: LegPurpose,
        timeout_ms: u64,
        now: u64,
    ) -> String {
        let leg_id = self.new_uuid();
        let behaviour = script::behaviour_of(&target);
        let outcome_at = match behaviour {
            Behaviour::Answer { after_ms } => Some(after_ms),
            Behaviour::Voicemail => Some(script::VOICEMAIL_AFTER_MS),
            Behaviour::Busy => Some(script::BUSY_AFTER_MS),
            Behaviour::Reject => Some(script::REJECT_AFTER_MS),
            Behaviour::NoAnswer => None,
        };
        if let Some(after) = outcome_at.filter(|a| *a < timeout_ms) {
            self.schedule(
                now + after,
                Timer::Leg {
                    leg_id: leg_id.clone(),
                },
            );
        }
        self.schedule(
            now + timeout_ms,
            Timer::LegTimeout {
                leg_id: leg_id.clone(),
            },
        );
        self.legs.insert(
            leg_id.clone(),
            Leg {
                call_id: call_id.to_owned(),
                target,
                purpose,
                behaviour,
            },
        );
        leg_id
    }

    pub(super) fn leg_outcome(&mut self, leg_id: &str, now: u64) {
        let Some(leg) = self.legs.remove(leg_id) else {
            return;
        };
        match leg.behaviour {
            Behaviour::Answer { .. } | Behaviour::Voicemail => self.leg_answered(leg, now),
            Behaviour::Busy => {
                self.leg_failed(leg, ResultInfo::new(486, 560486, "Busy here."), now)
            }
            Behaviour::Reject => self.leg_failed(
                leg,
                ResultInfo::new(603, 560603, "Call declined by the remote party."),
                now,
            ),
            Behaviour::NoAnswer => self.leg_failed(leg, no_answer(), now),
        }
    }

    pub(super) fn leg_timed_out(&mut self, leg_id: &str, now: u64) {
        if let Some(leg) = self.legs.remove(leg_id) {
            self.leg_failed(leg, no_answer(), now);
        }
    }

    fn leg_answered(&mut self, leg: Leg, now: u64) {
        let Some(call) = self.calls.get(&leg.call_id) else {
            return;
        };
        if call.state == CallState::Disconnected {
            return;
        }
        let (server_id, state, ctx) = (
            call.server_call_id.clone(),
            call.state,
            call.operation_context.clone(),
        );
        let target_json = leg.target.to_model();
        match leg.purpose {
            LegPurpose::CreateTarget => {
                self.join(&server_id, leg.target, now);
                if state == CallState::Connecting {
                    self.mark_connected(&leg.call_id, ctx.as_deref(), now);
                }
            }
            LegPurpose::Add { context, uri } => {
                self.join(&server_id, leg.target, now);
                let f = fields([("participant", json!(target_json))]);
                self.emit(
                    &leg.call_id,
                    To::new(uri.as_deref(), context.as_deref()),
                    "AddParticipantSucceeded",
                    Some(&ResultInfo::ok()),
                    f,
                    now,
                );
            }
            LegPurpose::Transfer {
                context,
                uri,
                transferee,
            } => self.transfer_accepted(&leg.call_id, leg.target, transferee, context, uri, now),
        }
    }

    fn transfer_accepted(
        &mut self,
        call_id: &str,
        target: CommunicationIdentifier,
        transferee: Option<CommunicationIdentifier>,
        context: Option<String>,
        uri: Option<String>,
        now: u64,
    ) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let server_id = call.server_call_id.clone();
        let remote = self
            .servers
            .get(&server_id)
            .and_then(|s| s.participants.first())
            .map(|p| p.id.clone());
        let transferee_json = transferee.clone().or(remote).map(|t| t.to_model());
        let f = fields([
            ("transferTarget", json!(target.to_model())),
            ("transferee", json!(transferee_json)),
        ]);
        let r = ResultInfo::new(200, 7015, "The transfer operation completed successfully.");
        match transferee {
            Some(t) => {
                self.leave(&server_id, &t.raw_id());
                self.join(&server_id, target, now);
                self.set_state(call_id, CallState::Connected);
                self.emit(
                    call_id,
                    To::new(uri.as_deref(), context.as_deref()),
                    "CallTransferAccepted",
                    Some(&r),
                    f,
                    now,
                );
            }
            None => {
                self.set_state(call_id, CallState::TransferAccepted);
                self.emit(
                    call_id,
                    To::new(uri.as_deref(), context.as_deref()),
                    "CallTransferAccepted",
                    Some(&r),
                    f,
                    now,
                );
                // The application's leg is replaced by the target: it leaves, the call goes on.
                if let Some(server) = self.servers.get_mut(&server_id) {
                    server.participants.push(Participant {
                        id: target,
                        muted: false,
                        on_hold: false,
                    });
                }
                self.end_connection(call_id, &r, now);
            }
        }
    }

    fn leg_failed(&mut self, leg: Leg, result: ResultInfo, now: u64) {
        let Some(call) = self.calls.get(&leg.call_id) else {
            return;
        };
        if call.state == CallState::Disconnected {
            return;
        }
        let ctx = call.operation_context.clone();
        let server_id = call.server_call_id.clone();
        match leg.purpose {
            LegPurpose::CreateTarget => {
                let others_pending = self.legs.values().any(|l| {
                    l.call_id == leg.call_id && matches!(l.purpose, LegPurpose::CreateTarget)
                });
                let anyone = self
                    .servers
                    .get(&server_id)
                    .is_some_and(|s| !s.participants.is_empty());
                if call.state == CallState::Connecting && !others_pending && !anyone {
                    self.emit(
                        &leg.call_id,
                        To::new(None, ctx.as_deref()),
                        "CreateCallFailed",
                        Some(&result),
                        fields([]),
                        now,
                    );
                    self.end_server(&server_id, &result, now);
                }
            }
            LegPurpose::Add { context, uri } => {
                let f = fields([("participant", json!(leg.target.to_model()))]);
                self.emit(
                    &leg.call_id,
                    To::new(uri.as_deref(), context.as_deref()),
                    "AddParticipantFailed",
                    Some(&result),
                    f,
                    now,
                );
            }
            LegPurpose::Transfer { context, uri, .. } => {
                self.set_state(&leg.call_id, CallState::Connected);
                self.emit(
                    &leg.call_id,
                    To::new(uri.as_deref(), context.as_deref()),
                    "CallTransferFailed",
                    Some(&result),
                    fields([]),
                    now,
                );
            }
        }
    }

    pub(super) fn set_state(&mut self, call_id: &str, state: CallState) {
        if let Some(c) = self.calls.get_mut(call_id) {
            c.state = state;
        }
    }

    /// The connection is up: roster, then `CallConnected`, then auto-started streams.
    pub(super) fn mark_connected(&mut self, call_id: &str, ctx: Option<&str>, now: u64) {
        self.set_state(call_id, CallState::Connected);
        self.send_roster(call_id, now);
        self.emit(
            call_id,
            To::new(None, ctx),
            "CallConnected",
            Some(&ResultInfo::ok()),
            fields([]),
            now,
        );
        self.auto_start_streams(call_id, now);
    }

    /// Adds a party to a server call and tells every connection.
    pub(super) fn join(&mut self, server_id: &str, who: CommunicationIdentifier, now: u64) {
        if let Some(server) = self.servers.get_mut(server_id) {
            if !server
                .participants
                .iter()
                .any(|p| p.id.raw_id() == who.raw_id())
            {
                server.participants.push(Participant {
                    id: who,
                    muted: false,
                    on_hold: false,
                });
            }
        }
        self.roster_changed(server_id, now);
    }

    /// Removes a party from a server call (no events).
    pub(super) fn leave(&mut self, server_id: &str, raw_id: &str) -> Option<Participant> {
        let server = self.servers.get_mut(server_id)?;
        let i = server
            .participants
            .iter()
            .position(|p| p.id.raw_id() == raw_id)?;
        Some(server.participants.remove(i))
    }

    /// `ParticipantsUpdated` to every live connection of the server call.
    pub(super) fn roster_changed(&mut self, server_id: &str, now: u64) {
        let conns = self
            .servers
            .get(server_id)
            .map(|s| s.connections.clone())
            .unwrap_or_default();
        for c in conns {
            if self.calls.get(&c).is_some_and(|c| {
                c.state != CallState::Connecting && c.state != CallState::Disconnected
            }) {
                self.send_roster(&c, now);
            }
        }
    }

    fn send_roster(&mut self, call_id: &str, now: u64) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.sequence += 1;
        let seq = call.sequence;
        let list: Vec<Value> = self
            .servers
            .get(&call.server_call_id)
            .map(|s| s.participants.iter().map(participant_json).collect())
            .unwrap_or_default();
        let f = fields([
            ("participants", json!(list)),
            ("sequenceNumber", json!(seq)),
        ]);
        self.emit(
            call_id,
            To::new(None, None),
            "ParticipantsUpdated",
            Some(&ResultInfo::ok()),
            f,
            now,
        );
    }

    /// The application's connection ends with `CallDisconnected`.
    pub(super) fn end_connection(&mut self, call_id: &str, result: &ResultInfo, now: u64) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if call.state == CallState::Disconnected {
            return;
        }
        call.state = CallState::Disconnected;
        call.media = Default::default();
        call.transcription.active = false;
        call.streaming.active = false;
        let (ctx, server_id) = (call.operation_context.clone(), call.server_call_id.clone());
        self.legs.retain(|_, l| l.call_id != call_id);
        if let Some(server) = self.servers.get_mut(&server_id) {
            server.connections.retain(|c| c != call_id);
        }
        self.emit(
            call_id,
            To::new(None, ctx.as_deref()),
            "CallDisconnected",
            Some(result),
            fields([]),
            now,
        );
    }

    /// The whole call ends for everyone.
    pub(super) fn end_server(&mut self, server_id: &str, result: &ResultInfo, now: u64) {
        let Some(server) = self.servers.get_mut(server_id) else {
            return;
        };
        server.ended = true;
        server.participants.clear();
        let conns = server.connections.clone();
        for c in conns {
            self.end_connection(&c, result, now);
        }
        self.recordings.retain(|_, r| r.server_call_id != server_id);
    }

    /// A remote party left; a call whose last remote party left ends.
    pub(super) fn party_left(&mut self, server_id: &str, raw_id: &str, now: u64) -> bool {
        if self.leave(server_id, raw_id).is_none() {
            return false;
        }
        let empty = self
            .servers
            .get(server_id)
            .is_some_and(|s| s.participants.is_empty());
        if empty {
            self.end_server(server_id, &conversation_ended(), now);
        } else {
            self.roster_changed(server_id, now);
        }
        true
    }

    pub(super) fn connect_now(&mut self, call_id: &str, now: u64) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        if call.state != CallState::Connecting {
            return;
        }
        let ctx = call.operation_context.clone();
        self.mark_connected(call_id, ctx.as_deref(), now);
    }
}

fn no_answer() -> ResultInfo {
    ResultInfo::new(408, 10004, "Call not answered: the invitation timed out.")
}
