//! Golden requests, spec checks and decoding for get/hang up/terminate/transfer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{GetCall, HangUpCall, Operation, TerminateCall, TransferCallToParticipant};
use callsteer::http::Method;
use callsteer::models::*;
use callsteer::{CommunicationIdentifier as Id, DEFAULT_API_VERSION};
use common::*;
use serde_json::{json, Value};

// An id with characters that must be percent-encoded in the path.
const CALL: &str = "call/1:a b";
const CALL_PATH: &str = "/calling/callConnections/call%2F1%3Aa%20b";

// operationId: CallConnection_GetCall
#[test]
fn get_call_golden_request() {
    let req = GetCall::new(CALL).to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.path_and_query(),
        format!("{CALL_PATH}?api-version=2026-03-12")
    );
    assert!(req.headers.is_empty() && req.body.is_none());
    assert_request_matches("CallConnection_GetCall", &req);
    let params = assert_paths_match("CallConnection_GetCall", "GET", &req.path);
    assert_eq!(
        params,
        vec![("callConnectionId".to_owned(), CALL.to_owned())]
    );
}

#[test]
fn get_call_decodes_properties() {
    let body = json!({
        "callConnectionId": "c1", "serverCallId": "s1", "targets": [phone_json("+14255550123")],
        "callConnectionState": "transferAccepted", "callbackUri": "https://x/cb",
        "sourceCallerIdNumber": {"value": "+18005550100"}, "sourceDisplayName": "Contoso",
        "source": user_json("8:acs:r_bot"), "correlationId": "corr-1"
    });
    assert_response_matches("CallConnection_GetCall", 200, &body);
    let props = GetCall::new("c1")
        .decode(&ok_response(200, &body).view())
        .unwrap();
    assert_eq!(
        props.call_connection_state,
        Some(CallConnectionState::TransferAccepted)
    );
    assert_eq!(props.targets, vec![Id::phone("+14255550123")]);
    assert_eq!(props.source_caller_id_number.unwrap().value, "+18005550100");
    assert_eq!(props.correlation_id.as_deref(), Some("corr-1"));
    let err = error_response(404, "NotFound", "Call not found");
    assert_service_error(
        GetCall::new("c1").decode(&err.view()).unwrap_err(),
        404,
        "NotFound",
        "Call not found",
    );
}

// operationId: CallConnection_HangupCall
#[test]
fn hang_up_golden_request() {
    let op = HangUpCall::new(CALL);
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Delete);
    assert_eq!(
        req.path_and_query(),
        format!("{CALL_PATH}?api-version=2026-03-12")
    );
    assert!(req.headers.is_empty() && req.body.is_none());
    assert_request_matches("CallConnection_HangupCall", &req);
    assert_eq!(op.decode(&ok_response(204, &Value::Null).view()), Ok(()));
    let err = error_response(404, "NotFound", "gone");
    assert_service_error(op.decode(&err.view()).unwrap_err(), 404, "NotFound", "gone");
}

// operationId: CallConnection_TerminateCall
#[test]
fn terminate_golden_request_has_repeatability_and_no_body() {
    let op = TerminateCall::new(CALL).repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        format!("{CALL_PATH}:terminate?api-version=2026-03-12")
    );
    assert_eq!(
        req.headers,
        vec![
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
    assert!(req.body.is_none());
    assert_request_matches("CallConnection_TerminateCall", &req);
    assert_eq!(op.decode(&ok_response(204, &Value::Null).view()), Ok(()));
    let err = error_response(409, "Conflict", "already terminated");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        409,
        "Conflict",
        "already terminated",
    );
    assert!(TerminateCall::new("c")
        .to_request(DEFAULT_API_VERSION)
        .unwrap()
        .headers
        .is_empty());
}

// operationId: CallConnection_TransferToParticipant
#[test]
fn transfer_golden_request_with_every_option() {
    let ctx = CustomCallingContext::new()
        .voip_header("department", "sales")
        .sip_user_to_user("uui-data")
        .sip_custom_header("Ticket", "T-42")
        .sip_x_header("Legacy", "1");
    let op = TransferCallToParticipant::new(CALL, Id::phone("+14255550199"))
        .operation_context("transfer-1")
        .transferee(Id::user("8:acs:r_caller"))
        .operation_callback_uri("https://app.contoso.example/transfer")
        .custom_calling_context(ctx)
        .source_caller_id_number("+18005550100")
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        format!("{CALL_PATH}:transferToParticipant?api-version=2026-03-12")
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "targetParticipant": phone_json("+14255550199"),
            "operationContext": "transfer-1",
            "transferee": user_json("8:acs:r_caller"),
            "operationCallbackUri": "https://app.contoso.example/transfer",
            "customCallingContext": {
                "voipHeaders": {"department": "sales"},
                "sipHeaders": {"User-To-User": "uui-data", "X-MS-Custom-Ticket": "T-42", "X-Legacy": "1"}
            },
            "sourceCallerIdNumber": {"value": "+18005550100"}
        })
    );
    assert_request_matches("CallConnection_TransferToParticipant", &req);
}

#[test]
fn transfer_with_teams_phone_call_details_matches_the_spec() {
    let details = TeamsPhoneCallDetails {
        teams_phone_caller_details: Some(TeamsPhoneCallerDetails {
            caller: Id::phone("+14255550123"),
            name: "Ada".into(),
            phone_number: "+14255550123".into(),
            record_id: Some("rec-1".into()),
            screen_pop_url: None,
            is_authenticated: Some(true),
            additional_caller_information: [("tier".to_owned(), "gold".to_owned())].into(),
        }),
        teams_phone_source_details: Some(TeamsPhoneSourceDetails {
            source: Id::user("8:acs:r_bot"),
            language: "en-US".into(),
            status: "active".into(),
            intended_targets: [("agent".to_owned(), Id::user("8:acs:r_agent"))].into(),
        }),
        session_id: Some("s-1".into()),
        intent: Some("billing".into()),
        ..Default::default()
    };
    let op = TransferCallToParticipant::new("c1", Id::user("8:acs:r_agent"))
        .custom_calling_context(CustomCallingContext::new().teams_phone_call_details(details));
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    let body = body_json(&req);
    assert_eq!(
        body["customCallingContext"]["teamsPhoneCallDetails"]["teamsPhoneCallerDetails"]
            ["phoneNumber"],
        "+14255550123"
    );
    assert_eq!(
        body["customCallingContext"]["teamsPhoneCallDetails"]["teamsPhoneSourceDetails"]
            ["intendedTargets"]["agent"],
        user_json("8:acs:r_agent")
    );
    assert_request_matches("CallConnection_TransferToParticipant", &req);
}

#[test]
fn transfer_decodes_202() {
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/spec/CallAutomation/stable/2026-03-12/examples/CallConnection_TransferToParticipant.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let body = &example["responses"]["202"]["body"];
    assert_response_matches("CallConnection_TransferToParticipant", 202, body);
    let op = TransferCallToParticipant::new("c1", Id::user("8:acs:a"));
    let out = op.decode(&ok_response(202, body).view()).unwrap();
    assert_eq!(out.operation_context.as_deref(), Some("trasferring call"));
    let err = error_response(400, "BadRequest", "bad target");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "bad target",
    );
}
