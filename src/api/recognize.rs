//! `CallMedia_Recognize`: collect DTMF, speech or an IVR choice from one participant.

use super::media::{operation_setters, play_sources};
use crate::models::{PlaySource, RecognizeInputType, RecognizeOptions};
use crate::validate::non_empty;
use crate::validate::optional_callback;
use crate::Error;
use serde::{Deserialize, Serialize};

/// `CallMedia_Recognize` (202, no body; the outcome arrives as `RecognizeCompleted` /
/// `RecognizeFailed` / `RecognizeCanceled`). The struct is its wire body (see
/// [`crate::api::Play`]).
///
/// The JS face applies the official package's defaults before building this: a random
/// UUID `operationContext`, `initialSilenceTimeoutInSeconds = 5`,
/// `dtmfOptions.interToneTimeoutInSeconds = 2`, `speechOptions.endSilenceTimeoutInMs = 2000`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recognize {
    #[serde(skip)]
    pub call_connection_id: String,
    pub recognize_input_type: RecognizeInputType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub play_prompt: Option<PlaySource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub play_prompts: Option<Vec<PlaySource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupt_call_media_operation: Option<bool>,
    pub recognize_options: RecognizeOptions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_callback_uri: Option<String>,
}

impl Recognize {
    /// Recognize `recognize_input_type` input in call `call_connection_id`, as described by
    /// `recognize_options` (which names the target participant).
    pub fn new(
        call_connection_id: impl Into<String>,
        recognize_input_type: RecognizeInputType,
        recognize_options: RecognizeOptions,
    ) -> Self {
        Recognize {
            call_connection_id: call_connection_id.into(),
            recognize_input_type,
            play_prompt: None,
            play_prompts: None,
            interrupt_call_media_operation: None,
            recognize_options,
            operation_context: None,
            operation_callback_uri: None,
        }
    }
    /// Sets `playPrompt` (one prompt). Use either this or [`Recognize::play_prompts`].
    #[must_use]
    pub fn play_prompt(mut self, v: PlaySource) -> Self {
        self.play_prompt = Some(v);
        self
    }
    /// Sets `playPrompts` (several prompts, played in order).
    #[must_use]
    pub fn play_prompts(mut self, v: Vec<PlaySource>) -> Self {
        self.play_prompts = Some(v);
        self
    }
    /// Sets `interruptCallMediaOperation`.
    #[must_use]
    pub fn interrupt_call_media_operation(mut self, v: bool) -> Self {
        self.interrupt_call_media_operation = Some(v);
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for a blank `callConnectionId`; both `playPrompt` and
    /// `playPrompts` set (ambiguous: the official package never sends both); an invalid
    /// `playPrompt` or an empty/invalid `playPrompts`; anything
    /// [`RecognizeOptions::validate`] refuses (under `recognizeOptions.`); a non-https
    /// `operationCallbackUri`.
    pub fn validate(&self) -> Result<(), Error> {
        non_empty("callConnectionId", &self.call_connection_id)?;
        match (&self.play_prompt, &self.play_prompts) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "playPrompts",
                    "set playPrompt or playPrompts, not both",
                ))
            }
            (Some(p), None) => p.validate("playPrompt")?,
            (None, Some(ps)) => play_sources("playPrompts", ps)?,
            (None, None) => {}
        }
        self.recognize_options
            .validate(self.recognize_input_type, "recognizeOptions")?;
        optional_callback(
            "operationCallbackUri",
            self.operation_callback_uri.as_deref(),
        )
    }
}
operation_setters!(Recognize);

super::build::action_operation!(Recognize, Recognize, 202);
