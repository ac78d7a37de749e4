//! Golden requests, spec checks and decoding for the participant operations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{
    AddParticipant, CancelAddParticipant, GetParticipant, MoveParticipants, MuteParticipant,
    Operation, RemoveParticipant,
};
use callsteer::http::Method;
use callsteer::models::*;
use callsteer::{CommunicationCloud, CommunicationIdentifier as Id, DEFAULT_API_VERSION};
use common::*;
use serde_json::{json, Value};

const P: &str = "/calling/callConnections/c1/participants";

// operationId: CallConnection_GetParticipant
#[test]
fn get_participant_percent_encodes_the_raw_id() {
    let raw = Id::user("8:acs:res_user-1").raw_id();
    let req = GetParticipant::new("c1", raw)
        .to_request(DEFAULT_API_VERSION)
        .unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.path_and_query(),
        format!("{P}/8%3Aacs%3Ares_user-1?api-version=2026-03-12")
    );
    assert!(req.headers.is_empty() && req.body.is_none());
    assert_request_matches("CallConnection_GetParticipant", &req);
    let params = assert_paths_match("CallConnection_GetParticipant", "GET", &req.path);
    assert_eq!(
        params[1],
        ("participantRawId".to_owned(), "8:acs:res_user-1".to_owned())
    );
    let phone = GetParticipant::new("c1", Id::phone("+14255550123").raw_id())
        .to_request(DEFAULT_API_VERSION)
        .unwrap();
    assert_eq!(phone.path, format!("{P}/4%3A%2B14255550123"));
}

#[test]
fn get_participant_decodes_200() {
    let body =
        json!({"identifier": phone_json("+14255550123"), "isMuted": true, "isOnHold": false});
    assert_response_matches("CallConnection_GetParticipant", 200, &body);
    let op = GetParticipant::new("c1", "4:+14255550123");
    let p = op.decode(&ok_response(200, &body).view()).unwrap();
    assert_eq!(p.identifier, Some(Id::phone("+14255550123")));
    assert_eq!((p.is_muted, p.is_on_hold), (Some(true), Some(false)));
    let err = error_response(404, "NotFound", "no such participant");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        404,
        "NotFound",
        "no such participant",
    );
}

// operationId: CallConnection_AddParticipant
#[test]
fn add_participant_golden_request_with_every_option() {
    let op = AddParticipant::new("c1", Id::phone("+14255550199"))
        .source_caller_id_number("+18005550100")
        .source_display_name("Contoso")
        .invitation_timeout_in_seconds(45)
        .operation_context("add-1")
        .operation_callback_uri("https://app.contoso.example/add")
        .custom_calling_context(CustomCallingContext::new().sip_custom_header("Case", "77"))
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.path_and_query(),
        format!("{P}:add?api-version=2026-03-12")
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "sourceCallerIdNumber": {"value": "+18005550100"},
            "sourceDisplayName": "Contoso",
            "participantToAdd": phone_json("+14255550199"),
            "invitationTimeoutInSeconds": 45,
            "operationContext": "add-1",
            "operationCallbackUri": "https://app.contoso.example/add",
            "customCallingContext": {"sipHeaders": {"X-MS-Custom-Case": "77"}}
        })
    );
    assert_request_matches("CallConnection_AddParticipant", &req);
}

#[test]
fn add_participant_serializes_every_identifier_kind_to_the_spec() {
    let ids = [
        Id::user("8:acs:r_u"),
        Id::MicrosoftTeamsUser {
            user_id: "oid-1".into(),
            is_anonymous: false,
            cloud: CommunicationCloud::Gcch,
        },
        Id::MicrosoftTeamsApp {
            app_id: "app-1".into(),
            cloud: CommunicationCloud::Public,
        },
        Id::TeamsExtensionUser {
            user_id: "u".into(),
            tenant_id: "t".into(),
            resource_id: "r".into(),
            cloud: CommunicationCloud::Dod,
        },
        Id::Unknown {
            id: "99:something".into(),
        },
    ];
    for id in ids {
        let req = AddParticipant::new("c1", id.clone())
            .to_request(DEFAULT_API_VERSION)
            .unwrap();
        assert_request_matches("CallConnection_AddParticipant", &req);
        assert_eq!(
            body_json(&req)["participantToAdd"]["rawId"],
            json!(id.raw_id())
        );
    }
}

#[test]
fn add_participant_decodes_the_spec_example() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/spec/CallAutomation/stable/2026-03-12/examples"
    );
    let ex: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{dir}/CallConnection_AddParticipant.json")).unwrap(),
    )
    .unwrap();
    let body = &ex["responses"]["202"]["body"];
    assert_response_matches("CallConnection_AddParticipant", 202, body);
    let op = AddParticipant::new("c1", Id::user("8:acs:a"));
    let out = op.decode(&ok_response(202, body).view()).unwrap();
    assert_eq!(
        out.invitation_id.as_deref(),
        Some("7b4244f8-d2ff-46d1-a629-4f9fb5f73d40")
    );
    assert_eq!(out.operation_context.as_deref(), Some("adding participant"));
    assert_eq!(out.participant.unwrap().is_muted, Some(false));
    let err = error_response(403, "Forbidden", "no PSTN");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        403,
        "Forbidden",
        "no PSTN",
    );
}

// operationId: CallConnection_RemoveParticipant
#[test]
fn remove_participant_golden_request() {
    let op = RemoveParticipant::new("c1", Id::user("8:acs:r_u"))
        .operation_context("rm-1")
        .operation_callback_uri("https://app.contoso.example/rm")
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query()),
        (Method::Post, format!("{P}:remove?api-version=2026-03-12"))
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({"participantToRemove": user_json("8:acs:r_u"), "operationContext": "rm-1", "operationCallbackUri": "https://app.contoso.example/rm"})
    );
    assert_request_matches("CallConnection_RemoveParticipant", &req);
    let body = json!({"operationContext": "rm-1"});
    assert_response_matches("CallConnection_RemoveParticipant", 202, &body);
    assert_eq!(
        op.decode(&ok_response(202, &body).view())
            .unwrap()
            .operation_context
            .as_deref(),
        Some("rm-1")
    );
    let err = error_response(404, "NotFound", "not in call");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        404,
        "NotFound",
        "not in call",
    );
}

// operationId: CallConnection_Mute
#[test]
fn mute_participant_golden_request() {
    let op = MuteParticipant::new("c1", Id::user("8:acs:r_u"))
        .operation_context("mute-1")
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query()),
        (Method::Post, format!("{P}:mute?api-version=2026-03-12"))
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({"targetParticipants": [user_json("8:acs:r_u")], "operationContext": "mute-1"})
    );
    assert_request_matches("CallConnection_Mute", &req);
    let body = json!({"operationContext": "mute-1"});
    assert_response_matches("CallConnection_Mute", 200, &body);
    assert_eq!(
        op.decode(&ok_response(200, &body).view())
            .unwrap()
            .operation_context
            .as_deref(),
        Some("mute-1")
    );
    // The spec says 200 for mute; 202 is not accepted as success.
    assert!(op.decode(&ok_response(202, &body).view()).is_err());
    let err = error_response(400, "BadRequest", "cannot mute PSTN");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "cannot mute PSTN",
    );
}

// operationId: CallConnection_CancelAddParticipant
#[test]
fn cancel_add_participant_golden_request() {
    let op = CancelAddParticipant::new("c1", "inv-1")
        .operation_context("cancel-1")
        .operation_callback_uri("https://app.contoso.example/cancel")
        .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query()),
        (
            Method::Post,
            format!("{P}:cancelAddParticipant?api-version=2026-03-12")
        )
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({"invitationId": "inv-1", "operationContext": "cancel-1", "operationCallbackUri": "https://app.contoso.example/cancel"})
    );
    assert_request_matches("CallConnection_CancelAddParticipant", &req);
    let body = json!({"invitationId": "inv-1", "operationContext": "cancel-1"});
    assert_response_matches("CallConnection_CancelAddParticipant", 202, &body);
    assert_eq!(
        op.decode(&ok_response(202, &body).view())
            .unwrap()
            .invitation_id
            .as_deref(),
        Some("inv-1")
    );
    let err = error_response(404, "NotFound", "no invitation");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        404,
        "NotFound",
        "no invitation",
    );
}

// operationId: CallConnection_MoveParticipants
#[test]
fn move_participants_golden_request() {
    let op = MoveParticipants::new(
        "c1",
        "c0",
        [Id::user("8:acs:r_a"), Id::phone("+14255550123")],
    )
    .operation_context("move-1")
    .operation_callback_uri("https://app.contoso.example/move")
    .repeatability(fixed_repeatability());
    let req = op.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(
        (req.method, req.path_and_query()),
        (Method::Post, format!("{P}:moveHere?api-version=2026-03-12"))
    );
    assert_eq!(req.headers, repeatable_json_headers());
    assert_eq!(
        body_json(&req),
        json!({
            "targetParticipants": [user_json("8:acs:r_a"), phone_json("+14255550123")],
            "operationContext": "move-1",
            "operationCallbackUri": "https://app.contoso.example/move",
            "fromCall": "c0"
        })
    );
    assert_request_matches("CallConnection_MoveParticipants", &req);
    let body = json!({"participants": [{"identifier": user_json("8:acs:r_a"), "isMuted": false}], "operationContext": "move-1", "fromCall": "c0"});
    assert_response_matches("CallConnection_MoveParticipants", 202, &body);
    let out = op.decode(&ok_response(202, &body).view()).unwrap();
    assert_eq!(out.participants[0].identifier, Some(Id::user("8:acs:r_a")));
    assert_eq!(out.from_call.as_deref(), Some("c0"));
    let err = error_response(400, "BadRequest", "cannot move");
    assert_service_error(
        op.decode(&err.view()).unwrap_err(),
        400,
        "BadRequest",
        "cannot move",
    );
}
