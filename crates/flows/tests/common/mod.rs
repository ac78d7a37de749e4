//! Helpers shared by the edge's native tests.
#![allow(dead_code, clippy::unwrap_used)]

use callsteer_flows::call::{CallEvent, CallSetup};
use callsteer_flows::flow::Flow;
use serde_json::json;

/// A callback event of `kind` (`"PlayCompleted"`) for call `call` at `t_ms` (Unix ms), as the
/// service posts it, decoded by the core and turned into the session's [`CallEvent`].
pub(crate) fn callback_event(
    call: &str,
    id: &str,
    kind: &str,
    t_ms: i64,
    mut data: serde_json::Value,
) -> CallEvent {
    data["callConnectionId"] = json!(call);
    let t = callsteer::time::rfc3339((t_ms / 1000) as u64)
        .replace('Z', &format!(".{:03}Z", t_ms % 1000));
    let body = json!([{
        "id": id, "source": format!("calling/callConnections/{call}"),
        "type": format!("Microsoft.Communication.{kind}"), "time": t, "specversion": "1.0", "data": data
    }]);
    let events = callsteer::events::decode_callback_events(body.to_string().as_bytes()).unwrap();
    CallEvent::from_callback(&events[0]).unwrap()
}

/// The setup of a call the `ivr` rule answered: `caller` → +18005550100, answered at 1 s.
pub(crate) fn answered_setup(caller: &str, flow: Flow) -> CallSetup {
    CallSetup {
        revision: None,
        rule: Some("ivr".into()),
        flow,
        caller: caller.into(),
        callee: "4:+18005550100".into(),
        caller_display_name: None,
        incoming_event_id: "incoming-1".into(),
        answered_at_ms: 1_000,
    }
}

/// A version 1 flow (`{"greeting", "menu"}`) as a document loads it: its graph.
pub(crate) fn legacy_flow(v: serde_json::Value) -> Flow {
    let old: callsteer_flows::flow::legacy::LegacyFlow = serde_json::from_value(v).unwrap();
    old.to_graph().0
}
