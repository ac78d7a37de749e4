//! What the emulator sends has the spec's shapes: every response body matches its
//! operation's response schema, and every event's `data` matches the swagger definition
//! of its type (closed world, with the two fields real payloads add: `version`,
//! `publicEventType`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../tests/common/mod.rs"]
mod common;
mod emulator_common;

use callsteer::api::*;
use callsteer::models::{CallLocator, PlaySource, RecognizeInputType, RecognizeOptions, Tone};
use common::schema::Direction;
use common::{response_errors, spec};
use emulator_common::*;
use serde_json::{json, Value};

fn check(op: &str, (status, body): (u16, Value)) -> Value {
    if !body.is_null() {
        let errors = response_errors(op, status, &body);
        assert!(errors.is_empty(), "{op} {status}: {errors:?}\n{body}");
    }
    body
}

#[tokio::test]
async fn responses_and_events_match_the_spec() {
    let h = Harness::start().await;
    let create = CreateCall::new([acs("alice"), phone("+14255550199")], h.cb("s"))
        .source_caller_id_number("+14255550100");
    let props = check("CreateCall", h.send_raw(&create).await);
    let id = props["callConnectionId"].as_str().unwrap().to_owned();
    h.expect(
        &id,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    let server = check(
        "CallConnection_GetCall",
        h.send_raw(&GetCall::new(&id)).await,
    )["serverCallId"]
        .as_str()
        .unwrap()
        .to_owned();

    let add = check(
        "CallConnection_AddParticipant",
        h.send_raw(&AddParticipant::new(&id, acs("bob_noanswer")))
            .await,
    );
    let inv = add["invitationId"].as_str().unwrap();
    check(
        "CallConnection_CancelAddParticipant",
        h.send_raw(&CancelAddParticipant::new(&id, inv)).await,
    );
    check(
        "CallConnection_Mute",
        h.send_raw(&MuteParticipant::new(&id, acs("alice"))).await,
    );
    check(
        "CallConnection_GetParticipants",
        h.send_raw(&ListParticipants::new(&id)).await,
    );
    check(
        "CallConnection_GetParticipant",
        h.send_raw(&GetParticipant::new(&id, acs("alice").raw_id()))
            .await,
    );
    check(
        "CallMedia_SendDtmfTones",
        h.send_raw(&SendDtmfTones::new(
            &id,
            vec![Tone::Five],
            phone("+14255550199"),
        ))
        .await,
    );
    let rec = check(
        "CallRecording_StartRecording",
        h.send_raw(&StartRecording::for_call_connection(&id)).await,
    );
    check(
        "CallRecording_GetRecordingProperties",
        h.send_raw(&GetRecordingState::new(
            rec["recordingId"].as_str().unwrap(),
        ))
        .await,
    );
    h.send_raw(&Play::new(
        &id,
        vec![PlaySource::file("https://m.example/a.wav?durationMs=50")],
    ))
    .await;
    h.send_raw(&Recognize::new(
        &id,
        RecognizeInputType::Dtmf,
        RecognizeOptions::new(acs("alice")),
    ))
    .await;
    h.next_matching(|r| event_type(&r.event) == "PlayCompleted")
        .await;
    h.control(
        "/emulator/dtmf",
        json!({ "callConnectionId": id, "participant": acs("alice").raw_id(), "tones": "7" }),
    )
    .await;

    h.send_raw(&AddParticipant::new(&id, acs("carl_busy")))
        .await;
    h.next_matching(|r| event_type(&r.event) == "AddParticipantFailed")
        .await;
    h.send_raw(&AddParticipant::new(&id, acs("dora"))).await;
    h.next_matching(|r| event_type(&r.event) == "AddParticipantSucceeded")
        .await;
    let other = check(
        "Connect",
        h.send_raw(&ConnectCall::new(
            CallLocator::ServerCall(server),
            h.cb("o"),
        ))
        .await,
    );
    let other = other["callConnectionId"].as_str().unwrap().to_owned();
    h.expect(&other, &["ParticipantsUpdated", "CallConnected"])
        .await;
    let moved = MoveParticipants::new(&other, &id, [phone("+14255550199")]);
    let err = check("CallConnection_MoveParticipants", h.send_raw(&moved).await);
    assert_eq!(
        err["error"]["code"], "BadRequest",
        "same server call: {err}"
    );
    check(
        "CallConnection_RemoveParticipant",
        h.send_raw(&RemoveParticipant::new(&id, phone("+14255550199")))
            .await,
    );
    check(
        "CallConnection_TransferToParticipant",
        h.send_raw(&TransferCallToParticipant::new(&other, acs("agent")).transferee(acs("dora")))
            .await,
    );
    check(
        "CallConnection_GetCall",
        h.send_raw(&GetCall::new("nope")).await,
    );
    let data = incoming(&h, "+14255550123", &acs("bot").raw_id()).await;
    let incoming_schema = json!({ "$ref": "#/definitions/IncomingCall" });
    let errors = spec().errors(&spec().main, &incoming_schema, &data, Direction::Response);
    assert!(errors.is_empty(), "IncomingCall: {errors:?}");
    check(
        "AnswerCall",
        h.send_raw(&AnswerCall::new(
            data["incomingCallContext"].as_str().unwrap(),
            h.cb("a"),
        ))
        .await,
    );
    h.next_matching(|r| event_type(&r.event) == "CallTransferAccepted")
        .await;
    h.next_matching(|r| event_type(&r.event) == "RecognizeCompleted")
        .await;

    h.send_raw(&TerminateCall::new(&id)).await;
    h.next_matching(|r| event_type(&r.event) == "CallDisconnected")
        .await;
    let kinds = assert_events_match_spec(&h).await;
    assert!(
        kinds.len() >= 13,
        "a broad sample of event types: {kinds:?}"
    );
    h.stop().await;
}

/// Validates every event the emulator has sent; returns the distinct types seen.
async fn assert_events_match_spec(h: &Harness) -> Vec<String> {
    let events = h.all_events().await;
    let mut kinds: Vec<String> = events.iter().map(|e| event_type(e).to_owned()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert!(
        kinds.len() >= 13,
        "a broad sample of event types: {kinds:?}"
    );
    let spec = spec();
    for e in &events {
        let kind = event_type(e);
        let mut data = e["data"].clone();
        let obj = data.as_object_mut().unwrap();
        assert_eq!(obj.remove("publicEventType"), Some(json!(e["type"])));
        assert!(obj.remove("version").is_some());
        let schema = json!({ "$ref": format!("#/definitions/{kind}") });
        let errors = spec.errors(&spec.main, &schema, &data, Direction::Response);
        assert!(errors.is_empty(), "{kind}: {errors:?}\n{data}");
    }
    kinds
}

#[tokio::test]
async fn failure_media_and_stream_events_match_the_spec() {
    use callsteer::models::{
        MediaStreamingAudioChannelType, MediaStreamingOptions, TranscriptionOptions,
    };
    let h = Harness::start().await;
    let failed = h
        .send(&CreateCall::new([acs("x_busy")], h.cb("f")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&failed, &["CreateCallFailed", "CallDisconnected"])
        .await;
    let create = CreateCall::new([acs("alice"), acs("bob")], h.cb("m"))
        .transcription_options(TranscriptionOptions::websocket("en-US"))
        .media_streaming_options(MediaStreamingOptions::websocket(
            MediaStreamingAudioChannelType::Unmixed,
        ));
    let id = h.send(&create).await.unwrap().call_connection_id.unwrap();
    h.expect(
        &id,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "ParticipantsUpdated",
        ],
    )
    .await;
    h.send(&StartTranscription::new(&id)).await.unwrap();
    h.send(&UpdateTranscription::new(&id).locale("fr-FR"))
        .await
        .unwrap();
    h.send(&StopTranscription::new(&id)).await.unwrap();
    h.send(&StartMediaStreaming::new(&id)).await.unwrap();
    h.send(&StopMediaStreaming::new(&id)).await.unwrap();
    h.expect(
        &id,
        &[
            "TranscriptionStarted",
            "TranscriptionUpdated",
            "TranscriptionStopped",
            "MediaStreamingStarted",
            "MediaStreamingStopped",
        ],
    )
    .await;
    h.send(&StartContinuousDtmfRecognition::new(&id, acs("bob")))
        .await
        .unwrap();
    h.control(
        "/emulator/dtmf",
        json!({ "callConnectionId": id, "participant": acs("bob").raw_id(), "tones": "1" }),
    )
    .await;
    h.send(&StopContinuousDtmfRecognition::new(&id, acs("bob")))
        .await
        .unwrap();
    h.expect(
        &id,
        &[
            "ContinuousDtmfRecognitionToneReceived",
            "ContinuousDtmfRecognitionStopped",
        ],
    )
    .await;
    h.send(&Play::new(
        &id,
        vec![PlaySource::file("https://m.example/notfound.wav")],
    ))
    .await
    .unwrap();
    h.send(&Play::new(
        &id,
        vec![PlaySource::file(
            "https://m.example/long.wav?durationMs=60000",
        )],
    ))
    .await
    .unwrap();
    h.send(&CancelAllMediaOperations::new(&id)).await.unwrap();
    h.expect(&id, &["PlayFailed", "PlayStarted", "PlayCanceled"])
        .await;
    let opts = RecognizeOptions::new(acs("bob")).initial_silence_timeout_in_seconds(0);
    h.send(&Recognize::new(&id, RecognizeInputType::Speech, opts))
        .await
        .unwrap();
    h.expect(&id, &["RecognizeFailed"]).await;
    h.send(&CancelAddParticipant::new(
        &id,
        "00000000-0000-4000-8000-000000000000",
    ))
    .await
    .unwrap();
    h.expect(&id, &["CancelAddParticipantFailed"]).await;
    h.send(&TransferCallToParticipant::new(&id, acs("t_reject")).transferee(acs("bob")))
        .await
        .unwrap();
    h.expect(&id, &["CallTransferFailed"]).await;
    let other = connected_call(&h, acs("carol")).await;
    h.send(&MoveParticipants::new(&id, &other, [acs("carol")]))
        .await
        .unwrap();
    h.expect(&id, &["ParticipantsUpdated", "MoveParticipantSucceeded"])
        .await;
    let kinds = assert_events_match_spec(&h).await;
    assert!(kinds.len() >= 18, "{kinds:?}");
    h.stop().await;
}
