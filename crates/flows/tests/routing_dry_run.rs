//! The dry run: the shipped rules explain each decision — the winner, every earlier rule's
//! failed conditions with the call's value, later rules not tried — and the explanation's
//! decision is always the one `route` makes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::Error;
use callsteer_flows::dry_run::{DryRunOutcome, DryRunRequest};
use callsteer_flows::matching::{Miss, Verdict};
use callsteer_flows::RoutingTable;
use serde_json::json;

/// The rules `wrangler.toml` ships (the demo's): blocked-premium, vip, ivr, support-hours,
/// after-hours, default reject busy.
fn shipped() -> RoutingTable {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../wrangler.toml"))
        .unwrap();
    let start = toml.find("ROUTING_RULES = '''").unwrap() + "ROUTING_RULES = '''".len();
    let len = toml[start..].find("'''").unwrap();
    RoutingTable::from_json(&toml[start..start + len]).unwrap()
}

/// Friday 2026-11-20 15:00 UTC = 10:00 in New York.
const FRIDAY_10_NY: &str = "2026-11-20T15:00:00Z";
/// Saturday 2026-11-21 15:00 UTC = 10:00 in New York.
const SATURDAY_10_NY: &str = "2026-11-21T15:00:00Z";

fn dry(body: serde_json::Value) -> DryRunOutcome {
    DryRunRequest::from_json(&body.to_string())
        .unwrap()
        .run(&shipped(), 0)
        .unwrap()
}

fn verdicts(o: &DryRunOutcome) -> Vec<(&str, Verdict)> {
    o.explanation
        .rules
        .iter()
        .map(|r| (r.name.as_str(), r.verdict))
        .collect()
}

fn misses<'a>(o: &'a DryRunOutcome, rule: &str) -> &'a [Miss] {
    &o.explanation
        .rules
        .iter()
        .find(|r| r.name == rule)
        .unwrap()
        .misses
}

#[test]
fn a_match_names_the_winner_and_why_earlier_rules_did_not_match() {
    let o = dry(json!({"from": "+14255550111", "to": "+18005550100", "at": FRIDAY_10_NY}));
    assert_eq!(o.explanation.rule.as_deref(), Some("ivr"));
    assert_eq!(
        verdicts(&o),
        [
            ("blocked-premium", Verdict::NoMatch),
            ("vip", Verdict::NoMatch),
            ("ivr", Verdict::Matched),
            ("support-hours", Verdict::NotTried),
            ("after-hours", Verdict::NotTried),
        ]
    );
    assert_eq!(
        misses(&o, "blocked-premium"),
        [Miss {
            condition: "match.from".into(),
            reason: "from \"+14255550111\" does not start with \"+1900\"".into()
        }]
    );
    assert_eq!(
        misses(&o, "vip"),
        [Miss {
            condition: "match.sipHeaders.X-MS-Custom-Tier".into(),
            reason: "no SIP header X-MS-Custom-Tier (needs = \"gold\")".into()
        }]
    );
    assert!(misses(&o, "ivr").is_empty());
    assert!(
        o.explanation.summary.starts_with(
            "answer, then play the greeting and a menu (1: transfer to +14255550101; "
        ),
        "{}",
        o.explanation.summary
    );
    assert_eq!(o.at, FRIDAY_10_NY);
}

#[test]
fn a_closed_time_window_is_the_reason_and_the_next_rule_wins() {
    let o = dry(json!({"from": "+14255550111", "to": "+18005550123", "at": SATURDAY_10_NY}));
    assert_eq!(o.explanation.rule.as_deref(), Some("after-hours"));
    assert_eq!(
        misses(&o, "support-hours"),
        [Miss {
            condition: "match.time".into(),
            reason: "the time window is closed: sat 10:00 in America/New_York is outside \
                     mon–fri 09:00–17:00 America/New_York"
                .into()
        }],
        "the number matched the pattern: only the window failed"
    );
    assert_eq!(
        misses(&o, "ivr")[0].reason,
        "to \"+18005550123\" is not \"+18005550100\""
    );
    assert_eq!(
        o.explanation.summary,
        "redirect the ringing call to +14255550199 (not answered here)"
    );
    let open = dry(json!({"from": "+14255550111", "to": "+18005550123", "at": FRIDAY_10_NY}));
    assert_eq!(open.explanation.rule.as_deref(), Some("support-hours"));
}

#[test]
fn no_match_is_the_default_with_every_rule_explained() {
    let o = dry(json!({"from": "+14255550111", "to": "+19995550000", "at": FRIDAY_10_NY}));
    assert_eq!(o.explanation.rule, None);
    assert_eq!(o.explanation.summary, "reject the call (reason busy)");
    assert!(o
        .explanation
        .rules
        .iter()
        .all(|r| r.verdict == Verdict::NoMatch && !r.misses.is_empty()));
    // support-hours fails on the number only (the window is open on a Friday morning).
    assert_eq!(
        misses(&o, "support-hours")
            .iter()
            .map(|m| m.condition.as_str())
            .collect::<Vec<_>>(),
        ["match.to"]
    );
}

#[test]
fn every_failed_condition_of_a_rule_is_listed_with_the_value() {
    let t = RoutingTable::from_json(
        &json!({"version": 1, "rules": [{"name": "gold-mornings", "match": {
            "to": {"exact": "+18005550100"}, "callerDisplayName": {"pattern": "*doe"},
            "sipHeaders": {"X-Tier": {"exact": "gold"}}, "voipHeaders": {"app": {"prefix": "web"}},
            "time": [{"timeZone": "Europe/Paris", "start": "08:00", "end": "12:00"},
                     {"timeZone": "Asia/Tokyo", "days": ["sat", "sun"], "start": "10:00", "end": "11:00"}]},
          "action": {"answer": {}}}]})
        .to_string(),
    )
    .unwrap();
    let req = DryRunRequest::from_json(
        &json!({"from": "+1", "to": "4:+18005550100", "sipHeaders": {"x-tier": "silver"},
                "at": FRIDAY_10_NY})
        .to_string(),
    )
    .unwrap();
    let o = req.run(&t, 0).unwrap();
    assert_eq!(o.to, "+18005550100", "4:+… is read as the number");
    let reasons: Vec<(&str, &str)> = misses(&o, "gold-mornings")
        .iter()
        .map(|m| (m.condition.as_str(), m.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "match.callerDisplayName",
                "the call has no caller display name (callerDisplayName matches \"*doe\")"
            ),
            (
                "match.sipHeaders.X-Tier",
                "SIP header X-Tier \"silver\" is not \"gold\""
            ),
            (
                "match.voipHeaders.app",
                "no VoIP header app (needs starts with \"web\")"
            ),
            (
                "match.time",
                "the time window is closed: fri 16:00 in Europe/Paris is outside every day \
                 08:00–12:00 Europe/Paris; sat 00:00 in Asia/Tokyo is outside sat, sun \
                 10:00–11:00 Asia/Tokyo"
            ),
        ]
    );
    assert_eq!(o.explanation.summary, "reject the call (reason none)");
}

#[test]
fn the_explanation_decides_like_route() {
    let t = shipped();
    let froms = ["+14255550111", "+19005550000", "8:acs:r_1"];
    let tos = [
        "+18005550100",
        "+18005550123",
        "+19995550000",
        "4:+18005550199",
    ];
    let ats = [FRIDAY_10_NY, SATURDAY_10_NY, "2026-11-20T23:30:00-05:00"];
    let tiers = [None, Some("gold"), Some("GOLD "), Some("silver")];
    for from in froms {
        for to in tos {
            for at in ats {
                for tier in tiers {
                    let mut body = json!({"from": from, "to": to, "at": at});
                    if let Some(tier) = tier {
                        body["sipHeaders"] = json!({"X-MS-Custom-Tier": tier});
                    }
                    let req = DryRunRequest::from_json(&body.to_string()).unwrap();
                    let call = req.call_info(0).unwrap();
                    let explained = t.explain(&call);
                    assert_eq!(explained.rule, t.route(&call).rule, "{body}");
                    let matched: Vec<_> = explained
                        .rules
                        .iter()
                        .filter(|r| r.verdict == Verdict::Matched)
                        .map(|r| Some(r.name.clone()))
                        .collect();
                    assert!(
                        matched.len() <= 1 && matched.first().cloned().flatten() == explained.rule
                    );
                }
            }
        }
    }
}

#[test]
fn requests_are_refused_naming_the_field() {
    let refused = |body: serde_json::Value| -> String {
        let parsed = DryRunRequest::from_json(&body.to_string());
        match parsed.and_then(|r| r.call_info(0)) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{body}: {other:?}"),
        }
    };
    assert_eq!(refused(json!({"from": "+1", "to": " "})), "to");
    assert_eq!(refused(json!({"from": "", "to": "+1"})), "from");
    assert_eq!(
        refused(json!({"from": "+1", "to": "+2", "at": "saturday"})),
        "at"
    );
    assert_eq!(
        refused(json!({"from": "+1", "to": "+2", "sipHeaders": {"X-Tier": 3}})),
        "sipHeaders.X-Tier"
    );
    assert_eq!(
        refused(json!({"from": "+1", "to": "+2", "sipHeaders": {"a b": "x"}})),
        "sipHeaders.a b"
    );
    assert_eq!(refused(json!({"to": "+2"})), "document");
    assert_eq!(
        refused(json!({"from": "+1", "to": "+2", "when": "now"})),
        "when",
        "an unknown key is named"
    );
    // No `at`: the instant passed in.
    let now = DryRunRequest::from_json(r#"{"from": "+1", "to": "+2"}"#)
        .unwrap()
        .call_info(1_795_705_200)
        .unwrap();
    assert_eq!(now.arrived_at, 1_795_705_200);
}
