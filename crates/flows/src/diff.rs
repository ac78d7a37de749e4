//! A structural diff of two rules documents (a draft against the live rules): the rules added,
//! removed or changed, and for each flow the steps added, removed or changed and the edges added
//! or removed. The admin page draws it on the draft's flow graphs
//! (`GET /admin/rules/drafts/{name}/diff`).
//!
//! Flows are keyed as the page keys them: `flow:<name>` for a named flow, `rule:<name>` for a
//! rule's own graph, `rule:` for the default's. An edge is a (from, to) pair of step ids — the
//! page draws one arrow per pair — with the fields that lead along it (`on.1`, `next`).

use crate::flow::validate::edges;
use crate::flow::Flow;
use crate::rules::Action;
use crate::RoutingTable;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What changed between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDiff {
    pub rules_added: Vec<String>,
    pub rules_removed: Vec<String>,
    /// Rules whose match or action changed (a rule answering with a changed flow is not listed
    /// for that: its flow is).
    pub rules_changed: Vec<String>,
    /// True when the order of the rules both have changed (the first match wins).
    pub rules_reordered: bool,
    pub default_changed: bool,
    /// Every flow of either document that differs, and the unchanged ones as `same`.
    pub flows: Vec<FlowDiff>,
}

/// How one flow changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowDiff {
    pub key: String,
    /// `added`, `removed`, `changed` or `same`.
    pub status: String,
    pub steps_added: Vec<String>,
    pub steps_removed: Vec<String>,
    /// Steps in both whose definition differs.
    pub steps_changed: Vec<String>,
    pub edges_added: Vec<Edge>,
    pub edges_removed: Vec<Edge>,
}

/// A move between two steps, and the fields that lead along it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub fields: Vec<String>,
}

/// The flows a table answers with, by key.
fn flows(table: &RoutingTable) -> BTreeMap<String, &Flow> {
    let mut out = BTreeMap::new();
    let actions = table
        .rules()
        .map(|r| (r.name.as_str(), &r.action))
        .chain(std::iter::once(("", table.default_action())));
    for (rule, action) in actions {
        if let Action::Answer { flow } = action {
            let key = match &flow.name {
                Some(name) => format!("flow:{name}"),
                None => format!("rule:{rule}"),
            };
            out.entry(key).or_insert(flow);
        }
    }
    out
}

/// `(from, to) → fields` of a flow.
fn edge_map(flow: &Flow) -> BTreeMap<(String, String), Vec<String>> {
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for s in &flow.steps {
        for (field, to) in edges(s) {
            out.entry((s.id.clone(), to.to_owned()))
                .or_default()
                .push(field);
        }
    }
    out
}

fn flow_diff(key: String, live: Option<&Flow>, draft: Option<&Flow>) -> FlowDiff {
    let empty = Flow::default();
    let (a, b) = (live.unwrap_or(&empty), draft.unwrap_or(&empty));
    let ids = |f: &Flow| -> BTreeSet<String> { f.steps.iter().map(|s| s.id.clone()).collect() };
    let (ia, ib) = (ids(a), ids(b));
    let steps_changed: Vec<String> = ia
        .intersection(&ib)
        .filter(|id| a.step(id) != b.step(id))
        .cloned()
        .collect();
    let (ea, eb) = (edge_map(a), edge_map(b));
    let only = |x: &BTreeMap<(String, String), Vec<String>>,
                y: &BTreeMap<(String, String), Vec<String>>| {
        x.iter()
            .filter(|(k, _)| !y.contains_key(*k))
            .map(|((from, to), fields)| Edge {
                from: from.clone(),
                to: to.clone(),
                fields: fields.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut d = FlowDiff {
        key,
        status: String::new(),
        steps_added: ib.difference(&ia).cloned().collect(),
        steps_removed: ia.difference(&ib).cloned().collect(),
        steps_changed,
        edges_added: only(&eb, &ea),
        edges_removed: only(&ea, &eb),
    };
    d.status = match (live, draft) {
        (None, _) => "added",
        (_, None) => "removed",
        _ if a.start_id() != b.start_id()
            || !d.steps_added.is_empty()
            || !d.steps_removed.is_empty()
            || !d.steps_changed.is_empty() =>
        {
            "changed"
        }
        _ => "same",
    }
    .to_owned();
    d
}

/// The diff of `draft` against `live`.
pub fn diff(live: &RoutingTable, draft: &RoutingTable) -> DocumentDiff {
    let names = |t: &RoutingTable| -> Vec<String> { t.rules().map(|r| r.name.clone()).collect() };
    let (na, nb) = (names(live), names(draft));
    // Two actions are the same when they answer with the same flow name (or both with a graph
    // of their own: its changes are the flow's), or are equal redirects or rejects.
    let same_action = |a: &Action, b: &Action| match (a, b) {
        (Action::Answer { flow: fa }, Action::Answer { flow: fb }) => fa.name == fb.name,
        (x, y) => x == y,
    };
    let same_rule = |a: &crate::rules::Rule, b: &crate::rules::Rule| {
        a.when == b.when && same_action(&a.action, &b.action)
    };
    let rules_changed = na
        .iter()
        .filter_map(|n| Some((live.rule(n)?, draft.rule(n)?)))
        .filter(|(a, b)| !same_rule(a, b))
        .map(|(a, _)| a.name.clone())
        .collect();
    let common_a: Vec<&String> = na.iter().filter(|n| nb.contains(n)).collect();
    let common_b: Vec<&String> = nb.iter().filter(|n| na.contains(n)).collect();
    let default_changed = !same_action(live.default_action(), draft.default_action());
    let (fa, fb) = (flows(live), flows(draft));
    let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    DocumentDiff {
        rules_added: nb.iter().filter(|n| !na.contains(n)).cloned().collect(),
        rules_removed: na.iter().filter(|n| !nb.contains(n)).cloned().collect(),
        rules_changed,
        rules_reordered: common_a != common_b,
        default_changed,
        flows: keys
            .into_iter()
            .map(|k| flow_diff(k.clone(), fa.get(k).copied(), fb.get(k).copied()))
            .collect(),
    }
}
