//! Golden requests, validation and response decoding for the media operations that are
//! not about input: play, cancel, hold/unhold, media streaming, transcription.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{
    CancelAllMediaOperations, Hold, Operation, Play, StartMediaStreaming, StartTranscription,
    StopMediaStreaming, StopTranscription, Unhold, UpdateTranscription,
};
use callsteer::http::Method;
use callsteer::models::{PlaySource, SsmlSource, TextSource, VoiceKind};
use callsteer::CommunicationIdentifier;
use common::{
    assert_request_matches, assert_service_error, body_json, error_response, invalid, ok_response,
};
use serde_json::{json, Value};

const API: &str = "2026-03-12";
const CALL: &str = "421f0b00-1b2c-4d5e-9f70-8a9b0c1d2e3f";

fn alice() -> CommunicationIdentifier {
    CommunicationIdentifier::user("8:acs:alice")
}

fn alice_wire() -> Value {
    json!({"kind": "communicationUser", "rawId": "8:acs:alice", "communicationUser": {"id": "8:acs:alice"}})
}

fn path(action: &str) -> String {
    format!("/calling/callConnections/{CALL}:{action}?api-version={API}")
}

fn json_headers() -> Vec<(String, String)> {
    vec![("content-type".to_owned(), "application/json".to_owned())]
}

/// `op` decodes `ok` to `()`, any other success status and an error body to `Error::Service`.
fn assert_unit_decoding<O: Operation<Output = ()>>(op: &O, ok: u16) {
    op.decode(&ok_response(ok, &Value::Null).view()).unwrap();
    let other = if ok == 200 { 202 } else { 200 };
    assert!(
        op.decode(&ok_response(other, &Value::Null).view()).is_err(),
        "{other} is not the spec's status"
    );
    let err = op
        .decode(&error_response(400, "BadRequest", "nope").view())
        .unwrap_err();
    assert_service_error(err, 400, "BadRequest", "nope");
}

// operationId: CallMedia_Play
#[test]
fn play_golden_with_every_field() {
    let op = Play::new(
        CALL,
        vec![
            PlaySource::file("https://cdn.example/hello.wav?sv=1").play_source_cache_id("hello"),
            PlaySource::text(
                TextSource::new("Hi there")
                    .source_locale("en-US")
                    .voice_kind(VoiceKind::Female)
                    .voice_name("en-US-JennyNeural")
                    .custom_voice_endpoint_id("cv-1"),
            ),
            PlaySource::ssml(SsmlSource::new("<speak>Hi</speak>").custom_voice_endpoint_id("cv-2")),
        ],
    )
    .play_to(vec![
        alice(),
        CommunicationIdentifier::phone("+14255550123"),
    ])
    .interrupt_call_media_operation(false)
    .play_loop(true)
    .operation_context("ctx-play")
    .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("play"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "playSources": [
                {"kind": "file", "playSourceCacheId": "hello", "file": {"uri": "https://cdn.example/hello.wav?sv=1"}},
                {"kind": "text", "text": {"text": "Hi there", "sourceLocale": "en-US", "voiceKind": "female",
                    "voiceName": "en-US-JennyNeural", "customVoiceEndpointId": "cv-1"}},
                {"kind": "ssml", "ssml": {"ssmlText": "<speak>Hi</speak>", "customVoiceEndpointId": "cv-2"}}
            ],
            "playTo": [alice_wire(),
                {"kind": "phoneNumber", "rawId": "4:+14255550123", "phoneNumber": {"value": "+14255550123"}}],
            "interruptCallMediaOperation": false,
            "playOptions": {"loop": true},
            "operationContext": "ctx-play",
            "operationCallbackUri": "https://app.example/ops"
        })
    );
    assert_request_matches("CallMedia_Play", &req);
}

#[test]
fn play_sends_only_what_was_set() {
    let req = Play::new(CALL, vec![PlaySource::file("https://cdn.example/a.wav")])
        .to_request(API)
        .unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(r#"{"playSources":[{"kind":"file","file":{"uri":"https://cdn.example/a.wav"}}]}"#)
    );
    assert_request_matches("CallMedia_Play", &req);
}

#[test]
fn play_body_reads_back_into_the_operation() {
    let op = Play::new(CALL, vec![PlaySource::text(TextSource::new("hi"))])
        .play_to(vec![alice()])
        .play_loop(false);
    let body = body_json(&op.to_request(API).unwrap());
    let mut back: Play = serde_json::from_value(body).unwrap();
    assert_eq!(
        back.call_connection_id, "",
        "path parameters are not part of the body"
    );
    back.call_connection_id = CALL.into();
    assert_eq!(back, op);
}

#[test]
fn play_to_all_body_of_the_official_package_is_accepted() {
    // @azure/communication-call-automation 1.6.0 playToAll sends `"playTo": []`.
    let body = json!({"playSources": [{"kind": "file", "file": {"uri": "https://x.example/a.wav"}}],
        "playTo": [], "playOptions": {"loop": false}});
    let mut op: Play = serde_json::from_value(body).unwrap();
    assert_eq!(op.play_to, None, "an empty playTo means everyone");
    op.call_connection_id = CALL.into();
    op.validate().unwrap();
    let resent = body_json(&op.to_request(API).unwrap());
    assert_eq!(resent.get("playTo"), None);
}

#[test]
fn call_connection_ids_are_percent_encoded() {
    let req = Play::new("a b/c:d", vec![PlaySource::file("https://x.example/a.wav")])
        .to_request(API)
        .unwrap();
    assert_eq!(req.path, "/calling/callConnections/a%20b%2Fc%3Ad:play");
    assert_request_matches("CallMedia_Play", &req);
}

#[test]
fn play_validation() {
    let file = || PlaySource::file("https://cdn.example/a.wav");
    let cases: Vec<(Play, &str, &str)> = vec![
        (Play::new(" ", vec![file()]), "callConnectionId", "empty"),
        (Play::new(CALL, vec![]), "playSources", "at least one"),
        (
            Play::new(CALL, vec![file(), PlaySource::file("hello.wav")]),
            "playSources[1].file.uri",
            "absolute",
        ),
        (
            Play::new(CALL, vec![PlaySource::text(TextSource::new(""))]),
            "playSources[0].text.text",
            "empty",
        ),
        (
            Play::new(CALL, vec![PlaySource::ssml(SsmlSource::new(" "))]),
            "playSources[0].ssml.ssmlText",
            "empty",
        ),
        (
            Play::new(CALL, vec![file().play_source_cache_id("")]),
            "playSources[0].playSourceCacheId",
            "empty",
        ),
        (
            Play::new(CALL, vec![file()]).play_to(vec![]),
            "playTo",
            "unset to play to everyone",
        ),
        (
            Play::new(CALL, vec![file()]).play_to(vec![alice(), CommunicationIdentifier::user("")]),
            "playTo[1].communicationUser.id",
            "empty",
        ),
        (
            Play::new(CALL, vec![file()])
                .play_to(vec![CommunicationIdentifier::phone("4255550123")]),
            "playTo[0].phoneNumber.value",
            "E.164",
        ),
        (
            Play::new(CALL, vec![file()]).operation_callback_uri("http://app.example/cb"),
            "operationCallbackUri",
            "https",
        ),
    ];
    for (op, field, needle) in cases {
        let (f, reason) = invalid(op.to_request(API));
        assert_eq!(f, field);
        assert!(reason.contains(needle), "{field}: {reason}");
    }
    let loopback = Play::new(CALL, vec![file()]).operation_callback_uri("http://127.0.0.1:8787/cb");
    assert!(
        loopback.to_request(API).is_ok(),
        "http is fine for loopback"
    );
}

#[test]
fn play_decoding() {
    assert_unit_decoding(&Play::new(CALL, vec![]), 202);
}

// operationId: CallMedia_CancelAllMediaOperations
#[test]
fn cancel_all_media_operations_golden() {
    let op = CancelAllMediaOperations::new(CALL);
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("cancelAllMediaOperations"));
    assert_eq!(
        (req.headers.len(), req.body.as_deref()),
        (0, None),
        "no body, no content-type"
    );
    assert_request_matches("CallMedia_CancelAllMediaOperations", &req);
    assert_eq!(
        invalid(CancelAllMediaOperations::new("").to_request(API)).0,
        "callConnectionId"
    );
    assert_unit_decoding(&op, 202);
}

// operationId: CallMedia_Hold
#[test]
fn hold_golden() {
    let op = Hold::new(CALL, alice())
        .play_source_info(PlaySource::file("https://cdn.example/moh.wav"))
        .operation_context("ctx-hold")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("hold"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "targetParticipant": alice_wire(),
            "playSourceInfo": {"kind": "file", "file": {"uri": "https://cdn.example/moh.wav"}},
            "operationContext": "ctx-hold",
            "operationCallbackUri": "https://app.example/ops"
        })
    );
    assert_request_matches("CallMedia_Hold", &req);
    let minimal = Hold::new(CALL, alice()).to_request(API).unwrap();
    assert_eq!(
        body_json(&minimal),
        json!({"targetParticipant": alice_wire()})
    );
    assert_request_matches("CallMedia_Hold", &minimal);
}

#[test]
fn hold_validation_and_decoding() {
    let bad_target = Hold::new(CALL, CommunicationIdentifier::user(""));
    assert_eq!(
        invalid(bad_target.to_request(API)).0,
        "targetParticipant.communicationUser.id"
    );
    let bad_music = Hold::new(CALL, alice()).play_source_info(PlaySource::file("/moh.wav"));
    assert_eq!(
        invalid(bad_music.to_request(API)).0,
        "playSourceInfo.file.uri"
    );
    let bad_cb = Hold::new(CALL, alice()).operation_callback_uri("ftp://x/cb");
    assert_eq!(invalid(bad_cb.to_request(API)).0, "operationCallbackUri");
    assert_eq!(
        invalid(Hold::new("", alice()).to_request(API)).0,
        "callConnectionId"
    );
    assert_unit_decoding(&Hold::new(CALL, alice()), 200);
}

// operationId: CallMedia_Unhold
#[test]
fn unhold_golden() {
    let op = Unhold::new(CALL, alice())
        .operation_context("ctx-unhold")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("unhold"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"targetParticipant": alice_wire(), "operationContext": "ctx-unhold",
            "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_Unhold", &req);
}

#[test]
fn unhold_validation_and_decoding() {
    let bad = Unhold::new(CALL, CommunicationIdentifier::phone("+0123"));
    assert_eq!(
        invalid(bad.to_request(API)).0,
        "targetParticipant.phoneNumber.value"
    );
    let bad_cb = Unhold::new(CALL, alice()).operation_callback_uri("http://10.0.0.1/cb");
    assert_eq!(invalid(bad_cb.to_request(API)).0, "operationCallbackUri");
    assert_unit_decoding(&Unhold::new(CALL, alice()), 200);
}

// operationId: CallMedia_StartMediaStreaming
#[test]
fn start_media_streaming_golden() {
    let op = StartMediaStreaming::new(CALL)
        .operation_context("ctx-ms")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("startMediaStreaming"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"operationContext": "ctx-ms", "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_StartMediaStreaming", &req);
    let empty = StartMediaStreaming::new(CALL).to_request(API).unwrap();
    assert_eq!(
        empty.body.as_deref(),
        Some("{}"),
        "the body is required even when empty"
    );
    assert_request_matches("CallMedia_StartMediaStreaming", &empty);
}

// operationId: CallMedia_StopMediaStreaming
#[test]
fn stop_media_streaming_golden() {
    let op = StopMediaStreaming::new(CALL).operation_context("ctx-ms2");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("stopMediaStreaming"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(body_json(&req), json!({"operationContext": "ctx-ms2"}));
    assert_request_matches("CallMedia_StopMediaStreaming", &req);
}

#[test]
fn media_streaming_validation_and_decoding() {
    assert_eq!(
        invalid(StartMediaStreaming::new("").to_request(API)).0,
        "callConnectionId"
    );
    let bad = StopMediaStreaming::new(CALL).operation_callback_uri("http://app.example/x");
    assert_eq!(invalid(bad.to_request(API)).0, "operationCallbackUri");
    assert_unit_decoding(&StartMediaStreaming::new(CALL), 202);
    assert_unit_decoding(&StopMediaStreaming::new(CALL), 202);
}

// operationId: CallMedia_StartTranscription
#[test]
fn start_transcription_golden() {
    let op = StartTranscription::new(CALL)
        .locale("en-CA")
        .speech_model_endpoint_id("a259c255-1cdw-4ed7-a693-dd58563b6f6a")
        .operation_context("ctx-tr")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("startTranscription"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"locale": "en-CA", "speechModelEndpointId": "a259c255-1cdw-4ed7-a693-dd58563b6f6a",
            "operationContext": "ctx-tr", "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_StartTranscription", &req);
    let empty = StartTranscription::new(CALL).to_request(API).unwrap();
    assert_eq!(empty.body.as_deref(), Some("{}"));
}

// operationId: CallMedia_StopTranscription
#[test]
fn stop_transcription_golden() {
    let op = StopTranscription::new(CALL)
        .operation_context("ctx-tr2")
        .operation_callback_uri("https://app.example/ops");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("stopTranscription"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"operationContext": "ctx-tr2", "operationCallbackUri": "https://app.example/ops"})
    );
    assert_request_matches("CallMedia_StopTranscription", &req);
}

// operationId: CallMedia_UpdateTranscription
#[test]
fn update_transcription_golden() {
    let op = UpdateTranscription::new(CALL)
        .locale("en-AU")
        .operation_context("ctx-tr3");
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path_and_query(), path("updateTranscription"));
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"locale": "en-AU", "operationContext": "ctx-tr3"})
    );
    assert_request_matches("CallMedia_UpdateTranscription", &req);
    let model_only = UpdateTranscription::new(CALL)
        .speech_model_endpoint_id("m-1")
        .to_request(API)
        .unwrap();
    assert_eq!(
        body_json(&model_only),
        json!({"speechModelEndpointId": "m-1"})
    );
    assert_request_matches("CallMedia_UpdateTranscription", &model_only);
}

#[test]
fn transcription_validation_and_decoding() {
    let (field, reason) = invalid(UpdateTranscription::new(CALL).to_request(API));
    assert_eq!(field, "locale");
    assert!(reason.contains("must change something"), "{reason}");
    assert_eq!(
        invalid(StartTranscription::new(CALL).locale(" ").to_request(API)).0,
        "locale"
    );
    let blank_model = UpdateTranscription::new(CALL).speech_model_endpoint_id("");
    assert_eq!(
        invalid(blank_model.to_request(API)).0,
        "speechModelEndpointId"
    );
    let bad_cb = StartTranscription::new(CALL).operation_callback_uri("https//x");
    assert_eq!(invalid(bad_cb.to_request(API)).0, "operationCallbackUri");
    assert_eq!(
        invalid(StopTranscription::new("").to_request(API)).0,
        "callConnectionId"
    );
    assert_unit_decoding(&StartTranscription::new(CALL), 202);
    assert_unit_decoding(&StopTranscription::new(CALL), 202);
    assert_unit_decoding(&UpdateTranscription::new(CALL), 202);
}
