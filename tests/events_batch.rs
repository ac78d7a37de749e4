//! A callback batch with mixed and unknown kinds decodes element by element; Event Grid
//! deliveries in both schemas decode to their typed data; dedup keys are stable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::events::*;
use callsteer::{CommunicationCloud, CommunicationIdentifier};
use serde_json::json;

fn synthetic(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/events/synthetic/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_mixed_batch_decodes_every_element_in_order() {
    let events = decode_callback_events(&synthetic("mixed-batch.cloudevents.json")).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.event.kind_name()).collect();
    assert_eq!(
        kinds,
        [
            "RecognizeCompleted",
            "RecognizeCompleted",
            "RecognizeCompleted",
            "ContinuousDtmfRecognitionToneReceived",
            "RecordingStateChanged",
            "CallTransferAccepted",
            "MoveParticipantSucceeded",
            "TranscriptionUpdated",
            "MediaStreamingFailed",
            "PlayFailed",
            "Unknown",
            "Unknown",
            "CallConnected",
        ]
    );
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9", "e10", "e11", "e12", "e13"]
    );
}

#[test]
fn recognize_results_carry_tones_choice_and_speech() {
    let events = decode_callback_events(&synthetic("mixed-batch.cloudevents.json")).unwrap();
    let CallAutomationEvent::RecognizeCompleted(dtmf) = &events[0].event else {
        panic!()
    };
    assert_eq!(dtmf.recognition_type, Some(RecognitionType::Dtmf));
    let tones = &dtmf.dtmf_result.as_ref().unwrap().tones;
    assert_eq!(tones, &[Tone::One, Tone::Two, Tone::Pound]);
    assert_eq!(dtmf.dtmf_result.as_ref().unwrap().to_digits(), "12#");
    assert_eq!(
        dtmf.result_information.as_ref().unwrap().sub_code,
        Some(8531)
    );
    assert_eq!(dtmf.server_call_id.as_deref(), Some("sc-1"));

    let CallAutomationEvent::RecognizeCompleted(choice) = &events[1].event else {
        panic!()
    };
    let c = choice.choice_result.as_ref().unwrap();
    assert_eq!(choice.recognition_type, Some(RecognitionType::Choices));
    assert_eq!(
        (c.label.as_deref(), c.recognized_phrase.as_deref()),
        (Some("Sales"), Some("talk to sales"))
    );
    assert_eq!(c.confidence, Some(0.87));

    let CallAutomationEvent::RecognizeCompleted(speech) = &events[2].event else {
        panic!()
    };
    let s = speech.speech_result.as_ref().unwrap();
    assert_eq!(s.speech.as_deref(), Some("I would like to pay my bill"));
    assert_eq!(s.confidence, Some(0.93));
}

#[test]
fn tone_recording_transfer_move_and_streaming_fields() {
    let events = decode_callback_events(&synthetic("mixed-batch.cloudevents.json")).unwrap();
    let CallAutomationEvent::ContinuousDtmfRecognitionToneReceived(t) = &events[3].event else {
        panic!()
    };
    assert_eq!((t.sequence_id, t.tone), (Some(3), Some(Tone::Asterisk)));

    let CallAutomationEvent::RecordingStateChanged(r) = &events[4].event else {
        panic!()
    };
    assert_eq!(r.recording_id.as_deref(), Some("rec-1"));
    assert_eq!(r.state, Some(RecordingState::Active));
    assert_eq!(r.start_date_time.as_deref(), Some("2026-03-12T10:00:00.5Z"));
    assert_eq!(
        r.recording_kind,
        Some(RecordingKind::AzureCommunicationServices)
    );
    assert!(r.result_information.is_none());

    let CallAutomationEvent::CallTransferAccepted(x) = &events[5].event else {
        panic!()
    };
    assert_eq!(
        x.transfer_target,
        Some(CommunicationIdentifier::phone("+14255550123"))
    );
    assert_eq!(
        x.transferee,
        Some(CommunicationIdentifier::user("8:acs:res_caller"))
    );

    let CallAutomationEvent::MoveParticipantSucceeded(m) = &events[6].event else {
        panic!()
    };
    assert_eq!(m.from_call.as_deref(), Some("cc-1"));
    assert_eq!(
        m.participant,
        Some(CommunicationIdentifier::user("8:acs:res_agent"))
    );

    let CallAutomationEvent::TranscriptionUpdated(u) = &events[7].event else {
        panic!()
    };
    let u = u.transcription_update.as_ref().unwrap();
    assert_eq!(
        u.transcription_status,
        Some(TranscriptionStatus::TranscriptionUpdated)
    );

    let CallAutomationEvent::MediaStreamingFailed(f) = &events[8].event else {
        panic!()
    };
    let update = f.media_streaming_update.as_ref().unwrap();
    assert_eq!(update.content_type.as_deref(), Some("Audio"));
    assert_eq!(
        update.media_streaming_status_details,
        Some(StreamingStatusDetails::StreamUrlMissing)
    );
    let ri = f.result_information.as_ref().unwrap();
    assert_eq!(
        (ri.code, ri.sub_code, ri.is_success()),
        (Some(400), Some(8581), false)
    );

    let CallAutomationEvent::PlayFailed(p) = &events[9].event else {
        panic!()
    };
    assert_eq!(p.failed_play_source_index, Some(1));
    assert_eq!(
        p.result_information
            .as_ref()
            .unwrap()
            .sip_details
            .as_ref()
            .unwrap()
            .code,
        Some(0)
    );
}

#[test]
fn unknown_types_keep_their_raw_data_and_null_data_is_empty() {
    let events = decode_callback_events(&synthetic("mixed-batch.cloudevents.json")).unwrap();
    let CallAutomationEvent::Unknown { event_type, data } = &events[10].event else {
        panic!()
    };
    assert_eq!(event_type, "Microsoft.Communication.FutureEventKind");
    assert_eq!(
        data,
        &json!({"callConnectionId": "cc-1", "shinyNewField": [1, 2, 3]})
    );
    assert_eq!(events[10].event.call_connection_id(), None);
    let CallAutomationEvent::Unknown { event_type, data } = &events[11].event else {
        panic!()
    };
    assert_eq!(
        (event_type.as_str(), data),
        ("com.example.NotAcs", &json!(null))
    );
    let js = serde_json::to_value(&events[11].event).unwrap();
    assert_eq!(
        js,
        json!({"kind": "Unknown", "type": "com.example.NotAcs", "data": null})
    );
    let CallAutomationEvent::CallConnected(c) = &events[12].event else {
        panic!()
    };
    assert_eq!(c.call_connection_id, None);
}

#[test]
fn a_single_object_body_and_an_empty_batch_are_accepted() {
    let one = json!({"id": "1", "source": "s", "type": "Microsoft.Communication.PlayStarted", "specversion": "1.0",
                     "data": {"operationContext": "p"}});
    let events = decode_callback_events(one.to_string().as_bytes()).unwrap();
    assert_eq!(events[0].event.operation_context(), Some("p"));
    assert!(decode_callback_events(b"[]").unwrap().is_empty());
}

#[test]
fn broken_bodies_are_decode_errors_naming_the_element() {
    let err = decode_callback_events(b"not json").unwrap_err();
    assert!(
        matches!(&err, callsteer::Error::Decode { what, .. } if what == "callback body"),
        "{err}"
    );
    assert!(decode_callback_events(b"42").is_err());
    let no_id = json!([{"id": "1", "source": "s", "type": "x"}, {"source": "s", "type": "x"}]);
    let err = decode_callback_events(no_id.to_string().as_bytes()).unwrap_err();
    assert!(
        matches!(&err, callsteer::Error::Decode { what, .. } if what == "callback event [1]"),
        "{err}"
    );
    let bad_version = json!([{"id": "1", "source": "s", "type": "x", "specversion": "0.3"}]);
    assert!(decode_callback_events(bad_version.to_string().as_bytes()).is_err());
    let bad_field = json!([{"id": "1", "source": "s", "type": "Microsoft.Communication.PlayFailed",
                            "data": {"failedPlaySourceIndex": "first"}}]);
    let err = decode_callback_events(bad_field.to_string().as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("callback event [0] (Microsoft.Communication.PlayFailed)"),
        "{err}"
    );
}

#[test]
fn dedup_keys_are_stable_across_redelivery_and_distinct_across_events() {
    let body = synthetic("mixed-batch.cloudevents.json");
    let first = decode_callback_events(&body).unwrap();
    let again = decode_callback_events(&body).unwrap();
    let keys: Vec<String> = first.iter().map(CallbackEvent::dedup_key).collect();
    assert_eq!(
        keys,
        again
            .iter()
            .map(CallbackEvent::dedup_key)
            .collect::<Vec<_>>()
    );
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len());
    assert!(keys
        .iter()
        .all(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit())));
    // Same id, different type (the recorded samples all have id "sanitized"): different keys.
    let a = json!([{"id": "sanitized", "source": "s", "type": "Microsoft.Communication.CallConnected"},
                   {"id": "sanitized", "source": "s", "type": "Microsoft.Communication.CallDisconnected"},
                   {"id": "sanitized", "source": "s2", "type": "Microsoft.Communication.CallConnected"}]);
    let evs = decode_callback_events(a.to_string().as_bytes()).unwrap();
    assert_ne!(evs[0].dedup_key(), evs[1].dedup_key());
    assert_ne!(evs[0].dedup_key(), evs[2].dedup_key());
}

#[test]
fn event_grid_call_events_decode_to_their_typed_data() {
    let events = decode_event_grid_events(&synthetic("eventgrid-call-events.json")).unwrap();
    assert_eq!(events.len(), 6);
    let EventGridData::CallStarted(s) = &events[0].data else {
        panic!("{:?}", events[0].data)
    };
    let by = s.started_by.as_ref().unwrap();
    assert_eq!(
        by.communication_identifier,
        Some(CommunicationIdentifier::user("8:acs:res_alice"))
    );
    assert_eq!(by.role.as_deref(), Some("Attendee"));
    assert_eq!(s.room.as_ref().unwrap().id.as_deref(), Some("room-1"));
    assert_eq!((s.is_two_party, s.is_rooms_call), (Some(false), Some(true)));
    assert_eq!(s.correlation_id.as_deref(), Some("corr-eg"));

    let EventGridData::CallEnded(e) = &events[1].data else {
        panic!()
    };
    assert_eq!(e.call_duration_in_seconds, Some(49.7286));
    assert_eq!(e.ended_by.as_ref().unwrap().name.as_deref(), Some("Bob"));
    assert_eq!(
        e.reason.as_ref().unwrap().phrase.as_deref(),
        Some("Call ended successfully")
    );

    let EventGridData::CallParticipantAdded(a) = &events[2].data else {
        panic!()
    };
    assert_eq!(a.display_name.as_deref(), Some("Bob"));
    assert_eq!(a.participant_id.as_deref(), Some("p-bob"));
    assert_eq!(a.user_agent.as_deref(), Some("acs-web/1.0"));
    let EventGridData::CallParticipantRemoved(r) = &events[3].data else {
        panic!()
    };
    let user = r.user.as_ref().unwrap().communication_identifier.clone();
    assert_eq!(user, Some(CommunicationIdentifier::user("8:acs:res_bob")));

    let EventGridData::RecordingFileStatusUpdated(f) = &events[4].data else {
        panic!()
    };
    let chunk = &f.recording_storage_info.as_ref().unwrap().recording_chunks[0];
    assert_eq!(
        chunk.content_location.as_deref(),
        Some("https://storage.example/v1/objects/doc-1/content/video")
    );
    assert_eq!(
        (chunk.index, f.recording_duration_ms),
        (Some(0), Some(6620))
    );
    assert_eq!(f.session_end_reason.as_deref(), Some("CallEnded"));

    let EventGridData::Unknown { data } = &events[5].data else {
        panic!()
    };
    assert_eq!(data, &json!({"messageBody": "hello"}));
    assert_eq!(
        events[5].event_type,
        "Microsoft.Communication.ChatMessageReceived"
    );
}

#[test]
fn an_incoming_call_in_the_cloudevents_schema_keeps_headers_and_callee() {
    let events =
        decode_event_grid_events(&synthetic("incoming-call.cloudevents-schema.json")).unwrap();
    let e = &events[0];
    assert_eq!(e.schema, EventGridSchema::CloudEvents);
    assert!(e
        .topic
        .as_deref()
        .unwrap()
        .ends_with("/communicationservices/acs"));
    let EventGridData::IncomingCall(call) = &e.data else {
        panic!()
    };
    assert_eq!(
        call.from,
        Some(CommunicationIdentifier::phone("+14255550100"))
    );
    let ctx = call.custom_context.as_ref().unwrap();
    assert_eq!(ctx.sip_headers["User-To-User"], "0123ABCD;encoding=hex");
    assert_eq!(ctx.sip_headers["X-MS-Custom-ticket"], "T-42");
    assert_eq!(ctx.voip_headers["queue"], "billing");
    let callee = CommunicationIdentifier::MicrosoftTeamsApp {
        app_id: "app-1".into(),
        cloud: CommunicationCloud::Public,
    };
    assert_eq!(call.on_behalf_of_callee, Some(callee));
    assert_eq!(
        call.incoming_call_context.as_ref().unwrap().expose(),
        "eyJhbGciOiJub25lIn0.c2VjcmV0LWNvbnRleHQ."
    );
    assert!(!format!("{call:?}").contains("c2VjcmV0"));
    // Serialized for JS, the context is there (the app needs it to answer).
    let js = serde_json::to_value(&e.data).unwrap();
    assert_eq!(js["kind"], "IncomingCall");
    assert_eq!(
        js["incomingCallContext"],
        "eyJhbGciOiJub25lIn0.c2VjcmV0LWNvbnRleHQ."
    );
}
