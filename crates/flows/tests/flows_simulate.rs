//! The flow scenarios of `tests/fixtures/flows/*.json` through the simulator: the same
//! `CallSession` a live call runs, against the service model and a scripted caller. The live
//! suite (`tests/edge/flows.test.mjs`) runs the same files against the emulator and requires the
//! same commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer_flows::dry_run::DryRunRequest;
use callsteer_flows::simulate::{parse_script, simulate, SimResult, SimulateRequest};
use callsteer_flows::RoutingTable;
use serde_json::{json, Value};

const V: &str = callsteer::DEFAULT_API_VERSION;

fn fixture(name: &str) -> Value {
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    let path = match name {
        "small-business" => format!("{root}/examples/flows/{name}.json"),
        _ => format!("{root}/tests/fixtures/flows/{name}.json"),
    };
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn run_case(rules: &Value, case: &Value) -> SimResult {
    let table = RoutingTable::from_json(&rules.to_string()).unwrap();
    let call: DryRunRequest = serde_json::from_value(case["call"].clone()).unwrap();
    let raw: Vec<Value> = serde_json::from_value(case["script"].clone()).unwrap();
    let script = parse_script(&raw).unwrap();
    simulate(&table, Some("test"), &call, &script, V).unwrap()
}

fn operations(r: &SimResult) -> Vec<&str> {
    r.commands.iter().map(|c| c.operation.as_str()).collect()
}

/// Checks every expectation a fixture case states; returns the result for more.
fn check(file: &str, case_name: &str) -> SimResult {
    let f = fixture(file);
    let case = f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == case_name)
        .unwrap_or_else(|| panic!("no case {case_name:?} in {file}"));
    let r = run_case(&f["rules"], case);
    let e = &case["expect"];
    let ctx = format!("{file}: {case_name}: {r:#?}");
    if let Some(end) = e["end"].as_str() {
        assert_eq!(r.end, end, "{ctx}");
    }
    if let Some(rule) = e["rule"].as_str() {
        assert_eq!(r.rule.as_deref(), Some(rule), "{ctx}");
    }
    if let Some(path) = e["path"].as_array() {
        let want: Vec<&str> = path.iter().map(|p| p.as_str().unwrap()).collect();
        assert_eq!(r.path, want, "{ctx}");
    }
    if let Some(cmds) = e["commands"].as_array() {
        let want: Vec<&str> = cmds.iter().map(|p| p.as_str().unwrap()).collect();
        assert_eq!(operations(&r), want, "{ctx}");
    }
    if let Some(vars) = e["variables"].as_object() {
        for (k, v) in vars {
            assert_eq!(
                r.variables.get(k).map(String::as_str),
                v.as_str(),
                "{k}: {ctx}"
            );
        }
    }
    r
}

#[test]
fn every_fixture_case_meets_its_expectations() {
    for file in [
        "menus",
        "account",
        "speech",
        "failover",
        "ring",
        "small-business",
    ] {
        let f = fixture(file);
        for case in f["cases"].as_array().unwrap() {
            check(file, case["name"].as_str().unwrap());
        }
    }
}

#[test]
fn a_three_level_menu_goes_back_and_repeats() {
    let r = check(
        "menus",
        "down two levels, back one, repeat, down again to an agent",
    );
    let contexts: Vec<_> = r
        .commands
        .iter()
        .filter_map(|c| c.operation_context.as_deref())
        .collect();
    assert_eq!(
        contexts,
        ["main-1", "sales-1", "orders-1", "sales-2", "sales-3", "orders-2", "agent-1"]
    );
    let transfer = r.commands.last().unwrap();
    assert_eq!(
        transfer.request.body["targetParticipant"]["phoneNumber"]["value"],
        "+14255550101"
    );
    assert_eq!(transfer.request.method, "POST");
    assert!(transfer.request.path.ends_with(":transferToParticipant"));
}

#[test]
fn the_account_number_goes_to_the_app_with_the_calls_facts() {
    let r = check("account", "a valid number is transferred to billing");
    let recognize = &r.commands[1].request.body;
    assert_eq!(
        recognize["recognizeOptions"]["dtmfOptions"]["maxTonesToCollect"],
        8
    );
    assert_eq!(
        recognize["recognizeOptions"]["dtmfOptions"]["stopTones"],
        json!(["pound"])
    );
    assert_eq!(r.webhooks.len(), 1);
    let body = &r.webhooks[0].body;
    assert_eq!(body["step"], "check");
    assert_eq!(body["variables"]["account"], "123456");
    assert_eq!(body["call"]["caller"], "+14255550111");
    assert_eq!(body["call"]["rule"], "billing");
    assert_eq!(body["call"]["revision"], "test");
    assert_eq!(body["path"], json!(["account", "check"]));
}

#[test]
fn a_refused_app_answer_is_noted_and_takes_the_failure_path() {
    let r = check("account", "the app answers a step it may not lead to");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("\"goodbye\" is not a step this one may lead to")),
        "{:?}",
        r.notes
    );
    let f = fixture("account");
    let mut case = f["cases"][2].clone();
    case["script"][1] = json!({"webhook": {"goto": 5}});
    let garbage = run_case(&f["rules"], &case);
    assert_eq!(garbage.path, ["account", "check", "app-down", "agent"]);
    assert!(garbage
        .notes
        .iter()
        .any(|n| n.contains("goto is not a string")));
}

#[test]
fn transfer_fails_over_target_by_target() {
    let r = check("failover", "busy, declined, answered");
    let targets: Vec<_> = r.commands[2..]
        .iter()
        .map(|c| c.request.body["targetParticipant"]["phoneNumber"]["value"].clone())
        .collect();
    assert_eq!(
        targets,
        [
            json!("+15550010001"),
            json!("+15550030002"),
            json!("+15550000003")
        ]
    );
    assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
    let busy = check("failover", "every line busy");
    assert_eq!(
        busy.end_reason.as_deref(),
        Some("hangUp step"),
        "the busy path leads to the goodbye step"
    );
}

#[test]
fn simultaneous_ring_cancels_the_losers() {
    let r = check(
        "ring",
        "the first agent answers; the other two are cancelled",
    );
    let adds: Vec<_> = r
        .commands
        .iter()
        .filter(|c| c.operation == "CallConnection_AddParticipant")
        .map(|c| {
            (
                c.operation_context.clone().unwrap(),
                c.request.body["invitationTimeoutInSeconds"].clone(),
            )
        })
        .collect();
    assert_eq!(
        adds,
        [
            ("agents-1".to_owned(), json!(20)),
            ("agents-2".to_owned(), json!(20)),
            ("agents-3".to_owned(), json!(20))
        ]
    );
    let cancels: Vec<_> = r
        .commands
        .iter()
        .filter(|c| c.operation == "CallConnection_CancelAddParticipant")
        .map(|c| c.request.body["invitationId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cancels.len(), 2);
    assert!(cancels.iter().all(|i| i.starts_with("sim-invitation-")));
    assert_ne!(cancels[0], cancels[1]);
}

#[test]
fn simulation_is_deterministic() {
    let f = fixture("ring");
    let a = run_case(&f["rules"], &f["cases"][0]);
    let b = run_case(&f["rules"], &f["cases"][0]);
    assert_eq!(a, b);
}

#[test]
fn a_park_waits_then_takes_its_timeout_path() {
    let doc = json!({"version": 2, "rules": [{"name": "p", "action": {"answer": {"flow": {"steps": [
        {"id": "hold", "park": {"music": {"file": "https://music.example/hold.wav"}, "maxWaitSeconds": 30}, "timeout": "bye"},
        {"id": "bye", "hangUp": {"prompt": {"text": "Sorry."}}}
    ]}}}}]});
    let r = run_case(
        &doc,
        &json!({"call": {"from": "+14255550111", "to": "+18005550100", "at": "2026-12-07T15:00:00Z"}, "script": []}),
    );
    assert_eq!(
        operations(&r),
        [
            "AnswerCall",
            "CallMedia_Hold",
            "CallMedia_Unhold",
            "CallMedia_Play",
            "CallConnection_TerminateCall"
        ]
    );
    assert_eq!(
        r.commands[1].request.body["playSourceInfo"]["file"]["uri"],
        "https://music.example/hold.wav"
    );
    let unhold_at = r
        .timeline
        .iter()
        .find(|e| e.kind == "unhold")
        .map(|e| e.at_ms)
        .unwrap();
    let hold_at = r
        .timeline
        .iter()
        .find(|e| e.kind == "hold")
        .map(|e| e.at_ms)
        .unwrap();
    assert_eq!(unhold_at - hold_at, 30_000, "the wait is the step's");
}

#[test]
fn branch_uses_variables_numbers_and_time() {
    let doc = json!({"version": 2, "rules": [{"name": "b", "action": {"answer": {"flow": {"steps": [
        {"id": "count", "collect": {"prompt": {"text": "How many?"}, "maxTones": 3, "stopTones": ["#"], "variable": "n"}, "next": "route"},
        {"id": "route", "branch": {"cases": [
            {"when": {"variable": "n", "number": {"gte": 10}}, "goto": "big"},
            {"when": {"variable": "caller", "matches": {"prefix": "+1425"},
                      "time": [{"timeZone": "UTC", "start": "09:00", "end": "17:00"}]}, "goto": "local"}
        ], "else": "other"}},
        {"id": "big", "hangUp": {"prompt": {"text": "Big {{n}}."}}},
        {"id": "local", "hangUp": {"prompt": {"text": "Local {{caller}}."}}},
        {"id": "other", "hangUp": {}}
    ]}}}}]});
    let call = |at: &str, tones: &str| json!({"call": {"from": "+14255550111", "to": "+18005550100", "at": at}, "script": [{"tones": tones}]});
    let big = run_case(&doc, &call("2026-12-07T15:00:00Z", "12#"));
    assert_eq!(big.path, ["count", "route", "big"]);
    assert_eq!(
        big.commands[2].request.body["playSources"][0]["text"]["text"],
        "Big 12."
    );
    let local = run_case(&doc, &call("2026-12-07T15:00:00Z", "3#"));
    assert_eq!(local.path, ["count", "route", "local"]);
    assert_eq!(
        local.commands[2].request.body["playSources"][0]["text"]["text"],
        "Local +14255550111."
    );
    let night = run_case(&doc, &call("2026-12-07T23:00:00Z", "3#"));
    assert_eq!(night.path, ["count", "route", "other"]);
}

#[test]
fn a_loop_is_stopped_by_its_visit_limit() {
    let doc = json!({"version": 2, "rules": [{"name": "l", "action": {"answer": {"flow": {"steps": [
        {"id": "ask", "collect": {"prompt": {"text": "Press 1"}, "timeoutSeconds": 1}, "on": {"1": "done"}, "noInput": "ask", "maxVisits": 3},
        {"id": "done", "hangUp": {}}
    ]}}}}]});
    let r = run_case(
        &doc,
        &json!({"call": {"from": "+14255550111", "to": "+18005550100"}, "script": []}),
    );
    assert_eq!(r.end, "stepLimit");
    assert_eq!(r.path, ["ask", "ask", "ask"]);
    assert_eq!(operations(&r).last(), Some(&"CallConnection_TerminateCall"));
}

#[test]
fn redirect_and_reject_are_simulated_as_decisions() {
    let doc = json!({"version": 1, "default": {"reject": {"reason": "busy"}}, "rules": [
        {"name": "vip", "match": {"from": {"prefix": "+1206"}}, "action": {"redirect": {"target": "+14255550123"}}}]});
    let r = run_case(
        &doc,
        &json!({"call": {"from": "+12065550100", "to": "+18005550100"}, "script": [{"tones": "1"}]}),
    );
    assert_eq!(
        (r.action.as_str(), r.end.as_str()),
        ("redirect", "redirected")
    );
    assert_eq!(operations(&r), ["RedirectCall"]);
    assert_eq!(r.unused_script, [0]);
    let r = run_case(
        &doc,
        &json!({"call": {"from": "+14255550100", "to": "+18005550100"}, "script": []}),
    );
    assert_eq!(r.end, "rejected");
    assert_eq!(r.commands[0].request.body["callRejectReason"], "busy");
    assert_eq!(
        r.commands[0].request.body["incomingCallContext"], "<incomingCallContext>",
        "no real context in a simulation"
    );
}

#[test]
fn simulate_bodies_are_refused_naming_the_field() {
    let refused = |body: Value| match SimulateRequest::from_json(&body.to_string()) {
        Err(callsteer::Error::InvalidInput { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(refused(json!({"script": []})), "document");
    assert_eq!(
        refused(json!({"call": {"from": "+1", "to": "+2"}, "script": [{"tones": "1x"}]})),
        "script[0].tones"
    );
    assert_eq!(
        refused(json!({"call": {"from": "+1", "to": "+2"}, "script": [{"dance": true}]})),
        "script[0]"
    );
    assert_eq!(
        refused(
            json!({"call": {"from": "+1", "to": "+2"}, "script": [{"target": "nobody", "outcome": "busy"}]})
        ),
        "script[0].target"
    );
    assert_eq!(
        refused(
            json!({"call": {"from": "+1", "to": "+2"}, "script": [{"target": "+14255550101", "outcome": "maybe"}]})
        ),
        "script[0]"
    );
    assert_eq!(
        refused(json!({"call": {"from": "+1", "to": "+2"}, "rules": {}, "revision": "r1"})),
        "revision"
    );
    assert_eq!(
        refused(json!({"call": {"from": "+1", "to": "+2", "colour": "red"}})),
        "call.colour"
    );
}

#[test]
fn a_branch_on_holidays_takes_the_closed_path() {
    let rules = json!({"version": 2, "default": {"answer": {"flow": {"start": "when", "steps": [
        {"id": "when", "branch": {"cases": [
            {"when": {"dates": {"timeZone": "America/Chicago", "dates": ["2026-11-26..2026-11-27"]}}, "goto": "closed"}],
            "else": "open"}},
        {"id": "open", "hangUp": {"prompt": {"text": "We are open."}}},
        {"id": "closed", "hangUp": {"prompt": {"text": "Happy Thanksgiving."}}}
    ]}}}, "rules": []});
    let table = RoutingTable::from_json(&rules.to_string()).unwrap();
    let path_at = |at: &str| {
        let call: DryRunRequest =
            serde_json::from_value(json!({"from": "+14255550111", "to": "+18005550100", "at": at}))
                .unwrap();
        simulate(&table, None, &call, &[], V).unwrap().path
    };
    assert_eq!(path_at("2026-11-26T15:00:00Z"), ["when", "closed"]);
    // 05:30 UTC on the 28th is still the 27th in Chicago (UTC-6).
    assert_eq!(path_at("2026-11-28T05:30:00Z"), ["when", "closed"]);
    assert_eq!(path_at("2026-11-28T06:30:00Z"), ["when", "open"]);
}
