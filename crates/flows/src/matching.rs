//! Whether a rule holds for a call, and why not: the one matching code behind
//! [`RoutingTable::route`] (stops at the first condition that fails) and
//! [`RoutingTable::explain`] (the dry run of the admin API: every rule up to the winner, with
//! each condition that failed and the value that failed it).

use super::dates::{CompiledDates, DateSet};
use super::text::TextMatch;
use super::window::{CompiledWindow, TimeWindow};
use super::{CallInfo, CompiledRule, Decision, RoutingTable};
use crate::rules::Action;
use serde::Serialize;
use std::collections::BTreeMap;

/// One condition of a rule, borrowed from the document.
enum Condition<'a> {
    /// `to`, `from` or `callerDisplayName`.
    Text {
        field: &'static str,
        cond: &'a TextMatch,
    },
    /// `sipHeaders.<name>` or `voipHeaders.<name>`.
    Header {
        group: &'static str,
        name: &'a str,
        cond: &'a TextMatch,
    },
    /// Any of the windows (a rule's `time` list).
    Time {
        windows: &'a [TimeWindow],
        compiled: &'a [CompiledWindow],
    },
    /// One of the local dates (a rule's `dates`).
    Dates {
        set: &'a DateSet,
        compiled: &'a CompiledDates,
    },
}

impl CompiledRule {
    /// The rule's conditions in document order.
    fn conditions(&self) -> Vec<Condition<'_>> {
        let m = &self.rule.when;
        let mut out = Vec::new();
        let text = [
            ("to", &m.to),
            ("from", &m.from),
            ("callerDisplayName", &m.caller_display_name),
        ];
        for (field, cond) in text {
            if let Some(cond) = cond {
                out.push(Condition::Text { field, cond });
            }
        }
        for (group, headers) in [
            ("sipHeaders", &m.sip_headers),
            ("voipHeaders", &m.voip_headers),
        ] {
            for (name, cond) in headers {
                out.push(Condition::Header { group, name, cond });
            }
        }
        if !m.time.is_empty() {
            out.push(Condition::Time {
                windows: &m.time,
                compiled: &self.windows,
            });
        }
        if let (Some(set), Some(compiled)) = (&m.dates, &self.dates) {
            out.push(Condition::Dates { set, compiled });
        }
        out
    }

    /// True when every condition holds (stops at the first that does not).
    pub(super) fn holds(&self, call: &CallInfo) -> bool {
        self.conditions().iter().all(|c| c.holds(call))
    }

    /// Every condition that does not hold, explained.
    fn misses(&self, call: &CallInfo) -> Vec<Miss> {
        self.conditions()
            .iter()
            .filter(|c| !c.holds(call))
            .map(|c| c.miss(call))
            .collect()
    }
}

fn headers<'a>(call: &'a CallInfo, group: &str) -> &'a BTreeMap<String, String> {
    if group == "sipHeaders" {
        &call.sip_headers
    } else {
        &call.voip_headers
    }
}

/// The values of header `name` (ignoring case) in `headers`.
fn header_values<'a>(headers: &'a BTreeMap<String, String>, name: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|(h, _)| h.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

impl Condition<'_> {
    fn text_value<'c>(field: &str, call: &'c CallInfo) -> Option<&'c str> {
        match field {
            "to" => Some(&call.to),
            "from" => Some(&call.from),
            _ => call.caller_display_name.as_deref(),
        }
    }

    fn holds(&self, call: &CallInfo) -> bool {
        match self {
            Condition::Text { field, cond } => {
                cond.matches(Self::text_value(field, call).unwrap_or(""))
            }
            Condition::Header { group, name, cond } => header_values(headers(call, group), name)
                .iter()
                .any(|v| cond.matches(v)),
            Condition::Time { compiled, .. } => {
                compiled.iter().any(|w| w.contains(call.arrived_at))
            }
            Condition::Dates { compiled, .. } => compiled.contains(call.arrived_at),
        }
    }

    /// Why the condition does not hold (call only when it does not).
    fn miss(&self, call: &CallInfo) -> Miss {
        match self {
            Condition::Text { field, cond } => Miss {
                condition: format!("match.{field}"),
                reason: match Self::text_value(field, call) {
                    Some(v) => format!("{field} {v:?} {}", failed(cond)),
                    None => format!(
                        "the call has no caller display name ({field} {})",
                        cond.describe()
                    ),
                },
            },
            Condition::Header { group, name, cond } => {
                let kind = if *group == "sipHeaders" {
                    "SIP"
                } else {
                    "VoIP"
                };
                let values = header_values(headers(call, group), name);
                Miss {
                    condition: format!("match.{group}.{name}"),
                    reason: match values.first() {
                        None => format!("no {kind} header {name} (needs {})", cond.describe()),
                        Some(v) => format!("{kind} header {name} {v:?} {}", failed(cond)),
                    },
                }
            }
            Condition::Time { windows, compiled } => {
                let each: Vec<String> = windows
                    .iter()
                    .zip(compiled.iter())
                    .map(|(w, c)| {
                        let (day, time) = c.local_time(call.arrived_at);
                        format!(
                            "{day} {time} in {} is outside {}",
                            w.time_zone,
                            w.describe()
                        )
                    })
                    .collect();
                Miss {
                    condition: "match.time".into(),
                    reason: format!("the time window is closed: {}", each.join("; ")),
                }
            }
            Condition::Dates { set, compiled } => Miss {
                condition: "match.dates".into(),
                reason: format!(
                    "{} in {} is not one of the dates ({})",
                    compiled.local_date(call.arrived_at),
                    set.time_zone,
                    set.dates.join(", ")
                ),
            },
        }
    }
}

/// `is not "x"`, `does not start with "x"`, `does not match "x"`.
fn failed(cond: &TextMatch) -> String {
    match cond {
        TextMatch::Exact(s) => format!("is not {s:?}"),
        TextMatch::Prefix(s) => format!("does not start with {s:?}"),
        TextMatch::Pattern(s) => format!("does not match {s:?}"),
    }
}

/// A condition that did not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Miss {
    /// The condition's path inside the rule: `match.to`, `match.sipHeaders.X-Tier`, `match.time`.
    pub condition: String,
    /// The call's value and the condition it failed: `to "+1999…" is not "+1800…"`.
    pub reason: String,
}

/// How a rule fared in a dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Every condition held: this rule decides the call.
    Matched,
    /// At least one condition did not hold (see the misses).
    NoMatch,
    /// An earlier rule matched: this one was never looked at.
    NotTried,
}

/// One rule in a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleVerdict {
    pub index: usize,
    pub name: String,
    /// The rule's conditions, as [`super::rules::Match::summary`] writes them.
    pub conditions: String,
    pub verdict: Verdict,
    /// For [`Verdict::NoMatch`]: every condition that failed, in document order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
}

/// The dry run of one call: the decision [`RoutingTable::route`] makes, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// The winning rule, `None` when the default applied.
    pub rule: Option<String>,
    /// The action the worker takes.
    pub action: Action,
    /// That action in words ([`Action::summary`]).
    pub summary: String,
    /// Every rule of the document in order: the ones before the winner with their misses.
    pub rules: Vec<RuleVerdict>,
}

impl RoutingTable {
    /// The first matching rule's action, or the default.
    pub fn route(&self, call: &CallInfo) -> Decision {
        match self.rules.iter().find(|r| r.holds(call)) {
            Some(r) => Decision {
                rule: Some(r.rule.name.clone()),
                action: r.rule.action.clone(),
            },
            None => Decision {
                rule: None,
                action: self.default.clone(),
            },
        }
    }

    /// What [`RoutingTable::route`] decides for `call`, with every rule's verdict: the ones
    /// before the winner list each condition that failed, the ones after it were not tried.
    pub fn explain(&self, call: &CallInfo) -> Explanation {
        let mut decided = false;
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let (verdict, misses) = if decided {
                    (Verdict::NotTried, Vec::new())
                } else {
                    let misses = r.misses(call);
                    decided = misses.is_empty();
                    let verdict = if decided {
                        Verdict::Matched
                    } else {
                        Verdict::NoMatch
                    };
                    (verdict, misses)
                };
                RuleVerdict {
                    index,
                    name: r.rule.name.clone(),
                    conditions: r.rule.when.summary(),
                    verdict,
                    misses,
                }
            })
            .collect();
        let decision = self.route(call);
        Explanation {
            summary: decision.action.summary(),
            rule: decision.rule,
            action: decision.action,
            rules,
        }
    }
}
