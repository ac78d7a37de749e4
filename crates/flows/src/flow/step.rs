//! The steps of a flow graph, as written in a rules document (docs/flows.md).
//!
//! ```json
//! { "id": "menu",
//!   "collect": { "prompt": { "text": "Press 1 for sales, 2 for support." }, "maxTones": 1 },
//!   "on": { "1": "sales", "2": "support" }, "noInput": "menu", "noMatch": "menu",
//!   "maxVisits": 3, "limit": "operator" }
//! ```
//!
//! A step is an object with an `id`, exactly one step key (`play`, `collect`, `branch`, `set`,
//! `webhook`, `transfer`, `ring`, `park`, `hangUp`) and the outcome paths its kind has, each the
//! id of the next step.

use super::prompt::Prompt;
use crate::text::TextMatch;
use crate::window::TimeWindow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The step keys, in the order docs/flows.md lists them.
pub const STEP_KINDS: [&str; 9] = [
    "play", "collect", "branch", "set", "webhook", "transfer", "ring", "park", "hangUp",
];

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowStep {
    /// Unique within the flow: letters, digits, `_`, `-`, `.`.
    pub id: String,
    #[serde(flatten)]
    pub kind: StepKind,
    #[serde(flatten)]
    pub paths: Paths,
    /// How often the call may enter this step (default [`DEFAULT_MAX_VISITS`]); one more takes
    /// `limit`, or hangs up with end `stepLimit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_visits: Option<u32>,
}

/// Visits of one step per call unless `maxVisits` says otherwise.
pub const DEFAULT_MAX_VISITS: u32 = 10;
/// The highest `maxVisits` a step may set.
pub const MAX_VISITS_LIMIT: u32 = 100;
/// Step runs per call, over all steps: the last guard against a loop.
pub const MAX_STEP_RUNS: u32 = 200;

/// A step's outcome paths. Which ones a step may have depends on its kind
/// ([`StepKind::paths_allowed`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paths {
    /// After the step succeeded (play, set, webhook without `goto`, collect with any input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// `collect`: the collected value (digits, a choice label, speech) → step.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub on: BTreeMap<String, String>,
    /// `collect`: nothing was heard. Default: `noMatch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_input: Option<String>,
    /// `collect`: input that matches no `on` entry and no choice. Default: `failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_match: Option<String>,
    /// Every other failure. Default: `next` for `play`, a hang-up elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// `transfer`/`ring`: the last target was busy. Default: `failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub busy: Option<String>,
    /// `transfer`/`ring`: the last target did not answer. Default: `failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_answer: Option<String>,
    /// `park`: the maximum wait passed. Default: a hang-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// Where a call goes once it entered this step `maxVisits` times. Default: a hang-up
    /// (end `stepLimit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Paths {
    /// `(name, target)` of every path that is set, `on` entries as `on.<value>`.
    pub fn iter(&self) -> impl Iterator<Item = (String, &str)> {
        let named = [
            ("next", &self.next),
            ("noInput", &self.no_input),
            ("noMatch", &self.no_match),
            ("failure", &self.failure),
            ("busy", &self.busy),
            ("noAnswer", &self.no_answer),
            ("timeout", &self.timeout),
            ("limit", &self.limit),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.as_deref().map(|v| (n.to_owned(), v)));
        let on = self.on.iter().map(|(k, v)| (format!("on.{k}"), v.as_str()));
        named.chain(on)
    }
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// Play prompts to the call, then `next`.
    Play(PlayStep),
    /// Play a prompt and collect DTMF, speech or a choice (the service's Recognize).
    Collect(CollectStep),
    /// The first case whose condition holds picks the next step; else `else`.
    Branch(BranchStep),
    /// Set variables (templates allowed), then `next`.
    Set(BTreeMap<String, String>),
    /// Ask the app: POST the call's facts and variables, follow its answer.
    Webhook(WebhookStep),
    /// Transfer the caller to the first target that takes the call (sequential hunting).
    Transfer(TransferStep),
    /// Ring targets into the call (add participant), one after another or all at once.
    Ring(RingStep),
    /// Hold the caller with music until an operator takes the call, or the wait ends.
    Park(ParkStep),
    /// Optionally play a prompt, then hang up for everyone.
    HangUp(HangUpStep),
}

impl StepKind {
    /// The step key (`play`, `collect`, …).
    pub fn name(&self) -> &'static str {
        match self {
            StepKind::Play(_) => "play",
            StepKind::Collect(_) => "collect",
            StepKind::Branch(_) => "branch",
            StepKind::Set(_) => "set",
            StepKind::Webhook(_) => "webhook",
            StepKind::Transfer(_) => "transfer",
            StepKind::Ring(_) => "ring",
            StepKind::Park(_) => "park",
            StepKind::HangUp(_) => "hangUp",
        }
    }

    /// The outcome paths this kind of step may name (`limit` is allowed on every step).
    pub fn paths_allowed(&self) -> &'static [&'static str] {
        match self {
            StepKind::Play(_) | StepKind::Webhook(_) => &["next", "failure", "limit"],
            StepKind::Collect(_) => &["next", "on", "noInput", "noMatch", "failure", "limit"],
            StepKind::Branch(_) | StepKind::HangUp(_) => &["limit"],
            StepKind::Set(_) => &["next", "limit"],
            StepKind::Transfer(_) | StepKind::Ring(_) => &["busy", "noAnswer", "failure", "limit"],
            StepKind::Park(_) => &["timeout", "limit"],
        }
    }

    /// True for the steps a call may end in: a hang-up, a transfer or ring that connects, a park.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            StepKind::HangUp(_) | StepKind::Transfer(_) | StepKind::Ring(_) | StepKind::Park(_)
        )
    }

    /// True when the step waits for the caller, the service or the app (not `branch`/`set`).
    pub fn waits(&self) -> bool {
        !matches!(self, StepKind::Branch(_) | StepKind::Set(_))
    }
}

/// `play`: one prompt (`prompt`) or several (`prompts`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlayStep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Prompt>,
}

/// What `collect` listens for (the service's `recognizeInputType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Input {
    #[default]
    Dtmf,
    Speech,
    SpeechOrDtmf,
    Choices,
}

/// `collect`: the service's Recognize, from the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectStep {
    /// `dtmf` (default), `speech`, `speechOrDtmf` or `choices`.
    #[serde(default)]
    pub input: Input,
    /// The prompt (or `prompts`) played while listening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Prompt>,
    /// Played instead of the prompts when the step asks again (`attempts` > 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retry_prompts: Vec<Prompt>,
    /// DTMF: tones to collect at most (1–50, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tones: Option<u32>,
    /// DTMF: tones that end the input early, e.g. `["#"]` (not included in the value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop_tones: Vec<String>,
    /// DTMF: seconds allowed between tones (1–60; the service's default is 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_tone_timeout_seconds: Option<u32>,
    /// Seconds of silence after the prompt before "no input" (1–300, default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// Speech: milliseconds of silence that end an utterance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_silence_timeout_ms: Option<u64>,
    /// Speech: the language, e.g. `en-US` (the service's default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `choices`: labels, each with phrases and an optional tone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ChoiceDef>,
    /// Barge-in: input stops the prompt (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupt_prompt: Option<bool>,
    /// The variable the value goes into (default: the step's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// How many times the step asks before taking `noInput`/`noMatch` (1–5, default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
}

/// One choice of a `choices` collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChoiceDef {
    pub label: String,
    pub phrases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<String>,
}

/// `branch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BranchStep {
    pub cases: Vec<Case>,
    /// When no case holds.
    #[serde(rename = "else")]
    pub otherwise: String,
}

/// One case of a `branch`: every condition present in `when` must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    pub when: Condition,
    pub goto: String,
}

/// A condition on a variable and/or the time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    /// The variable `matches`, `number` and `isSet` look at (`caller`, `account`, `visits.menu`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// A text condition on the variable (`exact`, `prefix`, `pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<TextMatch>,
    /// A comparison of the variable as a whole number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberCmp>,
    /// True: the variable is set and not empty; false: it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_set: Option<bool>,
    /// The moment of the decision falls in one of these windows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time: Vec<TimeWindow>,
    /// The moment of the decision falls on one of these local dates (holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<crate::dates::DateSet>,
}

/// Whole-number comparisons; every one present must hold. A value that is not a whole number
/// fails every comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberCmp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ne: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
}

/// `webhook`: POST to the app, follow `goto`/`set` in its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookStep {
    /// https URL (http only for loopback hosts, in development); templates allowed.
    pub url: String,
    /// How long the app has to answer (100–10000 ms, default 3000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
    /// The steps the app's `goto` may name. When set, any other `goto` takes `failure`; the
    /// steps listed count as reachable from this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goto: Vec<String>,
}

/// The default time the app has to answer a `webhook` step.
pub const DEFAULT_WEBHOOK_TIMEOUT_MS: u32 = 3_000;

/// `transfer`: targets tried in order until one takes the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferStep {
    /// 1–10 E.164 numbers or raw ids; templates allowed.
    pub targets: Vec<String>,
}

/// How `ring` calls its targets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RingMode {
    /// One after another (hunting).
    #[default]
    Sequential,
    /// All at once: the first to answer wins; the others are cancelled.
    Simultaneous,
}

/// `ring`: add targets to the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RingStep {
    /// 1–10 E.164 numbers or raw ids; templates allowed.
    pub targets: Vec<String>,
    #[serde(default)]
    pub mode: RingMode,
    /// Seconds each invitation rings (the service's `invitationTimeoutInSeconds`, 1–180,
    /// default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
}

/// The default `ring` invitation timeout.
pub const DEFAULT_RING_SECONDS: u32 = 20;

/// `park`: hold the caller with music for an operator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParkStep {
    /// What the caller hears on hold (the service's default music when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub music: Option<Prompt>,
    /// Seconds before `timeout` (1–86400, default 300).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_seconds: Option<u32>,
}

/// The default `park` wait.
pub const DEFAULT_PARK_SECONDS: u32 = 300;

/// `hangUp`: an optional goodbye, then the call ends for everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HangUpStep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<Prompt>,
}

impl PlayStep {
    /// `prompt` and `prompts`, in that order.
    pub fn all(&self) -> Vec<Prompt> {
        self.prompt.iter().chain(&self.prompts).cloned().collect()
    }
}

impl CollectStep {
    /// `prompt` and `prompts`, in that order.
    pub fn all(&self) -> Vec<Prompt> {
        self.prompt.iter().chain(&self.prompts).cloned().collect()
    }
}
