//! Golden requests, validation and response decoding for the input-side media operations:
//! recognize, send DTMF tones, continuous DTMF recognition.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{
    Operation, Recognize, SendDtmfTones, SendDtmfTonesResult, StartContinuousDtmfRecognition,
    StopContinuousDtmfRecognition,
};
use callsteer::http::Method;
use callsteer::models::{
    Choice, DtmfOptions, PlaySource, RecognizeInputType, RecognizeOptions, SpeechOptions,
    TextSource, Tone,
};
use callsteer::{CommunicationIdentifier, Error};
use common::{
    assert_request_matches, assert_response_matches, assert_service_error, body_json,
    error_response, fixed_repeatability, invalid, ok_response, FIXED_FIRST_SENT, FIXED_REQUEST_ID,
};
use serde_json::{json, Value};

const API: &str = "2026-03-12";
const CALL: &str = "421f0b00-1b2c-4d5e-9f70-8a9b0c1d2e3f";

fn caller() -> CommunicationIdentifier {
    CommunicationIdentifier::phone("+14255550123")
}

fn caller_wire() -> Value {
    json!({"kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": {"value": "+14255550123"}})
}

fn path(action: &str) -> String {
    format!("/calling/callConnections/{CALL}:{action}?api-version={API}")
}

fn phrases(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| (*s).to_owned()).collect()
}

fn prompt() -> PlaySource {
    PlaySource::text(TextSource::new("Press 1 for sales"))
}

// operationId: CallMedia_Recognize
#[test]
fn recognize_dtmf_golden_with_every_field() {
    let options = RecognizeOptions::new(caller())
        .interrupt_prompt(true)
        .initial_silence_timeout_in_seconds(5)
        .dtmf_options(
            DtmfOptions::new()
                .inter_tone_timeout_in_seconds(2)
                .max_tones_to_collect(4)
                .stop_tones(vec![Tone::Pound, Tone::Asterisk]),
        );
    let op = Recognize::new(CALL, RecognizeInputType::Dtmf, options)
        .play_prompt(prompt())
        .interrupt_call_media_operation(true)
        .operation_context("ctx-rec")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("recognize"));
    assert_eq!(
        req.headers,
        vec![("content-type".to_owned(), "application/json".to_owned())]
    );
    assert_eq!(
        body_json(&req),
        json!({
            "recognizeInputType": "dtmf",
            "playPrompt": {"kind": "text", "text": {"text": "Press 1 for sales"}},
            "interruptCallMediaOperation": true,
            "recognizeOptions": {
                "interruptPrompt": true,
                "initialSilenceTimeoutInSeconds": 5,
                "targetParticipant": caller_wire(),
                "dtmfOptions": {"interToneTimeoutInSeconds": 2, "maxTonesToCollect": 4, "stopTones": ["pound", "asterisk"]}
            },
            "operationContext": "ctx-rec",
            "operationCallbackUri": "https://app.example/ops"
        })
    );
    assert_request_matches("CallMedia_Recognize", &req);
}

#[test]
fn recognize_choices_golden() {
    let options = RecognizeOptions::new(caller())
        .speech_language("en-US")
        .speech_recognition_model_endpoint_id("model-1")
        .choices(vec![
            Choice::new("sales", phrases(&["sales", "buy"])).tone(Tone::One),
            Choice::new("support", phrases(&["help"])),
        ]);
    let op = Recognize::new(CALL, RecognizeInputType::Choices, options).play_prompts(vec![
        prompt(),
        PlaySource::file("https://cdn.example/menu.wav"),
    ]);
    let req = op.to_request(API).unwrap();
    assert_eq!(
        body_json(&req),
        json!({
            "recognizeInputType": "choices",
            "playPrompts": [
                {"kind": "text", "text": {"text": "Press 1 for sales"}},
                {"kind": "file", "file": {"uri": "https://cdn.example/menu.wav"}}
            ],
            "recognizeOptions": {
                "targetParticipant": caller_wire(),
                "speechLanguage": "en-US",
                "speechRecognitionModelEndpointId": "model-1",
                "choices": [
                    {"label": "sales", "phrases": ["sales", "buy"], "tone": "one"},
                    {"label": "support", "phrases": ["help"]}
                ]
            }
        })
    );
    assert_request_matches("CallMedia_Recognize", &req);
}

#[test]
fn recognize_speech_and_speech_or_dtmf_golden() {
    let speech = RecognizeOptions::new(caller())
        .speech_options(SpeechOptions::new().end_silence_timeout_in_ms(2000));
    let req = Recognize::new(CALL, RecognizeInputType::Speech, speech)
        .to_request(API)
        .unwrap();
    assert_eq!(
        body_json(&req),
        json!({"recognizeInputType": "speech", "recognizeOptions":
            {"targetParticipant": caller_wire(), "speechOptions": {"endSilenceTimeoutInMs": 2000}}})
    );
    assert_request_matches("CallMedia_Recognize", &req);

    let both = RecognizeOptions::new(caller())
        .speech_options(SpeechOptions::new())
        .dtmf_options(DtmfOptions::new().max_tones_to_collect(1));
    let req = Recognize::new(CALL, RecognizeInputType::SpeechOrDtmf, both)
        .to_request(API)
        .unwrap();
    assert_eq!(
        body_json(&req),
        json!({"recognizeInputType": "speechOrDtmf", "recognizeOptions":
            {"targetParticipant": caller_wire(), "speechOptions": {}, "dtmfOptions": {"maxTonesToCollect": 1}}})
    );
    assert_request_matches("CallMedia_Recognize", &req);
}

fn dtmf(options: RecognizeOptions) -> Recognize {
    Recognize::new(CALL, RecognizeInputType::Dtmf, options)
}

fn choices(list: Vec<Choice>) -> Recognize {
    Recognize::new(
        CALL,
        RecognizeInputType::Choices,
        RecognizeOptions::new(caller()).choices(list),
    )
}

#[test]
fn recognize_validation() {
    let opts = || RecognizeOptions::new(caller());
    let tones = |d: DtmfOptions| dtmf(opts().dtmf_options(d));
    let yes = || Choice::new("yes", phrases(&["yes"]));
    let cases: Vec<(Recognize, &str, &str)> = vec![
        (
            Recognize::new("", RecognizeInputType::Dtmf, opts()),
            "callConnectionId",
            "empty",
        ),
        (
            dtmf(RecognizeOptions::new(CommunicationIdentifier::user(""))),
            "recognizeOptions.targetParticipant.communicationUser.id",
            "empty",
        ),
        (
            dtmf(opts().initial_silence_timeout_in_seconds(301)),
            "recognizeOptions.initialSilenceTimeoutInSeconds",
            "0 and 300",
        ),
        (
            dtmf(opts().initial_silence_timeout_in_seconds(-1)),
            "recognizeOptions.initialSilenceTimeoutInSeconds",
            "0 and 300",
        ),
        (
            tones(DtmfOptions::new().inter_tone_timeout_in_seconds(0)),
            "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds",
            "1 and 60",
        ),
        (
            tones(DtmfOptions::new().inter_tone_timeout_in_seconds(61)),
            "recognizeOptions.dtmfOptions.interToneTimeoutInSeconds",
            "1 and 60",
        ),
        (
            tones(DtmfOptions::new().max_tones_to_collect(0)),
            "recognizeOptions.dtmfOptions.maxTonesToCollect",
            "at least 1",
        ),
        (
            dtmf(opts().speech_language(" ")),
            "recognizeOptions.speechLanguage",
            "empty",
        ),
        (
            dtmf(opts().speech_recognition_model_endpoint_id("")),
            "recognizeOptions.speechRecognitionModelEndpointId",
            "empty",
        ),
        (
            Recognize::new(CALL, RecognizeInputType::Choices, opts()),
            "recognizeOptions.choices",
            "required",
        ),
        (
            choices(vec![]),
            "recognizeOptions.choices",
            "at least one choice",
        ),
        (
            choices(vec![Choice::new("", phrases(&["x"]))]),
            "recognizeOptions.choices[0].label",
            "empty",
        ),
        (
            choices(vec![yes(), Choice::new("no", vec![])]),
            "recognizeOptions.choices[1].phrases",
            "at least one phrase",
        ),
        (
            choices(vec![Choice::new("no", phrases(&["no", " "]))]),
            "recognizeOptions.choices[0].phrases[1]",
            "empty",
        ),
        (
            choices(vec![yes(), yes()]),
            "recognizeOptions.choices[1].label",
            "duplicates",
        ),
        (
            choices(vec![
                yes().tone(Tone::One),
                Choice::new("no", phrases(&["no"])).tone(Tone::One),
            ]),
            "recognizeOptions.choices[1].tone",
            "one is already used",
        ),
        (
            dtmf(opts())
                .play_prompt(prompt())
                .play_prompts(vec![prompt()]),
            "playPrompts",
            "not both",
        ),
        (
            dtmf(opts()).play_prompts(vec![]),
            "playPrompts",
            "at least one",
        ),
        (
            dtmf(opts()).play_prompts(vec![prompt(), PlaySource::file("menu.wav")]),
            "playPrompts[1].file.uri",
            "absolute",
        ),
        (
            dtmf(opts()).play_prompt(PlaySource::text(TextSource::new(""))),
            "playPrompt.text.text",
            "empty",
        ),
        (
            dtmf(opts()).operation_callback_uri("http://app.example/cb"),
            "operationCallbackUri",
            "https",
        ),
    ];
    for (op, field, needle) in cases {
        let (f, reason) = invalid(op.to_request(API));
        assert_eq!(f, field);
        assert!(reason.contains(needle), "{field}: {reason}");
    }
}

#[test]
fn recognize_decoding() {
    let op = dtmf(RecognizeOptions::new(caller()));
    op.decode(&ok_response(202, &Value::Null).view()).unwrap();
    assert!(op.decode(&ok_response(200, &Value::Null).view()).is_err());
    assert_service_error(
        op.decode(&error_response(404, "NotFound", "no call").view())
            .unwrap_err(),
        404,
        "NotFound",
        "no call",
    );
}

// operationId: CallMedia_SendDtmfTones
#[test]
fn send_dtmf_tones_golden_with_repeatability() {
    let tones = Tone::parse_sequence("tones", "12#*A").unwrap();
    let op = SendDtmfTones::new(CALL, tones, caller())
        .operation_context("ctx-dtmf")
        .operation_callback_uri("https://app.example/ops")
        .repeatability(fixed_repeatability());
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("sendDtmfTones"));
    assert_eq!(
        req.headers,
        vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            (
                "repeatability-request-id".to_owned(),
                FIXED_REQUEST_ID.to_owned()
            ),
            (
                "repeatability-first-sent".to_owned(),
                FIXED_FIRST_SENT.to_owned()
            ),
        ]
    );
    assert_eq!(
        body_json(&req),
        json!({"tones": ["one", "two", "pound", "asterisk", "a"], "targetParticipant": caller_wire(),
            "operationContext": "ctx-dtmf", "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_SendDtmfTones", &req);
}

#[test]
fn send_dtmf_tones_without_repeatability_has_no_such_headers() {
    let req = SendDtmfTones::new(CALL, vec![Tone::Nine], caller())
        .to_request(API)
        .unwrap();
    assert_eq!(req.get_header("repeatability-request-id"), None);
    assert_eq!(req.get_header("repeatability-first-sent"), None);
    assert_eq!(
        body_json(&req),
        json!({"tones": ["nine"], "targetParticipant": caller_wire()})
    );
    assert_request_matches("CallMedia_SendDtmfTones", &req);
}

#[test]
fn send_dtmf_tones_validation() {
    let (field, reason) = invalid(SendDtmfTones::new(CALL, vec![], caller()).to_request(API));
    assert_eq!(
        (field.as_str(), reason.contains("at least one tone")),
        ("tones", true)
    );
    let bad_target = SendDtmfTones::new(
        CALL,
        vec![Tone::One],
        CommunicationIdentifier::phone("+1 425"),
    );
    assert_eq!(
        invalid(bad_target.to_request(API)).0,
        "targetParticipant.phoneNumber.value"
    );
    let bad_cb = SendDtmfTones::new(CALL, vec![Tone::One], caller())
        .operation_callback_uri("http://x.example/cb");
    assert_eq!(invalid(bad_cb.to_request(API)).0, "operationCallbackUri");
    assert_eq!(
        invalid(SendDtmfTones::new("", vec![Tone::One], caller()).to_request(API)).0,
        "callConnectionId"
    );
    // Tones outside the enum cannot be built; from text they are refused with a position.
    let (field, reason) = invalid(Tone::parse_sequence("tones", "12x"));
    assert_eq!(field, "tones[2]");
    assert!(reason.contains("'x' is not a DTMF tone"), "{reason}");
    assert!(matches!(
        "hash".parse::<Tone>(),
        Err(Error::InvalidInput { .. })
    ));
    assert!(serde_json::from_value::<SendDtmfTones>(
        json!({"tones": ["ten"], "targetParticipant": caller_wire()})
    )
    .is_err());
}

#[test]
fn send_dtmf_tones_decoding() {
    let op = SendDtmfTones::new(CALL, vec![Tone::One], caller());
    let body = json!({"operationContext": "ctx-dtmf"});
    assert_response_matches("CallMedia_SendDtmfTones", 202, &body);
    let result = op.decode(&ok_response(202, &body).view()).unwrap();
    assert_eq!(
        result,
        SendDtmfTonesResult {
            operation_context: Some("ctx-dtmf".into())
        }
    );
    assert_eq!(
        op.decode(&ok_response(202, &Value::Null).view()).unwrap(),
        SendDtmfTonesResult::default()
    );
    let garbage = common::OwnedResponse {
        status: 202,
        headers: vec![],
        body: b"[1]".to_vec(),
    };
    assert!(matches!(
        op.decode(&garbage.view()),
        Err(Error::Decode { .. })
    ));
    let err = op
        .decode(&error_response(400, "InvalidTone", "bad").view())
        .unwrap_err();
    assert_service_error(err, 400, "InvalidTone", "bad");
}

// operationId: CallMedia_StartContinuousDtmfRecognition
#[test]
fn start_continuous_dtmf_golden() {
    let op = StartContinuousDtmfRecognition::new(CALL, caller())
        .operation_context("ctx-cd")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("startContinuousDtmfRecognition"));
    assert_eq!(
        body_json(&req),
        json!({"targetParticipant": caller_wire(), "operationContext": "ctx-cd",
            "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_StartContinuousDtmfRecognition", &req);
}

// operationId: CallMedia_StopContinuousDtmfRecognition
#[test]
fn stop_continuous_dtmf_golden() {
    let req = StopContinuousDtmfRecognition::new(CALL, caller())
        .to_request(API)
        .unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("stopContinuousDtmfRecognition"));
    assert_eq!(body_json(&req), json!({"targetParticipant": caller_wire()}));
    assert_request_matches("CallMedia_StopContinuousDtmfRecognition", &req);
}

#[test]
fn continuous_dtmf_validation_and_decoding() {
    let bad = StartContinuousDtmfRecognition::new(CALL, CommunicationIdentifier::user(" "));
    assert_eq!(
        invalid(bad.to_request(API)).0,
        "targetParticipant.communicationUser.id"
    );
    let bad_cb =
        StopContinuousDtmfRecognition::new(CALL, caller()).operation_callback_uri("mailto:x@y");
    assert_eq!(invalid(bad_cb.to_request(API)).0, "operationCallbackUri");
    assert_eq!(
        invalid(StopContinuousDtmfRecognition::new("", caller()).to_request(API)).0,
        "callConnectionId"
    );
    for status in [200, 202] {
        let start = StartContinuousDtmfRecognition::new(CALL, caller());
        let stop = StopContinuousDtmfRecognition::new(CALL, caller());
        let resp = ok_response(status, &Value::Null);
        assert_eq!(
            start.decode(&resp.view()).is_ok(),
            status == 200,
            "spec says 200"
        );
        assert_eq!(
            stop.decode(&resp.view()).is_ok(),
            status == 200,
            "spec says 200"
        );
    }
    let err = StartContinuousDtmfRecognition::new(CALL, caller())
        .decode(&error_response(409, "Conflict", "already running").view())
        .unwrap_err();
    assert_service_error(err, 409, "Conflict", "already running");
}
