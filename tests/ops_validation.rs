//! Input refused before anything is sent: each error names the wire field and the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::*;
use callsteer::models::*;
use callsteer::{CommunicationIdentifier as Id, DEFAULT_API_VERSION};
use common::invalid;

const CB: &str = "https://app.contoso.example/cb";
const V: &str = DEFAULT_API_VERSION;

fn refused<O: Operation>(op: &O) -> (String, String) {
    invalid(op.to_request(V))
}

fn assert_refused<O: Operation>(op: &O, field: &str, needle: &str) {
    let (f, reason) = refused(op);
    assert_eq!(f, field, "reason was {reason:?}");
    assert!(
        reason.contains(needle),
        "{field}: {reason:?} should mention {needle:?}"
    );
}

#[test]
fn create_call_needs_targets() {
    assert_refused(&CreateCall::new([], CB), "targets", "at least one");
}

#[test]
fn pstn_create_call_needs_a_caller_id() {
    let op = CreateCall::new([Id::user("8:acs:a"), Id::phone("+14255550123")], CB);
    assert_refused(
        &op,
        "sourceCallerIdNumber",
        "required when a target is a phone number",
    );
    assert!(op
        .source_caller_id_number("+18005550100")
        .to_request(V)
        .is_ok());
    // ACS-only calls need none.
    assert!(CreateCall::new([Id::user("8:acs:a")], CB)
        .to_request(V)
        .is_ok());
}

#[test]
fn phone_numbers_must_be_e164_and_errors_point_at_the_target() {
    let op = CreateCall::new([Id::phone("+14255550123"), Id::phone("425-555-0123")], CB)
        .source_caller_id_number("+18005550100");
    assert_refused(&op, "targets[1].phoneNumber.value", "E.164");
    let op =
        CreateCall::new([Id::phone("+14255550123")], CB).source_caller_id_number("18005550100");
    assert_refused(&op, "sourceCallerIdNumber.value", "E.164");
    let op = AddParticipant::new("c1", Id::phone("+0123")).source_caller_id_number("+18005550100");
    assert_refused(&op, "participantToAdd.phoneNumber.value", "E.164");
    assert_refused(
        &RedirectCall::new("ctx", Id::phone("0049301234")),
        "target.phoneNumber.value",
        "E.164",
    );
    let op = TransferCallToParticipant::new("c1", Id::phone("+1425"))
        .source_caller_id_number("+1800555010000000");
    assert_refused(&op, "sourceCallerIdNumber.value", "E.164");
    let op = MoveParticipants::new("c1", "c0", [Id::user("8:acs:a"), Id::phone("+1 425")]);
    assert_refused(&op, "targetParticipants[1].phoneNumber.value", "E.164");
}

#[test]
fn pstn_add_participant_needs_a_caller_id() {
    let op = AddParticipant::new("c1", Id::phone("+14255550123"));
    assert_refused(
        &op,
        "sourceCallerIdNumber",
        "required when adding a phone number",
    );
    assert!(op
        .source_caller_id_number("+18005550100")
        .to_request(V)
        .is_ok());
}

#[test]
fn redirect_to_a_phone_number_needs_no_caller_id() {
    // The wire has no field for one; the original caller's number is presented.
    assert!(RedirectCall::new("ctx", Id::phone("+14255550123"))
        .to_request(V)
        .is_ok());
}

#[test]
fn callback_uris_must_be_https_except_on_loopback() {
    assert_refused(
        &CreateCall::new([Id::user("8:acs:a")], "http://app.example/cb"),
        "callbackUri",
        "https",
    );
    assert_refused(
        &AnswerCall::new("ctx", "app.example/cb"),
        "callbackUri",
        "absolute URL",
    );
    assert_refused(
        &ConnectCall::new(CallLocator::Room("r".into()), "ftp://x/cb"),
        "callbackUri",
        "scheme",
    );
    assert!(AnswerCall::new("ctx", "http://127.0.0.1:8787/cb")
        .to_request(V)
        .is_ok());
    assert!(AnswerCall::new("ctx", "http://localhost/cb?token=1")
        .to_request(V)
        .is_ok());
    let ops_callback = "http://app.example/events";
    assert_refused(
        &AddParticipant::new("c1", Id::user("8:acs:a")).operation_callback_uri(ops_callback),
        "operationCallbackUri",
        "https",
    );
    assert_refused(
        &RemoveParticipant::new("c1", Id::user("8:acs:a")).operation_callback_uri(ops_callback),
        "operationCallbackUri",
        "https",
    );
    assert_refused(
        &CancelAddParticipant::new("c1", "inv").operation_callback_uri(ops_callback),
        "operationCallbackUri",
        "https",
    );
    assert_refused(
        &MoveParticipants::new("c1", "c0", [Id::user("8:acs:a")])
            .operation_callback_uri(ops_callback),
        "operationCallbackUri",
        "https",
    );
    assert_refused(
        &TransferCallToParticipant::new("c1", Id::user("8:acs:a"))
            .operation_callback_uri(ops_callback),
        "operationCallbackUri",
        "https",
    );
}

#[test]
fn invitation_timeout_is_0_to_180_seconds() {
    let add = || AddParticipant::new("c1", Id::user("8:acs:a"));
    assert_refused(
        &add().invitation_timeout_in_seconds(181),
        "invitationTimeoutInSeconds",
        "between 0 and 180",
    );
    assert_refused(
        &add().invitation_timeout_in_seconds(-1),
        "invitationTimeoutInSeconds",
        "between 0 and 180",
    );
    assert!(add().invitation_timeout_in_seconds(0).to_request(V).is_ok());
    assert!(add()
        .invitation_timeout_in_seconds(180)
        .to_request(V)
        .is_ok());
}

#[test]
fn custom_calling_context_limits() {
    let add = |ctx: CustomCallingContext| {
        AddParticipant::new("c1", Id::user("8:acs:a")).custom_calling_context(ctx)
    };
    // Key limit (64) includes the X-MS-Custom- prefix (12 characters).
    let long_key = "k".repeat(53);
    assert_refused(
        &add(CustomCallingContext::new().sip_custom_header(&long_key, "v")),
        &format!("customCallingContext.sipHeaders.X-MS-Custom-{long_key}"),
        "1-64",
    );
    assert!(
        add(CustomCallingContext::new().sip_custom_header(&"k".repeat(52), "v"))
            .to_request(V)
            .is_ok()
    );
    assert_refused(
        &add(CustomCallingContext::new().sip_custom_header("foo", "v".repeat(257))),
        "customCallingContext.sipHeaders.X-MS-Custom-foo",
        "256",
    );
    let six = (0..6).fold(CustomCallingContext::new(), |c, i| {
        c.sip_custom_header(&format!("h{i}"), "v")
    });
    assert_refused(&add(six), "customCallingContext.sipHeaders", "at most 5");
    let five_and_uui = (0..5).fold(CustomCallingContext::new().sip_user_to_user("u"), |c, i| {
        c.sip_custom_header(&format!("h{i}"), "v")
    });
    assert!(add(five_and_uui).to_request(V).is_ok());
    let mut not_x = CustomCallingContext::new();
    not_x.sip_headers.insert("Subject".into(), "v".into());
    assert_refused(
        &add(not_x),
        "customCallingContext.sipHeaders.Subject",
        "X-MS-Custom-",
    );
    let op = TransferCallToParticipant::new("c1", Id::user("8:acs:a"))
        .custom_calling_context(CustomCallingContext::new().voip_header("k", "v".repeat(300)));
    assert_refused(&op, "customCallingContext.voipHeaders.k", "256");
    let many = (0..1001).fold(CustomCallingContext::new(), |c, i| {
        c.voip_header(format!("k{i}"), "v")
    });
    assert_refused(
        &add(many),
        "customCallingContext.voipHeaders",
        "at most 1000",
    );
}

#[test]
fn required_strings_must_not_be_empty() {
    assert_refused(&AnswerCall::new(" ", CB), "incomingCallContext", "empty");
    assert_refused(&RejectCall::new(""), "incomingCallContext", "empty");
    assert_refused(
        &RedirectCall::new("", Id::user("8:acs:a")),
        "incomingCallContext",
        "empty",
    );
    assert_refused(&GetParticipant::new("c1", ""), "participantRawId", "empty");
    assert_refused(
        &CancelAddParticipant::new("c1", ""),
        "invitationId",
        "empty",
    );
    assert_refused(
        &MoveParticipants::new("c1", "", [Id::user("8:acs:a")]),
        "fromCall",
        "empty",
    );
    assert_refused(
        &MoveParticipants::new("c1", "c0", []),
        "targetParticipants",
        "at least one",
    );
    assert_refused(
        &ConnectCall::new(CallLocator::ServerCall("".into()), CB),
        "callLocator.serverCallId",
        "empty",
    );
    assert_refused(
        &ConnectCall::new(CallLocator::GroupCall("".into()), CB),
        "callLocator.groupCallId",
        "empty",
    );
    assert_refused(
        &CreateCall::new([Id::user("")], CB),
        "targets[0].communicationUser.id",
        "empty",
    );
    assert_refused(
        &CreateCall::new([Id::user("8:acs:a")], CB).source(""),
        "source.id",
        "empty",
    );
    assert_refused(
        &AnswerCall::new("ctx", CB).answered_by(""),
        "answeredBy.id",
        "empty",
    );
    assert_refused(
        &MuteParticipant::new("c1", Id::Unknown { id: "".into() }),
        "targetParticipants[0].rawId",
        "empty",
    );
}

#[test]
fn every_call_connection_op_needs_an_id() {
    let a = || Id::user("8:acs:a");
    assert_refused(&GetCall::new(""), "callConnectionId", "empty");
    assert_refused(&HangUpCall::new(""), "callConnectionId", "empty");
    assert_refused(&TerminateCall::new(""), "callConnectionId", "empty");
    assert_refused(
        &TransferCallToParticipant::new("", a()),
        "callConnectionId",
        "empty",
    );
    assert_refused(&ListParticipants::new(""), "callConnectionId", "empty");
    assert_refused(
        &GetParticipant::new("", "8:acs:a"),
        "callConnectionId",
        "empty",
    );
    assert_refused(&AddParticipant::new("", a()), "callConnectionId", "empty");
    assert_refused(
        &RemoveParticipant::new("", a()),
        "callConnectionId",
        "empty",
    );
    assert_refused(&MuteParticipant::new("", a()), "callConnectionId", "empty");
    assert_refused(
        &CancelAddParticipant::new("", "inv"),
        "callConnectionId",
        "empty",
    );
    assert_refused(
        &MoveParticipants::new("", "c0", [a()]),
        "callConnectionId",
        "empty",
    );
}

#[test]
fn streaming_options_are_checked() {
    let media = MediaStreamingOptions::websocket(MediaStreamingAudioChannelType::Mixed)
        .transport_url("ws://media.example/ws");
    assert_refused(
        &AnswerCall::new("ctx", CB).media_streaming_options(media),
        "mediaStreamingOptions.transportUrl",
        "wss://",
    );
    let tx = TranscriptionOptions::websocket("");
    assert_refused(
        &CreateCall::new([Id::user("8:acs:a")], CB).transcription_options(tx),
        "transcriptionOptions.locale",
        "empty",
    );
    let tx = TranscriptionOptions::websocket("en-US").transport_url("https://media.example/tx");
    assert_refused(
        &ConnectCall::new(CallLocator::Room("r".into()), CB).transcription_options(tx),
        "transcriptionOptions.transportUrl",
        "wss://",
    );
    let ok = MediaStreamingOptions::websocket(MediaStreamingAudioChannelType::Mixed)
        .transport_url("ws://127.0.0.1:5001/ws");
    assert!(AnswerCall::new("ctx", CB)
        .media_streaming_options(ok)
        .to_request(V)
        .is_ok());
}

#[test]
fn api_version_must_not_be_empty() {
    let (field, _) = invalid(GetCall::new("c1").to_request(""));
    assert_eq!(field, "api-version");
}

#[test]
fn error_display_names_field_and_reason() {
    let err = AddParticipant::new("c1", Id::user("8:acs:a"))
        .invitation_timeout_in_seconds(500)
        .to_request(V)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid invitationTimeoutInSeconds: must be between 0 and 180, got 500"
    );
    assert_eq!(err.code(), "InvalidInput");
}

#[test]
fn an_anonymous_caller_can_still_be_addressed() {
    let anonymous = Id::from_raw_id("4:anonymous");
    assert!(RemoveParticipant::new("c1", anonymous.clone())
        .to_request(V)
        .is_ok());
    assert!(MuteParticipant::new("c1", anonymous.clone())
        .to_request(V)
        .is_ok());
    let transfer = TransferCallToParticipant::new("c1", Id::user("8:acs:a")).transferee(anonymous);
    assert!(transfer.to_request(V).is_ok());
}
