//! How a call is stored ([`CallRecord`] on a [`MemoryStore`], the rules the Durable Object's
//! SQL store follows): rows that each input adds or changes, a bounded cost per event however
//! long the call, dedup that survives a restart, caps, migration of the old single-value form,
//! and nothing lost when a write fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer_flows::call::callback_log::MAX_EVENTS;
use callsteer_flows::call::store::{CallRecord, MemoryStore};
use callsteer_flows::call::{CallEvent, CallSession, TIMELINE_CAP};
use serde_json::{json, Value};

const CALL: &str = "call-1";
const CALLER: &str = "4:+14255550111";

fn ev(id: &str, kind: &str, t_ms: i64, data: Value) -> (CallEvent, Value) {
    let mut data = data;
    data["serverCallId"] = json!("server-1");
    let event = common::callback_event(CALL, id, kind, t_ms, data.clone());
    (event, json!({"id": id, "type": kind, "data": data}))
}

fn menu_setup() -> callsteer_flows::call::CallSetup {
    common::answered_setup(
        CALLER,
        common::legacy_flow(json!({
            "greeting": {"text": "Welcome"},
            "menu": {"prompt": {"text": "Press 1"}, "attempts": 2,
                     "choices": {"1": {"transfer": {"target": "+14255550101"}}}}
        })),
    )
}

/// A connected call with its menu's recognize sent.
fn connected(store: &mut MemoryStore) -> CallRecord {
    let mut rec = CallRecord::new(CALL);
    assert!(rec.session.handle_setup(menu_setup()));
    rec.save(store).unwrap();
    rec.handle_events(store, [ev("c1", "CallConnected", 2_000, json!({}))])
        .unwrap();
    send_all(&mut rec, store);
    rec
}

fn send_all(rec: &mut CallRecord, store: &mut MemoryStore) {
    for c in rec.session.outbox().to_vec() {
        rec.session.handle_sent(&c.id, Ok(()));
    }
    rec.save(store).unwrap();
}

/// One event of a long call's churn: a roster change, or a continuous DTMF tone.
fn churn(n: usize) -> (CallEvent, Value) {
    let t = 3_000 + n as i64 * 100;
    if n % 2 == 0 {
        let who = if n % 4 == 0 {
            vec![CALLER]
        } else {
            vec![CALLER, "8:acs:agent"]
        };
        let parts: Vec<_> = who
            .iter()
            .map(|r| json!({"identifier": {"rawId": r}, "isMuted": false}))
            .collect();
        ev(
            &format!("p{n}"),
            "ParticipantsUpdated",
            t,
            json!({"sequenceNumber": n, "participants": parts}),
        )
    } else {
        ev(
            &format!("t{n}"),
            "ContinuousDtmfRecognitionToneReceived",
            t,
            json!({"tone": "five", "sequenceId": n}),
        )
    }
}

/// The caller presses 1 at the menu (its choice: a transfer).
fn tone_one() -> (CallEvent, Value) {
    ev(
        "r1",
        "RecognizeCompleted",
        9_000,
        json!({"operationContext": "menu-1", "recognitionType": "dtmf",
               "dtmfResult": {"tones": ["one"]}}),
    )
}

fn reopen(store: &MemoryStore) -> CallRecord {
    CallRecord::open(store).unwrap().expect("stored")
}

#[test]
fn a_stored_call_reopens_as_it_was() {
    let mut store = MemoryStore::default();
    assert!(
        CallRecord::open(&store).unwrap().is_none(),
        "nothing stored yet"
    );
    let mut rec = connected(&mut store);
    rec.handle_events(&mut store, (0..40).map(churn)).unwrap();
    // A command still queued is stored too, in order.
    rec.handle_events(&mut store, [tone_one()]).unwrap();
    assert_eq!(rec.session.outbox().len(), 1, "the transfer is queued");
    let back = reopen(&store);
    assert_eq!(
        back.session, rec.session,
        "session, timeline, outbox and setup"
    );
    assert_eq!(back.callbacks, rec.callbacks, "the callback events");
    assert_eq!(store.outbox.len(), 1);
    assert!(store.setup.as_deref().unwrap().contains("\"rule\":\"ivr\""));
    // The state row carries none of what has rows of its own.
    let state: Value = serde_json::from_str(store.state.as_deref().unwrap()).unwrap();
    for key in ["timeline", "outbox", "setup", "seen"] {
        assert!(state.get(key).is_none(), "{key} is not in the state row");
    }
}

#[test]
fn a_redelivery_is_dropped_across_a_restart_without_a_dedup_set_in_the_state() {
    let mut store = MemoryStore::default();
    let mut rec = connected(&mut store);
    let out = rec
        .handle_events(&mut store, [churn(1), churn(1), churn(2)])
        .unwrap();
    assert_eq!(
        (out.applied, out.duplicates),
        (2, 1),
        "a repeat within the batch"
    );
    let mut back = reopen(&store);
    let again = back
        .handle_events(&mut store, [churn(2), churn(3)])
        .unwrap();
    assert_eq!(
        (again.applied, again.duplicates),
        (1, 1),
        "a repeat after the restart"
    );
    assert_eq!(back.session.duplicates, 2);
    assert!(store.seen.contains(&churn(2).0.key));
}

#[test]
fn an_event_costs_the_same_rows_and_bytes_at_event_5000_as_at_event_10() {
    let mut store = MemoryStore::default();
    let mut rec = connected(&mut store);
    let mut cost = Vec::new();
    for n in 0..5_000 {
        let before = store.log.len();
        rec.handle_events(&mut store, [churn(n)]).unwrap();
        assert_eq!(store.log.len(), before + 1, "one write per input");
        cost.push(*store.log.last().unwrap());
    }
    let (rows_10, bytes_10) = cost[9];
    let (rows_5000, bytes_5000) = cost[4_999];
    assert!(rows_5000 <= 8, "rows per event stay bounded: {rows_5000}");
    assert!(
        rows_5000 <= rows_10 + 2,
        "rows at 5000 ({rows_5000}) vs at 10 ({rows_10}): only the cap deletes are added"
    );
    assert!(
        bytes_5000 * 10 <= bytes_10 * 12,
        "bytes at 5000 ({bytes_5000}) within 1.2x of at 10 ({bytes_10})"
    );
    // The caps hold in the store and are counted.
    assert_eq!(store.timeline.len(), TIMELINE_CAP);
    assert_eq!(rec.session.timeline.len(), TIMELINE_CAP);
    assert!(rec.session.timeline_dropped() > 4_000);
    assert_eq!(store.callbacks.len(), MAX_EVENTS);
    assert_eq!(rec.callbacks.dropped(), 5_001 - MAX_EVENTS as u64);
    assert_eq!(
        store.callbacks.keys().next().copied(),
        Some(rec.callbacks.dropped() + 1),
        "the oldest rows went"
    );
    assert_eq!(store.seen.len(), 5_001, "every dedup key is kept");
    // And the call reopens as it is.
    let back = reopen(&store);
    assert_eq!(back.session, rec.session);
    assert_eq!(back.callbacks, rec.callbacks);
}

#[test]
fn a_failed_write_loses_nothing_the_service_delivers_again() {
    let mut store = MemoryStore::default();
    let mut rec = connected(&mut store);
    let before = store.clone();
    store.fail_next = true;
    let tone = tone_one();
    assert!(rec.handle_events(&mut store, [tone.clone()]).is_err());
    assert_eq!(store.state, before.state, "nothing written");
    assert_eq!(store.seen, before.seen, "the event is not marked seen");
    // The worker drops its copy and reopens; the service's retry is applied.
    let mut back = reopen(&store);
    let out = back.handle_events(&mut store, [tone]).unwrap();
    assert_eq!(
        (out.applied, out.commands),
        (1, 1),
        "the transfer is queued now"
    );
}

#[test]
fn a_call_stored_in_the_old_single_value_form_is_migrated_whole() {
    // The old form: the whole session (with its dedup set) as one value, the callback log as
    // another.
    let mut old = CallSession::new(CALL);
    old.handle_setup(menu_setup());
    let (connected, _) = ev("c1", "CallConnected", 2_000, json!({}));
    old.handle_event(&connected);
    let mut value = serde_json::to_value(&old).unwrap();
    value["seen"] = json!([connected.key.clone()]);
    let log = json!({"dropped": 3, "bytes": 20, "events": [{"id": "c1"}]});

    let (mut rec, writes) =
        CallRecord::migrate(&value.to_string(), Some(&log.to_string())).unwrap();
    let mut store = MemoryStore::default();
    use callsteer_flows::call::store::CallStore;
    store.write(writes).unwrap();
    rec.mark_written();
    // (Compared as stored: `old` also holds its in-memory dedup set, which is never stored.)
    let as_stored = |s: &CallSession| serde_json::to_value(s).unwrap();
    assert_eq!(
        as_stored(&rec.session),
        as_stored(&old),
        "the session as it was"
    );
    assert_eq!(
        store.timeline.len(),
        old.timeline.len(),
        "every entry a row"
    );
    assert_eq!(store.outbox.len(), 1, "the queued recognize a row");
    assert_eq!(store.callbacks.keys().copied().collect::<Vec<_>>(), [4]);
    let mut back = reopen(&store);
    assert_eq!(back.session, rec.session);
    assert_eq!(back.callbacks.dropped(), 3);
    // The old dedup set became rows: a re-delivery is still dropped.
    let out = back
        .handle_events(&mut store, [ev("c1", "CallConnected", 2_000, json!({}))])
        .unwrap();
    assert_eq!(out.duplicates, 1);
    // A value that does not read is refused, naming it.
    let err = CallRecord::migrate("{\"timeline\": 5}", None).unwrap_err();
    assert!(err.0.contains("stored session"), "{err}");
}

#[test]
fn the_live_stream_sends_everything_once_then_only_what_changed() {
    use callsteer_flows::call::live::{changes, end, LiveMark};
    let mut store = MemoryStore::default();
    let mut rec = connected(&mut store);
    let events = |msgs: &[String]| -> Vec<(String, u64)> {
        msgs.iter()
            .map(|m| {
                let v: Value = serde_json::from_str(m).unwrap();
                let seq = v["data"]["seq"].as_u64().unwrap_or(0);
                (v["event"].as_str().unwrap().to_owned(), seq)
            })
            .collect()
    };
    // A page that connects: every entry as `timeline`, then the callback events.
    let (all, mark) = changes(&rec, LiveMark::default());
    let kinds = events(&all);
    assert_eq!(
        kinds.iter().filter(|(e, _)| e == "timeline").count(),
        rec.session.timeline.len()
    );
    assert_eq!(kinds.last().unwrap().0, "callbacks");
    assert_eq!(mark, LiveMark::of(&rec));
    assert!(
        changes(&rec, mark).0.is_empty(),
        "nothing changed, nothing sent"
    );
    // A tone: its event is new, and the recognize it settles is sent again as an update.
    rec.handle_events(&mut store, [tone_one()]).unwrap();
    let (next, _) = changes(&rec, mark);
    let next = events(&next);
    assert!(next.contains(&("update".to_owned(), 3)), "{next:?}");
    assert!(next
        .iter()
        .any(|(e, seq)| e == "timeline" && *seq > mark.seq));
    assert_eq!(next.iter().filter(|(e, _)| e == "callbacks").count(), 1);
    assert!(end(&rec.session).is_none(), "the call goes on");
}
