//! The rules document: a list of named rules, each a match and an action, plus a default.
//!
//! ```json
//! { "version": 1,
//!   "default": { "reject": { "reason": "busy" } },
//!   "rules": [
//!     { "name": "support",
//!       "match": { "to": { "exact": "+14255550100" },
//!                  "time": [{ "timeZone": "Europe/Paris", "days": ["mon","fri"],
//!                             "start": "09:00", "end": "17:00" }] },
//!       "action": { "answer": { "flow": { "menu": { … } } } } } ] }
//! ```

use super::flow::{check_target, FieldError, Flow};
use super::text::TextMatch;
use super::window::TimeWindow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RulesDocument {
    /// Format version: `1`, or `2` for flows as step graphs (docs/flows.md).
    pub version: u32,
    /// Named flows (version 2) that rules answer with by name: `"flow": "main"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flows: BTreeMap<String, Flow>,
    /// What a call that matches no rule gets. Default: reject with reason `none`.
    #[serde(default = "default_action")]
    pub default: Action,
    /// Tried in order; the first rule whose match holds wins.
    pub rules: Vec<Rule>,
}

fn default_action() -> Action {
    Action::Reject {
        reason: RejectReason::None,
    }
}

/// One named rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// Unique, non-empty; shown in errors, timelines and the admin API.
    pub name: String,
    /// All present conditions must hold; an absent match matches every call.
    #[serde(default, rename = "match")]
    pub when: Match,
    pub action: Action,
}

/// Conditions on an incoming call. Every present condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Match {
    /// The callee: E.164 number for phone numbers, raw id otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<TextMatch>,
    /// The caller: E.164 number for phone numbers, raw id otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<TextMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_display_name: Option<TextMatch>,
    /// Custom SIP headers (`X-MS-Custom-…`, `User-To-User`), name compared ignoring case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sip_headers: BTreeMap<String, TextMatch>,
    /// Custom VoIP headers, name compared ignoring case.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub voip_headers: BTreeMap<String, TextMatch>,
    /// The call arrives inside at least one of these windows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time: Vec<TimeWindow>,
    /// The call arrives on one of these local dates (holidays, [`crate::dates`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<crate::dates::DateSet>,
}

/// What to do with a matching call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Action {
    /// Answer, with the callback pointing back at this worker, then run `flow` (read by
    /// [`crate::flow::parse::parse_flow`]: a name under `flows`, a graph, or the
    /// version 1 form; stored as the graph).
    Answer {
        #[serde(default)]
        flow: Flow,
    },
    /// Redirect the ringing call to `target` (E.164 number or raw id).
    Redirect { target: String },
    /// Reject the call.
    Reject {
        #[serde(default = "reject_none")]
        reason: RejectReason,
    },
}

fn reject_none() -> RejectReason {
    RejectReason::None
}

/// The spec's `CallRejectReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RejectReason {
    None,
    Busy,
    Forbidden,
}

impl RejectReason {
    /// The wire value (`none`, `busy`, `forbidden`).
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::None => "none",
            RejectReason::Busy => "busy",
            RejectReason::Forbidden => "forbidden",
        }
    }
}

impl Action {
    /// # Errors
    /// The first invalid field inside the action (`redirect.target`, `answer.flow.menu…`).
    pub fn check(&self) -> Result<(), FieldError> {
        match self {
            // Checked when it was read (parse_flow), where its path is known.
            Action::Answer { .. } => Ok(()),
            Action::Redirect { target } => {
                check_target(target).map_err(|r| ("redirect.target".into(), r))
            }
            Action::Reject { .. } => Ok(()),
        }
    }
}

impl Match {
    /// # Errors
    /// The first invalid condition (`to.prefix`, `sipHeaders.X-Tier`, `time[0].start`).
    pub fn check(&self) -> Result<(), FieldError> {
        let text = |name: &str, m: &Option<TextMatch>| match m {
            Some(m) => m.check().map_err(|r| (name.to_owned(), r)),
            None => Ok(()),
        };
        text("to", &self.to)?;
        text("from", &self.from)?;
        text("callerDisplayName", &self.caller_display_name)?;
        for (group, headers) in [
            ("sipHeaders", &self.sip_headers),
            ("voipHeaders", &self.voip_headers),
        ] {
            for (name, m) in headers {
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                    return Err((
                        format!("{group}.{name}"),
                        "header name must be printable ASCII without ':'".into(),
                    ));
                }
                m.check().map_err(|r| (format!("{group}.{name}"), r))?;
            }
        }
        crate::dates::check_when(&self.time, self.dates.as_ref())
    }
}
