//! Decisions and flow commands become the right Call Automation requests, with
//! repeatability headers derived from the triggering event.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer_flows::call::command::{Command, CommandKind};
use callsteer_flows::call::wire::{command_request, decision_request};
use callsteer_flows::flow::step::CollectStep;
use callsteer_flows::flow::Prompt;
use callsteer_flows::incoming::IncomingCall;
use callsteer_flows::rules::{Action, RejectReason};
use serde_json::{json, Value};

const V: &str = "2026-03-12";

fn incoming() -> IncomingCall {
    let data = json!({"to": {"rawId": "4:+18005550100"}, "from": {"rawId": "4:+14255550111"}, "incomingCallContext": "secret-ctx"});
    IncomingCall::from_event(&serde_json::from_value(data).unwrap(), 0).unwrap()
}

fn body(req: &callsteer::http::Request) -> Value {
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

#[test]
fn decisions_map_to_answer_redirect_reject() {
    let call = incoming();
    let answer = Action::Answer {
        flow: Default::default(),
    };
    let req = decision_request(
        &answer,
        &call,
        "http://127.0.0.1:8787/api/callbacks",
        "evt-1",
        1_700_000_000,
        V,
    )
    .unwrap();
    assert_eq!(req.path, "/calling/callConnections:answer");
    assert_eq!(
        body(&req)["callbackUri"],
        "http://127.0.0.1:8787/api/callbacks"
    );
    assert_eq!(body(&req)["incomingCallContext"], "secret-ctx");
    let again = decision_request(
        &answer,
        &call,
        "http://127.0.0.1:8787/api/callbacks",
        "evt-1",
        1_700_000_000,
        V,
    )
    .unwrap();
    assert_eq!(
        req.get_header("repeatability-request-id"),
        again.get_header("repeatability-request-id")
    );
    assert!(req.get_header("repeatability-request-id").is_some());

    let redirect = Action::Redirect {
        target: "+14255550199".into(),
    };
    let req = decision_request(&redirect, &call, "", "evt-1", 0, V).unwrap();
    assert_eq!(req.path, "/calling/callConnections:redirect");
    assert_eq!(body(&req)["target"]["phoneNumber"]["value"], "+14255550199");

    let reject = Action::Reject {
        reason: RejectReason::Forbidden,
    };
    let req = decision_request(&reject, &call, "", "evt-1", 0, V).unwrap();
    assert_eq!(req.path, "/calling/callConnections:reject");
    assert_eq!(body(&req)["callRejectReason"], "forbidden");
}

fn cmd(kind: CommandKind, ctx: Option<&str>) -> Command {
    Command {
        id: "evt-9/x".into(),
        kind,
        operation_context: ctx.map(str::to_owned),
        first_sent: 1_700_000_000,
    }
}

#[test]
fn flow_commands_map_to_media_and_participant_operations() {
    let text = Prompt::text;
    let menu = CollectStep {
        max_tones: Some(1),
        timeout_seconds: Some(5),
        ..CollectStep::default()
    };
    let recognize = cmd(
        CommandKind::Recognize {
            prompts: vec![text("Hi"), text("Press 1")],
            target: "4:+14255550111".into(),
            collect: Box::new(menu),
        },
        Some("menu-1"),
    );
    let req = command_request(&recognize, "call-1", None, V).unwrap();
    assert_eq!(req.path, "/calling/callConnections/call-1:recognize");
    let b = body(&req);
    assert_eq!(b["recognizeInputType"], "dtmf");
    assert_eq!(b["operationContext"], "menu-1");
    assert_eq!(b["playPrompts"].as_array().unwrap().len(), 2);
    assert_eq!(b["recognizeOptions"]["dtmfOptions"]["maxTonesToCollect"], 1);
    assert_eq!(b["recognizeOptions"]["initialSilenceTimeoutInSeconds"], 5);
    assert_eq!(
        b["recognizeOptions"]["interruptPrompt"], true,
        "barge-in by default"
    );
    assert_eq!(
        b["recognizeOptions"]["targetParticipant"]["rawId"],
        "4:+14255550111"
    );
    assert_eq!(
        req.get_header("repeatability-request-id"),
        Some(recognize.repeatability().request_id.as_str())
    );

    let transfer = cmd(
        CommandKind::TransferToParticipant {
            target: "+14255550101".into(),
        },
        Some("transfer"),
    );
    let req = command_request(&transfer, "call-1", None, V).unwrap();
    assert_eq!(
        req.path,
        "/calling/callConnections/call-1:transferToParticipant"
    );
    assert_eq!(
        body(&req)["targetParticipant"]["phoneNumber"]["value"],
        "+14255550101"
    );

    let add = cmd(
        CommandKind::AddParticipant {
            target: "+14255550102".into(),
            timeout_seconds: None,
        },
        Some("add"),
    );
    let req = command_request(&add, "call-1", Some("+18005550100"), V).unwrap();
    assert_eq!(req.path, "/calling/callConnections/call-1/participants:add");
    assert_eq!(body(&req)["sourceCallerIdNumber"]["value"], "+18005550100");

    let hang_up = cmd(CommandKind::HangUp { for_everyone: true }, None);
    let req = command_request(&hang_up, "call-1", None, V).unwrap();
    assert_eq!(req.path, "/calling/callConnections/call-1:terminate");
}
