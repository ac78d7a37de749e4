//! What a flow plays (text with a voice, SSML, or an audio file) and whom it calls (a target),
//! with the `{{variable}}` templates both may carry.

use super::template::Template;
use super::FieldError;
use serde::{Deserialize, Serialize};

/// Something to play: text-to-speech with an optional voice, SSML, or an audio file URL.
/// Exactly one of `text`, `ssml` and `file`. Each may hold `{{variable}}` templates, filled in
/// when the prompt is played.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Prompt {
    /// Text to speak (text-to-speech).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Voice name for `text`, e.g. `en-US-NancyNeural`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// SSML to speak (`<speak …>…</speak>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssml: Option<String>,
    /// URL of a WAV file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Prompt {
    /// A text prompt.
    pub fn text(text: impl Into<String>) -> Prompt {
        Prompt {
            text: Some(text.into()),
            ..Prompt::default()
        }
    }

    /// # Errors
    /// When not exactly one of `text`/`ssml`/`file` is set, one is empty, a template is
    /// malformed, `voice` is set on a non-text prompt, or a `file` without templates is not
    /// an absolute http(s) URL.
    pub fn check(&self) -> Result<(), FieldError> {
        let set: Vec<(&str, &String)> = [
            ("text", &self.text),
            ("ssml", &self.ssml),
            ("file", &self.file),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| (name, v)))
        .collect();
        let (name, value) = match set.as_slice() {
            [one] => *one,
            [] => {
                return Err((
                    "text".into(),
                    "a prompt needs `text`, `ssml` or `file`".into(),
                ))
            }
            [_, (second, _), ..] => {
                return Err((
                    (*second).into(),
                    "a prompt has one of `text`, `ssml` and `file`".into(),
                ))
            }
        };
        if value.trim().is_empty() {
            return Err((name.into(), "must not be empty".into()));
        }
        let template = Template::parse(value).map_err(|r| (name.to_owned(), r))?;
        if self.voice.is_some() && name != "text" {
            return Err(("voice".into(), "only applies to text prompts".into()));
        }
        if name == "file" && template.is_plain() {
            check_media_url(value).map_err(|r| ("file".to_owned(), r))?;
        }
        Ok(())
    }

    /// The prompt with its templates filled in from `vars`.
    pub fn render(&self, vars: &dyn Fn(&str) -> String) -> Prompt {
        let fill = |v: &Option<String>| v.as_deref().map(|t| Template::fill(t, vars));
        Prompt {
            text: fill(&self.text),
            voice: self.voice.clone(),
            ssml: fill(&self.ssml),
            file: fill(&self.file),
        }
    }
}

/// The core's rule for a play source's URI: a media URL may carry a query (a blob's SAS token)
/// or a fragment, unlike a service endpoint.
///
/// # Errors
/// The reason the URL is refused.
pub fn check_media_url(url: &str) -> Result<(), String> {
    callsteer::models::PlaySource::file(url)
        .validate("")
        .map_err(|_| format!("must be an absolute http(s) URL, got {url:?}"))
}

/// A call target: an E.164 number (`+1…`) or a raw id (`4:+1…`, `8:acs:…`, `28:…`).
///
/// # Errors
/// The reason the target is not usable.
pub fn check_target(target: &str) -> Result<(), String> {
    // The core reads the target (`+…` a number, else a raw id, as the commands will send it)
    // and checks it as the operations do: `8:acs:__` parses as a Teams extension user with
    // empty parts, which no operation would send. No prefix table of our own.
    let id = crate::call::wire::identifier(target);
    if matches!(id, callsteer::CommunicationIdentifier::Unknown { .. }) {
        return Err(format!(
            "must be an E.164 number (+…) or a raw id (4:+…, 8:acs:…, 28:…), got {target:?}"
        ));
    }
    callsteer::validate::identifier("target", &id).map_err(|e| match e {
        callsteer::Error::InvalidInput { field, reason } if field != "target" => {
            format!("{} {reason}", field.trim_start_matches("target."))
        }
        callsteer::Error::InvalidInput { reason, .. } => reason,
        other => other.to_string(),
    })
}

/// A target as written in a flow: checked now when it is plain text, at run time when it
/// holds a template (the flow's `failure` path takes a target that renders invalid).
///
/// # Errors
/// A malformed template, or a plain target [`check_target`] refuses.
pub fn check_target_template(target: &str) -> Result<(), String> {
    if Template::parse(target)?.is_plain() {
        check_target(target)
    } else {
        Ok(())
    }
}
