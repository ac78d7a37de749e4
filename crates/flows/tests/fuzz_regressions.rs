//! Inputs the fuzz targets (fuzz/, `bash scripts/fuzz`) found in the edge's routing,
//! minimized, each with the property it broke. Each was added before the fix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::Error;
use callsteer_flows::RoutingTable;

/// routing_rules: an unknown top-level key `""` was refused with an empty field name.
#[test]
fn an_unknown_empty_key_is_refused_naming_a_field() {
    match RoutingTable::from_json(r#"{"":1,"rules":[]}"#) {
        Err(Error::InvalidInput { field, reason }) => {
            assert!(!field.is_empty(), "no field named ({reason})");
            assert!(reason.contains("unknown field"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// admin_action: `8:acs:__` passed the target check (a known prefix and more), so the admin API
/// queued an AddParticipant the worker then could not send: the raw id is a Teams extension
/// user whose three parts are empty. Targets are now checked as the operations check them,
/// in admin actions and in rules documents alike.
#[test]
fn a_target_the_operations_refuse_is_refused_up_front() {
    use callsteer_flows::call::{AdminAction, CallEvent, CallSession, CallSetup};
    let mut s = CallSession::new("call-1");
    s.handle_setup(CallSetup {
        revision: None,
        rule: None,
        flow: Default::default(),
        caller: "4:+14255550111".into(),
        callee: "4:+18005550100".into(),
        caller_display_name: None,
        incoming_event_id: "incoming-1".into(),
        answered_at_ms: 1_000,
    });
    let connected = r#"[{"id":"e1","source":"calling/callConnections/call-1","specversion":"1.0",
        "type":"Microsoft.Communication.CallConnected","time":"2026-03-12T00:00:02Z",
        "data":{"callConnectionId":"call-1","serverCallId":"server-1"}}]"#;
    let events = callsteer::events::decode_callback_events(connected.as_bytes()).unwrap();
    s.handle_event(&CallEvent::from_callback(&events[0]).unwrap());
    for target in ["8:acs:__", "8:acs:_tenant_user", "8:dod-acs:resource__user"] {
        let action = AdminAction::AddParticipant {
            target: target.into(),
        };
        match s.handle_admin(action, "r1", 10_000) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "target", "{target}"),
            other => panic!("{target}: {other:?}"),
        }
    }
    let doc = r#"{"version":1,"rules":[{"name":"x","action":{"redirect":{"target":"8:acs:__"}}}]}"#;
    match RoutingTable::from_json(doc) {
        Err(Error::InvalidInput { field, .. }) => {
            assert_eq!(field, "rules[0](x).action.redirect.target")
        }
        other => panic!("{other:?}"),
    }
}
