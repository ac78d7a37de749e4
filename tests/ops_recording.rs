//! Golden requests, validation and response decoding for the call recording operations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{
    GetRecordingState, Operation, PauseRecording, ResumeRecording, StartRecording, StopRecording,
};
use callsteer::http::Method;
use callsteer::models::{
    CallLocator, ChannelAffinity, ExternalStorage, RecordingChannelType, RecordingContentType,
    RecordingFormatType, RecordingKind, RecordingState, RecordingStateResponse,
};
use callsteer::{CommunicationIdentifier, Error};
use common::{
    assert_request_matches, assert_response_matches, assert_service_error, body_json,
    error_response, fixed_repeatability, invalid, ok_response, FIXED_FIRST_SENT, FIXED_REQUEST_ID,
};
use serde_json::{json, Value};

const API: &str = "2026-03-12";
const SERVER_CALL: &str = "aHR0cHM6Ly9jb252LXVzd2UtMDEuY29udi5za3lwZS5jb20vY29udi94eXo_aT0xMA";
const RECORDING: &str = "eyJQbGF0Zm9ybUVuZHBvaW50SWQiOiI0YjAwIn0";

fn user(id: &str) -> CommunicationIdentifier {
    CommunicationIdentifier::user(id)
}

fn user_wire(id: &str) -> Value {
    json!({"kind": "communicationUser", "rawId": id, "communicationUser": {"id": id}})
}

fn state_body() -> Value {
    json!({"recordingId": RECORDING, "recordingState": "active", "recordingKind": "azureCommunicationServices"})
}

// operationId: CallRecording_StartRecording
#[test]
fn start_recording_golden_with_every_field() {
    let op = StartRecording::new(CallLocator::ServerCall(SERVER_CALL.into()))
        .recording_state_callback_uri("https://app.example/recording")
        .recording_content_type(RecordingContentType::Audio)
        .recording_channel_type(RecordingChannelType::Unmixed)
        .recording_format_type(RecordingFormatType::Wav)
        .audio_channel_participant_ordering(vec![user("8:acs:a"), user("8:acs:b")])
        .channel_affinity(vec![
            ChannelAffinity::new(user("8:acs:a")).channel(0),
            ChannelAffinity::new(user("8:acs:b")),
        ])
        .pause_on_start(true)
        .external_storage(ExternalStorage::AzureBlobStorage {
            recording_destination_container_url: "https://acct.blob.core.windows.net/recordings"
                .into(),
        })
        .repeatability(fixed_repeatability());
    let req = op.to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        "/calling/recordings?api-version=2026-03-12"
    );
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
        json!({
            "callLocator": {"serverCallId": SERVER_CALL, "kind": "serverCallLocator"},
            "recordingStateCallbackUri": "https://app.example/recording",
            "recordingContentType": "audio",
            "recordingChannelType": "unmixed",
            "recordingFormatType": "wav",
            "audioChannelParticipantOrdering": [user_wire("8:acs:a"), user_wire("8:acs:b")],
            "channelAffinity": [{"channel": 0, "participant": user_wire("8:acs:a")}, {"participant": user_wire("8:acs:b")}],
            "pauseOnStart": true,
            "externalStorage": {"recordingStorageKind": "azureBlobStorage",
                "recordingDestinationContainerUrl": "https://acct.blob.core.windows.net/recordings"}
        })
    );
    assert_request_matches("CallRecording_StartRecording", &req);
}

#[test]
fn start_recording_by_call_connection_or_group_call() {
    let req = StartRecording::for_call_connection("421f0b00-1b2c")
        .recording_content_type(RecordingContentType::AudioVideo)
        .recording_channel_type(RecordingChannelType::Mixed)
        .recording_format_type(RecordingFormatType::Mp4)
        .external_storage(ExternalStorage::AzureCommunicationServices)
        .to_request(API)
        .unwrap();
    assert_eq!(
        req.get_header("repeatability-request-id"),
        None,
        "absent unless set"
    );
    assert_eq!(
        body_json(&req),
        json!({"callConnectionId": "421f0b00-1b2c", "recordingContentType": "audioVideo", "recordingChannelType": "mixed",
            "recordingFormatType": "mp4", "externalStorage": {"recordingStorageKind": "azureCommunicationServices"}})
    );
    assert_request_matches("CallRecording_StartRecording", &req);

    let req = StartRecording::new(CallLocator::GroupCall("g-1".into()))
        .recording_format_type(RecordingFormatType::Mp3)
        .to_request(API)
        .unwrap();
    assert_eq!(
        body_json(&req),
        json!({"callLocator": {"groupCallId": "g-1", "kind": "groupCallLocator"}, "recordingFormatType": "mp3"})
    );
    assert_request_matches("CallRecording_StartRecording", &req);
}

#[test]
fn start_recording_validation() {
    let server = || StartRecording::new(CallLocator::ServerCall(SERVER_CALL.into()));
    let mut both = server();
    both.request.call_connection_id = Some("c-1".into());
    let mut neither = server();
    neither.request.call_locator = None;
    let affinity = |c: Vec<ChannelAffinity>| server().channel_affinity(c);
    let blob = |url: &str| ExternalStorage::AzureBlobStorage {
        recording_destination_container_url: url.into(),
    };
    let cases: Vec<(StartRecording, &str, &str)> = vec![
        (both, "callLocator", "not both"),
        (neither, "callLocator", "required"),
        (
            StartRecording::for_call_connection(" "),
            "callConnectionId",
            "empty",
        ),
        (
            StartRecording::new(CallLocator::ServerCall(String::new())),
            "callLocator.serverCallId",
            "empty",
        ),
        (
            StartRecording::new(CallLocator::GroupCall(String::new())),
            "callLocator.groupCallId",
            "empty",
        ),
        (
            StartRecording::new(CallLocator::Room("r-1".into())),
            "callLocator.roomId",
            "not supported",
        ),
        (
            server().recording_state_callback_uri("http://app.example/rec"),
            "recordingStateCallbackUri",
            "https",
        ),
        (
            server().audio_channel_participant_ordering(vec![user("8:acs:a"), user("")]),
            "audioChannelParticipantOrdering[1].communicationUser.id",
            "empty",
        ),
        (
            affinity(vec![ChannelAffinity::new(user("8:acs:a")).channel(5)]),
            "channelAffinity[0].channel",
            "0 and 4",
        ),
        (
            affinity(vec![ChannelAffinity::new(user("8:acs:a")).channel(-1)]),
            "channelAffinity[0].channel",
            "0 and 4",
        ),
        (
            affinity(vec![
                ChannelAffinity::new(user("8:acs:a")).channel(1),
                ChannelAffinity::new(user("8:acs:b")).channel(1),
            ]),
            "channelAffinity[1].channel",
            "assigned twice",
        ),
        (
            affinity(vec![
                ChannelAffinity::new(user("8:acs:a")),
                ChannelAffinity::new(user("8:acs:a")),
            ]),
            "channelAffinity[1].participant",
            "already has",
        ),
        (
            affinity(vec![ChannelAffinity::new(user(""))]),
            "channelAffinity[0].participant.communicationUser.id",
            "empty",
        ),
        (
            server().external_storage(blob("http://acct.blob.core.windows.net/c")),
            "externalStorage.recordingDestinationContainerUrl",
            "https",
        ),
        (
            server().external_storage(blob("")),
            "externalStorage.recordingDestinationContainerUrl",
            "absolute",
        ),
    ];
    for (op, field, needle) in cases {
        let (f, reason) = invalid(op.to_request(API));
        assert_eq!(f, field);
        assert!(reason.contains(needle), "{field}: {reason}");
    }
}

#[test]
fn start_recording_decoding() {
    assert_response_matches("CallRecording_StartRecording", 200, &state_body());
    let op = StartRecording::for_call_connection("c-1");
    let expected = RecordingStateResponse {
        recording_id: Some(RECORDING.into()),
        recording_state: Some(RecordingState::Active),
        recording_kind: Some(RecordingKind::AzureCommunicationServices),
    };
    for status in [200, 202] {
        assert_eq!(
            op.decode(&ok_response(status, &state_body()).view())
                .unwrap(),
            expected
        );
    }
    assert!(matches!(
        op.decode(&ok_response(201, &state_body()).view()),
        Err(Error::Service(_))
    ));
    let not_json = common::OwnedResponse {
        status: 200,
        headers: vec![],
        body: b"<html>".to_vec(),
    };
    assert!(matches!(
        op.decode(&not_json.view()),
        Err(Error::Decode { .. })
    ));
    let err = op
        .decode(&error_response(400, "InvalidCallLocator", "no such call").view())
        .unwrap_err();
    assert_service_error(err, 400, "InvalidCallLocator", "no such call");
}

// operationId: CallRecording_GetRecordingProperties
#[test]
fn get_recording_state_golden() {
    let req = GetRecordingState::new(RECORDING).to_request(API).unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.path_and_query(),
        format!("/calling/recordings/{RECORDING}?api-version={API}")
    );
    assert_eq!((req.headers.len(), req.body.as_deref()), (0, None));
    assert_request_matches("CallRecording_GetRecordingProperties", &req);
}

#[test]
fn get_recording_state_decoding_keeps_unknown_values() {
    let op = GetRecordingState::new(RECORDING);
    let body = json!({"recordingId": RECORDING, "recordingState": "inactive", "recordingKind": "teamsCompliance"});
    assert_response_matches("CallRecording_GetRecordingProperties", 200, &body);
    let got = op.decode(&ok_response(200, &body).view()).unwrap();
    assert_eq!(got.recording_state, Some(RecordingState::Inactive));
    assert_eq!(got.recording_kind, Some(RecordingKind::TeamsCompliance));
    let future = json!({"recordingId": RECORDING, "recordingState": "paused", "recordingKind": "somethingNew"});
    let got = op.decode(&ok_response(200, &future).view()).unwrap();
    assert_eq!(
        got.recording_state,
        Some(RecordingState::Other("paused".into()))
    );
    assert_eq!(
        got.recording_kind.as_ref().map(RecordingKind::as_str),
        Some("somethingNew")
    );
    assert_eq!(
        op.decode(&ok_response(200, &json!({})).view()).unwrap(),
        RecordingStateResponse::default()
    );
    assert!(
        op.decode(&ok_response(202, &body).view()).is_err(),
        "spec says 200"
    );
    let err = op
        .decode(&error_response(404, "RecordingNotFound", "gone").view())
        .unwrap_err();
    assert_service_error(err, 404, "RecordingNotFound", "gone");
}

// operationId: CallRecording_StopRecording
#[test]
fn stop_recording_golden() {
    let req = StopRecording::new(RECORDING).to_request(API).unwrap();
    assert_eq!(req.method, Method::Delete);
    assert_eq!(
        req.path_and_query(),
        format!("/calling/recordings/{RECORDING}?api-version={API}")
    );
    assert_eq!((req.headers.len(), req.body.as_deref()), (0, None));
    assert_request_matches("CallRecording_StopRecording", &req);
}

// operationId: CallRecording_PauseRecording
#[test]
fn pause_recording_golden() {
    let req = PauseRecording::new(RECORDING).to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        format!("/calling/recordings/{RECORDING}:pause?api-version={API}")
    );
    assert_eq!((req.headers.len(), req.body.as_deref()), (0, None));
    assert_request_matches("CallRecording_PauseRecording", &req);
}

// operationId: CallRecording_ResumeRecording
#[test]
fn resume_recording_golden() {
    let req = ResumeRecording::new(RECORDING).to_request(API).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        format!("/calling/recordings/{RECORDING}:resume?api-version={API}")
    );
    assert_eq!((req.headers.len(), req.body.as_deref()), (0, None));
    assert_request_matches("CallRecording_ResumeRecording", &req);
}

#[test]
fn recording_ids_are_checked_and_encoded() {
    assert_eq!(
        invalid(StopRecording::new("").to_request(API)).0,
        "recordingId"
    );
    assert_eq!(
        invalid(PauseRecording::new(" ").to_request(API)).0,
        "recordingId"
    );
    assert_eq!(
        invalid(ResumeRecording::new("").to_request(API)).0,
        "recordingId"
    );
    assert_eq!(
        invalid(GetRecordingState::new("").to_request(API)).0,
        "recordingId"
    );
    let req = PauseRecording::new("a/b=").to_request(API).unwrap();
    assert_eq!(req.path, "/calling/recordings/a%2Fb%3D:pause");
    assert_request_matches("CallRecording_PauseRecording", &req);
}

#[test]
fn body_less_recording_ops_decode_their_statuses() {
    let ok = |op: &dyn Operation<Output = ()>, status: u16| {
        op.decode(&ok_response(status, &Value::Null).view()).is_ok()
    };
    let stop = StopRecording::new(RECORDING);
    let pause = PauseRecording::new(RECORDING);
    let resume = ResumeRecording::new(RECORDING);
    assert!(ok(&stop, 204) && !ok(&stop, 200) && !ok(&stop, 202));
    assert!(ok(&pause, 202) && !ok(&pause, 200) && !ok(&pause, 204));
    assert!(ok(&resume, 202) && !ok(&resume, 200));
    for op in [&stop as &dyn Operation<Output = ()>, &pause, &resume] {
        let err = op
            .decode(&error_response(500, "InternalError", "boom").view())
            .unwrap_err();
        assert_service_error(err, 500, "InternalError", "boom");
    }
}

#[test]
fn start_recording_body_reads_back_into_the_request_model() {
    let op = StartRecording::new(CallLocator::GroupCall("g-1".into()))
        .channel_affinity(vec![ChannelAffinity::new(user("8:acs:a")).channel(2)])
        .external_storage(ExternalStorage::AzureBlobStorage {
            recording_destination_container_url: "https://acct.blob.core.windows.net/c".into(),
        });
    let body = body_json(&op.to_request(API).unwrap());
    let back: callsteer::models::StartCallRecordingRequest = serde_json::from_value(body).unwrap();
    assert_eq!(back, op.request);
    back.validate().unwrap();
}
