//! The admin API's action body (`POST /admin/calls/{id}/actions`) on a live call.
//!
//! Input: the JSON body, optionally preceded by a line `#<idempotency key>` (the worker's
//! request id; default `admin-req`). The worker reads the body with `AdminAction::from_json`,
//! forwards it to the call's object as JSON, which runs
//! `CallSession::handle_admin` and sends the command with `wire::command_request`.
//!
//! Properties:
//! * a body `from_json` refuses names a field (or is not JSON at all);
//! * an action round-trips through JSON (the worker → object hop);
//! * on a call that is not connected every action is refused, naming `call`;
//! * on a live call a refusal is `InvalidInput` naming the field (`target`, `prompt.…`,
//!   `action`); an accepted action queues exactly one command, which the worker can turn
//!   into a valid request (what the API accepts can be sent), and repeating the same
//!   request id queues nothing new;
//! * the session persists losslessly after it (through the call's rows).
#![no_main]

use std::sync::OnceLock;

use callsteer_flows::call::store::{CallRecord, MemoryStore};
use callsteer_flows::call::wire::command_request;
use callsteer_flows::call::{AdminAction, CallEvent, CallSession, CallSetup};
use callsteer_flows::flow::Flow;
use callsteer_fuzz::invalid_field;
use libfuzzer_sys::fuzz_target;

const CALL: &str = "call-1";
const NOW_MS: i64 = 1_773_273_600_000;

fuzz_target!(|data: &[u8]| {
    let (request_id, body) = split_request_id(data);
    let Ok(text) = std::str::from_utf8(body) else { return };
    let action = match AdminAction::from_json(text) {
        Ok(a) => a,
        Err(callsteer::Error::Decode { .. }) => return,
        Err(e) => {
            invalid_field("AdminAction::from_json", &e);
            return;
        }
    };
    let json = serde_json::to_string(&action).expect("serialize");
    let back: AdminAction = serde_json::from_str(&json).expect("action JSON re-decodes");
    assert_eq!(back, action, "action JSON round trip");

    let mut ringing = CallSession::new(CALL);
    match ringing.handle_admin(action.clone(), &request_id, NOW_MS) {
        Ok(cmd) => panic!("accepted on a call that is not connected: {cmd:?}"),
        Err(e) => assert_eq!(invalid_field("handle_admin (not connected)", &e), "call"),
    }

    let mut s = live().clone();
    let before = s.outbox().len();
    match s.handle_admin(action.clone(), &request_id, NOW_MS) {
        Err(e) => {
            let field = invalid_field("handle_admin", &e);
            let known = ["target", "action"].contains(&field) || field.starts_with("prompt.");
            assert!(known, "unexpected field {field:?}");
            assert_eq!(s.outbox().len(), before, "a refused action queued a command");
        }
        Ok(cmd) => {
            assert_eq!(s.outbox().len(), before + 1);
            assert_eq!(s.outbox().last(), Some(&cmd));
            let callee = s.setup.as_ref().map(|x| x.callee.trim_start_matches("4:").to_owned());
            let sent = command_request(&cmd, CALL, callee.as_deref(), callsteer::DEFAULT_API_VERSION);
            if let Err(e) = sent {
                panic!("accepted {action:?} but its command cannot be sent: {e}");
            }
            let again = s.handle_admin(action, &request_id, NOW_MS + 1).expect("repeat accepted");
            assert_eq!(again.id, cmd.id);
            assert_eq!(s.outbox().len(), before + 1, "a repeated request queued another command");
        }
    }
    // Stored as the call's object stores it (rows) and read back: equal as stored (the
    // in-memory dedup set of `handle_event` is never stored; a stored call's keys are rows).
    let mut store = MemoryStore::default();
    let mut record = CallRecord::new(CALL);
    record.session = s.clone();
    record.save(&mut store).expect("rows written");
    let restored = CallRecord::open(&store).expect("rows read").expect("stored").session;
    let as_stored = |s: &CallSession| serde_json::to_value(s).expect("serialize session");
    assert_eq!(as_stored(&restored), as_stored(&s), "session persistence round trip");
    assert_eq!(restored.outbox(), s.outbox());
});

fn split_request_id(data: &[u8]) -> (String, &[u8]) {
    if let Some(rest) = data.strip_prefix(b"#") {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let id = String::from_utf8_lossy(&rest[..end]).into_owned();
        return (id, rest.get(end + 1..).unwrap_or_default());
    }
    ("admin-req".to_owned(), data)
}

/// A connected call (setup done, CallConnected seen, server call id known), made once.
fn live() -> &'static CallSession {
    static S: OnceLock<CallSession> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = CallSession::new(CALL);
        s.handle_setup(CallSetup {
            revision: None,
            rule: Some("ivr".into()),
            flow: Flow::default(),
            caller: "4:+14255550111".into(),
            callee: "4:+18005550100".into(),
            caller_display_name: None,
            incoming_event_id: "incoming-1".into(),
            answered_at_ms: NOW_MS - 60_000,
        });
        let body = serde_json::json!([{
            "id": "e1", "source": format!("calling/callConnections/{CALL}"),
            "type": "Microsoft.Communication.CallConnected", "time": "2026-03-11T23:59:30Z",
            "specversion": "1.0",
            "data": {"callConnectionId": CALL, "serverCallId": "server-1"}
        }]);
        let events = callsteer::events::decode_callback_events(body.to_string().as_bytes())
            .expect("CallConnected decodes");
        s.handle_event(&CallEvent::from_callback(&events[0]).expect("call event"));
        assert!(s.connected && s.server_call_id.is_some(), "the session is live");
        for c in s.outbox().to_vec() {
            s.handle_sent(&c.id, Ok(()));
        }
        s
    })
}
