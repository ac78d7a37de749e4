//! Routing rules: each condition kind routes as configured, and invalid documents are
//! refused with a message naming the rule and the field.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::Error;
use callsteer_flows::rules::{Action, RejectReason};
use callsteer_flows::{CallInfo, RoutingTable};
use serde_json::json;

fn table(rules: serde_json::Value) -> RoutingTable {
    let doc = json!({"version": 1, "default": {"reject": {"reason": "busy"}}, "rules": rules});
    RoutingTable::from_json(&doc.to_string()).unwrap()
}

fn call(to: &str, from: &str) -> CallInfo {
    // Friday 2026-11-20 15:00 UTC = 10:00 in New York.
    CallInfo {
        to: to.into(),
        from: from.into(),
        arrived_at: 1_795_705_200,
        ..Default::default()
    }
}

fn rule_of(t: &RoutingTable, c: &CallInfo) -> Option<String> {
    t.route(c).rule
}

#[test]
fn to_and_from_match_exact_prefix_and_pattern() {
    let t = table(json!([
        {"name": "exact", "match": {"to": {"exact": "+14255550100"}}, "action": {"reject": {}}},
        {"name": "prefix", "match": {"from": {"prefix": "+4930"}}, "action": {"reject": {}}},
        {"name": "pattern", "match": {"to": {"pattern": "8:acs:*_0000####"}}, "action": {"reject": {}}},
    ]));
    assert_eq!(
        rule_of(&t, &call("+14255550100", "+1")).as_deref(),
        Some("exact")
    );
    assert_eq!(
        rule_of(&t, &call("+14255550101", "+493012345")).as_deref(),
        Some("prefix")
    );
    assert_eq!(
        rule_of(&t, &call("8:acs:r_00001234", "+1")).as_deref(),
        Some("pattern")
    );
    let none = t.route(&call("8:acs:r_0000123x", "+1"));
    assert_eq!(none.rule, None);
    assert_eq!(
        none.action,
        Action::Reject {
            reason: RejectReason::Busy
        }
    );
}

#[test]
fn display_name_and_custom_headers() {
    let t = table(json!([
        {"name": "vip", "match": {"sipHeaders": {"X-MS-Custom-Tier": {"exact": "gold"}}}, "action": {"reject": {}}},
        {"name": "app", "match": {"voipHeaders": {"campaign": {"prefix": "spring"}}}, "action": {"reject": {}}},
        {"name": "named", "match": {"callerDisplayName": {"pattern": "*doe"}}, "action": {"reject": {}}},
    ]));
    let mut c = call("+1", "+2");
    c.sip_headers
        .insert("x-ms-custom-tier".into(), "GOLD".into());
    assert_eq!(
        rule_of(&t, &c).as_deref(),
        Some("vip"),
        "header names and values ignore case"
    );
    let mut c = call("+1", "+2");
    c.voip_headers
        .insert("campaign".into(), "spring-2026".into());
    assert_eq!(rule_of(&t, &c).as_deref(), Some("app"));
    let mut c = call("+1", "+2");
    c.caller_display_name = Some("John Doe".into());
    assert_eq!(rule_of(&t, &c).as_deref(), Some("named"));
    c.caller_display_name = None;
    assert_eq!(rule_of(&t, &c), None);
}

#[test]
fn time_windows_use_the_zone() {
    let t = table(json!([
        {"name": "ny-hours", "match": {"time": [{"timeZone": "America/New_York", "days": ["mon","tue","wed","thu","fri"],
            "start": "09:00", "end": "17:00"}]}, "action": {"answer": {}}},
        {"name": "after-hours", "action": {"redirect": {"target": "+14255550199"}}},
    ]));
    let mut c = call("+1", "+2");
    assert_eq!(rule_of(&t, &c).as_deref(), Some("ny-hours"));
    c.arrived_at += 8 * 3600; // 18:00 in New York
    let d = t.route(&c);
    assert_eq!(d.rule.as_deref(), Some("after-hours"));
    assert_eq!(
        d.action,
        Action::Redirect {
            target: "+14255550199".into()
        }
    );
}

#[test]
fn first_matching_rule_wins_and_all_conditions_must_hold() {
    let t = table(json!([
        {"name": "both", "match": {"to": {"exact": "+1"}, "from": {"exact": "+2"}}, "action": {"reject": {"reason": "forbidden"}}},
        {"name": "to-only", "match": {"to": {"exact": "+1"}}, "action": {"reject": {}}},
    ]));
    assert_eq!(rule_of(&t, &call("+1", "+2")).as_deref(), Some("both"));
    assert_eq!(rule_of(&t, &call("+1", "+3")).as_deref(), Some("to-only"));
}

fn refused(doc: serde_json::Value) -> (String, String) {
    match RoutingTable::from_json(&doc.to_string()) {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn invalid_documents_name_rule_and_field() {
    let doc = |rules: serde_json::Value| json!({"version": 1, "rules": rules});
    let ok = json!({"name": "ok", "action": {"reject": {}}});
    let cases = [
        (
            doc(
                json!([ok, {"name": "tz", "match": {"time": [{"timeZone": "Mars/Base", "start": "09:00", "end": "10:00"}]},
            "action": {"answer": {}}}]),
            ),
            "rules[1](tz).match.time[0].timeZone",
            "unknown time zone",
        ),
        (
            doc(
                json!([{"name": "typo", "match": {"to": {"prefx": "+1"}}, "action": {"reject": {}}}]),
            ),
            "rules[0](typo).match.to",
            "unknown variant `prefx`",
        ),
        (
            doc(json!([{"name": "noaction"}])),
            "rules[0](noaction)",
            "missing field `action`",
        ),
        (
            doc(json!([{"name": "redir", "action": {"redirect": {"target": "555-0100"}}}])),
            "rules[0](redir).action.redirect.target",
            "E.164",
        ),
        (
            doc(
                json!([{"name": "menu", "action": {"answer": {"flow": {"menu": {"prompt": {"text": "Hi"},
            "choices": {"12": {"hangUp": {}}}}}}}}]),
            ),
            "rules[0](menu).action.answer.flow.menu.choices.12",
            "one DTMF tone",
        ),
        (
            doc(
                json!([{"name": "p", "action": {"answer": {"flow": {"greeting": {"text": "a", "file": "https://x/a.wav"}}}}}]),
            ),
            "rules[0](p).action.answer.flow.greeting.file",
            "one of `text`, `ssml` and `file`",
        ),
        (
            doc(
                json!([{"name": "p", "action": {"answer": {"flow": {"greeting": {"file": "ftp://x/a.wav"}}}}}]),
            ),
            "rules[0](p).action.answer.flow.greeting.file",
            "absolute http(s) URL",
        ),
        (doc(json!([ok, ok])), "rules[1](ok).name", "duplicate"),
        (
            doc(json!([{"name": " ", "action": {"reject": {}}}])),
            "rules[0].name",
            "empty",
        ),
        (
            doc(json!([{"name": "r", "action": {"reject": {"reason": "later"}}}])),
            "rules[0](r).action.reject.reason",
            "unknown variant",
        ),
        (
            json!({"version": 3, "rules": []}),
            "version",
            "version 1 or 2",
        ),
        (json!({"version": 1}), "rules", "missing"),
        (
            json!({"version": 1, "rules": [], "default": {"redirect": {"target": "x"}}}),
            "default.redirect.target",
            "E.164",
        ),
    ];
    for (doc, field, reason) in cases {
        let (f, r) = refused(doc.clone());
        assert_eq!(f, field, "{doc}");
        assert!(r.contains(reason), "{doc}: {r}");
    }
    let (f, r) = match RoutingTable::from_json("{not json") {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("{other:?}"),
    };
    assert_eq!(f, "document");
    assert!(r.contains("JSON"));
}

#[test]
fn a_prompt_file_may_carry_a_query_or_fragment() {
    // A blob URL with its SAS token, and the emulator's `#durationMs=` hint: media URLs, not
    // service endpoints (the core's play-source rule).
    for uri in [
        "https://media.example/hold.wav?sv=2024-01-01&sig=abc%3D",
        "https://media.example/beep.wav#durationMs=10",
    ] {
        table(json!([{"name": "p", "action": {"answer": {"flow": {"greeting": {"file": uri}}}}}]));
    }
}

#[test]
fn shipped_default_rules_in_wrangler_toml_are_valid() {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../wrangler.toml"))
        .unwrap();
    let start =
        toml.find("ROUTING_RULES = '''").expect("ROUTING_RULES var") + "ROUTING_RULES = '''".len();
    let len = toml[start..].find("'''").unwrap();
    let t = RoutingTable::from_json(&toml[start..start + len]).unwrap();
    assert!(t.rule("ivr").is_some());
}

#[test]
fn a_holiday_closes_the_lines_and_the_next_working_day_opens_them() {
    let t = table(json!([
        {"name": "holiday",
         "match": {"dates": {"timeZone": "Europe/London", "dates": ["--12-25", "--12-26", "2027-01-01"]}},
         "action": {"reject": {"reason": "busy"}}},
        {"name": "open",
         "match": {"time": [{"timeZone": "Europe/London", "days": ["mon", "tue", "wed", "thu", "fri"],
                             "start": "09:00", "end": "17:00"}]},
         "action": {"answer": {}}},
    ]));
    let at = |s: &str| CallInfo {
        to: "+1".into(),
        from: "+2".into(),
        arrived_at: callsteer::time::parse_rfc3339_ms(s).unwrap() / 1000,
        ..Default::default()
    };
    // Friday 1 January 2027, 10:00 in London: a holiday; Monday the 4th: open.
    assert_eq!(
        rule_of(&t, &at("2027-01-01T10:00:00Z")).as_deref(),
        Some("holiday")
    );
    assert_eq!(
        rule_of(&t, &at("2027-01-04T10:00:00Z")).as_deref(),
        Some("open")
    );
    // Christmas every year (a Friday in 2026).
    assert_eq!(
        rule_of(&t, &at("2026-12-25T10:00:00Z")).as_deref(),
        Some("holiday")
    );
    assert_eq!(
        rule_of(&t, &at("2030-12-25T23:30:00Z")).as_deref(),
        Some("holiday")
    );
    assert_eq!(
        rule_of(&t, &at("2026-12-24T10:00:00Z")).as_deref(),
        Some("open")
    );
    // The dry run says why the holiday rule missed.
    let why = t.explain(&at("2027-01-04T10:00:00Z"));
    let miss = &why.rules[0].misses[0];
    assert_eq!(miss.condition, "match.dates");
    assert!(
        miss.reason
            .contains("2027-01-04 in Europe/London is not one of the dates"),
        "{}",
        miss.reason
    );
    assert!(t
        .rule("holiday")
        .unwrap()
        .when
        .summary()
        .contains("on --12-25, --12-26, 2027-01-01 in Europe/London"));
    // Refusals name the entry.
    let doc = json!({"version": 1, "rules": [{"name": "h", "match": {"dates": {"timeZone": "UTC", "dates": ["2027-02-30"]}}, "action": {"reject": {}}}]});
    match RoutingTable::from_json(&doc.to_string()).unwrap_err() {
        Error::InvalidInput { field, .. } => assert_eq!(field, "rules[0](h).match.dates.dates[0]"),
        other => panic!("{other:?}"),
    }
}
