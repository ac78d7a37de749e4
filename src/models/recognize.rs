//! Recognize options: what input to collect and how (spec `RecognizeOptions` and parts).

use super::Tone;
use crate::identifier::CommunicationIdentifier;
use crate::validate::{identifier, optional_non_empty};
use crate::validate::{in_range, non_empty};
use crate::Error;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Spec: `initialSilenceTimeoutInSeconds` minimum 0, maximum 300.
pub const INITIAL_SILENCE_TIMEOUT_RANGE: core::ops::RangeInclusive<i32> = 0..=300;
/// Spec: `interToneTimeoutInSeconds` minimum 1, maximum 60.
pub const INTER_TONE_TIMEOUT_RANGE: core::ops::RangeInclusive<i32> = 1..=60;

/// Spec `RecognizeInputType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RecognizeInputType {
    Dtmf,
    Speech,
    SpeechOrDtmf,
    Choices,
}

/// Spec `RecognizeOptions`. Only `targetParticipant` is required; everything else is sent
/// only when set.
///
/// Defaults the JS face applies (the core does not): for DTMF input
/// `dtmfOptions.interToneTimeoutInSeconds = 2`, `initialSilenceTimeoutInSeconds = 5`, and for
/// speech input `speechOptions.endSilenceTimeoutInMs = 2000` (the official package's values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecognizeOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupt_prompt: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_silence_timeout_in_seconds: Option<i32>,
    pub target_participant: CommunicationIdentifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_recognition_model_endpoint_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dtmf_options: Option<DtmfOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_options: Option<SpeechOptions>,
}

impl RecognizeOptions {
    /// Recognize input from `target_participant`.
    pub fn new(target_participant: CommunicationIdentifier) -> Self {
        RecognizeOptions {
            interrupt_prompt: None,
            initial_silence_timeout_in_seconds: None,
            target_participant,
            speech_language: None,
            speech_recognition_model_endpoint_id: None,
            dtmf_options: None,
            choices: None,
            speech_options: None,
        }
    }
    /// Sets `interruptPrompt`.
    #[must_use]
    pub fn interrupt_prompt(mut self, v: bool) -> Self {
        self.interrupt_prompt = Some(v);
        self
    }
    /// Sets `initialSilenceTimeoutInSeconds` (0–300).
    #[must_use]
    pub fn initial_silence_timeout_in_seconds(mut self, v: i32) -> Self {
        self.initial_silence_timeout_in_seconds = Some(v);
        self
    }
    /// Sets `speechLanguage` (e.g. `en-US`).
    #[must_use]
    pub fn speech_language(mut self, v: impl Into<String>) -> Self {
        self.speech_language = Some(v.into());
        self
    }
    /// Sets `speechRecognitionModelEndpointId`.
    #[must_use]
    pub fn speech_recognition_model_endpoint_id(mut self, v: impl Into<String>) -> Self {
        self.speech_recognition_model_endpoint_id = Some(v.into());
        self
    }
    /// Sets `dtmfOptions`.
    #[must_use]
    pub fn dtmf_options(mut self, v: DtmfOptions) -> Self {
        self.dtmf_options = Some(v);
        self
    }
    /// Sets `choices`.
    #[must_use]
    pub fn choices(mut self, v: Vec<Choice>) -> Self {
        self.choices = Some(v);
        self
    }
    /// Sets `speechOptions`.
    #[must_use]
    pub fn speech_options(mut self, v: SpeechOptions) -> Self {
        self.speech_options = Some(v);
        self
    }

    /// Checks the options for `input`; `field` is their wire path (`recognizeOptions`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for: an invalid `targetParticipant`; an out-of-range
    /// `initialSilenceTimeoutInSeconds` (0–300) or `dtmfOptions.interToneTimeoutInSeconds`
    /// (1–60); `dtmfOptions.maxTonesToCollect` below 1; blank `speechLanguage` /
    /// `speechRecognitionModelEndpointId`; `choices` missing or empty for
    /// [`RecognizeInputType::Choices`]; a choice with a blank label, no phrases or a blank
    /// phrase; two choices with the same label or the same tone.
    pub fn validate(&self, input: RecognizeInputType, field: &str) -> Result<(), Error> {
        identifier(
            &format!("{field}.targetParticipant"),
            &self.target_participant,
        )?;
        if let Some(t) = self.initial_silence_timeout_in_seconds {
            in_range(
                &format!("{field}.initialSilenceTimeoutInSeconds"),
                t,
                INITIAL_SILENCE_TIMEOUT_RANGE,
            )?;
        }
        optional_non_empty(
            &format!("{field}.speechLanguage"),
            self.speech_language.as_deref(),
        )?;
        optional_non_empty(
            &format!("{field}.speechRecognitionModelEndpointId"),
            self.speech_recognition_model_endpoint_id.as_deref(),
        )?;
        if let Some(d) = &self.dtmf_options {
            d.validate(&format!("{field}.dtmfOptions"))?;
        }
        match (&self.choices, input) {
            (None, RecognizeInputType::Choices) => Err(Error::invalid(
                format!("{field}.choices"),
                "is required when recognizeInputType is choices",
            )),
            (Some(c), _) => validate_choices(&format!("{field}.choices"), c, input),
            (None, _) => Ok(()),
        }
    }
}

fn validate_choices(
    field: &str,
    choices: &[Choice],
    input: RecognizeInputType,
) -> Result<(), Error> {
    if choices.is_empty() && input == RecognizeInputType::Choices {
        return Err(Error::invalid(
            field,
            "must list at least one choice when recognizeInputType is choices",
        ));
    }
    let mut labels = HashSet::new();
    let mut tones = HashSet::new();
    for (i, c) in choices.iter().enumerate() {
        let f = format!("{field}[{i}]");
        c.validate(&f)?;
        if !labels.insert(c.label.as_str()) {
            return Err(Error::invalid(
                format!("{f}.label"),
                format!("duplicates the label {:?}", c.label),
            ));
        }
        if let Some(t) = c.tone {
            if !tones.insert(t) {
                return Err(Error::invalid(
                    format!("{f}.tone"),
                    format!("{t} is already used by another choice"),
                ));
            }
        }
    }
    Ok(())
}

/// Spec `DtmfOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DtmfOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inter_tone_timeout_in_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tones_to_collect: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_tones: Option<Vec<Tone>>,
}

impl DtmfOptions {
    /// Empty options (the service's defaults apply).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `interToneTimeoutInSeconds` (1–60).
    #[must_use]
    pub fn inter_tone_timeout_in_seconds(mut self, v: i32) -> Self {
        self.inter_tone_timeout_in_seconds = Some(v);
        self
    }
    /// Sets `maxTonesToCollect` (at least 1).
    #[must_use]
    pub fn max_tones_to_collect(mut self, v: i32) -> Self {
        self.max_tones_to_collect = Some(v);
        self
    }
    /// Sets `stopTones`.
    #[must_use]
    pub fn stop_tones(mut self, v: Vec<Tone>) -> Self {
        self.stop_tones = Some(v);
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for `{field}.interToneTimeoutInSeconds` outside 1–60 or
    /// `{field}.maxTonesToCollect` below 1.
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        if let Some(t) = self.inter_tone_timeout_in_seconds {
            in_range(
                &format!("{field}.interToneTimeoutInSeconds"),
                t,
                INTER_TONE_TIMEOUT_RANGE,
            )?;
        }
        match self.max_tones_to_collect {
            Some(n) if n < 1 => Err(Error::invalid(
                format!("{field}.maxTonesToCollect"),
                format!("must be at least 1, got {n}"),
            )),
            _ => Ok(()),
        }
    }
}

/// One IVR choice (spec `Choice`): a label, the phrases that select it, optionally a tone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub phrases: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tone: Option<Tone>,
}

impl Choice {
    /// A choice labelled `label`, selected by saying any of `phrases`.
    pub fn new(label: impl Into<String>, phrases: Vec<String>) -> Self {
        Choice {
            label: label.into(),
            phrases,
            tone: None,
        }
    }
    /// Sets `tone` (the key that also selects this choice).
    #[must_use]
    pub fn tone(mut self, tone: Tone) -> Self {
        self.tone = Some(tone);
        self
    }

    fn validate(&self, field: &str) -> Result<(), Error> {
        non_empty(&format!("{field}.label"), &self.label)?;
        if self.phrases.is_empty() {
            return Err(Error::invalid(
                format!("{field}.phrases"),
                "must list at least one phrase",
            ));
        }
        for (i, p) in self.phrases.iter().enumerate() {
            non_empty(&format!("{field}.phrases[{i}]"), p)?;
        }
        Ok(())
    }
}

/// Spec `SpeechOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpeechOptions {
    /// Milliseconds of silence that end an utterance (spec int64; unsigned here, so a
    /// negative value cannot be expressed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_silence_timeout_in_ms: Option<u64>,
}

impl SpeechOptions {
    /// Empty options (the service's defaults apply).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `endSilenceTimeoutInMs`.
    #[must_use]
    pub fn end_silence_timeout_in_ms(mut self, v: u64) -> Self {
        self.end_silence_timeout_in_ms = Some(v);
        self
    }
}
