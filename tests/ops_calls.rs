//! Golden requests, spec checks and response decoding for create/answer/redirect/reject/connect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{AnswerCall, ConnectCall, CreateCall, Operation, RedirectCall, RejectCall};
use callsteer::http::Method;
use callsteer::models::*;
use callsteer::{CommunicationIdentifier as Id, Error, DEFAULT_API_VERSION};
use common::*;
use serde_json::{json, Value};

const CALLBACK: &str = "https://app.contoso.example/events?token=s3cret";

fn example(file: &str) -> Value {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/spec/CallAutomation/stable/2026-03-12/examples"
    );
    serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{file}")).unwrap()).unwrap()
}

// operationId: CreateCall
#[test]
fn create_call_golden_request_with_every_option() {
    let op = CreateCall::new(
        [Id::phone("+14255550123"), Id::user("8:acs:r_u1")],
        CALLBACK,
    )
    .source_caller_id_number("+18005550100")
    .source_display_name("Contoso")
    .source("8:acs:r_bot")
    .operation_context("create-1")
    .call_intelligence_options(CallIntelligenceOptions::cognitive_services_endpoint(
        "https://ai.contoso.example/",
    ))
    .media_streaming_options(
        MediaStreamingOptions::websocket(MediaStreamingAudioChannelType::Unmixed)
            .transport_url("wss://media.contoso.example/ws")
            .content_type(MediaStreamingContentType::Audio)
            .start_media_streaming(true)
            .enable_bidirectional(true)
            .audio_format(AudioFormat::Pcm24KMono)
            .enable_dtmf_tones(true),
    )
    .transcription_options(
        TranscriptionOptions::websocket("en-US")
            .transport_url("wss://media.contoso.example/tx")
            .speech_model_endpoint_id("model-1")
            .start_transcription(false)
            .enable_intermediate_results(true),
    )
    .teams_app_source("app-1")
    .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections?api-version=2026-03-12"
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "targets": [phone_json("+14255550123"), user_json("8:acs:r_u1")],
            "sourceCallerIdNumber": {"value": "+18005550100"},
            "sourceDisplayName": "Contoso",
            "source": {"id": "8:acs:r_bot"},
            "operationContext": "create-1",
            "callbackUri": CALLBACK,
            "callIntelligenceOptions": {"cognitiveServicesEndpoint": "https://ai.contoso.example/"},
            "mediaStreamingOptions": {
                "transportType": "websocket", "audioChannelType": "unmixed",
                "transportUrl": "wss://media.contoso.example/ws", "contentType": "audio",
                "startMediaStreaming": true, "enableBidirectional": true,
                "audioFormat": "pcm24KMono", "enableDtmfTones": true
            },
            "transcriptionOptions": {
                "transportType": "websocket", "locale": "en-US",
                "transportUrl": "wss://media.contoso.example/tx", "speechModelEndpointId": "model-1",
                "startTranscription": false, "enableIntermediateResults": true
            },
            "teamsAppSource": {"appId": "app-1"}
        })
    );
    assert_request_matches("CreateCall", &req);
}

#[test]
fn create_call_minimal_body_has_only_required_fields_and_no_repeatability() {
    let req = CreateCall::new([Id::user("8:acs:r_u1")], CALLBACK)
        .to_request("2025-06-15")
        .unwrap();
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections?api-version=2025-06-15"
    );
    assert_eq!(req.headers, json_headers());
    assert_eq!(
        body_json(&req),
        json!({"targets": [user_json("8:acs:r_u1")], "callbackUri": CALLBACK})
    );
    assert_request_matches("CreateCall", &req);
}

#[test]
fn create_call_decodes_the_spec_example_response() {
    let ex = example("CreateCall.json");
    let body = &ex["responses"]["201"]["body"];
    assert_response_matches("CreateCall", 201, body);
    let op = CreateCall::new([Id::user("8:acs:r_u1")], CALLBACK);
    let props = op.decode(&ok_response(201, body).view()).unwrap();
    assert_eq!(
        props.call_connection_id.as_deref(),
        Some("18dea47f-b081-4107-9a5c-4300819d2c6c")
    );
    assert_eq!(
        props.call_connection_state,
        Some(CallConnectionState::Connected)
    );
    assert_eq!(
        props.targets,
        vec![Id::user(
            "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"
        )]
    );
    assert_eq!(
        props
            .media_streaming_subscription
            .unwrap()
            .subscribed_content_types,
        vec!["audio"]
    );
    assert_eq!(
        props.transcription_subscription.unwrap().state.as_deref(),
        Some("active")
    );
    assert_eq!(props.answered_for.unwrap().value, "+11234567890");
}

#[test]
fn create_call_decode_is_lenient_but_status_is_exact() {
    let op = CreateCall::new([Id::user("8:acs:r_u1")], CALLBACK);
    let body = json!({"callConnectionId": "c1", "callConnectionState": "someFutureState", "newField": {"x": 1}});
    let props = op.decode(&ok_response(201, &body).view()).unwrap();
    assert_eq!(props.call_connection_id.as_deref(), Some("c1"));
    assert_eq!(
        props.call_connection_state,
        Some(CallConnectionState::Unknown)
    );
    // 200 is not what the spec promises for create: refused, not silently accepted.
    match op.decode(&ok_response(200, &body).view()) {
        Err(Error::Service(e)) => assert_eq!(e.status, 200),
        other => panic!("{other:?}"),
    }
    let bad = OwnedResponse {
        status: 201,
        headers: vec![],
        body: b"{not json".to_vec(),
    };
    assert!(
        matches!(op.decode(&bad.view()), Err(Error::Decode { what, .. }) if what == "CallConnectionProperties")
    );
}

// operationId: AnswerCall
#[test]
fn answer_call_golden_request() {
    let op = AnswerCall::new("ctx-secret", CALLBACK)
        .operation_context("answer-1")
        .call_intelligence_options(CallIntelligenceOptions::cognitive_services_endpoint(
            "https://ai.contoso.example/",
        ))
        .answered_by("8:acs:r_agent")
        .media_streaming_options(MediaStreamingOptions::websocket(
            MediaStreamingAudioChannelType::Mixed,
        ))
        .transcription_options(TranscriptionOptions::websocket("fr-FR"))
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections:answer?api-version=2026-03-12"
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "incomingCallContext": "ctx-secret",
            "callbackUri": CALLBACK,
            "operationContext": "answer-1",
            "callIntelligenceOptions": {"cognitiveServicesEndpoint": "https://ai.contoso.example/"},
            "answeredBy": {"id": "8:acs:r_agent"},
            "mediaStreamingOptions": {"transportType": "websocket", "audioChannelType": "mixed"},
            "transcriptionOptions": {"transportType": "websocket", "locale": "fr-FR"}
        })
    );
    assert_request_matches("AnswerCall", &req);
}

#[test]
fn answer_call_never_prints_the_incoming_call_context() {
    let op = AnswerCall::new("ctx-secret-value", CALLBACK);
    assert!(!format!("{op:?}").contains("ctx-secret-value"));
    let redirect = RedirectCall::new("ctx-secret-value", Id::user("8:acs:x"));
    assert!(!format!("{redirect:?}").contains("ctx-secret-value"));
    assert!(!format!("{:?}", RejectCall::new("ctx-secret-value")).contains("ctx-secret-value"));
}

#[test]
fn answer_call_decodes_200_properties() {
    let body = json!({
        "callConnectionId": "c2", "serverCallId": "srv", "callbackUri": CALLBACK,
        "source": phone_json("+14255550123"), "correlationId": "corr", "answeredBy": {"id": "8:acs:r_agent"},
        "targets": [user_json("8:acs:r_bot")], "callConnectionState": "connecting"
    });
    assert_response_matches("AnswerCall", 200, &body);
    let props = AnswerCall::new("c", CALLBACK)
        .decode(&ok_response(200, &body).view())
        .unwrap();
    assert_eq!(props.source, Some(Id::phone("+14255550123")));
    assert_eq!(props.answered_by.unwrap().id, "8:acs:r_agent");
    assert_eq!(
        props.call_connection_state,
        Some(CallConnectionState::Connecting)
    );
}

// operationId: RedirectCall
#[test]
fn redirect_call_golden_request() {
    let op =
        RedirectCall::new("ctx", Id::phone("+14255550199")).repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query().as_str()),
        (
            Method::Post,
            "/calling/callConnections:redirect?api-version=2026-03-12"
        )
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({"incomingCallContext": "ctx", "target": phone_json("+14255550199")})
    );
    assert_request_matches("RedirectCall", &req);
    assert_eq!(op.decode(&ok_response(204, &Value::Null).view()), Ok(()));
}

// operationId: RejectCall
#[test]
fn reject_call_golden_request() {
    let op = RejectCall::new("ctx")
        .call_reject_reason(CallRejectReason::Busy)
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query().as_str()),
        (
            Method::Post,
            "/calling/callConnections:reject?api-version=2026-03-12"
        )
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({"incomingCallContext": "ctx", "callRejectReason": "busy"})
    );
    assert_request_matches("RejectCall", &req);
    assert_eq!(op.decode(&ok_response(204, &Value::Null).view()), Ok(()));
    let bare = RejectCall::new("ctx")
        .to_request(DEFAULT_API_VERSION)
        .unwrap();
    assert_eq!(body_json(&bare), json!({"incomingCallContext": "ctx"}));
}

// operationId: Connect
#[test]
fn connect_call_golden_request_for_each_locator() {
    for (locator, wire) in [
        (
            CallLocator::ServerCall("srv-1".into()),
            json!({"serverCallId": "srv-1", "kind": "serverCallLocator"}),
        ),
        (
            CallLocator::GroupCall("grp-1".into()),
            json!({"groupCallId": "grp-1", "kind": "groupCallLocator"}),
        ),
        (
            CallLocator::Room("room-1".into()),
            json!({"roomId": "room-1", "kind": "roomCallLocator"}),
        ),
    ] {
        let op = ConnectCall::new(locator, CALLBACK)
            .operation_context("connect-1")
            .repeatability(fixed_repeatability());
        let req = op.to_request(DEFAULT_API_VERSION).unwrap();
        assert_eq!(
            (req.method, req.path_and_query().as_str()),
            (
                Method::Post,
                "/calling/callConnections:connect?api-version=2026-03-12"
            )
        );
        assert_eq!(req.headers, repeatable_json_headers());
        assert_eq!(
            body_json(&req),
            json!({"callLocator": wire, "callbackUri": CALLBACK, "operationContext": "connect-1"})
        );
        assert_request_matches("Connect", &req);
    }
}

#[test]
fn connect_call_decodes_200_properties() {
    let body = json!({"callConnectionId": "c3", "callConnectionState": "connected"});
    assert_response_matches("Connect", 200, &body);
    let op = ConnectCall::new(CallLocator::Room("r".into()), CALLBACK);
    assert_eq!(
        op.decode(&ok_response(200, &body).view())
            .unwrap()
            .call_connection_id
            .as_deref(),
        Some("c3")
    );
}

#[test]
fn every_call_op_turns_an_error_body_into_a_service_error() {
    let err = error_response(400, "BadRequest", "Invalid callback uri");
    let create = CreateCall::new([Id::user("8:acs:a")], CALLBACK);
    assert_service_error(
        create.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "Invalid callback uri",
    );
    assert_service_error(
        AnswerCall::new("c", CALLBACK)
            .decode(&err.view())
            .unwrap_err(),
        400,
        "BadRequest",
        "Invalid callback uri",
    );
    let redirect = RedirectCall::new("c", Id::user("8:acs:a"));
    assert_service_error(
        redirect.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "Invalid callback uri",
    );
    assert_service_error(
        RejectCall::new("c").decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "Invalid callback uri",
    );
    let connect = ConnectCall::new(CallLocator::Room("r".into()), CALLBACK);
    assert_service_error(
        connect.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "Invalid callback uri",
    );
    assert_response_matches(
        "CreateCall",
        400,
        &serde_json::from_slice(&err.body).unwrap(),
    );
}
