//! What happens after a call is answered: an optional greeting, then an optional DTMF
//! menu whose choices transfer, add a participant, or play a message and hang up.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// DTMF tones a menu choice may be bound to.
pub const MENU_TONES: &str = "0123456789*#";

/// Something to play: a text-to-speech sentence or an audio file URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Prompt {
    /// Text to speak (text-to-speech). Exactly one of `text` and `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Voice name for `text`, e.g. `en-US-NancyNeural`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// URL of a WAV file. Exactly one of `text` and `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A DTMF menu: play `prompt`, collect one tone, run the bound step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Menu {
    pub prompt: Prompt,
    /// Tone (`0`–`9`, `*`, `#`) → step. At least one.
    pub choices: BTreeMap<String, Step>,
    /// Seconds of silence before the menu counts as "no input" (1–300, default 5).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
    /// How many times the menu is offered before `onFailure` runs (1–5, default 2).
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Step after the last failed attempt (no input or an unbound tone). Default: hang up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Box<Step>>,
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
pub enum Step {
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
pub struct Flow {
    /// Played first (as part of the menu prompt when there is a menu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub greeting: Option<Prompt>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub menu: Option<Menu>,
}

/// `(field path relative to the checked value, reason)`.
pub type FieldError = (String, String);

fn at(prefix: &str, (field, reason): FieldError) -> FieldError {
    (format!("{prefix}.{field}"), reason)
}

impl Prompt {
    /// # Errors
    /// When neither or both of `text`/`file` are set, or `file` is not an http(s) URL.
    pub fn check(&self) -> Result<(), FieldError> {
        match (&self.text, &self.file) {
            (Some(t), None) if !t.trim().is_empty() => Ok(()),
            (Some(_), None) => Err(("text".into(), "must not be empty".into())),
            // The core's rule for a play source's URI: a media URL may carry a query (a
            // blob's SAS token) or a fragment, unlike a service endpoint.
            (None, Some(f)) => match callsteer::models::PlaySource::file(f.as_str()).validate("") {
                Ok(()) if self.voice.is_none() => Ok(()),
                Ok(()) => Err(("voice".into(), "only applies to text prompts".into())),
                Err(_) => Err((
                    "file".into(),
                    format!("must be an absolute http(s) URL, got {f:?}"),
                )),
            },
            (None, None) => Err(("text".into(), "a prompt needs `text` or `file`".into())),
            (Some(_), Some(_)) => Err((
                "file".into(),
                "a prompt has `text` or `file`, not both".into(),
            )),
        }
    }
}

impl Step {
    /// # Errors
    /// An invalid target or prompt, with the field inside the step.
    pub fn check(&self) -> Result<(), FieldError> {
        match self {
            Step::Transfer { target } => {
                check_target(target).map_err(|r| ("transfer.target".into(), r))
            }
            Step::AddParticipant { target } => {
                check_target(target).map_err(|r| ("addParticipant.target".into(), r))
            }
            Step::PlayAndHangUp { prompt } => {
                prompt.check().map_err(|e| at("playAndHangUp.prompt", e))
            }
            Step::HangUp {} => Ok(()),
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

impl Flow {
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

/// A call target: an E.164 number (`+1…`) or a raw id (`4:+1…`, `8:acs:…`, `28:…`).
///
/// # Errors
/// The reason the target is not usable.
pub fn check_target(target: &str) -> Result<(), String> {
    // The core reads the target (`+…` a number, else a raw id, as the commands will send it)
    // and checks it as the operations do: `8:acs:__` parses as a Teams extension user with
    // empty parts, which no operation would send. No prefix table of our own.
    let id = crate::routing::call::wire::identifier(target);
    if matches!(id, callsteer::CommunicationIdentifier::Unknown { .. }) {
        return Err(format!(
            "must be an E.164 number (+…) or a raw id (4:+…, 8:acs:…, 28:…), got {target:?}"
        ));
    }
    callsteer::validate::identifier("target", &id).map_err(|e| match e {
        callsteer::Error::InvalidInput { field, reason } if field != "target" => {
            format!("{} {reason}", field.trim_start_matches("target."))
        }
        other => reason_of(&other),
    })
}

fn reason_of(e: &callsteer::Error) -> String {
    match e {
        callsteer::Error::InvalidInput { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}
