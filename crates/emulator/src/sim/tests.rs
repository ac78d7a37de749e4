//! Deterministic tests of the simulation: time is a number we move by hand.

use super::*;
use crate::wire;
use serde_json::json;

const T0: u64 = 1_700_000_000_000;

fn sim() -> Simulation {
    Simulation::new("res-1", 42)
}

fn decode<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// Runs timers up to `until` and returns the event types delivered, in order.
fn run_until(s: &mut Simulation, until: u64) -> Vec<String> {
    s.handle_timeout(until);
    let mut out = Vec::new();
    while let Some(o) = s.poll_output() {
        match o {
            Output::Callback { event, .. } => out.push(
                event["type"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("Microsoft.Communication.")
                    .to_owned(),
            ),
            Output::IncomingCall { .. } => out.push("IncomingCall".into()),
        }
    }
    out
}

fn create(s: &mut Simulation, targets: Value) -> String {
    let body: wire::CreateCall = decode(json!({
        "targets": targets, "callbackUri": "http://127.0.0.1:9/cb", "sourceCallerIdNumber": {"value": "+14255550100"}
    }));
    let r = s.handle_request(Request::CreateCall(body), T0).unwrap();
    assert_eq!(r.status, 201);
    let body = r.body.unwrap();
    assert_eq!(body["callConnectionState"], "connecting");
    body["callConnectionId"].as_str().unwrap().to_owned()
}

fn user(id: &str) -> Value {
    json!({ "communicationUser": { "id": id } })
}

#[test]
fn a_one_to_one_call_connects_when_the_target_answers() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1_delay1500")]));
    assert!(run_until(&mut s, T0 + 1_499).is_empty());
    assert_eq!(
        run_until(&mut s, T0 + 1_500),
        ["ParticipantsUpdated", "CallConnected"]
    );
    let r = s
        .handle_request(Request::GetCall { call: id.clone() }, T0 + 2_000)
        .unwrap();
    assert_eq!(r.body.unwrap()["callConnectionState"], "connected");
    s.handle_request(Request::HangUp { call: id.clone() }, T0 + 3_000)
        .unwrap();
    assert_eq!(run_until(&mut s, T0 + 3_000), ["CallDisconnected"]);
    let e = s
        .handle_request(Request::GetParticipants { call: id }, T0 + 3_001)
        .unwrap_err();
    assert_eq!(e.status, 404);
}

#[test]
fn a_busy_target_fails_the_call() {
    let mut s = sim();
    create(
        &mut s,
        json!([{ "phoneNumber": { "value": "+15550011234" } }]),
    );
    assert_eq!(
        run_until(&mut s, T0 + 200),
        ["CreateCallFailed", "CallDisconnected"]
    );
}

#[test]
fn a_group_call_connects_on_the_first_answer_and_ignores_failures() {
    let mut s = sim();
    create(
        &mut s,
        json!([
            user("8:acs:r_a_reject"),
            user("8:acs:r_b_delay100"),
            user("8:acs:r_c_delay300")
        ]),
    );
    assert_eq!(
        run_until(&mut s, T0 + 100),
        ["ParticipantsUpdated", "CallConnected"]
    );
    assert_eq!(run_until(&mut s, T0 + 1_000), ["ParticipantsUpdated"]);
}

#[test]
fn an_unanswered_invitation_times_out_at_the_requested_time() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1")]));
    run_until(&mut s, T0);
    let body: wire::AddParticipant = decode(
        json!({ "participantToAdd": user("8:acs:r_u2_noanswer"), "invitationTimeoutInSeconds": 3 }),
    );
    let r = s
        .handle_request(Request::AddParticipant { call: id, body }, T0 + 10)
        .unwrap();
    assert_eq!(r.status, 202);
    assert!(r.body.unwrap()["invitationId"].is_string());
    assert!(run_until(&mut s, T0 + 3_009).is_empty());
    assert_eq!(run_until(&mut s, T0 + 3_010), ["AddParticipantFailed"]);
}

#[test]
fn recognize_collects_dtmf_until_max_tones() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1")]));
    run_until(&mut s, T0);
    let body: wire::Recognize = decode(json!({
        "recognizeInputType": "dtmf",
        "recognizeOptions": { "targetParticipant": user("8:acs:r_u1"), "dtmfOptions": { "maxTonesToCollect": 3 } }
    }));
    s.handle_request(
        Request::Recognize {
            call: id.clone(),
            body,
        },
        T0 + 10,
    )
    .unwrap();
    assert_eq!(
        s.handle_dtmf(&id, "8:acs:r_u1", "12", T0 + 20).unwrap(),
        control::Consumer::Recognize
    );
    // The inter-tone timer of the first tone must not end the recognition early.
    assert!(run_until(&mut s, T0 + 2_015).is_empty());
    s.handle_dtmf(&id, "8:acs:r_u1", "#", T0 + 2_016).unwrap();
    let mut last = None;
    while let Some(Output::Callback { event, .. }) = s.poll_output() {
        last = Some(event);
    }
    let e = last.unwrap();
    assert_eq!(e["type"], "Microsoft.Communication.RecognizeCompleted");
    assert_eq!(
        e["data"]["dtmfResult"]["tones"],
        json!(["one", "two", "pound"])
    );
    assert_eq!(e["data"]["resultInformation"]["subCode"], 8531);
}

#[test]
fn recognize_fails_after_initial_silence() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1")]));
    run_until(&mut s, T0);
    let body: wire::Recognize = decode(json!({
        "recognizeInputType": "speech", "playPrompt": { "kind": "text", "text": { "text": "0123456789" } },
        "recognizeOptions": { "targetParticipant": user("8:acs:r_u1"), "initialSilenceTimeoutInSeconds": 2 }
    }));
    s.handle_request(Request::Recognize { call: id, body }, T0)
        .unwrap();
    // 10 characters → 600 ms prompt, then 2 s of silence.
    assert!(run_until(&mut s, T0 + 2_599).is_empty());
    assert_eq!(run_until(&mut s, T0 + 2_600), ["RecognizeFailed"]);
}

#[test]
fn plays_queue_and_complete_after_their_duration() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1")]));
    run_until(&mut s, T0);
    let play = |ms: u64| -> wire::Play {
        decode(
            json!({ "playSources": [{ "kind": "file", "file": { "uri": format!("https://x.test/a.wav?durationMs={ms}") } }] }),
        )
    };
    s.handle_request(
        Request::Play {
            call: id.clone(),
            body: play(1000),
        },
        T0,
    )
    .unwrap();
    s.handle_request(
        Request::Play {
            call: id.clone(),
            body: play(500),
        },
        T0,
    )
    .unwrap();
    assert_eq!(run_until(&mut s, T0), ["PlayStarted"]);
    assert_eq!(
        run_until(&mut s, T0 + 1_000),
        ["PlayCompleted", "PlayStarted"]
    );
    assert_eq!(run_until(&mut s, T0 + 1_500), ["PlayCompleted"]);
}

#[test]
fn answering_an_incoming_call_consumes_its_context() {
    let mut s = sim();
    let from = callsteer::CommunicationIdentifier::phone("+14255550123");
    let to = callsteer::CommunicationIdentifier::user("8:acs:r_bot");
    let created = s.handle_incoming_call(from, to, None, None, T0);
    assert_eq!(run_until(&mut s, T0), ["IncomingCall"]);
    let answer = |ctx: &str| -> wire::AnswerCall {
        decode(json!({ "incomingCallContext": ctx, "callbackUri": "http://127.0.0.1:9/cb" }))
    };
    let r = s
        .handle_request(
            Request::AnswerCall(answer(&created.incoming_call_context)),
            T0,
        )
        .unwrap();
    assert_eq!(r.body.unwrap()["serverCallId"], created.server_call_id);
    assert_eq!(
        run_until(&mut s, T0),
        ["ParticipantsUpdated", "CallConnected"]
    );
    let e = s
        .handle_request(
            Request::AnswerCall(answer(&created.incoming_call_context)),
            T0,
        )
        .unwrap_err();
    assert_eq!(e.status, 400);
}

#[test]
fn same_seed_same_ids() {
    let (mut a, mut b) = (sim(), sim());
    assert_eq!(
        create(&mut a, json!([user("8:acs:r_u1")])),
        create(&mut b, json!([user("8:acs:r_u1")]))
    );
}

#[test]
fn debug_output_never_shows_incoming_call_contexts() {
    let mut s = sim();
    let from = callsteer::CommunicationIdentifier::phone("+14255550123");
    let created = s.handle_incoming_call(from.clone(), from, None, None, T0);
    let debug = format!("{s:?}");
    assert!(!debug.contains(&created.incoming_call_context), "{debug}");
    assert!(debug.contains("incoming: 1"));
}

#[test]
fn absurd_media_durations_are_capped_not_overflowed() {
    let mut s = sim();
    let id = create(&mut s, json!([user("8:acs:r_u1")]));
    run_until(&mut s, T0);
    let body: wire::Play = decode(json!({ "playSources": [
        { "kind": "file", "file": { "uri": "https://x.test/a.wav?durationMs=99999999999999999999" } },
        { "kind": "file", "file": { "uri": "https://x.test/b.wav?durationMs=18446744073709551615" } }
    ] }));
    s.handle_request(Request::Play { call: id, body }, T0)
        .unwrap();
    assert_eq!(run_until(&mut s, T0), ["PlayStarted"]);
    assert!(run_until(&mut s, T0 + 86_399_999).is_empty());
    assert_eq!(run_until(&mut s, T0 + 86_400_000), ["PlayCompleted"]);
}
