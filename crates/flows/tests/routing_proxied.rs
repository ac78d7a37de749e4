//! Requests the admin page sends through the `/acs/…` proxy land on the call's timeline as
//! commands, and the callback event that settles each one (by the core's operation table,
//! paired by operationContext) gives it its outcome: what the page's "sent → waiting →
//! succeeded/failed" reads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer_flows::call::proxied::Proxied;
use callsteer_flows::call::timeline::{Outcome, Source, TimelineEntry};
use callsteer_flows::call::{CallEvent, CallSession};
use serde_json::json;

const CALL: &str = "call-1";
const BUSY: &str = "8:acs:res_agent_busy";

fn ev(id: &str, kind: &str, t_ms: i64, data: serde_json::Value) -> CallEvent {
    common::callback_event(CALL, id, kind, t_ms, data)
}

fn proxied(operation: &str, ctx: Option<&str>, party: Option<&str>, status: u16) -> Proxied {
    Proxied {
        operation: operation.into(),
        operation_context: ctx.map(Into::into),
        party: party.map(Into::into),
        status,
        at_ms: 3_000,
    }
}

fn command<'a>(s: &'a CallSession, ctx: &str) -> &'a TimelineEntry {
    s.timeline
        .iter()
        .find(|e| e.source == Source::Command && e.operation_context.as_deref() == Some(ctx))
        .unwrap()
}

fn failed_add(ctx: &str, t_ms: i64) -> CallEvent {
    ev(
        "a1",
        "AddParticipantFailed",
        t_ms,
        json!({"operationContext": ctx, "participant": {"rawId": BUSY},
               "resultInformation": {"code": 486, "subCode": 560_486, "message": "busy here"}}),
    )
}

#[test]
fn an_accepted_add_waits_for_its_event_and_takes_its_failure() {
    let mut s = CallSession::new(CALL);
    s.handle_proxied(proxied(
        "CallConnection_AddParticipant",
        Some("page-1"),
        Some(BUSY),
        202,
    ));
    let sent = command(&s, "page-1").clone();
    assert_eq!(sent.kind, "addParticipant");
    assert_eq!(sent.outcome, None, "waiting");
    assert_eq!(sent.status.as_deref(), Some("sent by the admin page: 202"));

    s.handle_event(&failed_add("page-1", 3_400));
    let event = s
        .timeline
        .iter()
        .find(|e| e.kind == "AddParticipantFailed")
        .unwrap();
    assert_eq!(event.settles, Some(sent.seq));
    assert_eq!(event.detail, format!("{BUSY}, 486/560486: busy here"));
    let settled = command(&s, "page-1");
    assert_eq!(settled.outcome, Some(Outcome::Failed));
    assert_eq!(settled.settled_by, Some(event.seq));
    assert!(settled.rev > sent.rev, "the stream sends it again");
    assert!(s.pending.is_empty());
}

#[test]
fn a_play_is_settled_by_its_completion_not_by_its_start() {
    let mut s = CallSession::new(CALL);
    s.handle_proxied(proxied("CallMedia_Play", Some("page-2"), None, 202));
    s.handle_event(&ev(
        "s1",
        "PlayStarted",
        3_100,
        json!({"operationContext": "page-2"}),
    ));
    assert_eq!(command(&s, "page-2").outcome, None, "started is progress");
    s.handle_event(&ev(
        "c1",
        "PlayCompleted",
        3_900,
        json!({"operationContext": "page-2"}),
    ));
    assert_eq!(command(&s, "page-2").outcome, Some(Outcome::Succeeded));
}

#[test]
fn an_event_before_the_proxy_reports_settles_the_command_when_it_does() {
    let mut s = CallSession::new(CALL);
    s.handle_event(&failed_add("page-3", 3_050));
    s.handle_proxied(proxied(
        "CallConnection_AddParticipant",
        Some("page-3"),
        Some(BUSY),
        202,
    ));
    let cmd = command(&s, "page-3");
    assert_eq!(cmd.outcome, Some(Outcome::Failed));
    let event = s
        .timeline
        .iter()
        .find(|e| e.seq == cmd.settled_by.unwrap())
        .unwrap();
    assert_eq!(event.kind, "AddParticipantFailed");
    assert_eq!(event.settles, Some(cmd.seq));
    assert!(s.pending.is_empty(), "nothing left waiting");
}

#[test]
fn refusals_and_operations_without_a_success_event_are_done_at_once() {
    let mut s = CallSession::new(CALL);
    s.handle_proxied(proxied(
        "CallConnection_AddParticipant",
        Some("page-4"),
        Some(BUSY),
        400,
    ));
    s.handle_proxied(proxied(
        "CallConnection_Mute",
        Some("page-5"),
        Some(BUSY),
        200,
    ));
    s.handle_proxied(proxied("CallMedia_Hold", Some("page-6"), Some(BUSY), 200));
    s.handle_proxied(proxied("CallConnection_HangupCall", None, None, 204));
    s.handle_proxied(proxied("NoSuchOperation", Some("page-7"), None, 200));
    assert_eq!(command(&s, "page-4").outcome, Some(Outcome::Failed));
    assert_eq!(command(&s, "page-5").outcome, Some(Outcome::Succeeded));
    assert_eq!(command(&s, "page-6").outcome, Some(Outcome::Succeeded));
    let kinds: Vec<_> = s.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["addParticipant", "mute", "hold", "hangupCall"]);
    assert_eq!(s.timeline[3].outcome, Some(Outcome::Succeeded));
    assert!(s.pending.is_empty());
}

#[test]
fn the_proxy_reports_changes_to_a_call_with_their_context_and_participant() {
    use callsteer::api::routes::route;
    let add = route("POST", "/calling/callConnections/call-1/participants:add").unwrap();
    let body = json!({"participantToAdd": {"rawId": BUSY, "communicationUser": {"id": BUSY}},
                      "operationContext": "page-8"});
    let (id, p) = Proxied::of_request(&add, body.to_string().as_bytes(), 202, 7).unwrap();
    assert_eq!(id, CALL);
    assert_eq!(
        p,
        Proxied {
            operation: "CallConnection_AddParticipant".into(),
            operation_context: Some("page-8".into()),
            party: Some(BUSY.into()),
            status: 202,
            at_ms: 7,
        }
    );
    let mute = route("POST", "/calling/callConnections/call-1/participants:mute").unwrap();
    let body = json!({"targetParticipants": [{"rawId": BUSY}]});
    let (_, p) = Proxied::of_request(&mute, body.to_string().as_bytes(), 200, 7).unwrap();
    assert_eq!(
        (p.party.as_deref(), p.operation_context),
        (Some(BUSY), None)
    );
    let hang_up = route("DELETE", "/calling/callConnections/call-1").unwrap();
    assert!(
        Proxied::of_request(&hang_up, b"", 204, 7).is_some(),
        "no body is fine"
    );

    for (method, path) in [
        ("GET", "/calling/callConnections/call-1/participants"),
        ("GET", "/calling/callConnections/call-1"),
        ("POST", "/calling/recordings"),
        ("POST", "/calling/callConnections:answer"),
    ] {
        let r = route(method, path).unwrap();
        assert_eq!(
            Proxied::of_request(&r, b"{}", 200, 7),
            None,
            "{method} {path}"
        );
    }
}
