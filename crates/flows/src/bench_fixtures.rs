//! What the benchmarks of flows share (the worker's `flow-step` bench route and
//! `examples/flows_bench.rs`): a call of the menus scenario (tests/fixtures/flows/menus.json)
//! answered and waiting in its main menu, with its recognize sent, and the caller's tone that
//! moves it on to the next menu.

use super::call::{CallEvent, CallSession, CallSetup};
use super::rules::Action;
use super::RoutingTable;
use callsteer::Error;
use serde_json::{json, Value};

const MENUS: &str = include_str!("../../../tests/fixtures/flows/menus.json");

/// The waiting session and the tone.
///
/// # Errors
/// When the fixture does not load (a broken checkout), as the error that says why.
pub fn waiting_in_menu() -> Result<(CallSession, CallEvent), Error> {
    let fixture: Value =
        serde_json::from_str(MENUS).map_err(|e| Error::decode("menus fixture", e.to_string()))?;
    let table = RoutingTable::from_json(&fixture["rules"].to_string())?;
    let Some(Action::Answer { flow }) = table.rule("menus").map(|r| r.action.clone()) else {
        return Err(Error::invalid(
            "rules",
            "the menus fixture has no answering rule",
        ));
    };
    let mut s = CallSession::new("bench");
    s.handle_setup(CallSetup {
        rule: Some("menus".into()),
        revision: None,
        flow,
        caller: "4:+14255550111".into(),
        callee: "4:+18005550100".into(),
        caller_display_name: None,
        incoming_event_id: "incoming".into(),
        answered_at_ms: 1_000,
    });
    s.handle_event(&event("CallConnected", json!({}))?);
    if let Some(id) = s.outbox().first().map(|c| c.id.clone()) {
        s.handle_sent(&id, Ok(()));
    }
    let tone = event(
        "RecognizeCompleted",
        json!({"operationContext": "main-1", "recognitionType": "dtmf",
            "dtmfResult": {"tones": ["one"]}, "resultInformation": {"code": 200, "subCode": 8531}}),
    )?;
    Ok((s, tone))
}

fn event(kind: &str, mut data: Value) -> Result<CallEvent, Error> {
    data["callConnectionId"] = json!("bench");
    let body = json!([{"id": format!("e-{kind}"), "source": "calling/callConnections/bench",
        "type": format!("Microsoft.Communication.{kind}"), "time": "2026-12-07T15:00:02Z", "data": data}]);
    let events = callsteer::events::decode_callback_events(body.to_string().as_bytes())?;
    let first = events
        .first()
        .ok_or_else(|| Error::decode("bench event", "no event"))?;
    CallEvent::from_callback(first)
}
