//! callsteer's call flows, as pure code: declarative routing of incoming calls, the flow
//! language, the per-call session, simulation, replay and test cases.
//!
//! A [`RoutingTable`] is loaded from a JSON rules document ([`rules::RulesDocument`]);
//! every rule is checked when the document is loaded, and the first problem is reported
//! as [`Error::InvalidInput`] whose `field` names the rule and the field, e.g.
//! `rules[1](after-hours).match.time[0].timeZone`. [`RoutingTable::route`] then maps a
//! [`CallInfo`] (what an `IncomingCall` event says, plus the current time passed in) to
//! a [`Decision`]: answer with a [`flow::Flow`], redirect, or reject; [`RoutingTable::explain`]
//! says why, rule by rule ([`matching`], the admin API's dry run with [`dry_run`]).
//!
//! Decision: a crate of its own (`crates/flows`), with no runtime and no I/O — no Worker, no
//! clock, no fetch. The edge worker (`crates/edge`, as its `routing` module) answers live calls
//! with it, and the npm package's `callsteer/flows` subpath (`crates/npm-flows`) runs the same
//! code offline, so there is no second interpreter. The npm package's main entry does not
//! link it.
//!
//! [`call`] holds the per-call state machine that the edge worker's Durable Object persists;
//! [`proxy`] the checks of the worker's `/acs/…` proxy for the admin page.

#[doc(hidden)]
pub mod bench_fixtures;
pub mod call;
pub mod dates;
pub mod describe;
pub mod diff;
pub mod drafts;
pub mod dry_run;
pub mod flow;
pub mod impact;
pub mod incoming;
pub mod matching;
pub mod offline;
pub mod proxy;
pub mod revisions;
pub mod rules;
pub mod simulate;
pub mod testing;
pub mod text;
pub mod tz;
pub mod window;

use callsteer::Error;
use rules::{Action, Rule, RulesDocument};
use std::collections::BTreeMap;
use window::CompiledWindow;

/// What routing needs to know about an incoming call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallInfo {
    /// The callee: E.164 number for phone numbers, raw id otherwise.
    pub to: String,
    /// The caller: E.164 number for phone numbers, raw id otherwise.
    pub from: String,
    pub caller_display_name: Option<String>,
    pub sip_headers: BTreeMap<String, String>,
    pub voip_headers: BTreeMap<String, String>,
    /// When the call arrived, Unix seconds (the face reads the clock, not this module).
    pub arrived_at: i64,
}

/// The outcome of routing one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The matching rule's name; `None` when the document's default applied.
    pub rule: Option<String>,
    pub action: Action,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    rule: Rule,
    windows: Vec<CompiledWindow>,
    dates: Option<dates::CompiledDates>,
}

/// A validated rules document, ready to route calls.
#[derive(Debug, Clone)]
pub struct RoutingTable {
    rules: Vec<CompiledRule>,
    default: Action,
    warnings: Vec<flow::Warning>,
}

impl RoutingTable {
    /// Parses and validates a rules document.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for the first problem: `field` is `document` (not JSON),
    /// `version`, `default.…`, or `rules[i](name).path.to.field`; `reason` says what is wrong.
    pub fn from_json(json: &str) -> Result<RoutingTable, Error> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error::invalid("document", format!("not valid JSON: {e}")))?;
        let (doc, warnings) = parse_document(value)?;
        let mut table = Self::from_document(doc)?;
        table.warnings = warnings;
        Ok(table)
    }

    /// What the load noticed that the author may not mean (a version 1 greeting without a
    /// menu, now followed by a park; a flow that answers and plays nothing).
    pub fn warnings(&self) -> &[flow::Warning] {
        &self.warnings
    }

    /// Validates an already-parsed document.
    ///
    /// # Errors
    /// As [`RoutingTable::from_json`].
    pub fn from_document(doc: RulesDocument) -> Result<RoutingTable, Error> {
        if !(1..=2).contains(&doc.version) {
            return Err(Error::invalid(
                "version",
                format!("version 1 or 2 is supported, got {}", doc.version),
            ));
        }
        doc.default
            .check()
            .map_err(|(f, r)| Error::invalid(format!("default.{f}"), r))?;
        let mut rules = Vec::with_capacity(doc.rules.len());
        for (i, rule) in doc.rules.into_iter().enumerate() {
            let here = |f: &str| format!("rules[{i}]({}).{f}", rule.name);
            if rule.name.trim().is_empty() {
                return Err(Error::invalid(
                    format!("rules[{i}].name"),
                    "must not be empty",
                ));
            }
            if rules
                .iter()
                .any(|r: &CompiledRule| r.rule.name == rule.name)
            {
                return Err(Error::invalid(here("name"), "duplicate rule name"));
            }
            rule.when
                .check()
                .map_err(|(f, r)| Error::invalid(here(&format!("match.{f}")), r))?;
            rule.action
                .check()
                .map_err(|(f, r)| Error::invalid(here(&format!("action.{f}")), r))?;
            let windows = rule
                .when
                .time
                .iter()
                .filter_map(|w| w.compile().ok())
                .collect();
            let dates = rule.when.dates.as_ref().and_then(|d| d.compile().ok());
            rules.push(CompiledRule {
                rule,
                windows,
                dates,
            });
        }
        Ok(RoutingTable {
            rules,
            default: doc.default,
            warnings: Vec::new(),
        })
    }

    /// The document as the table holds it: version 2, every flow a graph inline in its rule
    /// (named flows keep their `name`). Loading it again gives a table that routes the same.
    pub fn to_document(&self) -> RulesDocument {
        RulesDocument {
            version: 2,
            default: self.default.clone(),
            flows: BTreeMap::new(),
            rules: self.rules.iter().map(|r| r.rule.clone()).collect(),
        }
    }

    /// The rule called `name`, if any.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().map(|r| &r.rule).find(|r| r.name == name)
    }

    /// The rules, in order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// What a call that matches no rule gets.
    pub fn default_action(&self) -> &Action {
        &self.default
    }

    /// Number of rules (the default not counted).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the document has no rules (every call gets the default).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Top level and each rule are decoded separately so that a serde error can name the
/// rule (by index and name) and the path inside it; the flows (`flows`, each answer's `flow`)
/// are read by [`flow::parse`] at their paths.
fn parse_document(value: serde_json::Value) -> Result<(RulesDocument, Vec<flow::Warning>), Error> {
    let serde_json::Value::Object(mut top) = value else {
        return Err(Error::invalid("document", "must be a JSON object"));
    };
    let rules = match top.remove("rules") {
        Some(serde_json::Value::Array(rules)) => rules,
        Some(_) => return Err(Error::invalid("rules", "must be an array")),
        None => {
            return Err(Error::invalid(
                "rules",
                "missing (an empty list is allowed)",
            ))
        }
    };
    let version = top
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(1);
    let version = u32::try_from(version).unwrap_or(u32::MAX);
    let named = match top.remove("flows") {
        Some(_) if version < 2 => {
            return Err(Error::invalid("flows", "named flows need `\"version\": 2`"))
        }
        Some(v) => flow::parse::parse_named(v)?,
        None => BTreeMap::new(),
    };
    let mut warnings = Vec::new();
    let default_flow = match top.get_mut("default") {
        Some(d) => take_flow(d),
        None => None,
    };
    top.insert("rules".into(), serde_json::Value::Array(Vec::new()));
    let mut doc: RulesDocument = decode_at(serde_json::Value::Object(top), "")?;
    if let (Some(raw), Action::Answer { flow }) = (default_flow, &mut doc.default) {
        let (f, w) = flow::parse::parse_flow(raw, "default.answer.flow", version, &named)?;
        *flow = f;
        warnings.extend(w);
    }
    for (i, mut rule) in rules.into_iter().enumerate() {
        let name = rule
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_owned();
        let prefix = format!("rules[{i}]({name})");
        let raw_flow = rule.get_mut("action").and_then(take_flow);
        let mut decoded: Rule = decode_at(rule, &prefix)?;
        if let (Some(raw), Action::Answer { flow }) = (raw_flow, &mut decoded.action) {
            let path = format!("{prefix}.action.answer.flow");
            let (f, w) = flow::parse::parse_flow(raw, &path, version, &named)?;
            *flow = f;
            warnings.extend(w);
        }
        doc.rules.push(decoded);
    }
    doc.flows = named;
    Ok((doc, warnings))
}

/// Takes `answer.flow` out of an action's JSON, for [`flow::parse::parse_flow`].
fn take_flow(action: &mut serde_json::Value) -> Option<serde_json::Value> {
    action.get_mut("answer")?.as_object_mut()?.remove("flow")
}

/// Reads `value` as a `T`; a refusal names the field's path under `prefix` (`rules[2].match.to`,
/// or `document` for the value itself), as every admin body's errors do.
///
/// # Errors
/// [`Error::InvalidInput`] naming the field and serde's reason.
pub fn decode_at<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    prefix: &str,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        // "." is the value itself; "" is an unknown key spelled "" (named as its parent).
        let at_root = path == "." || path.is_empty();
        let field = match (prefix.is_empty(), at_root) {
            (true, true) => "document".to_owned(),
            (true, false) => path,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{path}"),
        };
        Error::invalid(field, e.into_inner().to_string())
    })
}
