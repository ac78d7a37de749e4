//! Test cases (`callsteer_flows::testing`): the fixtures' cases pass, each kind of expectation
//! fails at its first difference with the step and command, a missing step is a failure, and a
//! malformed test is refused naming its field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer_flows::testing::{parse_test, parse_tests, run_tests, TestResult, MAX_TESTS};
use callsteer_flows::RoutingTable;
use serde_json::{json, Value};

const V: &str = callsteer::DEFAULT_API_VERSION;

fn fixture(path: &str) -> Value {
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(format!("{root}/{path}")).unwrap()).unwrap()
}

fn menus() -> (RoutingTable, Value) {
    let f = fixture("tests/fixtures/flows/menus.json");
    (RoutingTable::from_json(&f["rules"].to_string()).unwrap(), f)
}

/// The first case of menus.json (down to an agent) with `expect` replaced.
fn agent_case(expect: Value) -> Value {
    let (_, f) = menus();
    let mut case = f["cases"][0].clone();
    case["expect"] = expect;
    case
}

fn field(e: &callsteer::Error) -> Option<&str> {
    match e {
        callsteer::Error::InvalidInput { field, .. } => Some(field),
        _ => None,
    }
}

fn run(table: &RoutingTable, cases: Value) -> Vec<TestResult> {
    run_tests(table, Some("test"), &parse_tests(cases).unwrap(), V, 0)
}

fn one(expect: Value) -> TestResult {
    let (table, _) = menus();
    run(&table, json!([agent_case(expect)])).remove(0)
}

#[test]
fn every_fixture_case_passes_as_a_test() {
    let files = [
        "tests/fixtures/flows/menus.json",
        "tests/fixtures/flows/account.json",
        "tests/fixtures/flows/failover.json",
        "tests/fixtures/flows/ring.json",
        "tests/fixtures/flows/speech.json",
        "examples/flows/small-business.json",
    ];
    let mut n = 0;
    for file in files {
        let f = fixture(file);
        let table = RoutingTable::from_json(&f["rules"].to_string()).unwrap();
        for r in run(&table, f["cases"].clone()) {
            assert!(r.passed, "{file}: {r:#?}");
            assert!(!r.path.is_empty() || r.failure.is_none());
            n += 1;
        }
    }
    assert!(n >= 16, "{n} cases");
}

#[test]
fn a_path_fails_at_the_first_step_that_differs() {
    let r = one(json!({"path": ["main", "sales", "main"]}));
    assert!(!r.passed);
    let f = r.failure.unwrap();
    assert_eq!(f.expectation, "expect.path[2]");
    assert_eq!(f.expected, json!("main"));
    assert_eq!(f.actual, json!("orders"));
    assert_eq!(f.step.as_deref(), Some("orders"));
    assert!(f.reason.contains("step 3"), "{}", f.reason);
    assert_eq!(r.path.first().map(String::as_str), Some("main"));
}

#[test]
fn path_includes_allows_steps_between_but_keeps_the_order() {
    assert!(one(json!({"pathIncludes": ["main", "orders", "agent"]})).passed);
    let r = one(json!({"pathIncludes": ["agent", "orders"]}));
    let f = r.failure.unwrap();
    assert_eq!(f.expectation, "expect.pathIncludes[1]");
    assert_eq!(f.step.as_deref(), Some("agent"));
    assert!(f.reason.contains("after \"agent\""), "{}", f.reason);
}

#[test]
fn a_command_body_field_is_compared_by_json_pointer() {
    let transfer = |number: &str| {
        json!({"commands": [
            "AnswerCall", "CallMedia_Recognize", "CallMedia_Recognize", "CallMedia_Recognize",
            "CallMedia_Recognize", "CallMedia_Recognize", "CallMedia_Recognize",
            {"operation": "CallConnection_TransferToParticipant", "step": "agent",
             "body": {"/targetParticipant/phoneNumber/value": number}}
        ]})
    };
    assert!(one(transfer("+14255550101")).passed);
    let f = one(transfer("+14255550199")).failure.unwrap();
    assert_eq!(
        f.expectation,
        "expect.commands[7].body./targetParticipant/phoneNumber/value"
    );
    assert_eq!(f.expected, json!("+14255550199"));
    assert_eq!(f.actual, json!("+14255550101"));
    assert_eq!(f.command, Some(7));
    assert_eq!(f.step.as_deref(), Some("agent"));
}

#[test]
fn a_wrong_operation_a_missing_one_and_an_extra_one_each_fail() {
    let f = one(json!({"commands": ["AnswerCall", "CallMedia_Play"]}))
        .failure
        .unwrap();
    assert_eq!(f.expectation, "expect.commands[1]");
    assert_eq!(f.actual, json!("CallMedia_Recognize"));
    assert_eq!(f.step.as_deref(), Some("main"));

    let f = one(json!({"commands": ["AnswerCall"]})).failure.unwrap();
    assert_eq!(f.expectation, "expect.commands");
    assert_eq!(f.command, Some(1));
    assert!(f.reason.contains("was sent too"), "{}", f.reason);

    let mut many: Vec<Value> = vec![json!("AnswerCall")];
    many.extend(std::iter::repeat_n(json!("CallMedia_Recognize"), 6));
    many.push(json!("CallConnection_TransferToParticipant"));
    many.push(json!("CallConnection_TerminateCall"));
    let f = one(json!({ "commands": many })).failure.unwrap();
    assert_eq!(f.expectation, "expect.commands[8]");
    assert!(f.reason.contains("never was"), "{}", f.reason);
}

#[test]
fn not_commands_rule_end_and_variables_fail_with_what_happened() {
    let f = one(json!({"notCommands": ["CallConnection_TransferToParticipant"]}))
        .failure
        .unwrap();
    assert_eq!(f.expectation, "expect.notCommands[0]");
    assert_eq!(f.command, Some(7));
    assert_eq!(f.step.as_deref(), Some("agent"));
    assert!(one(json!({"notCommands": ["CallConnection_TerminateCall"]})).passed);

    let f = one(json!({"rule": null})).failure.unwrap();
    assert_eq!(f.expectation, "expect.rule");
    assert_eq!(f.actual, json!("menus"));
    assert!(f.reason.contains("not the default"), "{}", f.reason);
    assert!(one(json!({"rule": "menus"})).passed);

    let f = one(json!({"end": "hungUp"})).failure.unwrap();
    assert_eq!(
        (f.expected, f.actual),
        (json!("hungUp"), json!("transferred"))
    );

    let f = one(json!({"variables": {"account": "1"}})).failure.unwrap();
    assert_eq!(f.expectation, "expect.variables.account");
    assert!(f.reason.contains("never set"), "{}", f.reason);
}

#[test]
fn the_first_failing_member_is_reported_in_a_fixed_order() {
    // rule comes before end and path: only the rule is reported.
    let f = one(json!({"path": ["x"], "end": "hungUp", "rule": "other"}))
        .failure
        .unwrap();
    assert_eq!(
        f.expectation, "expect.path[0]",
        "a missing step is checked first"
    );
    let f = one(json!({"path": ["sales"], "end": "hungUp", "rule": "other"}))
        .failure
        .unwrap();
    assert_eq!(f.expectation, "expect.rule");
}

#[test]
fn a_step_the_rules_lack_is_a_failed_test_not_an_error() {
    let r = one(json!({"pathIncludes": ["main", "billing"]}));
    let f = r.failure.unwrap();
    assert_eq!(f.expectation, "expect.pathIncludes[1]");
    assert!(f.reason.contains("no step \"billing\""), "{}", f.reason);
    let r = one(json!({"commands": [{"operation": "AnswerCall", "step": "nowhere"}]}));
    assert_eq!(r.failure.unwrap().expectation, "expect.commands[0].step");
}

#[test]
fn malformed_tests_are_refused_naming_the_field() {
    let ok = agent_case(json!({}));
    let refused = |mut case: Value, edit: &dyn Fn(&mut Value), field_name: &str| {
        edit(&mut case);
        let e = parse_tests(json!([ok.clone(), case])).unwrap_err();
        assert_eq!(field(&e), Some(field_name), "{e}");
    };
    refused(
        ok.clone(),
        &|c| c["expect"]["paths"] = json!([]),
        "tests[1].expect.paths",
    );
    refused(
        ok.clone(),
        &|c| c["expect"]["commands"] = json!(["AnswerCall", "Play"]),
        "tests[1].expect.commands[1]",
    );
    refused(
        ok.clone(),
        &|c| c["expect"]["commands"] = json!([{"operation": "AnswerCall", "bodyy": {}}]),
        "tests[1].expect.commands[0].bodyy",
    );
    refused(
        ok.clone(),
        &|c| c["expect"]["commands"] = json!([{"operation": "AnswerCall", "body": {"x": 1}}]),
        "tests[1].expect.commands[0].body",
    );
    refused(
        ok.clone(),
        &|c| c["expect"]["notCommands"] = json!(["Nope"]),
        "tests[1].expect.notCommands[0]",
    );
    refused(
        ok.clone(),
        &|c| c["expect"]["end"] = json!("done"),
        "tests[1].expect.end",
    );
    refused(
        ok.clone(),
        &|c| c["script"][1] = json!({"press": "1"}),
        "tests[1].script[1]",
    );
    refused(
        ok.clone(),
        &|c| c["call"]["form"] = json!("+1"),
        "tests[1].call.form",
    );
    refused(ok.clone(), &|c| c["name"] = json!(""), "tests[1].name");
    refused(ok.clone(), &|_| {}, "tests[1].name"); // the same name twice
    refused(
        ok.clone(),
        &|c| {
            c.as_object_mut().unwrap().remove("call");
        },
        "tests[1]",
    );

    let e = parse_tests(json!({"test": []})).unwrap_err();
    assert_eq!(field(&e), Some("tests"));
    let many: Vec<Value> = (0..=MAX_TESTS)
        .map(|i| json!({"name": format!("t{i}"), "call": {"from": "+1", "to": "+2"}}))
        .collect();
    assert_eq!(
        field(&parse_tests(Value::Array(many)).unwrap_err()),
        Some("tests")
    );
    let big = json!({"name": "big", "call": {"from": "+1", "to": "+2"},
                     "script": vec![json!({"tones": "1"}); 8000]});
    assert_eq!(field(&parse_test(big, "").unwrap_err()), Some("document"));
}

#[test]
fn a_call_without_at_runs_at_the_given_time() {
    // The small business is closed at 03:00 UTC and open at 17:00 UTC on a Tuesday.
    let f = fixture("examples/flows/small-business.json");
    let table = RoutingTable::from_json(&f["rules"].to_string()).unwrap();
    let mut case = f["cases"][0].clone();
    case["call"].as_object_mut().unwrap().remove("at");
    case["expect"] = json!({"pathIncludes": ["hours", "welcome"]});
    let at = |s: &str| callsteer::time::parse_rfc3339_ms(s).unwrap() / 1000;
    let original_at = f["cases"][0]["call"]["at"].as_str().unwrap();
    let tests = parse_tests(json!([case])).unwrap();
    let same = run_tests(&table, None, &tests, V, at(original_at));
    assert!(same[0].passed, "{same:#?}");
    // Twelve hours later (03:00 on a Tuesday) the office is closed.
    let later = run_tests(&table, None, &tests, V, at(original_at) + 12 * 3600);
    assert!(!later[0].passed, "{later:#?}");
}

#[test]
fn a_report_reads_in_words_and_as_junit() {
    use callsteer_flows::testing::TestReport;
    let (table, f) = menus();
    let mut bad = agent_case(json!({"end": "hungUp"}));
    bad["name"] = json!("ends <badly> & \"loudly\"");
    let cases = json!([f["cases"][0].clone(), bad]);
    let report = TestReport::new(run(&table, cases));
    assert_eq!((report.passed, report.failed), (1, 1));
    assert!(!report.all_passed());
    let text = report.text();
    assert!(text.contains("  ok    down two levels"), "{text}");
    assert!(text.contains("  FAIL  ends <badly>"), "{text}");
    assert!(
        text.contains("expect.end: the call ended \"transferred\""),
        "{text}"
    );
    assert!(text.contains("at step \"agent\""), "{text}");
    assert!(text.ends_with("1 passed, 1 failed, 2 in all\n"), "{text}");
    let xml = report.junit("menus", 0.25);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuite name=\"menus\" tests=\"2\" failures=\"1\""),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 2);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(
        xml.contains("name=\"ends &lt;badly&gt; &amp; &quot;loudly&quot;\""),
        "{xml}"
    );
    assert!(!xml.contains("<badly>"), "{xml}");
}

#[test]
fn the_offline_api_answers_as_the_admin_routes_do() {
    use callsteer_flows::offline::{run_tests_json, simulate_json, validate};
    let (_, f) = menus();
    let rules = f["rules"].to_string();
    let v = validate(&rules);
    assert_eq!(v["valid"], json!(true), "{v}");
    assert!(v["summary"].is_array() || v["summary"].is_object(), "{v}");
    let v = validate(r#"{"version": 2, "rules": [{"name": 1}]}"#);
    assert_eq!(v["valid"], json!(false));
    assert!(
        v["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("rules[0]"),
        "{v}"
    );

    let case = &f["cases"][0];
    let sim = simulate_json(&rules, case["call"].clone(), case["script"].clone(), 0, V).unwrap();
    assert_eq!(sim.end, "transferred");
    let e = simulate_json("{}", case["call"].clone(), Value::Null, 0, V).unwrap_err();
    assert!(field(&e).unwrap().starts_with("rules."), "{e}");
    let e = simulate_json(&rules, json!({"from": "+1"}), Value::Null, 0, V).unwrap_err();
    assert_eq!(field(&e), Some("call"), "{e}");

    let report = run_tests_json(&rules, json!({"tests": f["cases"].clone()}), 0, V).unwrap();
    assert_eq!((report.passed, report.failed), (2, 0));
    let e = run_tests_json(&rules, json!([{"name": "x"}]), 0, V).unwrap_err();
    assert_eq!(field(&e), Some("tests[0]"), "{e}");
}

#[test]
fn impact_groups_real_calls_by_where_the_draft_parts_from_them() {
    use callsteer_flows::impact::{impact, RecordedCall, UnreplayableCall};
    use callsteer_flows::simulate::{parse_script, simulate};
    let (live, f) = menus();
    let mut draft_doc = f["rules"].clone();
    // In the draft, the closed support desk's message leads to sales, not back to the main menu.
    draft_doc["flows"]["menus"]["steps"][3]["next"] = json!("sales");
    let draft = RoutingTable::from_json(&draft_doc.to_string()).unwrap();
    let call: callsteer_flows::dry_run::DryRunRequest =
        serde_json::from_value(f["cases"][0]["call"].clone()).unwrap();
    let record = |id: &str, script: Value| {
        let raw: Vec<Value> = serde_json::from_value(script).unwrap();
        let script = parse_script(&raw).unwrap();
        let real = simulate(&live, None, &call, &script, V).unwrap();
        RecordedCall {
            call_connection_id: id.into(),
            call: call.clone(),
            script,
            path: real.path,
            end: Some(real.end),
        }
    };
    // The caller pressed 2, heard the support desk and hung up: the draft's path begins the same.
    let hung_up = RecordedCall {
        call_connection_id: "hung-up".into(),
        call: call.clone(),
        script: parse_script(&[json!({"tones": "2"})]).unwrap(),
        path: vec!["main".into(), "support".into()],
        end: Some("callerHungUp".into()),
    };
    // The same call ended by the flow at the support desk would have parted there.
    let ended_there = RecordedCall {
        call_connection_id: "ended-there".into(),
        end: Some("hungUp".into()),
        ..hung_up.clone()
    };
    let calls = vec![
        record("agent-1", f["cases"][0]["script"].clone()),
        record("support-1", json!([{"tones": "2"}, {"tones": "1"}])),
        record("support-2", json!([{"tones": "2"}])),
        record("silent", json!([])),
        hung_up,
    ];
    let lost = vec![UnreplayableCall {
        call_connection_id: "lost".into(),
        reason: "no routing setup".into(),
    }];
    let report = impact(&draft, "d1", &calls, lost, V);
    assert_eq!(report.calls, 6);
    assert_eq!((report.same, report.different), (3, 2), "{report:#?}");
    assert_eq!(report.groups.len(), 1, "{report:#?}");
    let g = &report.groups[0];
    assert_eq!(g.index, 2);
    assert_eq!(g.live.as_deref(), Some("main"));
    assert_eq!(g.draft.as_deref(), Some("sales"));
    assert_eq!(g.after.as_deref(), Some("support"));
    assert_eq!(g.calls, 2);
    assert_eq!(g.examples, ["support-1", "support-2"]);
    assert_eq!(report.unreplayable.calls, 1);
    assert_eq!(report.unreplayable.examples[0].call_connection_id, "lost");
    // Against the live rules themselves nothing changes.
    let same = impact(&live, "live", &calls, Vec::new(), V);
    assert_eq!((same.same, same.different), (5, 0));
    let parted = impact(&draft, "d1", &[ended_there], Vec::new(), V);
    assert_eq!(parted.different, 1);
    assert_eq!(parted.groups[0].live, None);
    assert_eq!(parted.groups[0].draft.as_deref(), Some("sales"));
}

#[test]
fn a_structural_diff_names_steps_and_edges_added_removed_and_changed() {
    use callsteer_flows::diff::diff;
    let (live, f) = menus();
    let mut doc = f["rules"].clone();
    let steps = doc["flows"]["menus"]["steps"].as_array_mut().unwrap();
    // support → sales instead of main; a new "hours" step after goodbye is not reachable, so
    // add it on the main menu's 3; the agent's transfer target changes; orders is removed.
    steps[3]["next"] = json!("sales");
    steps[0]["on"]["3"] = json!("hours");
    steps.push(json!({"id": "hours", "hangUp": {"prompt": {"text": "We open at nine."}}}));
    steps[4]["transfer"]["targets"] = json!(["+14255550102"]);
    steps[1]["on"]["1"] = json!("agent");
    steps[1]["on"].as_object_mut().unwrap().remove("9");
    steps.remove(2); // orders
    doc["rules"].as_array_mut().unwrap().push(
        json!({"name": "night", "match": {"from": {"exact": "+14255550000"}}, "action": {"reject": {"reason": "busy"}}}),
    );
    let draft = RoutingTable::from_json(&doc.to_string()).unwrap();
    let d = diff(&live, &draft);
    assert_eq!(d.rules_added, ["night"]);
    assert!(d.rules_removed.is_empty() && d.rules_changed.is_empty());
    assert!(!d.rules_reordered && !d.default_changed);
    let flow = d.flows.iter().find(|f| f.key == "flow:menus").unwrap();
    assert_eq!(flow.status, "changed");
    assert_eq!(flow.steps_added, ["hours"]);
    assert_eq!(flow.steps_removed, ["orders"]);
    assert_eq!(flow.steps_changed, ["agent", "main", "sales", "support"]);
    let pairs = |e: &[callsteer_flows::diff::Edge]| -> Vec<(String, String)> {
        e.iter().map(|e| (e.from.clone(), e.to.clone())).collect()
    };
    assert!(pairs(&flow.edges_added).contains(&("support".into(), "sales".into())));
    assert!(pairs(&flow.edges_added).contains(&("main".into(), "hours".into())));
    assert!(pairs(&flow.edges_added).contains(&("sales".into(), "agent".into())));
    assert!(pairs(&flow.edges_removed).contains(&("support".into(), "main".into())));
    assert!(pairs(&flow.edges_removed).contains(&("sales".into(), "orders".into())));
    let to_agent = flow.edges_added.iter().find(|e| e.to == "agent").unwrap();
    assert_eq!(to_agent.fields, ["on.1"]);
    // A document against itself: nothing.
    let same = diff(&live, &live);
    assert!(same.flows.iter().all(|f| f.status == "same"), "{same:#?}");
    assert!(same.rules_added.is_empty() && same.rules_changed.is_empty());
}
