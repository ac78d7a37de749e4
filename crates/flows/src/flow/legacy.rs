//! The flow format of version 1 documents: an optional greeting, then an optional DTMF menu
//! whose choices transfer, add a participant, or play a message and hang up.
//!
//! Still read, and loaded as the equivalent graph ([`LegacyFlow::to_graph`]), with three
//! changes where version 1 left a caller hanging (docs/flows.md, "Version 1 documents"):
//! a greeting without a menu is followed by a `park` (it used to leave the caller in silence,
//! and the load warns), and a failed transfer or add-participant goes back to the menu after
//! an apology (it used to hang up, or do nothing).

use super::prompt::check_target;
use super::step::{
    CollectStep, FlowStep, HangUpStep, Input, ParkStep, Paths, PlayStep, RingStep, StepKind,
    TransferStep,
};
use super::{FieldError, Flow, Prompt, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// DTMF tones a menu choice may be bound to.
pub const MENU_TONES: &str = "0123456789*#";

/// A DTMF menu: play `prompt`, collect one tone, run the bound step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Menu {
    pub prompt: Prompt,
    /// Tone (`0`–`9`, `*`, `#`) → step. At least one.
    pub choices: BTreeMap<String, LegacyStep>,
    /// Seconds of silence before the menu counts as "no input" (1–300, default 5).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
    /// How many times the menu is offered before `onFailure` runs (1–5, default 2).
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Step after the last failed attempt (no input or an unbound tone). Default: hang up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Box<LegacyStep>>,
}

fn default_timeout() -> u32 {
    5
}
fn default_attempts() -> u32 {
    2
}

/// One terminal step of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum LegacyStep {
    /// Transfer the caller to `target` (E.164 number or raw id); Call Automation leaves the call.
    Transfer { target: String },
    /// Bring `target` into the call (the caller stays).
    AddParticipant { target: String },
    /// Play `prompt`, then hang up for everyone.
    PlayAndHangUp { prompt: Prompt },
    /// Hang up for everyone.
    HangUp {},
}

/// The flow run once the call is connected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyFlow {
    /// Played first (as part of the menu prompt when there is a menu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<Prompt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu: Option<Menu>,
}

fn at(prefix: &str, (field, reason): FieldError) -> FieldError {
    (format!("{prefix}.{field}"), reason)
}

impl LegacyStep {
    /// # Errors
    /// An invalid target or prompt, with the field inside the step.
    pub fn check(&self) -> Result<(), FieldError> {
        match self {
            LegacyStep::Transfer { target } => {
                check_target(target).map_err(|r| ("transfer.target".into(), r))
            }
            LegacyStep::AddParticipant { target } => {
                check_target(target).map_err(|r| ("addParticipant.target".into(), r))
            }
            LegacyStep::PlayAndHangUp { prompt } => {
                prompt.check().map_err(|e| at("playAndHangUp.prompt", e))
            }
            LegacyStep::HangUp {} => Ok(()),
        }
    }
}

impl Menu {
    /// # Errors
    /// The first invalid field: prompt, a choice key or step, a limit, `onFailure`.
    pub fn check(&self) -> Result<(), FieldError> {
        self.prompt.check().map_err(|e| at("prompt", e))?;
        if self.choices.is_empty() {
            return Err(("choices".into(), "a menu needs at least one choice".into()));
        }
        for (tone, step) in &self.choices {
            if tone.len() != 1 || !MENU_TONES.contains(tone.as_str()) {
                return Err((
                    format!("choices.{tone}"),
                    format!("a choice key is one DTMF tone ({MENU_TONES})"),
                ));
            }
            step.check()
                .map_err(|e| at(&format!("choices.{tone}"), e))?;
        }
        if !(1..=300).contains(&self.timeout_seconds) {
            return Err((
                "timeoutSeconds".into(),
                format!("must be 1-300, got {}", self.timeout_seconds),
            ));
        }
        if !(1..=5).contains(&self.attempts) {
            return Err((
                "attempts".into(),
                format!("must be 1-5, got {}", self.attempts),
            ));
        }
        if let Some(step) = &self.on_failure {
            step.check().map_err(|e| at("onFailure", e))?;
        }
        Ok(())
    }
}

impl LegacyFlow {
    /// # Errors
    /// The first invalid field of the greeting or the menu.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Some(g) = &self.greeting {
            g.check().map_err(|e| at("greeting", e))?;
        }
        if let Some(m) = &self.menu {
            m.check().map_err(|e| at("menu", e))?;
        }
        Ok(())
    }
}

/// What a version 1 greeting without a menu's caller hears once the park's wait is over.
const PARK_GOODBYE: &str = "Sorry, no one is available to take your call. Goodbye.";
/// Played before a version 1 menu is offered again after a failed transfer or add.
const NOT_CONNECTED: &str = "Sorry, we could not connect your call.";

fn step(id: &str, kind: StepKind, paths: Paths) -> FlowStep {
    FlowStep {
        id: id.to_owned(),
        kind,
        paths,
        max_visits: None,
    }
}

/// A step id for a menu tone (`*` and `#` are not id characters).
fn choice_id(tone: &str) -> String {
    match tone {
        "*" => "choice-star".into(),
        "#" => "choice-pound".into(),
        t => format!("choice-{t}"),
    }
}

impl LegacyStep {
    /// The graph step for this version 1 step; a failed transfer or add goes to `not-connected`.
    fn to_step(&self, id: &str) -> FlowStep {
        let failure = || Paths {
            failure: Some("not-connected".into()),
            ..Paths::default()
        };
        match self {
            LegacyStep::Transfer { target } => step(
                id,
                StepKind::Transfer(TransferStep {
                    targets: vec![target.clone()],
                }),
                failure(),
            ),
            LegacyStep::AddParticipant { target } => step(
                id,
                StepKind::Ring(RingStep {
                    targets: vec![target.clone()],
                    mode: Default::default(),
                    timeout_seconds: None,
                }),
                failure(),
            ),
            LegacyStep::PlayAndHangUp { prompt } => step(
                id,
                StepKind::HangUp(HangUpStep {
                    prompt: Some(prompt.clone()),
                }),
                Paths::default(),
            ),
            LegacyStep::HangUp {} => step(
                id,
                StepKind::HangUp(HangUpStep::default()),
                Paths::default(),
            ),
        }
    }

    fn connects(&self) -> bool {
        matches!(
            self,
            LegacyStep::Transfer { .. } | LegacyStep::AddParticipant { .. }
        )
    }
}

impl LegacyFlow {
    /// The equivalent graph, and the warnings of its load (`field` relative to the flow).
    ///
    /// * no greeting, no menu: no steps (the call is left to an operator), with a warning;
    /// * a greeting only: `greeting` (play) → `park` (the default wait) → `goodbye` (hang up),
    ///   with a warning: version 1 left the caller in silence;
    /// * a menu: `menu` (collect one tone; the greeting is played before the first offer, the
    ///   offer is repeated `attempts` times) → `choice-<tone>` → `on-failure`; a transfer or add
    ///   that fails plays an apology (`not-connected`) and offers the menu again.
    pub fn to_graph(&self) -> (Flow, Vec<Warning>) {
        match (&self.greeting, &self.menu) {
            (None, None) => (
                Flow::default(),
                vec![Warning {
                    field: "flow".into(),
                    message: "no greeting and no menu: the caller hears nothing until an \
                              operator acts on the call"
                        .into(),
                }],
            ),
            (Some(greeting), None) => (
                greeting_then_park(greeting),
                vec![Warning {
                    field: "greeting".into(),
                    message: format!(
                        "a greeting without a menu used to leave the caller in silence; it is now \
                     followed by a park step (hold music for an operator, {} s, then a goodbye \
                     and a hang-up)",
                        super::step::DEFAULT_PARK_SECONDS
                    ),
                }],
            ),
            (greeting, Some(menu)) => (menu_graph(greeting.as_ref(), menu), Vec::new()),
        }
    }
}

fn greeting_then_park(greeting: &Prompt) -> Flow {
    let next = |id: &str| Some(id.to_owned());
    Flow {
        name: None,
        start: None,
        steps: vec![
            step(
                "greeting",
                StepKind::Play(PlayStep {
                    prompt: Some(greeting.clone()),
                    prompts: Vec::new(),
                }),
                Paths {
                    next: next("park"),
                    ..Paths::default()
                },
            ),
            step(
                "park",
                StepKind::Park(ParkStep::default()),
                Paths {
                    timeout: next("goodbye"),
                    ..Paths::default()
                },
            ),
            step(
                "goodbye",
                StepKind::HangUp(HangUpStep {
                    prompt: Some(Prompt::text(PARK_GOODBYE)),
                }),
                Paths::default(),
            ),
        ],
    }
}

fn menu_graph(greeting: Option<&Prompt>, menu: &Menu) -> Flow {
    let prompts: Vec<Prompt> = greeting
        .into_iter()
        .chain([&menu.prompt])
        .cloned()
        .collect();
    let retry_prompts = if greeting.is_some() {
        vec![menu.prompt.clone()]
    } else {
        Vec::new()
    };
    let collect = CollectStep {
        input: Input::Dtmf,
        prompts,
        retry_prompts,
        max_tones: Some(1),
        timeout_seconds: Some(menu.timeout_seconds),
        interrupt_prompt: Some(true),
        attempts: Some(menu.attempts),
        ..CollectStep::default()
    };
    let on_failure = Some("on-failure".to_owned());
    let paths = Paths {
        on: menu
            .choices
            .keys()
            .map(|tone| (tone.clone(), choice_id(tone)))
            .collect(),
        no_input: on_failure.clone(),
        no_match: on_failure.clone(),
        failure: on_failure,
        ..Paths::default()
    };
    let mut steps = vec![step("menu", StepKind::Collect(collect), paths)];
    for (tone, choice) in &menu.choices {
        steps.push(choice.to_step(&choice_id(tone)));
    }
    let fallback = menu
        .on_failure
        .as_deref()
        .cloned()
        .unwrap_or(LegacyStep::HangUp {});
    steps.push(fallback.to_step("on-failure"));
    let connects = menu.choices.values().any(LegacyStep::connects) || fallback.connects();
    if connects {
        steps.push(step(
            "not-connected",
            StepKind::Play(PlayStep {
                prompt: Some(Prompt::text(NOT_CONNECTED)),
                prompts: Vec::new(),
            }),
            Paths {
                next: Some("menu".into()),
                ..Paths::default()
            },
        ));
    }
    Flow {
        name: None,
        start: None,
        steps,
    }
}
