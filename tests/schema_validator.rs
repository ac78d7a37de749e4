//! The spec validator in `tests/common/schema.rs` must refuse what the spec refuses;
//! otherwise every golden test's schema check would pass vacuously.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::schema::Direction;
use common::{body_errors, match_path, response_errors, spec};
use serde_json::{json, Value};

fn user(id: &str) -> Value {
    json!({"kind": "communicationUser", "rawId": id, "communicationUser": {"id": id}})
}

fn one_error(errors: Vec<String>, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(needle),
        "{errors:?} should mention {needle:?}"
    );
}

#[test]
fn accepts_a_valid_body() {
    let body = json!({"targets": [user("8:acs:a")], "callbackUri": "https://x/cb"});
    assert_eq!(body_errors("CreateCall", &body), Vec::<String>::new());
}

#[test]
fn accepts_the_specs_own_examples() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/spec/CallAutomation/stable/2026-03-12/examples"
    );
    for (file, op, param) in [
        ("CreateCall.json", "CreateCall", "createCallRequest"),
        (
            "CallConnection_AddParticipant.json",
            "CallConnection_AddParticipant",
            "addParticipantRequest",
        ),
        (
            "CallConnection_TransferToParticipant.json",
            "CallConnection_TransferToParticipant",
            "transferToParticipantRequest",
        ),
    ] {
        let ex: Value =
            serde_json::from_str(&std::fs::read_to_string(format!("{dir}/{file}")).unwrap())
                .unwrap();
        assert_eq!(
            body_errors(op, &ex["parameters"][param]),
            Vec::<String>::new(),
            "{file}"
        );
        for (status, resp) in ex["responses"].as_object().unwrap() {
            let status: u16 = status.parse().unwrap();
            if let Some(body) = resp.get("body") {
                assert_eq!(
                    response_errors(op, status, body),
                    Vec::<String>::new(),
                    "{file} {status}"
                );
            }
        }
    }
}

#[test]
fn rejects_an_extra_property() {
    let body =
        json!({"targets": [user("8:acs:a")], "callbackUri": "https://x/cb", "callbackUrl": "x"});
    one_error(
        body_errors("CreateCall", &body),
        "$.callbackUrl: is not a property",
    );
}

#[test]
fn rejects_an_extra_property_inside_a_common_json_model() {
    // common.json leaves additionalProperties unset; the closed-world rule still refuses it.
    let mut target = user("8:acs:a");
    target["communicationUser"]["rawId"] = json!("8:acs:a");
    let body = json!({"targets": [target], "callbackUri": "https://x/cb"});
    one_error(
        body_errors("CreateCall", &body),
        "$.targets[0].communicationUser.rawId",
    );
}

#[test]
fn rejects_a_missing_required_property() {
    one_error(
        body_errors("CreateCall", &json!({"targets": []})),
        "missing required property \"callbackUri\"",
    );
    let body = json!({"targets": [{"kind": "phoneNumber", "phoneNumber": {}}], "callbackUri": "https://x"});
    one_error(
        body_errors("CreateCall", &body),
        "$.targets[0].phoneNumber: missing required property \"value\"",
    );
}

#[test]
fn rejects_a_bad_enum_value() {
    let body = json!({"incomingCallContext": "c", "callRejectReason": "declined"});
    one_error(
        body_errors("RejectCall", &body),
        "$.callRejectReason: \"declined\" is not one of",
    );
}

#[test]
fn rejects_a_wrong_type() {
    let body = json!({"targets": {"0": user("8:acs:a")}, "callbackUri": "https://x/cb"});
    one_error(
        body_errors("CreateCall", &body),
        "$.targets: expected array",
    );
    let body = json!({"participantToAdd": user("8:acs:a"), "invitationTimeoutInSeconds": "30"});
    one_error(
        body_errors("CallConnection_AddParticipant", &body),
        "expected integer",
    );
}

#[test]
fn rejects_numbers_outside_minimum_and_maximum() {
    let body = json!({"participantToAdd": user("8:acs:a"), "invitationTimeoutInSeconds": 181});
    one_error(
        body_errors("CallConnection_AddParticipant", &body),
        "above maximum 180",
    );
    let body = json!({"participantToAdd": user("8:acs:a"), "invitationTimeoutInSeconds": -1});
    one_error(
        body_errors("CallConnection_AddParticipant", &body),
        "below minimum 0",
    );
}

#[test]
fn polymorphic_options_use_the_discriminated_subtype() {
    let ok = json!({"transportType": "websocket", "audioChannelType": "mixed", "transportUrl": "wss://x", "enableBidirectional": true});
    let body = |m: Value| json!({"incomingCallContext": "c", "callbackUri": "https://x", "mediaStreamingOptions": m});
    assert_eq!(body_errors("AnswerCall", &body(ok)), Vec::<String>::new());
    let typo = json!({"transportType": "websocket", "audioChannelType": "mixed", "transportUri": "wss://x"});
    one_error(
        body_errors("AnswerCall", &body(typo)),
        "$.mediaStreamingOptions.transportUri: is not a property",
    );
    let missing = json!({"transportType": "websocket"});
    one_error(
        body_errors("AnswerCall", &body(missing)),
        "missing required property \"audioChannelType\"",
    );
    let unknown = json!({"transportType": "grpc", "audioChannelType": "mixed"});
    let errors = body_errors("AnswerCall", &body(unknown));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("no subtype of MediaStreamingOptions")),
        "{errors:?}"
    );
}

#[test]
fn rejects_read_only_properties_in_requests_only() {
    let spec = spec();
    let schema = json!({"$ref": "../../../Common/stable/2025-06-30/common.json#/definitions/CommunicationError"});
    let value = json!({"code": "c", "message": "m", "target": "t"});
    one_error(
        spec.errors(&spec.main, &schema, &value, Direction::Request),
        "$.target: is readOnly",
    );
    assert!(spec
        .errors(&spec.main, &schema, &value, Direction::Response)
        .is_empty());
}

#[test]
fn response_schemas_are_checked_too() {
    let body = json!({"value": [{"identifier": user("8:acs:a"), "isMuted": "no"}]});
    one_error(
        response_errors("CallConnection_GetParticipants", 200, &body),
        "$.value[0].isMuted: expected boolean",
    );
    one_error(
        response_errors("CreateCall", 400, &json!({"error": {"code": "x"}})),
        "missing required property \"message\"",
    );
}

#[test]
fn path_templates_need_encoded_parameters() {
    let t = "/calling/callConnections/{callConnectionId}/participants/{participantRawId}";
    let got = match_path(t, "/calling/callConnections/abc/participants/8%3Aacs%3Ax").unwrap();
    assert_eq!(
        got,
        vec![
            ("callConnectionId".into(), "abc".into()),
            ("participantRawId".into(), "8:acs:x".into())
        ]
    );
    assert!(match_path(t, "/calling/callConnections/abc/participants/8:acs:x").is_none());
    assert!(match_path(t, "/calling/callConnections//participants/x").is_none());
    let t = "/calling/callConnections/{callConnectionId}:terminate";
    assert!(match_path(t, "/calling/callConnections/abc:terminate").is_some());
    assert!(match_path(t, "/calling/callConnections/abc:hangup").is_none());
}

#[test]
fn unknown_schema_keywords_fail_instead_of_passing() {
    let spec = spec();
    let schema = json!({"type": "string", "pattern": "^a$"});
    one_error(
        spec.errors(&spec.main, &schema, &json!("b"), Direction::Request),
        "does not implement schema keyword \"pattern\"",
    );
}
