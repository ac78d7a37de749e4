//! Every recorded payload in tests/fixtures/events decodes, with its fields asserted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::events::*;
use callsteer::CommunicationIdentifier;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn one_callback(name: &str) -> CallbackEvent {
    let mut events = decode_callback_events(&fixture(name)).unwrap();
    assert_eq!(events.len(), 1, "{name}");
    events.remove(0)
}

fn ok_result(r: Option<&ResultInformation>, sub_code: i64) -> &ResultInformation {
    let r = r.unwrap();
    assert_eq!(r.code, Some(200));
    assert_eq!(r.sub_code, Some(sub_code));
    assert!(r.is_success());
    r
}

#[test]
fn call_connected() {
    let e = one_callback("call-connected.cloudevent.recorded.json");
    assert_eq!(e.id, "sanitized");
    assert_eq!(
        e.source,
        "calling/callConnections/02002680-8cc0-43ce-badd-770572cbdb6b"
    );
    assert_eq!(e.event_type, "Microsoft.Communication.CallConnected");
    assert_eq!(
        e.subject.as_deref(),
        Some("calling/callConnections/02002680-8cc0-43ce-badd-770572cbdb6b")
    );
    assert_eq!(e.time.as_deref(), Some("2025-03-05T08:58:25.0311361+00:00"));
    assert_eq!(e.event.kind_name(), "CallConnected");
    let CallAutomationEvent::CallConnected(c) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(
        c.call_connection_id.as_deref(),
        Some("02002680-8cc0-43ce-badd-770572cbdb6b")
    );
    assert_eq!(c.server_call_id.as_deref(), Some("sanitized"));
    assert_eq!(
        c.correlation_id.as_deref(),
        Some("28bd7596-8e52-4795-8356-1377cfb3a07e")
    );
    assert_eq!(
        c.operation_context.as_deref(),
        Some("operationContextCreateCall")
    );
    assert_eq!(
        ok_result(c.result_information.as_ref(), 0)
            .message
            .as_deref(),
        Some("")
    );
}

#[test]
fn call_disconnected() {
    let e = one_callback("call-disconnected.cloudevent.recorded.json");
    let CallAutomationEvent::CallDisconnected(d) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(
        d.call_connection_id.as_deref(),
        Some("02002680-f4b8-4b28-a483-45d289c40ff7")
    );
    assert_eq!(
        d.operation_context.as_deref(),
        Some("operationContextCreateCall")
    );
    let r = ok_result(d.result_information.as_ref(), 7000);
    assert!(r
        .message
        .as_deref()
        .unwrap()
        .starts_with("Call was ended by Azure Communication Service"));
    assert_eq!(
        e.event.correlation_id(),
        Some("28bd7596-8e52-4795-8356-1377cfb3a07e")
    );
}

#[test]
fn participants_updated() {
    let e = one_callback("participants-updated.cloudevent.recorded.json");
    let CallAutomationEvent::ParticipantsUpdated(p) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(p.sequence_number, Some(1));
    assert_eq!(p.participants.len(), 2);
    for part in &p.participants {
        assert_eq!(
            part.identifier,
            Some(CommunicationIdentifier::user("sanitized"))
        );
        assert_eq!(part.is_muted, Some(false));
        assert_eq!(part.is_on_hold, Some(false));
    }
    assert_eq!(
        p.call_connection_id.as_deref(),
        Some("02002680-f4b8-4b28-a483-45d289c40ff7")
    );
    ok_result(p.result_information.as_ref(), 0);
    assert_eq!(e.event.operation_context(), None);
}

#[test]
fn add_participant_succeeded() {
    let e = one_callback("add-participant-succeeded.cloudevent.recorded.json");
    let CallAutomationEvent::AddParticipantSucceeded(a) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(
        a.participant,
        Some(CommunicationIdentifier::user("sanitized"))
    );
    assert_eq!(a.operation_context.as_deref(), Some("addParticipants"));
    assert_eq!(
        a.call_connection_id.as_deref(),
        Some("05002680-50b2-4525-a046-c529253abec5")
    );
    assert_eq!(
        a.correlation_id.as_deref(),
        Some("d2147127-0bb8-43fd-92f6-e6260f84fba3")
    );
    ok_result(a.result_information.as_ref(), 0);
    assert_eq!(e.time.as_deref(), Some("2025-03-05T08:58:56.702938+00:00"));
}

#[test]
fn cancel_add_participant_succeeded() {
    let e = one_callback("cancel-add-participant-succeeded.cloudevent.recorded.json");
    let CallAutomationEvent::CancelAddParticipantSucceeded(c) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(
        c.invitation_id.as_deref(),
        Some("3521d4ba-294b-45e6-95a4-3fd06c24fb9b")
    );
    assert_eq!(
        e.event.invitation_id(),
        Some("3521d4ba-294b-45e6-95a4-3fd06c24fb9b")
    );
    assert_eq!(c.operation_context.as_deref(), Some("cancelOp"));
    let r = ok_result(c.result_information.as_ref(), 5300);
    assert!(r.message.as_deref().unwrap().contains("DiagCode: 0#5300"));
}

#[test]
fn send_dtmf_tones_completed() {
    let e = one_callback("send-dtmf-tones-completed.cloudevent.recorded.json");
    let CallAutomationEvent::SendDtmfTonesCompleted(s) = &e.event else {
        panic!("{:?}", e.event)
    };
    assert_eq!(
        s.operation_context.as_deref(),
        Some("ContinuousDtmfRecognitionSend")
    );
    assert_eq!(
        s.call_connection_id.as_deref(),
        Some("05002680-a40d-46df-8c7e-35f40f8bf263")
    );
    assert_eq!(
        s.correlation_id.as_deref(),
        Some("0eac7e7b-e276-40f1-a302-1bf8dce13f3d")
    );
    ok_result(s.result_information.as_ref(), 0);
}

#[test]
fn recorded_events_serialize_like_the_js_sdk_with_the_wire_fields() {
    let e = one_callback("add-participant-succeeded.cloudevent.recorded.json");
    let js = serde_json::to_value(&e.event).unwrap();
    assert_eq!(js["kind"], "AddParticipantSucceeded");
    assert_eq!(js["operationContext"], "addParticipants");
    assert_eq!(js["participant"]["communicationUser"]["id"], "sanitized");
    assert_eq!(js["resultInformation"]["code"], 200);
    // Unknown wire fields (version, publicEventType) are dropped, not echoed.
    assert!(js.get("version").is_none() && js.get("publicEventType").is_none());
}

#[test]
fn eventgrid_subscription_validation_event() {
    let events =
        decode_event_grid_events(&fixture("eventgrid-subscription-validation-event.json")).unwrap();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.id, "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66");
    assert_eq!(
        e.topic.as_deref(),
        Some("/subscriptions/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    );
    assert_eq!(e.subject.as_deref(), Some(""));
    assert_eq!(e.event_type, SUBSCRIPTION_VALIDATION_TYPE);
    assert_eq!(
        e.event_time.as_deref(),
        Some("2022-10-28T04:23:35.1981776Z")
    );
    assert_eq!(e.schema, EventGridSchema::EventGrid);
    let EventGridData::SubscriptionValidation(v) = &e.data else {
        panic!("{:?}", e.data)
    };
    assert_eq!(v.validation_code, "512d38b6-c7b8-40c8-89fe-f46f9e9622b6");
    assert!(v
        .validation_url
        .as_deref()
        .unwrap()
        .starts_with("https://rp-eastus2.eventgrid.azure.net:553/"));
}

#[test]
fn eventgrid_incoming_call_from_the_docs() {
    let events =
        decode_event_grid_events(&fixture("incoming-call.eventgrid-schema.docs.json")).unwrap();
    let e = &events[0];
    assert_eq!(e.id, "d5546be8-227a-4db8-b2c3-4f06fd675fd6");
    assert_eq!(e.event_type, "Microsoft.Communication.IncomingCall");
    let EventGridData::IncomingCall(call) = &e.data else {
        panic!("{:?}", e.data)
    };
    let to = "8:acs:98e4cbef-70e7-4733-8594-063c4a72d711_00000014-1889-f3a7-6a0b-343a0d0061f3";
    let from = "8:acs:98e4cbef-70e7-4733-8594-063c4a72d711_00000014-2033-438d-1000-343a0d006e10";
    assert_eq!(call.to, Some(CommunicationIdentifier::user(to)));
    assert_eq!(call.from, Some(CommunicationIdentifier::user(from)));
    assert_eq!(call.caller_display_name.as_deref(), Some("John Doe"));
    assert_eq!(
        call.correlation_id.as_deref(),
        Some("d732db64-4803-462d-be9c-518943ea2b7a")
    );
    assert!(call
        .server_call_id
        .as_deref()
        .unwrap()
        .starts_with("tob2JIV0wzOHdab3dW"));
    let ctx = call.incoming_call_context.as_ref().unwrap();
    assert!(ctx.expose().starts_with("eyJhbGciOiJub25lIiwidHliSldUIn0."));
    assert!(call.custom_context.is_none() && call.on_behalf_of_callee.is_none());
    // The context is a bearer secret: Debug output must not show it.
    let debug = format!("{e:?}");
    assert!(!debug.contains("eyJhbGciOiJub25l"), "{debug}");
    assert!(debug.contains("redacted"));
}

#[test]
fn recorded_incoming_call_data_between_acs_users() {
    let call: IncomingCall =
        serde_json::from_slice(&fixture("incoming-call.data.recorded-acs-user.json")).unwrap();
    assert_eq!(call.to, Some(CommunicationIdentifier::user("sanitized")));
    assert_eq!(call.from, Some(CommunicationIdentifier::user("sanitized")));
    assert_eq!(call.caller_display_name.as_deref(), Some(""));
    assert_eq!(
        call.incoming_call_context.as_ref().unwrap().expose(),
        "sanitized"
    );
    assert_eq!(
        call.correlation_id.as_deref(),
        Some("28bd7596-8e52-4795-8356-1377cfb3a07e")
    );
    assert_eq!(call.server_call_id.as_deref(), Some("sanitized"));
}
