//! Scenario tests: play, recognize, DTMF, recording, transcription and media streaming.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use callsteer::api::{
    CancelAllMediaOperations, CreateCall, GetCall, GetRecordingState, PauseRecording, Play,
    Recognize, ResumeRecording, SendDtmfTones, StartContinuousDtmfRecognition, StartMediaStreaming,
    StartRecording, StartTranscription, StopContinuousDtmfRecognition, StopMediaStreaming,
    StopRecording, StopTranscription,
};
use callsteer::models::{
    Choice, DtmfOptions, MediaStreamingAudioChannelType, MediaStreamingOptions, PlaySource,
    RecognizeInputType, RecognizeOptions, TextSource, Tone, TranscriptionOptions,
};
use emulator_common::*;
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn play_starts_then_completes_after_the_media_duration() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let started = Instant::now();
    let src = PlaySource::file("https://media.example/prompt.wav?durationMs=700");
    h.send(&Play::new(&id, vec![src]).operation_context("greeting"))
        .await
        .unwrap();
    let ev = h.expect(&id, &["PlayStarted", "PlayCompleted"]).await;
    assert!(
        started.elapsed().as_millis() >= 700,
        "completed after the media's duration"
    );
    assert_eq!(ev[1]["data"]["operationContext"], "greeting");
    // A looping play runs until cancelled.
    h.send(&Play::new(&id, vec![PlaySource::text(TextSource::new("hold music"))]).play_loop(true))
        .await
        .unwrap();
    h.expect(&id, &["PlayStarted"]).await;
    h.send(&CancelAllMediaOperations::new(&id)).await.unwrap();
    h.expect(&id, &["PlayCanceled"]).await;
    h.stop().await;
}

#[tokio::test]
async fn recognize_dtmf_answered_through_the_control_api() {
    let h = Harness::start().await;
    let id = connected_call(&h, phone("+14255550123")).await;
    let opts = RecognizeOptions::new(phone("+14255550123")).dtmf_options(
        DtmfOptions::new()
            .max_tones_to_collect(4)
            .stop_tones(vec![Tone::Pound]),
    );
    let rec = Recognize::new(&id, RecognizeInputType::Dtmf, opts)
        .play_prompt(PlaySource::text(TextSource::new("Enter your PIN")))
        .operation_context("pin");
    h.send(&rec).await.unwrap();
    let (s, r) = h
        .control(
            "/emulator/dtmf",
            json!({ "callConnectionId": id, "participant": "+14255550123", "tones": "12#" }),
        )
        .await;
    assert_eq!((s, r["consumedBy"].as_str()), (202, Some("recognize")));
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["recognitionType"], "dtmf");
    assert_eq!(ev[0]["data"]["dtmfResult"]["tones"], json!(["one", "two"]));
    assert_eq!(ev[0]["data"]["operationContext"], "pin");
    h.stop().await;
}

#[tokio::test]
async fn recognize_speech_and_choices() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    h.send(&Recognize::new(
        &id,
        RecognizeInputType::Speech,
        RecognizeOptions::new(acs("alice")),
    ))
    .await
    .unwrap();
    h.control("/emulator/speech", json!({ "callConnectionId": id, "participant": acs("alice").raw_id(), "text": "I need help" })).await;
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["speechResult"]["speech"], "I need help");

    let choices = vec![
        Choice::new("sales", vec!["sales".into(), "buy".into()]).tone(Tone::One),
        Choice::new("support", vec!["help".into()]).tone(Tone::Two),
    ];
    let opts = RecognizeOptions::new(acs("alice")).choices(choices);
    h.send(&Recognize::new(
        &id,
        RecognizeInputType::Choices,
        opts.clone(),
    ))
    .await
    .unwrap();
    h.control(
        "/emulator/speech",
        json!({ "callConnectionId": id, "participant": acs("alice").raw_id(), "text": "Buy" }),
    )
    .await;
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["choiceResult"]["label"], "sales");
    h.send(&Recognize::new(&id, RecognizeInputType::Choices, opts))
        .await
        .unwrap();
    h.control(
        "/emulator/dtmf",
        json!({ "callConnectionId": id, "participant": acs("alice").raw_id(), "tones": "2" }),
    )
    .await;
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["choiceResult"]["label"], "support");
    // Silence: the recognize fails after the initial silence timeout.
    let opts = RecognizeOptions::new(acs("alice")).initial_silence_timeout_in_seconds(1);
    h.send(&Recognize::new(&id, RecognizeInputType::Speech, opts))
        .await
        .unwrap();
    let ev = h.expect(&id, &["RecognizeFailed"]).await;
    assert_eq!(ev[0]["data"]["resultInformation"]["subCode"], 8510);
    h.stop().await;
}

#[tokio::test]
async fn continuous_dtmf_and_send_dtmf() {
    let h = Harness::start().await;
    let id = connected_call(&h, phone("+14255550123")).await;
    h.send(
        &StartContinuousDtmfRecognition::new(&id, phone("+14255550123")).operation_context("cont"),
    )
    .await
    .unwrap();
    let (_, r) = h
        .control(
            "/emulator/dtmf",
            json!({ "callConnectionId": id, "participant": "+14255550123", "tones": "5*" }),
        )
        .await;
    assert_eq!(r["consumedBy"], "continuousDtmf");
    let ev = h
        .expect(
            &id,
            &[
                "ContinuousDtmfRecognitionToneReceived",
                "ContinuousDtmfRecognitionToneReceived",
            ],
        )
        .await;
    assert_eq!(
        (
            ev[0]["data"]["tone"].as_str(),
            ev[0]["data"]["sequenceId"].as_i64()
        ),
        (Some("five"), Some(1))
    );
    assert_eq!(
        (
            ev[1]["data"]["tone"].as_str(),
            ev[1]["data"]["sequenceId"].as_i64()
        ),
        (Some("asterisk"), Some(2))
    );
    h.send(&StopContinuousDtmfRecognition::new(
        &id,
        phone("+14255550123"),
    ))
    .await
    .unwrap();
    h.expect(&id, &["ContinuousDtmfRecognitionStopped"]).await;
    let r = h
        .send(
            &SendDtmfTones::new(&id, vec![Tone::One, Tone::Pound], phone("+14255550123"))
                .operation_context("send"),
        )
        .await
        .unwrap();
    assert_eq!(r.operation_context.as_deref(), Some("send"));
    let ev = h.expect(&id, &["SendDtmfTonesCompleted"]).await;
    assert_eq!(ev[0]["data"]["operationContext"], "send");
    h.stop().await;
}

#[tokio::test]
async fn recording_start_pause_resume_stop() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let r = h
        .send(&StartRecording::for_call_connection(&id))
        .await
        .unwrap();
    let rid = r.recording_id.unwrap();
    assert_eq!(serde_json::to_value(&r.recording_state).unwrap(), "active");
    let ev = h.expect(&id, &["RecordingStateChanged"]).await;
    assert_eq!(
        (
            ev[0]["data"]["recordingId"].as_str(),
            ev[0]["data"]["state"].as_str()
        ),
        (Some(rid.as_str()), Some("active"))
    );
    h.send(&PauseRecording::new(&rid)).await.unwrap();
    assert_eq!(
        h.expect(&id, &["RecordingStateChanged"]).await[0]["data"]["state"],
        "inactive"
    );
    let got = h.send(&GetRecordingState::new(&rid)).await.unwrap();
    assert_eq!(
        serde_json::to_value(&got.recording_state).unwrap(),
        "inactive"
    );
    h.send(&ResumeRecording::new(&rid)).await.unwrap();
    assert_eq!(
        h.expect(&id, &["RecordingStateChanged"]).await[0]["data"]["state"],
        "active"
    );
    h.send(&StopRecording::new(&rid)).await.unwrap();
    assert_eq!(
        h.expect(&id, &["RecordingStateChanged"]).await[0]["data"]["state"],
        "inactive"
    );
    let err = h.send(&GetRecordingState::new(&rid)).await.unwrap_err();
    assert!(matches!(err, callsteer::Error::Service(ref s) if s.status == 404));
    h.stop().await;
}

#[tokio::test]
async fn transcription_and_media_streaming_state() {
    let h = Harness::start().await;
    let create = CreateCall::new([acs("alice")], h.cb("ts"))
        .transcription_options(
            TranscriptionOptions::websocket("en-US").transport_url("wss://127.0.0.1:9/t"),
        )
        .media_streaming_options(
            MediaStreamingOptions::websocket(MediaStreamingAudioChannelType::Mixed)
                .transport_url("wss://127.0.0.1:9/m")
                .start_media_streaming(true),
        );
    let id = h.send(&create).await.unwrap().call_connection_id.unwrap();
    h.expect(
        &id,
        &[
            "ParticipantsUpdated",
            "CallConnected",
            "MediaStreamingStarted",
        ],
    )
    .await;
    let props = serde_json::to_value(h.send(&GetCall::new(&id)).await.unwrap()).unwrap();
    assert_eq!(props["mediaStreamingSubscription"]["state"], "active");
    assert_eq!(props["transcriptionSubscription"]["state"], "inactive");
    h.send(&StartTranscription::new(&id).operation_context("tx"))
        .await
        .unwrap();
    let ev = h.expect(&id, &["TranscriptionStarted"]).await;
    assert_eq!(
        ev[0]["data"]["transcriptionUpdate"]["transcriptionStatus"],
        "transcriptionStarted"
    );
    let err = h.send(&StartTranscription::new(&id)).await.unwrap_err();
    assert!(
        matches!(err, callsteer::Error::Service(ref s) if s.status == 400),
        "already active"
    );
    h.send(&StopTranscription::new(&id)).await.unwrap();
    h.expect(&id, &["TranscriptionStopped"]).await;
    h.send(&StopMediaStreaming::new(&id)).await.unwrap();
    h.expect(&id, &["MediaStreamingStopped"]).await;
    h.send(&StartMediaStreaming::new(&id)).await.unwrap();
    h.expect(&id, &["MediaStreamingStarted"]).await;
    h.stop().await;
}

#[tokio::test]
async fn an_unreachable_file_fails_the_play_and_the_queue_moves_on() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let sources = vec![
        PlaySource::file("https://media.example/ok.wav?durationMs=100"),
        PlaySource::file("https://media.example/notfound.wav"),
    ];
    h.send(&Play::new(&id, sources).operation_context("bad"))
        .await
        .unwrap();
    let ok = vec![PlaySource::file(
        "https://media.example/next.wav?durationMs=100",
    )];
    h.send(&Play::new(&id, ok).operation_context("next"))
        .await
        .unwrap();
    let ev = h
        .expect(&id, &["PlayFailed", "PlayStarted", "PlayCompleted"])
        .await;
    assert_eq!(ev[0]["data"]["failedPlaySourceIndex"], 1);
    assert_eq!(ev[0]["data"]["resultInformation"]["subCode"], 8535);
    assert_eq!(ev[2]["data"]["operationContext"], "next");
    h.stop().await;
}

#[tokio::test]
async fn speech_or_dtmf_takes_either_and_cancel_stops_a_recognize() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let who = acs("alice").raw_id();
    let opts = RecognizeOptions::new(acs("alice"))
        .dtmf_options(DtmfOptions::new().max_tones_to_collect(1));
    h.send(&Recognize::new(
        &id,
        RecognizeInputType::SpeechOrDtmf,
        opts.clone(),
    ))
    .await
    .unwrap();
    h.control(
        "/emulator/dtmf",
        json!({ "callConnectionId": id, "participant": who, "tones": "4" }),
    )
    .await;
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["recognitionType"], "dtmf");
    h.send(&Recognize::new(
        &id,
        RecognizeInputType::SpeechOrDtmf,
        opts.clone(),
    ))
    .await
    .unwrap();
    h.control(
        "/emulator/speech",
        json!({ "callConnectionId": id, "participant": who, "text": "four" }),
    )
    .await;
    let ev = h.expect(&id, &["RecognizeCompleted"]).await;
    assert_eq!(ev[0]["data"]["recognitionType"], "speech");
    h.send(&Recognize::new(&id, RecognizeInputType::SpeechOrDtmf, opts).operation_context("gone"))
        .await
        .unwrap();
    h.send(&CancelAllMediaOperations::new(&id)).await.unwrap();
    let ev = h.expect(&id, &["RecognizeCanceled"]).await;
    assert_eq!(ev[0]["data"]["operationContext"], "gone");
    let (_, r) = h
        .control(
            "/emulator/dtmf",
            json!({ "callConnectionId": id, "participant": who, "tones": "4" }),
        )
        .await;
    assert_eq!(r["consumedBy"], "none", "nothing listens after the cancel");
    h.stop().await;
}
