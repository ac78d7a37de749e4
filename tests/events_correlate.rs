//! Correlation: which event settles an action (success, failure, cancel) and which is only
//! progress, matched by callConnectionId, operationContext, invitationId and recordingId.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use callsteer::api::routes::OperationId;
use callsteer::events::*;
use serde_json::json;

fn event(kind: &str, data: serde_json::Value) -> CallAutomationEvent {
    let body = json!([{"id": "1", "source": "s", "type": format!("Microsoft.Communication.{kind}"), "data": data}]);
    decode_callback_events(body.to_string().as_bytes())
        .unwrap()
        .remove(0)
        .event
}

fn recorded(name: &str) -> CallAutomationEvent {
    let path = format!(
        "{}/tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    decode_callback_events(&std::fs::read(path).unwrap())
        .unwrap()
        .remove(0)
        .event
}

fn on_call(ctx: &str) -> serde_json::Value {
    json!({"callConnectionId": "cc-1", "operationContext": ctx})
}

#[test]
fn a_play_progresses_then_settles_by_its_operation_context() {
    let play = PendingAction::new(OperationId::Play)
        .call_connection_id("cc-1")
        .operation_context("greeting");
    assert_eq!(
        play.classify(&event("PlayStarted", on_call("greeting"))),
        Outcome::Progress
    );
    assert_eq!(
        play.classify(&event("PlayCompleted", on_call("greeting"))),
        Outcome::Succeeded
    );
    assert_eq!(
        play.classify(&event("PlayFailed", on_call("greeting"))),
        Outcome::Failed
    );
    assert_eq!(
        play.classify(&event("PlayCanceled", on_call("greeting"))),
        Outcome::Canceled
    );
    // Another play's events, another call's, or a missing context: not ours.
    assert_eq!(
        play.classify(&event("PlayCompleted", on_call("goodbye"))),
        Outcome::Unrelated
    );
    let other_call = json!({"callConnectionId": "cc-2", "operationContext": "greeting"});
    assert_eq!(
        play.classify(&event("PlayCompleted", other_call)),
        Outcome::Unrelated
    );
    assert_eq!(
        play.classify(&event("PlayCompleted", json!({"callConnectionId": "cc-1"}))),
        Outcome::Unrelated
    );
    assert_eq!(
        play.classify(&event("RecognizeCompleted", on_call("greeting"))),
        Outcome::Unrelated
    );
    assert!(Outcome::Succeeded.is_final() && !Outcome::Progress.is_final());
}

#[test]
fn a_recognize_counts_its_prompt_as_progress() {
    let rec = PendingAction::new(OperationId::Recognize)
        .call_connection_id("cc-1")
        .operation_context("menu");
    assert_eq!(
        rec.classify(&event("PlayStarted", on_call("menu"))),
        Outcome::Progress
    );
    assert_eq!(
        rec.classify(&event("RecognizeCompleted", on_call("menu"))),
        Outcome::Succeeded
    );
    assert_eq!(
        rec.classify(&event("RecognizeFailed", on_call("menu"))),
        Outcome::Failed
    );
    assert_eq!(
        rec.classify(&event("RecognizeCanceled", on_call("menu"))),
        Outcome::Canceled
    );
}

#[test]
fn recorded_events_settle_the_actions_that_caused_them() {
    let create = PendingAction::new(OperationId::CreateCall)
        .call_connection_id("02002680-8cc0-43ce-badd-770572cbdb6b")
        .operation_context("operationContextCreateCall");
    assert_eq!(
        create.classify(&recorded("call-connected.cloudevent.recorded.json")),
        Outcome::Succeeded
    );

    let add = PendingAction::new(OperationId::AddParticipant)
        .call_connection_id("05002680-50b2-4525-a046-c529253abec5")
        .operation_context("addParticipants");
    assert_eq!(
        add.classify(&recorded(
            "add-participant-succeeded.cloudevent.recorded.json"
        )),
        Outcome::Succeeded
    );

    let cancel = PendingAction::new(OperationId::CancelAddParticipant)
        .call_connection_id("05002680-1c6a-40fd-805e-e3c7ba8802a9")
        .invitation_id("3521d4ba-294b-45e6-95a4-3fd06c24fb9b");
    let cancelled = recorded("cancel-add-participant-succeeded.cloudevent.recorded.json");
    assert_eq!(cancel.classify(&cancelled), Outcome::Succeeded);
    let other =
        PendingAction::new(OperationId::CancelAddParticipant).invitation_id("another-invitation");
    assert_eq!(other.classify(&cancelled), Outcome::Unrelated);

    let dtmf = PendingAction::new(OperationId::SendDtmf)
        .operation_context("ContinuousDtmfRecognitionSend");
    assert_eq!(
        dtmf.classify(&recorded(
            "send-dtmf-tones-completed.cloudevent.recorded.json"
        )),
        Outcome::Succeeded
    );
}

#[test]
fn call_disconnected_ends_every_pending_action_on_that_call_only() {
    let disconnected = recorded("call-disconnected.cloudevent.recorded.json");
    let call = "02002680-f4b8-4b28-a483-45d289c40ff7";
    let play = PendingAction::new(OperationId::Play)
        .call_connection_id(call)
        .operation_context("greeting");
    assert_eq!(play.classify(&disconnected), Outcome::CallEnded);
    let elsewhere = PendingAction::new(OperationId::Play)
        .call_connection_id("other")
        .operation_context("greeting");
    assert_eq!(elsewhere.classify(&disconnected), Outcome::Unrelated);
    let hang_up = PendingAction::new(OperationId::HangUp).call_connection_id(call);
    assert_eq!(hang_up.classify(&disconnected), Outcome::Succeeded);
    // Without a call connection id nothing can tie the disconnect to the action.
    assert_eq!(
        PendingAction::new(OperationId::Play).classify(&disconnected),
        Outcome::Unrelated
    );
}

#[test]
fn hold_has_only_a_failure_event() {
    assert!(OperationId::Hold.kinds(Outcome::Succeeded).is_empty());
    let hold = PendingAction::new(OperationId::Hold)
        .call_connection_id("cc-1")
        .operation_context("hold-1");
    assert_eq!(
        hold.classify(&event("HoldFailed", on_call("hold-1"))),
        Outcome::Failed
    );
}

#[test]
fn recording_state_changes_match_by_recording_id_despite_having_no_context() {
    let start = PendingAction::new(OperationId::StartRecording)
        .call_connection_id("cc-1")
        .operation_context("rec")
        .recording_id("rec-1");
    let active = json!({"callConnectionId": "cc-1", "recordingId": "rec-1", "state": "active"});
    assert_eq!(
        start.classify(&event("RecordingStateChanged", active)),
        Outcome::Succeeded
    );
    let other = json!({"callConnectionId": "cc-1", "recordingId": "rec-2", "state": "active"});
    assert_eq!(
        start.classify(&event("RecordingStateChanged", other)),
        Outcome::Unrelated
    );
    let failed =
        json!({"callConnectionId": "cc-1", "recordingId": "rec-1", "operationContext": "rec"});
    assert_eq!(
        start.classify(&event("StartRecordingFailed", failed)),
        Outcome::Failed
    );
}

#[test]
fn continuous_dtmf_tones_are_progress_until_stopped() {
    let start = PendingAction::new(OperationId::StartContinuousDtmf).call_connection_id("cc-1");
    let tone = json!({"callConnectionId": "cc-1", "sequenceId": 1, "tone": "five"});
    assert_eq!(
        start.classify(&event("ContinuousDtmfRecognitionToneReceived", tone)),
        Outcome::Progress
    );
    let stopped = json!({"callConnectionId": "cc-1"});
    assert_eq!(
        start.classify(&event("ContinuousDtmfRecognitionStopped", stopped.clone())),
        Outcome::Canceled
    );
    let stop = PendingAction::new(OperationId::StopContinuousDtmf).call_connection_id("cc-1");
    assert_eq!(
        stop.classify(&event("ContinuousDtmfRecognitionStopped", stopped)),
        Outcome::Succeeded
    );
}

#[test]
fn the_table_names_only_real_kinds_and_covers_all_but_the_roster() {
    let real: BTreeSet<&str> = CALLBACK_EVENT_KINDS.iter().copied().collect();
    let mut covered = BTreeSet::new();
    let roles = [
        Outcome::Succeeded,
        Outcome::Failed,
        Outcome::Canceled,
        Outcome::Progress,
    ];
    for a in OperationId::ALL {
        let kinds = roles.map(|r| a.kinds(r)).concat();
        for k in &kinds {
            assert!(real.contains(k), "{a:?} names {k}");
            covered.insert(*k);
        }
        assert!(
            kinds.is_empty()
                || !a.kinds(Outcome::Failed).is_empty()
                || matches!(a, OperationId::HangUp | OperationId::Terminate),
            "{a:?} has no failure event"
        );
    }
    let uncovered: Vec<&str> = real.difference(&covered).copied().collect();
    assert_eq!(uncovered, ["ParticipantsUpdated"]);
}
