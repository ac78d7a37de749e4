//! The impact of a draft on real calls: the last calls that really happened, replayed against
//! the draft (`POST /admin/rules/drafts/{name}/impact`, docs/flows.md).
//!
//! Each stored call's events become a script ([`crate::simulate::replay_script`], as a single
//! call's replay does) and run through the draft on the same session code; the draft's path is
//! compared with the path the call really took. Calls are grouped by where the two part: the
//! first step that differs, with the live step and the draft's step there. A call whose events
//! cannot be replayed (no routing setup, events lost) is counted, not hidden.
//!
//! Decision: a call the caller hung up on, or one still in progress, is compared over the steps
//! it really took: the script knows nothing of the hang-up, so the draft's simulation goes on
//! where the caller did not. Such a call is the same when the draft's path begins with its path.

use crate::dry_run::DryRunRequest;
use crate::simulate::{simulate, ScriptEntry};
use crate::RoutingTable;
use serde::{Deserialize, Serialize};

/// Calls replayed when the request names no number.
pub const DEFAULT_CALLS: usize = 500;
/// The most calls one impact request replays.
///
/// Decision: 1,000. Each is one read of the call's object and one simulation; the cap bounds
/// one admin request's work (and the worker's subrequests: a paid Worker may make 1,000).
pub const MAX_CALLS: usize = 1000;
/// Example call ids kept per group.
pub const EXAMPLES: usize = 5;

/// A call that really happened, as its object stores it for a replay.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedCall {
    pub call_connection_id: String,
    pub call: DryRunRequest,
    pub script: Vec<ScriptEntry>,
    /// The path it took (notes, `! …`, are dropped before comparing).
    pub path: Vec<String>,
    /// How its flow ended (`None`: still in progress), as [`crate::simulate::end_name`] says.
    #[serde(default)]
    pub end: Option<String>,
}

/// Where live and draft part, and the calls that part there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Divergence {
    /// The first step index (from 0) where the paths differ.
    pub index: usize,
    /// The step the call really took there (`null`: its path had ended).
    pub live: Option<String>,
    /// The step the draft takes there (`null`: the draft's path ends).
    pub draft: Option<String>,
    /// The last step both took, if any.
    pub after: Option<String>,
    pub calls: usize,
    pub examples: Vec<String>,
}

/// The impact report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    /// Calls looked at.
    pub calls: usize,
    /// Replayed and took the same path.
    pub same: usize,
    /// Replayed and took another path.
    pub different: usize,
    /// Grouped by where they part, largest group first.
    pub groups: Vec<Divergence>,
    /// Calls that could not be replayed, with a few ids and the reasons.
    pub unreplayable: Unreplayable,
}

/// Calls that could not be replayed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreplayable {
    pub calls: usize,
    pub examples: Vec<UnreplayableCall>,
}

/// One call that could not be replayed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnreplayableCall {
    pub call_connection_id: String,
    pub reason: String,
}

/// Builds the report for `calls` (the replayable ones) and `failed` (id, reason) against the
/// draft `table`.
pub fn impact(
    table: &RoutingTable,
    draft: &str,
    calls: &[RecordedCall],
    failed: Vec<UnreplayableCall>,
    api_version: &str,
) -> Impact {
    let mut report = Impact {
        calls: calls.len() + failed.len(),
        ..Impact::default()
    };
    let mut unreplayable = failed;
    for c in calls {
        let live: Vec<&String> = c.path.iter().filter(|p| !p.starts_with('!')).collect();
        let sim = match simulate(table, Some(draft), &c.call, &c.script, api_version) {
            Ok(sim) => sim,
            Err(e) => {
                unreplayable.push(UnreplayableCall {
                    call_connection_id: c.call_connection_id.clone(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let cut_short = matches!(c.end.as_deref(), None | Some("callerHungUp"));
        let compared = if cut_short {
            live.len()
        } else {
            live.len().max(sim.path.len())
        };
        let Some(index) = (0..compared)
            .find(|&i| live.get(i).map(|s| s.as_str()) != sim.path.get(i).map(String::as_str))
        else {
            report.same += 1;
            continue;
        };
        report.different += 1;
        let key = (
            index,
            live.get(index).map(|s| (*s).clone()),
            sim.path.get(index).cloned(),
        );
        match report
            .groups
            .iter_mut()
            .find(|g| (g.index, &g.live, &g.draft) == (key.0, &key.1, &key.2))
        {
            Some(g) => {
                g.calls += 1;
                if g.examples.len() < EXAMPLES {
                    g.examples.push(c.call_connection_id.clone());
                }
            }
            None => report.groups.push(Divergence {
                index,
                live: key.1,
                draft: key.2,
                after: index.checked_sub(1).and_then(|i| sim.path.get(i).cloned()),
                calls: 1,
                examples: vec![c.call_connection_id.clone()],
            }),
        }
    }
    report
        .groups
        .sort_by(|a, b| b.calls.cmp(&a.calls).then(a.index.cmp(&b.index)));
    report.unreplayable.calls = unreplayable.len();
    unreplayable.truncate(EXAMPLES);
    report.unreplayable.examples = unreplayable;
    report
}
