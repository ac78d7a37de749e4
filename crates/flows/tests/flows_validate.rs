//! Scenario 6 and the language's other load-time rules: each refusal names the step's path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::Error;
use callsteer_flows::RoutingTable;
use serde_json::{json, Value};

fn doc(steps: Value) -> Value {
    json!({"version": 2, "rules": [{"name": "r", "action": {"answer": {"flow": {"steps": steps}}}}]})
}

fn refused(doc: Value) -> (String, String) {
    match RoutingTable::from_json(&doc.to_string()) {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("accepted: {doc}\n{other:?}"),
    }
}

const F: &str = "rules[0](r).action.answer.flow";

#[test]
fn a_missing_step_is_refused_with_its_path() {
    let (f, r) = refused(doc(json!([
        {"id": "a", "play": {"prompt": {"text": "Hi"}}, "next": "nowhere"}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a).next"));
    assert!(r.contains("no step \"nowhere\""), "{r}");
    let (f, _) = refused(doc(json!([
        {"id": "a", "branch": {"cases": [{"when": {"variable": "x", "isSet": true}, "goto": "gone"}], "else": "b"}},
        {"id": "b", "hangUp": {}}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a).branch.cases[0].goto"));
}

#[test]
fn an_unreachable_step_is_refused() {
    let (f, r) = refused(doc(json!([
        {"id": "a", "hangUp": {}},
        {"id": "island", "hangUp": {}}
    ])));
    assert_eq!(f, format!("{F}.steps[1](island)"));
    assert!(r.contains("no path reaches this step"), "{r}");
}

#[test]
fn a_silent_dead_end_is_refused() {
    let (f, r) = refused(doc(json!([
        {"id": "a", "play": {"prompt": {"text": "Hello and nothing else"}}}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a).next"));
    assert!(r.contains("left in silence"), "{r}");
    let (f, r) = refused(doc(json!([
        {"id": "a", "transfer": {"targets": ["+14255550101"]}}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a).failure"));
    assert!(r.contains("no target takes the call"), "{r}");
}

#[test]
fn an_unbounded_loop_is_refused() {
    let (f, r) = refused(doc(json!([
        {"id": "a", "play": {"prompt": {"text": "One"}}, "next": "b"},
        {"id": "b", "play": {"prompt": {"text": "Two"}}, "next": "a"}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a)"));
    assert!(r.contains("unbounded loop: a → b → a"), "{r}");
    let (f, r) = refused(doc(json!([
        {"id": "a", "set": {"x": "1"}, "next": "b"},
        {"id": "b", "branch": {"cases": [{"when": {"variable": "x", "isSet": true}, "goto": "a"}], "else": "c"}},
        {"id": "c", "hangUp": {}}
    ])));
    assert_eq!(f, format!("{F}.steps[0](a)"));
    assert!(r.contains("loop without waiting"), "{r}");
}

#[test]
fn loops_with_a_way_out_are_allowed() {
    let ok = doc(json!([
        {"id": "menu", "collect": {"prompt": {"text": "1 or 9"}}, "on": {"1": "bye", "9": "menu"}, "noMatch": "menu"},
        {"id": "bye", "hangUp": {}}
    ]));
    RoutingTable::from_json(&ok.to_string()).unwrap();
}

#[test]
fn values_are_checked_where_they_are_written() {
    let cases = [
        (
            json!([{"id": "a", "play": {"prompt": {"text": "x"}}, "next": "a", "busy": "a"}]),
            "steps[0](a).busy",
            "a play step has no busy path",
        ),
        (
            json!([{"id": "a", "hangUp": {}, "colour": "red"}]),
            "steps[0](a).colour",
            "unknown field",
        ),
        (
            json!([{"id": "a", "hangUp": {}, "play": {"prompt": {"text": "x"}}}]),
            "steps[0](a)",
            "one step key per step",
        ),
        (
            json!([{"id": "a", "collect": {"prompt": {"text": "x"}, "maxTones": 0}, "next": "b"}, {"id": "b", "hangUp": {}}]),
            "steps[0](a).collect.maxTonesToCollect",
            "",
        ),
        (
            json!([{"id": "a", "ring": {"targets": ["nobody"]}, "failure": "b"}, {"id": "b", "hangUp": {}}]),
            "steps[0](a).ring.targets[0]",
            "E.164",
        ),
        (
            json!([{"id": "a", "webhook": {"url": "http://app.example/x"}, "next": "b"}, {"id": "b", "hangUp": {}}]),
            "steps[0](a).webhook.url",
            "https",
        ),
        (
            json!([{"id": "a", "hangUp": {"prompt": {"text": "Hi {{name"}}}]),
            "steps[0](a).hangUp.prompt.text",
            "no closing",
        ),
        (
            json!([{"id": "a", "set": {"caller": "x"}, "next": "b"}, {"id": "b", "hangUp": {}}]),
            "steps[0](a).set.caller",
            "not one the worker sets",
        ),
        (
            json!([{"id": "a", "collect": {"input": "choices", "prompt": {"text": "x"},
                     "choices": [{"label": "yes", "phrases": ["yes"]}]}, "on": {"no": "b"}},
                   {"id": "b", "hangUp": {}}]),
            "steps[0](a).on.no",
            "not the label",
        ),
        (
            json!([{"id": "a", "hangUp": {}}, {"id": "a", "hangUp": {}}]),
            "steps[1](a).id",
            "duplicate",
        ),
        (
            json!([{"id": "a", "park": {"maxWaitSeconds": 0}}]),
            "steps[0](a).park.maxWaitSeconds",
            "1-86400",
        ),
    ];
    for (steps, field, reason) in cases {
        let (f, r) = refused(doc(steps.clone()));
        assert_eq!(f, format!("{F}.{field}"), "{steps}: {r}");
        assert!(r.contains(reason), "{steps}: {r}");
    }
}

#[test]
fn graphs_need_version_2_and_named_flows_must_exist() {
    let v1 = json!({"version": 1, "rules": [{"name": "r", "action": {"answer": {"flow": {"steps": [{"id": "a", "hangUp": {}}]}}}}]});
    let (f, r) = refused(v1);
    assert_eq!(f, F);
    assert!(r.contains("version\": 2"), "{r}");
    let missing =
        json!({"version": 2, "rules": [{"name": "r", "action": {"answer": {"flow": "main"}}}]});
    let (f, r) = refused(missing);
    assert_eq!(f, F);
    assert!(r.contains("no flow named \"main\""), "{r}");
    let bad_named = json!({"version": 2, "flows": {"main": {"steps": [{"id": "a", "play": {"prompt": {"text": "x"}}}]}}, "rules": []});
    let (f, _) = refused(bad_named);
    assert_eq!(f, "flows.main.steps[0](a).next");
}

#[test]
fn a_greeting_without_a_menu_loads_as_a_park_with_a_warning() {
    let doc = json!({"version": 1, "rules": [{"name": "hours", "action": {"answer": {"flow": {"greeting": {"text": "Hello"}}}}}]});
    let table = RoutingTable::from_json(&doc.to_string()).unwrap();
    let w = table.warnings();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].field, "rules[0](hours).action.answer.flow.greeting");
    assert!(w[0].message.contains("park"));
    let callsteer_flows::rules::Action::Answer { flow } = &table.rule("hours").unwrap().action
    else {
        panic!()
    };
    let kinds: Vec<_> = flow
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.kind.name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("greeting", "play"),
            ("park", "park"),
            ("goodbye", "hangUp")
        ]
    );
}
