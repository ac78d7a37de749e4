//! One-line, human summaries of conditions and actions: what the admin page shows next to a
//! rule, a routing decision and a dry run. Written here, next to the types, so the page
//! renders the worker's words and never re-reads a rules document's meaning on its own.

use super::flow::step::{RingMode, StepKind};
use super::flow::Flow;
use super::rules::{Action, Match};
use super::text::TextMatch;
use super::window::TimeWindow;
use super::RoutingTable;
use serde::Serialize;

/// Week order for ranges (`mon–fri`); a window's `days` may list them in any order.
const WEEK: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl TextMatch {
    /// `= "+1800…"`, `starts with "+1900"`, `matches "+1800555####"`.
    pub fn describe(&self) -> String {
        match self {
            TextMatch::Exact(s) => format!("= {s:?}"),
            TextMatch::Prefix(s) => format!("starts with {s:?}"),
            TextMatch::Pattern(s) => format!("matches {s:?}"),
        }
    }
}

impl TimeWindow {
    /// `mon–fri 09:00–17:00 America/New_York`; `every day …` without days.
    pub fn describe(&self) -> String {
        format!(
            "{} {}–{} {}",
            days_text(&self.days),
            self.start,
            self.end,
            self.time_zone
        )
    }
}

/// `every day`, `sat`, `mon–fri`, `mon, wed, fri` (a run of three or more days is a range).
fn days_text(days: &[String]) -> String {
    let mut set: Vec<usize> = days
        .iter()
        .filter_map(|d| WEEK.iter().position(|w| w.eq_ignore_ascii_case(d)))
        .collect();
    set.sort_unstable();
    set.dedup();
    if set.is_empty() || set.len() == 7 {
        return "every day".into();
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < set.len() {
        let mut j = i;
        while j + 1 < set.len() && set[j + 1] == set[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}–{}", WEEK[set[i]], WEEK[set[j]]));
        } else {
            parts.extend(set[i..=j].iter().map(|d| WEEK[*d].to_owned()));
        }
        i = j + 1;
    }
    parts.join(", ")
}

impl Match {
    /// Every condition, `; `-separated (`to = "+1800…"; time: mon–fri 09:00–17:00 …`), or
    /// `every call` for an empty match.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        let text = [
            ("to", &self.to),
            ("from", &self.from),
            ("caller display name", &self.caller_display_name),
        ];
        for (name, cond) in text {
            if let Some(c) = cond {
                parts.push(format!("{name} {}", c.describe()));
            }
        }
        for (group, headers) in [("SIP", &self.sip_headers), ("VoIP", &self.voip_headers)] {
            for (name, c) in headers {
                parts.push(format!("{group} header {name} {}", c.describe()));
            }
        }
        match self.time.as_slice() {
            [] => {}
            [one] => parts.push(format!("time {}", one.describe())),
            many => {
                let windows: Vec<String> = many.iter().map(TimeWindow::describe).collect();
                parts.push(format!("time in any of: {}", windows.join(" | ")));
            }
        }
        if let Some(d) = &self.dates {
            parts.push(format!("on {}", d.describe()));
        }
        if parts.is_empty() {
            "every call".into()
        } else {
            parts.join("; ")
        }
    }
}

impl Action {
    /// What the worker does with a call: `reject the call (busy)`, `redirect the ringing call
    /// to +1…`, `answer, then play the greeting and a menu (1: transfer to +1…; …), …`.
    pub fn summary(&self) -> String {
        match self {
            Action::Reject { reason } => format!("reject the call (reason {})", reason.as_str()),
            Action::Redirect { target } => {
                format!("redirect the ringing call to {target} (not answered here)")
            }
            Action::Answer { flow } => format!("answer, then {}", flow.summary()),
        }
    }
}

impl Flow {
    /// The flow after the answer, as one sentence (its start, and where that leads).
    pub fn summary(&self) -> String {
        let Some(start) = self.start_id().and_then(|id| self.step(id)) else {
            return "nothing more (the call stays up until someone acts on it)".into();
        };
        let named = self
            .name
            .as_deref()
            .map(|n| format!(" (flow {n}, {} steps)", self.steps.len()))
            .unwrap_or_default();
        match &start.kind {
            StepKind::Collect(c) if !start.paths.on.is_empty() => {
                let choices: Vec<String> = start
                    .paths
                    .on
                    .iter()
                    .map(|(value, to)| format!("{value}: {}", self.step_summary(to)))
                    .collect();
                let fallback = start
                    .paths
                    .no_match
                    .as_deref()
                    .or(start.paths.failure.as_deref())
                    .map_or_else(|| "hang up".to_owned(), |id| self.step_summary(id));
                format!(
                    "play {}a menu ({}), offered up to {} time(s) with {} s to answer, then \
                     {fallback}{named}",
                    if c.all().len() > 1 {
                        "the greeting and "
                    } else {
                        ""
                    },
                    choices.join("; "),
                    c.attempts.unwrap_or(1),
                    c.timeout_seconds
                        .unwrap_or(crate::call::wire::DEFAULT_COLLECT_SECONDS),
                )
            }
            _ => {
                let first = self.step_summary(&start.id);
                match start.paths.next.as_deref() {
                    Some(next) => format!("{first}, then {}{named}", self.step_summary(next)),
                    None => format!("{first}{named}"),
                }
            }
        }
    }

    /// `transfer to +1… (then +1…)`, `add 8:acs:… to the call`, `play a message, then hang up`.
    pub fn step_summary(&self, id: &str) -> String {
        let Some(step) = self.step(id) else {
            return format!("step {id}");
        };
        match &step.kind {
            StepKind::Transfer(t) => format!("transfer to {}", t.targets.join(", then ")),
            StepKind::Ring(r) if r.mode == RingMode::Simultaneous => {
                format!("ring {} at once", r.targets.join(", "))
            }
            StepKind::Ring(r) => format!("add {} to the call", r.targets.join(", then ")),
            StepKind::HangUp(h) if h.prompt.is_some() => "play a message, then hang up".into(),
            StepKind::HangUp(_) => "hang up".into(),
            StepKind::Play(_) => "play a message".into(),
            StepKind::Park(p) => format!(
                "hold the caller for an operator (up to {} s)",
                p.max_wait_seconds
                    .unwrap_or(crate::flow::step::DEFAULT_PARK_SECONDS)
            ),
            StepKind::Collect(_) => format!("collect input ({id})"),
            StepKind::Branch(_) => format!("decide ({id})"),
            StepKind::Set(_) => format!("set variables ({id})"),
            StepKind::Webhook(_) => format!("ask the app ({id})"),
        }
    }
}

/// One rule in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSummary {
    pub name: String,
    /// [`Match::summary`].
    pub conditions: String,
    /// [`Action::summary`].
    pub action: String,
}

/// A routing table in words: the admin page's list of the rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSummary {
    pub rules: Vec<RuleSummary>,
    /// The default action, in words.
    pub default: String,
}

impl RoutingTable {
    /// Every rule's conditions and action in words, and the default's.
    pub fn summary(&self) -> TableSummary {
        TableSummary {
            rules: self
                .rules()
                .map(|r| RuleSummary {
                    name: r.name.clone(),
                    conditions: r.when.summary(),
                    action: r.action.summary(),
                })
                .collect(),
            default: self.default_action().summary(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn days(d: &[&str]) -> String {
        days_text(&d.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn day_ranges() {
        assert_eq!(days(&[]), "every day");
        assert_eq!(days(&["fri", "mon", "tue", "wed", "thu"]), "mon–fri");
        assert_eq!(days(&["mon", "wed", "fri"]), "mon, wed, fri");
        assert_eq!(days(&["sat", "sun"]), "sat, sun");
        assert_eq!(
            days(&["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
            "every day"
        );
    }

    #[test]
    fn summaries() {
        let m: Match = serde_json::from_value(json!({
            "to": {"pattern": "+1800555####"},
            "sipHeaders": {"X-Tier": {"exact": "gold"}},
            "time": [{"timeZone": "America/New_York", "days": ["mon","tue","wed","thu","fri"], "start": "09:00", "end": "17:00"}]
        }))
        .unwrap();
        assert_eq!(
            m.summary(),
            "to matches \"+1800555####\"; SIP header X-Tier = \"gold\"; time mon–fri 09:00–17:00 America/New_York"
        );
        assert_eq!(Match::default().summary(), "every call");
        let table = crate::RoutingTable::from_json(
            &json!({"version": 1, "rules": [{"name": "ivr", "action": {"answer": {"flow": {
            "greeting": {"text": "Hi"},
            "menu": {"prompt": {"text": "1 or 2"}, "choices": {"1": {"transfer": {"target": "+14255550101"}},
                     "2": {"hangUp": {}}}, "attempts": 2, "timeoutSeconds": 5}}}}}]})
            .to_string(),
        )
        .unwrap();
        let a = table.rule("ivr").unwrap().action.clone();
        assert_eq!(
            a.summary(),
            "answer, then play the greeting and a menu (1: transfer to +14255550101; 2: hang up), \
             offered up to 2 time(s) with 5 s to answer, then hang up"
        );
        let r: Action = serde_json::from_value(json!({"reject": {"reason": "busy"}})).unwrap();
        assert_eq!(r.summary(), "reject the call (reason busy)");
    }
}
