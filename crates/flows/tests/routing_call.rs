//! The per-call state machine: a full IVR flow, re-deliveries, out-of-order deliveries,
//! retries of the menu, admin actions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer_flows::call::command::{Command, CommandKind};
use callsteer_flows::call::store::{CallRecord, MemoryStore};
use callsteer_flows::call::{AdminAction, CallEvent, CallSession, CallSetup, End, Handled, Wait};
use callsteer_flows::flow::legacy::LegacyFlow;
use callsteer_flows::flow::Flow;
use serde_json::json;

const CALL: &str = "call-1";
const CALLER: &str = "4:+14255550111";

/// A version 1 flow, loaded as documents load it (the graph: `menu`, `choice-1`, …).
fn ivr_flow() -> Flow {
    let old: LegacyFlow = serde_json::from_value(json!({
        "greeting": {"text": "Welcome"},
        "menu": {"prompt": {"text": "Press 1 or 3"}, "attempts": 2,
                 "choices": {"1": {"transfer": {"target": "+14255550101"}},
                             "3": {"playAndHangUp": {"prompt": {"text": "Bye"}}}}}
    }))
    .unwrap();
    old.to_graph().0
}

fn setup(flow: Flow) -> CallSetup {
    common::answered_setup(CALLER, flow)
}

fn ev(id: &str, kind: &str, t_ms: i64, data: serde_json::Value) -> CallEvent {
    let mut data = data;
    data["serverCallId"] = json!("server-1");
    common::callback_event(CALL, id, kind, t_ms, data)
}

/// The id a command triggered by `ev` gets: the event's dedup key, then the command name.
fn cmd_id(ev: &CallEvent, command: &str) -> String {
    format!("{}/{command}", ev.key)
}

fn tone(id: &str, ctx: &str, t_ms: i64, tone: &str) -> CallEvent {
    ev(
        id,
        "RecognizeCompleted",
        t_ms,
        json!({"operationContext": ctx, "recognitionType": "dtmf",
        "dtmfResult": {"tones": [tone]}, "resultInformation": {"code": 200, "subCode": 8514}}),
    )
}

/// Sends every queued command successfully and returns them.
fn flush(s: &mut CallSession) -> Vec<Command> {
    let out = s.outbox().to_vec();
    for c in &out {
        s.handle_sent(&c.id, Ok(()));
    }
    out
}

#[test]
fn full_ivr_answer_menu_dtmf_transfer() {
    let mut s = CallSession::new(CALL);
    assert!(s.handle_setup(setup(ivr_flow())));
    assert!(s.outbox().is_empty(), "nothing before CallConnected");
    let e1 = ev("e1", "CallConnected", 2_000, json!({}));
    s.handle_event(&e1);
    let cmds = flush(&mut s);
    assert_eq!(cmds.len(), 1);
    match &cmds[0].kind {
        CommandKind::Recognize {
            prompts, target, ..
        } => {
            assert_eq!(prompts.len(), 2, "greeting + menu prompt");
            assert_eq!(target, CALLER);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(cmds[0].id, cmd_id(&e1, "recognize"));
    assert!(s.pending.contains_key("menu-1"));

    let e2 = tone("e2", "menu-1", 5_000, "one");
    s.handle_event(&e2);
    let cmds = flush(&mut s);
    assert_eq!(
        cmds[0].kind,
        CommandKind::TransferToParticipant {
            target: "+14255550101".into()
        }
    );
    assert_eq!(cmds[0].id, cmd_id(&e2, "transfer"));
    assert_eq!(cmds[0].first_sent, 5);
    assert!(!s.pending.contains_key("menu-1"));

    s.handle_event(&ev(
        "e3",
        "CallTransferAccepted",
        6_000,
        json!({"operationContext": "choice-1-1",
        "transferTarget": {"rawId": "4:+14255550101"}}),
    ));
    s.handle_event(&ev("e4", "CallDisconnected", 7_000, json!({})));
    assert_eq!(s.status(), "transferred");
    assert!(s.pending.is_empty());
    let kinds: Vec<_> = s.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "IncomingCall",
            "CallConnected",
            "recognize",
            "RecognizeCompleted",
            "transfer",
            "CallTransferAccepted",
            "CallDisconnected"
        ]
    );
    assert!(s
        .timeline
        .iter()
        .filter(|e| e.status.is_some())
        .all(|e| e.status.as_deref() == Some("sent")));
}

#[test]
fn redelivered_events_are_applied_once_and_issue_no_second_command() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    let connected = ev("e1", "CallConnected", 2_000, json!({}));
    assert_eq!(s.handle_event(&connected), Handled::Applied { commands: 1 });
    flush(&mut s);
    let pressed = tone("e2", "menu-1", 3_000, "one");
    assert_eq!(s.handle_event(&pressed), Handled::Applied { commands: 1 });
    for _ in 0..3 {
        assert_eq!(s.handle_event(&pressed), Handled::Duplicate);
        assert_eq!(s.handle_event(&connected), Handled::Duplicate);
    }
    assert_eq!(s.outbox().len(), 1, "only the transfer, once");
    assert_eq!(s.duplicates, 6);
    assert_eq!(s.timeline.len(), 5);
}

#[test]
fn events_that_share_an_id_but_not_a_type_are_both_applied() {
    // Ids repeat across types in recorded payloads: the session dedups on (source, type, id).
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    let connected = ev("same", "CallConnected", 2_000, json!({}));
    assert_eq!(s.handle_event(&connected), Handled::Applied { commands: 1 });
    flush(&mut s);
    let pressed = tone("same", "menu-1", 3_000, "one");
    assert_eq!(
        s.handle_event(&pressed),
        Handled::Applied { commands: 1 },
        "not a duplicate"
    );
    assert_eq!(
        s.handle_event(&pressed),
        Handled::Duplicate,
        "its re-delivery is"
    );
    let cmds = flush(&mut s);
    assert_eq!(
        cmds[0].kind,
        CommandKind::TransferToParticipant {
            target: "+14255550101".into()
        }
    );
    assert_eq!(s.duplicates, 1);
}

#[test]
fn setup_after_connected_still_starts_the_flow_once() {
    let mut s = CallSession::new(CALL);
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    assert!(s.outbox().is_empty());
    assert!(s.handle_setup(setup(ivr_flow())));
    assert!(!s.handle_setup(setup(ivr_flow())), "setup is idempotent");
    let cmds = flush(&mut s);
    assert_eq!(cmds.len(), 1);
    assert_eq!(
        cmds[0].id, "incoming-1/recognize",
        "seeded by the IncomingCall event id"
    );
}

#[test]
fn out_of_order_deliveries_end_in_the_right_state() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    let p = |seq: i64, ids: &[&str]| {
        let parts: Vec<_> = ids
            .iter()
            .map(|r| json!({"identifier": {"rawId": r}, "isMuted": false}))
            .collect();
        json!({"sequenceNumber": seq, "participants": parts})
    };
    // Delivered newest first: participants seq 2 before seq 1, disconnect before the transfer.
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    flush(&mut s);
    s.handle_event(&ev(
        "p2",
        "ParticipantsUpdated",
        4_000,
        p(2, &[CALLER, "4:+14255550101"]),
    ));
    s.handle_event(&ev("p1", "ParticipantsUpdated", 3_000, p(1, &[CALLER])));
    s.handle_event(&tone("e2", "menu-1", 3_500, "one"));
    flush(&mut s);
    s.handle_event(&ev("e4", "CallDisconnected", 7_000, json!({})));
    s.handle_event(&ev(
        "e3",
        "CallTransferAccepted",
        6_000,
        json!({"operationContext": "choice-1-1"}),
    ));
    assert_eq!(s.participants.len(), 2, "older sequence number ignored");
    assert_eq!(s.status(), "transferred");
    assert_eq!(
        s.flow.end,
        Some(End::CallerHungUp),
        "the call ended before the transfer's event was read"
    );
    assert_eq!(s.flow.wait, Wait::Nothing);
    assert!(s.outbox().is_empty(), "nothing after the call ended");
    let times: Vec<_> = s.timeline.iter().map(|e| e.at_ms).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "timeline in event-time order");
}

#[test]
fn unknown_tone_and_silence_retry_then_fail() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    flush(&mut s);
    s.handle_event(&tone("e2", "menu-1", 3_000, "nine"));
    let retry = flush(&mut s);
    assert!(matches!(&retry[0].kind, CommandKind::Recognize { prompts, .. } if prompts.len() == 1));
    assert_eq!(retry[0].operation_context.as_deref(), Some("menu-2"));
    // A late event for the old attempt changes nothing.
    s.handle_event(&tone("e2b", "menu-1", 3_100, "one"));
    assert!(s.outbox().is_empty());
    s.handle_event(&ev(
        "e3",
        "RecognizeFailed",
        9_000,
        json!({"operationContext": "menu-2",
        "resultInformation": {"code": 400, "subCode": 8510, "message": "silence"}}),
    ));
    let last = flush(&mut s);
    assert_eq!(
        last[0].kind,
        CommandKind::HangUp { for_everyone: true },
        "default onFailure"
    );
}

#[test]
fn play_and_hang_up_choice() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    flush(&mut s);
    s.handle_event(&tone("e2", "menu-1", 3_000, "three"));
    let play = flush(&mut s);
    assert!(matches!(&play[0].kind, CommandKind::Play { .. }));
    assert_eq!(
        s.flow.wait,
        Wait::Goodbye {
            ctx: "choice-3-1".into()
        }
    );
    s.handle_event(&ev(
        "e3",
        "PlayCompleted",
        4_000,
        json!({"operationContext": "choice-3-1"}),
    ));
    assert_eq!(
        flush(&mut s)[0].kind,
        CommandKind::HangUp { for_everyone: true }
    );
}

#[test]
fn failed_send_is_marked_and_clears_pending() {
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(ivr_flow()));
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    let id = s.outbox()[0].id.clone();
    s.handle_sent(&id, Err("service error 400".into()));
    assert!(s.pending.is_empty());
    // The menu's recognize was refused: the step fails, to its default (version 1: hang up).
    let next: Vec<_> = s.outbox().iter().map(|c| c.kind.clone()).collect();
    assert_eq!(next, [CommandKind::HangUp { for_everyone: true }]);
    assert_eq!(s.flow.end, Some(End::HungUp));
    let entry = s
        .timeline
        .iter()
        .find(|e| e.id.as_deref() == Some(id.as_str()))
        .unwrap();
    assert_eq!(entry.status.as_deref(), Some("failed: service error 400"));
}

#[test]
fn admin_actions_need_a_live_call_and_valid_targets() {
    let mut s = CallSession::new(CALL);
    let err = s.handle_admin(AdminAction::HangUp {}, "r1", 0).unwrap_err();
    assert!(err.to_string().contains("not connected"));
    s.handle_setup(setup(Flow::default()));
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    let err = s
        .handle_admin(
            AdminAction::AddParticipant {
                target: "bob".into(),
            },
            "r2",
            0,
        )
        .unwrap_err();
    assert!(err.to_string().contains("invalid target"));
    let cmd = s
        .handle_admin(
            AdminAction::Mute {
                target: CALLER.into(),
            },
            "r3",
            10_000,
        )
        .unwrap();
    assert_eq!(cmd.id, "admin:r3/mute");
    let rec = s
        .handle_admin(AdminAction::Record {}, "r4", 10_000)
        .unwrap();
    assert_eq!(
        rec.kind,
        CommandKind::StartRecording {
            server_call_id: "server-1".into()
        }
    );
    // Stored as the call object stores it (rows), and read back: nothing lost but the
    // in-memory dedup set, which a stored call keeps as rows of its own.
    let mut store = MemoryStore::default();
    let mut rec = CallRecord::new(CALL);
    rec.session = s.clone();
    rec.save(&mut store).unwrap();
    let back = CallRecord::open(&store).unwrap().unwrap();
    let as_stored = |s: &CallSession| serde_json::to_value(s).unwrap();
    assert_eq!(
        as_stored(&back.session),
        as_stored(&s),
        "the session persists losslessly"
    );
    assert_eq!(back.session.outbox(), s.outbox());
}

#[test]
fn admin_action_bodies_are_refused_naming_the_field() {
    let field = |body: &str| match AdminAction::from_json(body) {
        Err(callsteer::Error::InvalidInput { field, .. }) => field,
        other => panic!("{body}: {other:?}"),
    };
    assert_eq!(field(r#"{"action":"transfer","target":5}"#), "target");
    assert_eq!(
        field(r#"{"action":"play","prompt":{"text":7}}"#),
        "prompt.text"
    );
    assert_eq!(field(r#"{"action":"fly"}"#), "action");
    assert_eq!(field(r#"{"action":"transfer"}"#), "target");
    assert_eq!(
        field(r#"{"action":"hangUp","target":"+14255550123"}"#),
        "target"
    );
    assert_eq!(field(r#"{"action":"hangUp","extra":1}"#), "extra");
    assert!(matches!(
        AdminAction::from_json("{"),
        Err(callsteer::Error::Decode { .. })
    ));
    assert_eq!(
        AdminAction::from_json(r#"{"action":"mute","target":"8:acs:x"}"#).unwrap(),
        AdminAction::Mute {
            target: "8:acs:x".into()
        }
    );
}

/// A simultaneous ring: the first answer wins and the others are cancelled; an invitation
/// answered before its cancel arrived (the cancel lost the race) is removed from the call.
#[test]
fn simultaneous_ring_cancels_and_removes_a_late_answer() {
    let flow = {
        let doc = json!({"version": 2, "rules": [{"name": "ring", "action": {"answer": {"flow": {"steps": [
            {"id": "agents", "ring": {"targets": ["+14255550101", "+14255550102", "+14255550103"], "mode": "simultaneous"}, "failure": "bye"},
            {"id": "bye", "hangUp": {}}
        ]}}}}]});
        let table = callsteer_flows::RoutingTable::from_json(&doc.to_string()).unwrap();
        match table.rule("ring").unwrap().action.clone() {
            callsteer_flows::rules::Action::Answer { flow } => flow,
            other => panic!("{other:?}"),
        }
    };
    let mut s = CallSession::new(CALL);
    s.handle_setup(setup(flow));
    s.handle_event(&ev("e1", "CallConnected", 2_000, json!({})));
    let adds = s.outbox().to_vec();
    assert_eq!(adds.len(), 3);
    for (i, c) in adds.iter().enumerate() {
        s.handle_invitation(&c.id, &format!("inv-{i}"));
        s.handle_sent(&c.id, Ok(()));
    }
    let answered = |id: &str, ctx: &str, target: &str, t: i64| {
        ev(
            id,
            "AddParticipantSucceeded",
            t,
            json!({"operationContext": ctx, "participant": {"rawId": format!("4:{target}")}}),
        )
    };
    s.handle_event(&answered("e2", "agents-2", "+14255550102", 3_000));
    let cancels: Vec<_> = flush(&mut s).into_iter().map(|c| c.kind).collect();
    assert_eq!(
        cancels,
        [
            CommandKind::CancelAddParticipant {
                invitation_id: "inv-0".into(),
                target: "+14255550101".into()
            },
            CommandKind::CancelAddParticipant {
                invitation_id: "inv-2".into(),
                target: "+14255550103".into()
            },
        ]
    );
    assert_eq!(s.flow.end, Some(End::Connected));
    // The third agent had answered before the cancel reached the service.
    s.handle_event(&ev(
        "e3",
        "CancelAddParticipantFailed",
        3_100,
        json!({"operationContext": "agents-3-cancel", "invitationId": "inv-2"}),
    ));
    s.handle_event(&answered("e4", "agents-3", "+14255550103", 3_050));
    assert_eq!(
        flush(&mut s)
            .into_iter()
            .map(|c| c.kind)
            .collect::<Vec<_>>(),
        [CommandKind::RemoveParticipant {
            target: "+14255550103".into()
        }]
    );
    // A repeat of the winner's event changes nothing.
    s.handle_event(&answered("e2", "agents-2", "+14255550102", 3_000));
    assert!(s.outbox().is_empty());
}
