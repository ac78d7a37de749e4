//! The callback events a call keeps for the admin page's event processor: CloudEvents written
//! back from the core's decoding (decoding them again gives the same events, secrets left
//! out), and the cap that keeps a long call within the Durable Object's value limit — the
//! oldest dropped first, the number dropped reported to the stream's readers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::events::{decode_callback_events, CallbackEvent};
use callsteer_flows::call::callback_log::{cloud_event, CallbackLog, MAX_BYTES, MAX_EVENTS};
use serde_json::{json, Value};

const FIXTURES: [&str; 7] = [
    include_str!(
        "../../../tests/fixtures/events/add-participant-succeeded.cloudevent.recorded.json"
    ),
    include_str!("../../../tests/fixtures/events/call-connected.cloudevent.recorded.json"),
    include_str!("../../../tests/fixtures/events/call-disconnected.cloudevent.recorded.json"),
    include_str!(
        "../../../tests/fixtures/events/cancel-add-participant-succeeded.cloudevent.recorded.json"
    ),
    include_str!("../../../tests/fixtures/events/participants-updated.cloudevent.recorded.json"),
    include_str!(
        "../../../tests/fixtures/events/send-dtmf-tones-completed.cloudevent.recorded.json"
    ),
    include_str!("../../../tests/fixtures/events/synthetic/mixed-batch.cloudevents.json"),
];

fn decode(body: &str) -> Vec<CallbackEvent> {
    decode_callback_events(body.as_bytes()).unwrap()
}

/// A small CloudEvent numbered `n` (its id), `pad` bytes of padding in its data.
fn event(n: usize, pad: usize) -> Value {
    json!({"id": format!("e{n}"), "source": "calling/callConnections/c", "type": "Microsoft.Communication.PlayCompleted",
           "specversion": "1.0", "data": {"callConnectionId": "c", "operationContext": "x".repeat(pad)}})
}

fn ids(batch: &[&Value]) -> Vec<String> {
    batch
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_written_back_cloud_event_decodes_to_the_same_event() {
    for body in FIXTURES {
        let events = decode(body);
        let written: Vec<Value> = events.iter().map(|e| cloud_event(e).unwrap()).collect();
        let again = decode(&Value::Array(written.clone()).to_string());
        assert_eq!(again, events, "{body}");
        for w in &written {
            assert_eq!(w["specversion"], "1.0");
            assert!(
                w["data"].get("kind").is_none(),
                "data as on the wire, without the JS `kind`"
            );
        }
    }
}

#[test]
fn the_envelope_and_the_wire_shapes_are_kept() {
    let events = decode(FIXTURES[0]);
    let w = cloud_event(&events[0]).unwrap();
    assert_eq!(w["id"], "sanitized");
    assert_eq!(w["type"], "Microsoft.Communication.AddParticipantSucceeded");
    assert_eq!(
        w["source"],
        "calling/callConnections/05002680-50b2-4525-a046-c529253abec5"
    );
    assert_eq!(w["time"], "2025-03-05T08:58:56.702938+00:00");
    assert_eq!(w["data"]["operationContext"], "addParticipants");
    assert_eq!(
        w["data"]["correlationId"],
        "d2147127-0bb8-43fd-92f6-e6260f84fba3"
    );
    // The identifier stays the wire's model (the package's parser converts it, as the official one).
    assert_eq!(
        w["data"]["participant"]["communicationUser"]["id"],
        "sanitized"
    );
    assert_eq!(
        w["data"]["resultInformation"],
        json!({"code": 200, "subCode": 0, "message": ""})
    );
}

#[test]
fn secrets_are_never_written_back() {
    // An unknown type keeps its data as sent: the one place a secret-named field could arrive.
    let body = json!([{"id": "u1", "source": "calling/callConnections/c", "type": "Microsoft.Communication.SomethingNew",
        "specversion": "1.0", "data": {"callConnectionId": "c", "incomingCallContext": "eyJhbGciOi.secret",
        "nested": [{"accessToken": "t0k3n", "IncomingCallContext": "again", "kept": 1}], "clientSecret": "s", "Authorization": "Bearer x"}}]);
    let w = cloud_event(&decode(&body.to_string())[0]).unwrap();
    assert_eq!(
        w["data"],
        json!({"callConnectionId": "c", "nested": [{"kept": 1}]})
    );
    let text = w.to_string();
    for secret in ["eyJhbGciOi", "t0k3n", "again", "Bearer"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn the_oldest_events_beyond_the_count_cap_are_dropped_and_counted() {
    let mut log = CallbackLog::default();
    for n in 1..=MAX_EVENTS {
        assert_eq!(log.push(event(n, 0)), 0);
    }
    assert_eq!((log.len(), log.dropped()), (MAX_EVENTS, 0));
    assert_eq!(
        log.push(event(MAX_EVENTS + 1, 0)),
        1,
        "one more drops the oldest"
    );
    assert_eq!(log.push(event(MAX_EVENTS + 2, 0)), 1);
    assert_eq!(
        (log.len(), log.dropped(), log.total()),
        (MAX_EVENTS, 2, MAX_EVENTS as u64 + 2)
    );

    // A reader from the start learns that two were dropped before it saw them.
    let all = log.after(0).unwrap();
    assert_eq!(
        (all.first, all.dropped, all.events.len()),
        (3, 2, MAX_EVENTS)
    );
    assert_eq!(ids(&all.events)[0], "e3");
    assert_eq!(
        ids(&all.events).last().unwrap(),
        &format!("e{}", MAX_EVENTS + 2)
    );
    // A reader that saw event 10 gets 11…, and the count of drops (none of them its own).
    let later = log.after(10).unwrap();
    assert_eq!((later.first, later.dropped), (11, 2));
    assert_eq!(ids(&later.events)[0], "e11");
    // Nothing new: nothing to send.
    assert!(log.after(log.total()).is_none());
}

#[test]
fn a_long_call_stays_within_the_byte_cap_and_the_storage_limit() {
    let mut log = CallbackLog::default();
    let pad = 100 * 1024; // five such events fit in 512 KiB, six do not
    let mut dropped = 0;
    for n in 1..=40 {
        dropped += log.push(event(n, pad));
        assert!(
            log.bytes() <= MAX_BYTES,
            "{} bytes after {n} events",
            log.bytes()
        );
    }
    assert_eq!(log.len(), 5);
    assert_eq!(dropped, 35);
    assert_eq!(log.dropped(), 35);
    let batch = log.after(0).unwrap();
    assert_eq!((batch.first, batch.dropped), (36, 35));
    assert_eq!(ids(&batch.events), ["e36", "e37", "e38", "e39", "e40"]);

    // What the Durable Object stores: the log as JSON, within the cap plus its small frame —
    // and even at 2 bytes a character (V8 stores a string beyond Latin-1 as UTF-16), within
    // the SQLite backend's 2 MB for key and value.
    let stored = serde_json::to_string(&log).unwrap();
    assert!(
        stored.len() <= MAX_BYTES + 64,
        "{} bytes stored",
        stored.len()
    );
    assert!(2 * stored.len() < 2_000_000);
    let back: CallbackLog = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, log, "stored and loaded, the same log");
}

#[test]
fn a_reader_behind_the_cap_sees_a_gap_it_can_report() {
    let mut log = CallbackLog::default();
    for n in 1..=3 {
        log.push(event(n, 0));
    }
    let seen = log.after(0).unwrap();
    assert_eq!((seen.first, seen.events.len()), (1, 3));
    for n in 4..=MAX_EVENTS + 10 {
        log.push(event(n, 0));
    }
    // It saw 1–3; 4–10 were dropped before it came back: it gets 11… and can say so.
    let next = log.after(3).unwrap();
    assert_eq!((next.first, next.dropped), (11, 10));
    assert_eq!(ids(&next.events)[0], "e11");
    assert_eq!(next.events.len(), MAX_EVENTS);
}

#[test]
fn an_event_larger_than_the_cap_is_dropped_with_everything_before_it() {
    let mut log = CallbackLog::default();
    log.push(event(1, 0));
    assert_eq!(log.push(event(2, MAX_BYTES)), 2);
    assert!(log.is_empty());
    assert_eq!((log.dropped(), log.bytes()), (2, 0));
    let batch = log.after(1).unwrap();
    assert_eq!(
        (batch.first, batch.dropped, batch.events.len()),
        (3, 2, 0),
        "the reader learns of the drop"
    );
    log.push(event(3, 0));
    assert_eq!(ids(&log.after(2).unwrap().events), ["e3"]);
}
