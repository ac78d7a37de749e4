//! What a call's timeline tells the admin page's sequence diagram, so the page draws it without
//! re-deriving any rule: the participant each entry is about, which command an event settles
//! (paired by operationContext through the session's pending operations), outcomes, retries,
//! roster changes, and a revision per change for the live stream.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer_flows::call::timeline::{Outcome, Source, TimelineEntry};
use callsteer_flows::call::{AdminAction, CallEvent, CallSession, CallSetup};
use callsteer_flows::flow::Flow;
use serde_json::json;

const CALL: &str = "call-1";
const CALLER: &str = "4:+14255550111";
const AGENT: &str = "4:+14255550101";

fn ivr_setup() -> CallSetup {
    let flow = common::legacy_flow(json!({
        "menu": {"prompt": {"text": "Press 1"},
                 "choices": {"1": {"transfer": {"target": "+14255550101"}}}}
    }));
    common::answered_setup(CALLER, flow)
}

fn ev(id: &str, kind: &str, t_ms: i64, data: serde_json::Value) -> CallEvent {
    common::callback_event(CALL, id, kind, t_ms, data)
}

fn roster(seq: i64, ids: &[&str]) -> serde_json::Value {
    let parts: Vec<_> = ids
        .iter()
        .map(|r| json!({"identifier": {"rawId": r}, "isMuted": false}))
        .collect();
    json!({"sequenceNumber": seq, "participants": parts})
}

fn send_all(s: &mut CallSession) {
    for c in s.outbox().to_vec() {
        s.handle_sent(&c.id, Ok(()));
    }
}

fn entry<'a>(s: &'a CallSession, kind: &str) -> &'a TimelineEntry {
    s.timeline.iter().find(|e| e.kind == kind).unwrap()
}

#[test]
fn the_ivr_call_pairs_each_command_with_the_event_that_settles_it() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(ivr_setup());
    s.handle_event(&ev(
        "p1",
        "ParticipantsUpdated",
        2_000,
        roster(1, &[CALLER]),
    ));
    s.handle_event(&ev("c1", "CallConnected", 2_000, json!({})));
    send_all(&mut s);
    let recognize = entry(&s, "recognize").clone();
    assert_eq!(
        recognize.party.as_deref(),
        Some(CALLER),
        "the menu listens to the caller"
    );
    assert_eq!(recognize.outcome, None, "sent, waiting for its event");
    s.handle_event(&ev(
        "r1",
        "RecognizeCompleted",
        3_000,
        json!({"operationContext": "menu-1", "recognitionType": "dtmf", "dtmfResult": {"tones": ["one"]}}),
    ));
    send_all(&mut s);
    s.handle_event(&ev(
        "t1",
        "CallTransferAccepted",
        4_000,
        json!({"operationContext": "choice-1-1", "transferTarget": {"rawId": AGENT}}),
    ));
    s.handle_event(&ev("d1", "CallDisconnected", 4_500, json!({})));

    let setup = entry(&s, "IncomingCall");
    assert_eq!(
        (setup.source, setup.party.as_deref()),
        (Source::Setup, Some(CALLER))
    );
    assert_eq!(entry(&s, "ParticipantsUpdated").joined, [CALLER]);

    let (recognize, recognized) = (entry(&s, "recognize"), entry(&s, "RecognizeCompleted"));
    assert_eq!(recognized.settles, Some(recognize.seq));
    assert_eq!(recognize.settled_by, Some(recognized.seq));
    assert_eq!(recognize.outcome, Some(Outcome::Succeeded));
    assert_eq!(
        recognized.party.as_deref(),
        Some(CALLER),
        "the tone came from the recognize's target"
    );

    let (transfer, accepted) = (entry(&s, "transfer"), entry(&s, "CallTransferAccepted"));
    assert_eq!(
        transfer.party.as_deref(),
        Some(AGENT),
        "+1… target as its raw id"
    );
    assert_eq!(accepted.party.as_deref(), Some(AGENT));
    assert_eq!(accepted.settles, Some(transfer.seq));
    assert_eq!(transfer.outcome, Some(Outcome::Succeeded));

    let disconnected = entry(&s, "CallDisconnected");
    assert_eq!((disconnected.settles, disconnected.outcome), (None, None));
    assert_eq!(s.ended_at_ms, Some(4_500));
    let unpaired: Vec<_> = s
        .timeline
        .iter()
        .filter(|e| e.source == Source::Event && e.settles.is_none())
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(
        unpaired,
        ["ParticipantsUpdated", "CallConnected", "CallDisconnected"]
    );
}

#[test]
fn failures_are_outcomes_whether_the_service_refuses_or_an_event_reports_them() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(CallSetup {
        revision: None,
        flow: Flow::default(),
        ..ivr_setup()
    });
    s.handle_event(&ev("c1", "CallConnected", 2_000, json!({})));
    let add = s
        .handle_admin(
            AdminAction::AddParticipant {
                target: "+14255550199".into(),
            },
            "r1",
            3_000,
        )
        .unwrap();
    let mute = s
        .handle_admin(
            AdminAction::Mute {
                target: CALLER.into(),
            },
            "r2",
            3_000,
        )
        .unwrap();
    let hang_up = s.handle_admin(AdminAction::HangUp {}, "r3", 3_000).unwrap();
    s.handle_sent(&add.id, Ok(()));
    s.handle_retry(&mute.id, 1, "429 TooManyRequests");
    s.handle_retry(&mute.id, 2, "503 ServiceUnavailable");
    s.handle_sent(
        &mute.id,
        Err("400 BadRequest: only ACS users can be muted".into()),
    );
    s.handle_sent(&hang_up.id, Ok(()));
    let ctx = add.operation_context.clone().unwrap();
    s.handle_event(&ev(
        "a1",
        "AddParticipantFailed",
        5_000,
        json!({"operationContext": ctx, "participant": {"rawId": "4:+14255550199"},
               "resultInformation": {"code": 486, "subCode": 0, "message": "busy"}}),
    ));

    let by_id = |id: &str| {
        s.timeline
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
            .unwrap()
    };
    let failed_event = entry(&s, "AddParticipantFailed");
    assert_eq!(failed_event.outcome, Some(Outcome::Failed));
    assert_eq!(failed_event.settles, Some(by_id(&add.id).seq));
    assert_eq!(
        by_id(&add.id).outcome,
        Some(Outcome::Failed),
        "the event's outcome is the command's"
    );
    assert_eq!(by_id(&add.id).party.as_deref(), Some("4:+14255550199"));

    let refused = by_id(&mute.id);
    assert_eq!(refused.outcome, Some(Outcome::Failed));
    assert_eq!(refused.retries, 2);
    assert!(refused
        .status
        .as_deref()
        .unwrap()
        .starts_with("failed: 400"));
    assert_eq!(
        by_id(&hang_up.id).outcome,
        Some(Outcome::Succeeded),
        "no event completes a hang-up: accepted is done"
    );
}

#[test]
fn roster_changes_name_who_joined_and_who_left_and_ignore_late_rosters() {
    let mut s = CallSession::new(CALL);
    s.handle_event(&ev(
        "p1",
        "ParticipantsUpdated",
        1_000,
        roster(1, &[CALLER]),
    ));
    s.handle_event(&ev("p3", "ParticipantsUpdated", 3_000, roster(3, &[AGENT])));
    s.handle_event(&ev(
        "p2",
        "ParticipantsUpdated",
        2_000,
        roster(2, &[CALLER, AGENT]),
    ));
    let changes: Vec<(i64, &[String], &[String])> = s
        .timeline
        .iter()
        .map(|e| (e.at_ms, e.joined.as_slice(), e.left.as_slice()))
        .collect();
    let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let (caller, agent) = (ids(&[CALLER]), ids(&[AGENT]));
    assert_eq!(
        changes,
        [
            (1_000, caller.as_slice(), &[][..]),
            (2_000, &[][..], &[][..]), // sequence 2 arrived after 3: stale, no change
            (3_000, agent.as_slice(), caller.as_slice()),
        ]
    );
}

#[test]
fn every_change_to_an_entry_raises_its_revision() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(ivr_setup());
    s.handle_event(&ev("c1", "CallConnected", 2_000, json!({})));
    let recognize = entry(&s, "recognize").clone();
    assert_eq!(s.revision(), recognize.rev, "the newest change");
    let id = recognize.id.clone().unwrap();
    s.handle_retry(&id, 1, "429");
    let retried = entry(&s, "recognize").rev;
    assert!(retried > recognize.rev);
    s.handle_sent(&id, Ok(()));
    let sent = entry(&s, "recognize").rev;
    assert!(sent > retried);
    s.handle_event(&ev(
        "r1",
        "RecognizeFailed",
        9_000,
        json!({"operationContext": "menu-1", "resultInformation": {"code": 400, "subCode": 8510}}),
    ));
    let settled = entry(&s, "recognize");
    assert!(settled.rev > sent);
    assert_eq!(settled.outcome, Some(Outcome::Failed));
    assert_eq!(
        s.revision(),
        s.timeline.iter().map(|e| e.rev).max().unwrap()
    );
    let connected = entry(&s, "CallConnected");
    assert!(
        connected.rev < recognize.rev,
        "untouched entries keep theirs"
    );
}

#[test]
fn sessions_stored_before_these_fields_still_load() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(ivr_setup());
    s.handle_event(&ev("c1", "CallConnected", 2_000, json!({})));
    let mut stored = serde_json::to_value(&s).unwrap();
    stored.as_object_mut().unwrap().remove("revision");
    for e in stored["timeline"].as_array_mut().unwrap() {
        for k in [
            "rev",
            "party",
            "settles",
            "settledBy",
            "outcome",
            "retries",
            "joined",
            "left",
        ] {
            e.as_object_mut().unwrap().remove(k);
        }
    }
    for p in stored["pending"].as_object_mut().unwrap().values_mut() {
        p.as_object_mut().unwrap().remove("seq");
        p.as_object_mut().unwrap().remove("party");
    }
    let mut old: CallSession = serde_json::from_value(stored).unwrap();
    old.handle_event(&ev(
        "r1",
        "RecognizeCompleted",
        3_000,
        json!({"operationContext": "menu-1", "recognitionType": "dtmf", "dtmfResult": {"tones": ["one"]}}),
    ));
    let recognized = entry(&old, "RecognizeCompleted");
    assert_eq!(
        recognized.settles, None,
        "an old pending operation has no seq to point at"
    );
    assert!(recognized.rev > 0);
    assert_eq!(
        old.outbox().len(),
        2,
        "the flow goes on: recognize still queued, then the transfer"
    );
}

#[test]
fn a_menus_prompt_finishing_does_not_settle_the_recognize() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(ivr_setup());
    s.handle_event(&ev("c1", "CallConnected", 2_000, json!({})));
    send_all(&mut s);
    // For a recognize, PlayStarted/PlayCompleted of its prompt are progress (the core's table).
    s.handle_event(&ev(
        "pc1",
        "PlayCompleted",
        2_500,
        json!({"operationContext": "menu-1"}),
    ));
    let recognize = entry(&s, "recognize").clone();
    let played = entry(&s, "PlayCompleted").clone();
    assert_eq!((played.settles, played.outcome), (None, None));
    assert_eq!((recognize.settled_by, recognize.outcome), (None, None));
    s.handle_event(&ev(
        "r1",
        "RecognizeCompleted",
        3_000,
        json!({"operationContext": "menu-1", "recognitionType": "dtmf", "dtmfResult": {"tones": ["one"]}}),
    ));
    let recognized = entry(&s, "RecognizeCompleted");
    let recognize = entry(&s, "recognize");
    assert_eq!(recognized.settles, Some(recognize.seq));
    assert_eq!(recognize.outcome, Some(Outcome::Succeeded));
}
