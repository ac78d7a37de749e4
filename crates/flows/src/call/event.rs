//! The facts the call state machine needs from a Call Automation callback event.
//!
//! Events are decoded by the core ([`callsteer::events::decode_callback_events`], or
//! [`callsteer::events::classify()`] at the webhook); [`CallEvent::from_callback`] keeps what the
//! session acts on and persists — ids, kind, time, operation context, result, the DTMF tone,
//! the roster, the party a transfer or add/remove names — so the session never reads JSON.

use super::timeline::Participant;
use callsteer::events::{CallAutomationEvent, CallbackEvent};
use callsteer::time::parse_rfc3339_ms;
use callsteer::Error;
use serde::{Deserialize, Serialize};

/// One callback event, as the session keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    /// The core's dedup key ([`CallbackEvent::dedup_key`]: source, type and id): what the
    /// session dedups on and seeds the commands it triggers with. Ids alone repeat across
    /// event types.
    pub key: String,
    /// CloudEvent `id` (shown in the timeline).
    pub id: String,
    /// Short type name, `CallConnected` (the JS SDK's `kind`; `Unknown` for unknown types).
    pub kind: String,
    /// CloudEvent `time` in Unix milliseconds (0 when absent or unparsable).
    pub time_ms: i64,
    pub call_connection_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_call_id: Option<String>,
    /// `resultInformation`: code, sub-code, message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<EventResult>,
    /// `RecognizeCompleted`: the first DTMF tone (`0`–`9`, `*`, `#`, `A`–`D`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<char>,
    /// `RecognizeCompleted`: what was collected — the DTMF tones as keypad characters (`"1234"`),
    /// the recognized speech, or the label of the choice matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected: Option<Collected>,
    /// `ParticipantsUpdated`: the roster and its sequence number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<Roster>,
    /// The party the event names: `transferTarget` (`CallTransferAccepted`) or `participant`
    /// (add/remove events), as a raw id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
}

/// `resultInformation` of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventResult {
    pub code: i64,
    pub sub_code: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The value a `RecognizeCompleted` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type", content = "value")]
pub enum Collected {
    Dtmf(String),
    Speech(String),
    Choice(String),
}

impl Collected {
    /// The value as a flow variable holds it.
    pub fn value(&self) -> &str {
        match self {
            Collected::Dtmf(v) | Collected::Speech(v) | Collected::Choice(v) => v,
        }
    }
}

/// Declares [`Kind`] and its names from one list.
macro_rules! kinds {
    ($($kind:ident),+ $(,)?) => {
        /// The event types a flow reacts to, typed once here from the core's kind name
        /// ([`callsteer::events::CallAutomationEvent::kind_name`]); every other type is `Other`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind {
            $($kind,)+
            Other,
        }

        impl Kind {
            /// The kind of an event named `name` (`"PlayCompleted"`).
            pub fn of(name: &str) -> Kind {
                match name {
                    $(stringify!($kind) => Kind::$kind,)+
                    _ => Kind::Other,
                }
            }

            /// The event type's short name (`Other` for the rest).
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$kind => stringify!($kind),)+
                    Kind::Other => "Other",
                }
            }
        }
    };
}

kinds!(
    CallConnected,
    CallDisconnected,
    CallTransferAccepted,
    CallTransferFailed,
    ParticipantsUpdated,
    PlayCompleted,
    PlayFailed,
    PlayCanceled,
    RecognizeCompleted,
    RecognizeFailed,
    RecognizeCanceled,
    AddParticipantSucceeded,
    AddParticipantFailed,
    CancelAddParticipantSucceeded,
    CancelAddParticipantFailed,
    HoldFailed,
);

/// A `ParticipantsUpdated` roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Roster {
    pub sequence: i64,
    pub participants: Vec<Participant>,
}

impl CallEvent {
    /// The session's view of a decoded callback event.
    ///
    /// # Errors
    /// [`Error::Decode`] when the event has no `callConnectionId` (an unknown kind, or a
    /// malformed known one): it cannot be routed to a call.
    pub fn from_callback(ev: &CallbackEvent) -> Result<CallEvent, Error> {
        let e = &ev.event;
        let call_connection_id = e.call_connection_id().ok_or_else(|| {
            Error::decode(
                "callback event",
                format!(
                    "{} {}: missing `data.callConnectionId`",
                    ev.event_type, ev.id
                ),
            )
        })?;
        let result = e.result_information().map(|r| EventResult {
            code: r.code.unwrap_or(0),
            sub_code: r.sub_code.unwrap_or(0),
            message: r.message.clone().unwrap_or_default(),
        });
        let raw = |id: &Option<callsteer::CommunicationIdentifier>| id.as_ref().map(|i| i.raw_id());
        let mut collected = None;
        let (tone, roster, party) = match e {
            CallAutomationEvent::RecognizeCompleted(r) => {
                collected = collected_of(r);
                (
                    r.dtmf_result
                        .as_ref()
                        .and_then(|d| d.tones.first())
                        .map(|t| t.as_char()),
                    None,
                    None,
                )
            }
            CallAutomationEvent::ParticipantsUpdated(p) => {
                let participants = p
                    .participants
                    .iter()
                    .filter_map(|p| {
                        Some(Participant {
                            raw_id: p.identifier.as_ref()?.raw_id(),
                            is_muted: p.is_muted.unwrap_or(false),
                            is_on_hold: p.is_on_hold.unwrap_or(false),
                        })
                    })
                    .collect();
                let roster = Roster {
                    sequence: p.sequence_number.unwrap_or(0),
                    participants,
                };
                (None, Some(roster), None)
            }
            CallAutomationEvent::CallTransferAccepted(t) => (None, None, raw(&t.transfer_target)),
            CallAutomationEvent::AddParticipantSucceeded(p) => (None, None, raw(&p.participant)),
            CallAutomationEvent::AddParticipantFailed(p) => (None, None, raw(&p.participant)),
            CallAutomationEvent::RemoveParticipantSucceeded(p) => (None, None, raw(&p.participant)),
            CallAutomationEvent::RemoveParticipantFailed(p) => (None, None, raw(&p.participant)),
            _ => (None, None, None),
        };
        Ok(CallEvent {
            key: ev.dedup_key(),
            id: ev.id.clone(),
            kind: e.kind_name().to_owned(),
            time_ms: ev.time.as_deref().and_then(parse_rfc3339_ms).unwrap_or(0),
            call_connection_id: call_connection_id.to_owned(),
            operation_context: e.operation_context().map(str::to_owned),
            server_call_id: e.server_call_id().map(str::to_owned),
            result,
            tone,
            collected,
            roster,
            party,
        })
    }

    /// The event's type, typed.
    pub fn typed(&self) -> Kind {
        Kind::of(&self.kind)
    }

    /// `resultInformation.subCode`, if present.
    pub fn sub_code(&self) -> Option<i64> {
        self.result.as_ref().map(|r| r.sub_code)
    }
}

/// What a `RecognizeCompleted` collected: a choice's label, else speech, else DTMF digits.
fn collected_of(r: &callsteer::events::RecognizeCompleted) -> Option<Collected> {
    if let Some(label) = r.choice_result.as_ref().and_then(|c| c.label.clone()) {
        return Some(Collected::Choice(label));
    }
    if let Some(text) = r.speech_result.as_ref().and_then(|s| s.speech.clone()) {
        return Some(Collected::Speech(text));
    }
    r.dtmf_result
        .as_ref()
        .map(|d| Collected::Dtmf(d.to_digits()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Vec<CallEvent> {
        callsteer::events::decode_callback_events(json.as_bytes())
            .unwrap()
            .iter()
            .map(|e| CallEvent::from_callback(e).unwrap())
            .collect()
    }

    #[test]
    fn extracts_recorded_call_connected() {
        let e = &decode(include_str!(
            "../../../../tests/fixtures/events/call-connected.cloudevent.recorded.json"
        ))[0];
        assert_eq!(e.kind, "CallConnected");
        assert_eq!(e.call_connection_id, "02002680-8cc0-43ce-badd-770572cbdb6b");
        assert_eq!(
            e.operation_context.as_deref(),
            Some("operationContextCreateCall")
        );
        assert_eq!(e.time_ms, 1_741_165_105_031);
        assert_eq!(e.key.len(), 64);
    }

    #[test]
    fn reads_recorded_participants() {
        let e = &decode(include_str!(
            "../../../../tests/fixtures/events/participants-updated.cloudevent.recorded.json"
        ))[0];
        let roster = e.roster.as_ref().unwrap();
        assert!(!roster.participants.is_empty());
        assert!(roster.participants.iter().all(|p| !p.raw_id.is_empty()));
    }

    /// Every kind the flow matches on is one the core decodes: a typo cannot hide here.
    #[test]
    fn every_kind_is_one_the_core_knows() {
        let ours = [
            Kind::CallConnected,
            Kind::CallDisconnected,
            Kind::CallTransferAccepted,
            Kind::CallTransferFailed,
            Kind::ParticipantsUpdated,
            Kind::PlayCompleted,
            Kind::PlayFailed,
            Kind::PlayCanceled,
            Kind::RecognizeCompleted,
            Kind::RecognizeFailed,
            Kind::RecognizeCanceled,
            Kind::AddParticipantSucceeded,
            Kind::AddParticipantFailed,
            Kind::CancelAddParticipantSucceeded,
            Kind::CancelAddParticipantFailed,
            Kind::HoldFailed,
        ];
        for kind in ours {
            assert!(
                callsteer::events::CALLBACK_EVENT_KINDS.contains(&kind.name()),
                "{kind:?}"
            );
            assert_eq!(Kind::of(kind.name()), kind);
        }
        assert_eq!(Kind::of("MediaStreamingStarted"), Kind::Other);
    }

    #[test]
    fn missing_connection_id_is_a_decode_error() {
        let body = r#"[{"id": "e1", "source": "calling/callConnections/x", "type": "Microsoft.Communication.PlayCompleted", "data": {}}]"#;
        let events = callsteer::events::decode_callback_events(body.as_bytes()).unwrap();
        assert!(matches!(
            CallEvent::from_callback(&events[0]),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn the_same_id_of_two_types_has_two_keys() {
        let body = r#"[
          {"id": "same", "source": "calling/callConnections/x", "type": "Microsoft.Communication.PlayCompleted", "data": {"callConnectionId": "x"}},
          {"id": "same", "source": "calling/callConnections/x", "type": "Microsoft.Communication.PlayStarted", "data": {"callConnectionId": "x"}}]"#;
        let events = decode(body);
        assert_ne!(events[0].key, events[1].key);
    }
}
