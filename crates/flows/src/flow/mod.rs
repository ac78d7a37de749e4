//! What happens after a call is answered: a flow, a graph of named steps (docs/flows.md).
//!
//! A flow is `{"start": "welcome", "steps": [{"id": "welcome", "play": {…}, "next": "menu"}, …]}`;
//! each step names its next step for each outcome ([`step::Paths`]). It is parsed strictly
//! ([`parse::parse_flow`]: every unknown key, wrong type or bad value is refused with its path)
//! and then checked as a graph ([`validate`]): every step named exists, every step is reachable,
//! and every path ends in a hang-up, a transfer, a ring or a park — no caller is left in
//! silence, no loop runs without a way out.
//!
//! The format of version 1 documents (`{"greeting": …, "menu": …}`, [`legacy`]) is still read,
//! and loaded as the equivalent graph ([`legacy::LegacyFlow::to_graph`]).

pub mod legacy;
pub mod parse;
pub mod prompt;
pub mod step;
pub mod template;
pub mod validate;

pub use prompt::{check_target, Prompt};
use serde::{Deserialize, Serialize};
pub use step::{FlowStep, StepKind};

/// `(field path relative to the checked value, reason)`.
pub type FieldError = (String, String);

/// A flow: its steps and where it starts. `Flow::default()` has no steps: the call is answered
/// and left to an operator (the admin page, or the `/acs` proxy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// The name under `flows` this flow came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The first step's id (default: the first step in `steps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Not written when empty, so an operator's flow stays `{}` as version 1 wrote it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<FlowStep>,
}

impl Flow {
    /// The id of the step the flow starts with; `None` for a flow without steps.
    pub fn start_id(&self) -> Option<&str> {
        self.start
            .as_deref()
            .or_else(|| self.steps.first().map(|s| s.id.as_str()))
    }

    /// The step `id`.
    pub fn step(&self, id: &str) -> Option<&FlowStep> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// True when the flow has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Something a valid document does that its author may not mean (e.g. a version 1 greeting
/// without a menu, now loaded with a `park`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub field: String,
    pub message: String,
}

/// Reads a flow stored with a call: the graph form, or the version 1 form of sessions stored
/// before graphs existed (converted as a document's would be).
///
/// # Errors
/// The serde error when the value is neither.
pub fn deserialize_stored<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Flow, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    if value.get("steps").is_some() {
        serde_json::from_value(value).map_err(serde::de::Error::custom)
    } else {
        let old: legacy::LegacyFlow =
            serde_json::from_value(value).map_err(serde::de::Error::custom)?;
        Ok(old.to_graph().0)
    }
}
