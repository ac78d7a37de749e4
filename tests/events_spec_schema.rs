//! One synthetic payload per callback kind, generated from the stable spec's definitions with
//! every documented property filled in: each decodes to its own variant and serializes back to
//! exactly the same `data` (so every spec field exists, under its wire name and type).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use callsteer::events::*;
use serde_json::{json, Map, Value};

const SPEC: &str =
    "tests/fixtures/spec/CallAutomation/stable/2026-03-12/communicationservicescallautomation.json";

fn spec() -> Value {
    let path = format!("{}/{SPEC}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The callback event definitions: those with a `resultInformation` property.
fn event_definitions(spec: &Value) -> Vec<(String, Value)> {
    let defs = spec["definitions"].as_object().unwrap();
    defs.iter()
        .filter(|(_, d)| d["properties"].get("resultInformation").is_some())
        .map(|(k, d)| (k.clone(), d.clone()))
        .collect()
}

/// A value for `schema` with every property present.
fn sample(schema: &Value, defs: &Value, name: &str) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if r.ends_with("/CommunicationIdentifierModel") {
            let id = format!("8:acs:{name}");
            return json!({"kind": "communicationUser", "rawId": id, "communicationUser": {"id": id}});
        }
        let def = r.rsplit('/').next().unwrap();
        return sample(&defs[def], defs, name);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[values.len() - 1].clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!(format!("{name}-value")),
        Some("integer") => json!(7),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(&schema["items"], defs, name)]),
        _ => match schema.get("properties").and_then(Value::as_object) {
            Some(props) => {
                let m: Map<String, Value> = props
                    .iter()
                    .map(|(k, v)| (k.clone(), sample(v, defs, k)))
                    .collect();
                Value::Object(m)
            }
            None => json!({ "key": sample(&schema["additionalProperties"], defs, name) }),
        },
    }
}

fn cloud_event(kind: &str, i: usize, data: Value) -> Value {
    json!({"id": format!("id-{i}"), "source": "calling/callConnections/c1",
           "type": format!("Microsoft.Communication.{kind}"), "specversion": "1.0",
           "datacontenttype": "application/json", "time": "2026-03-12T10:00:00Z",
           "subject": "calling/callConnections/c1", "data": data})
}

#[test]
fn the_enum_covers_exactly_the_spec_callback_events() {
    let spec = spec();
    let from_spec: BTreeSet<String> = event_definitions(&spec)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let ours: BTreeSet<String> = CALLBACK_EVENT_KINDS.iter().map(|s| s.to_string()).collect();
    assert_eq!(from_spec.len(), 38);
    assert_eq!(ours, from_spec);
}

#[test]
fn every_kind_round_trips_every_documented_field() {
    let spec = spec();
    let defs = &spec["definitions"];
    let kinds = event_definitions(&spec);
    let batch: Vec<Value> = kinds
        .iter()
        .enumerate()
        .map(|(i, (kind, def))| cloud_event(kind, i, sample(def, defs, kind)))
        .collect();
    let body = serde_json::to_vec(&batch).unwrap();
    let events = decode_callback_events(&body).unwrap();
    assert_eq!(events.len(), 38, "every element of the batch is decoded");
    for ((kind, def), (event, sent)) in kinds.iter().zip(events.iter().zip(&batch)) {
        assert_eq!(event.event.kind_name(), kind);
        assert_eq!(event.id, sent["id"]);
        let mut back = serde_json::to_value(&event.event).unwrap();
        assert_eq!(
            back.as_object_mut().unwrap().remove("kind"),
            Some(json!(kind))
        );
        assert_eq!(
            back, sent["data"],
            "{kind}: decoded and re-serialized data differs"
        );
        // The shared accessors read the same values.
        assert_eq!(
            event.event.call_connection_id(),
            Some("callConnectionId-value")
        );
        assert_eq!(event.event.correlation_id(), Some("correlationId-value"));
        assert_eq!(event.event.result_information().unwrap().code, Some(7));
        let has_context = def["properties"].get("operationContext").is_some();
        assert_eq!(
            event.event.operation_context().is_some(),
            has_context,
            "{kind}"
        );
    }
}

#[test]
fn kind_specific_fields_are_typed() {
    let spec = spec();
    let defs = &spec["definitions"];
    let data = |kind: &str| sample(&defs[kind], defs, kind);
    let decode = |kind: &str| {
        let body = serde_json::to_vec(&cloud_event(kind, 0, data(kind))).unwrap();
        decode_callback_events(&body).unwrap().remove(0).event
    };
    let CallAutomationEvent::ContinuousDtmfRecognitionToneReceived(t) =
        decode("ContinuousDtmfRecognitionToneReceived")
    else {
        panic!()
    };
    assert_eq!((t.sequence_id, t.tone), (Some(7), Some(Tone::Asterisk)));
    let CallAutomationEvent::RecognizeCompleted(r) = decode("RecognizeCompleted") else {
        panic!()
    };
    assert_eq!(r.recognition_type, Some(RecognitionType::Choices));
    assert_eq!(r.dtmf_result.unwrap().to_digits(), "*");
    assert_eq!(r.choice_result.unwrap().confidence, Some(0.5));
    assert_eq!(
        r.speech_result.unwrap().speech.as_deref(),
        Some("speech-value")
    );
    let CallAutomationEvent::RecordingStateChanged(s) = decode("RecordingStateChanged") else {
        panic!()
    };
    assert_eq!(s.state, Some(RecordingState::Inactive));
    assert_eq!(s.recording_kind, Some(RecordingKind::TeamsCompliance));
    let CallAutomationEvent::MediaStreamingFailed(m) = decode("MediaStreamingFailed") else {
        panic!()
    };
    let update = m.media_streaming_update.unwrap();
    assert_eq!(
        update.media_streaming_status,
        Some(MediaStreamingStatus::UnspecifiedError)
    );
    assert_eq!(
        update.media_streaming_status_details,
        Some(StreamingStatusDetails::InitialWebSocketConnectionFailed)
    );
    let CallAutomationEvent::TranscriptionUpdated(u) = decode("TranscriptionUpdated") else {
        panic!()
    };
    assert_eq!(
        u.transcription_update.unwrap().transcription_status_details,
        Some(StreamingStatusDetails::TranscriptionLocaleUpdated)
    );
    let CallAutomationEvent::PlayFailed(p) = decode("PlayFailed") else {
        panic!()
    };
    let r = p.result_information.unwrap();
    assert_eq!(
        r.sip_details.unwrap().message.as_deref(),
        Some("message-value")
    );
    assert_eq!(r.q850_details.unwrap().code, Some(7));
    assert_eq!(p.failed_play_source_index, Some(7));
}
