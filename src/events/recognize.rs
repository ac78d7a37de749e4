//! Recognize events and their results: DTMF tones, a matched choice, recognized speech.

use serde::{Deserialize, Serialize};

use super::define::call_event;
use crate::models::{lenient_enum, Tone};

call_event!(
    /// `RecognizeCompleted`: input was recognized; exactly one of the results is set,
    /// named by `recognitionType`.
    RecognizeCompleted {
        /// `recognitionType`: `dtmf`, `speech` or `choices`.
        recognition_type: Option<RecognitionType>,
        /// `dtmfResult`: the tones collected.
        dtmf_result: Option<DtmfResult>,
        /// `choiceResult`: the choice matched (by phrase or tone).
        choice_result: Option<ChoiceResult>,
        /// `speechResult`: free-form speech.
        speech_result: Option<SpeechResult>,
    }
);
call_event!(
    /// `RecognizeCanceled`: recognition was cancelled.
    RecognizeCanceled {}
);
call_event!(
    /// `RecognizeFailed`: nothing recognized (silence, timeout, no match, prompt failure).
    RecognizeFailed {
        /// `failedPlaySourceIndex`: which prompt failed, when a prompt failed.
        failed_play_source_index: Option<i64>,
    }
);

lenient_enum! {
    /// `RecognitionType`: which kind of input `RecognizeCompleted` carries.
    RecognitionType { Dtmf => "dtmf", Speech => "speech", Choices => "choices" }
}

/// `DtmfResult`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DtmfResult {
    /// `tones`, in the order pressed.
    #[serde(default)]
    pub tones: Vec<Tone>,
}

impl DtmfResult {
    /// The tones as keypad characters (`"12#"`).
    pub fn to_digits(&self) -> String {
        self.tones.iter().map(|t| t.as_char()).collect()
    }
}

/// `ChoiceResult`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChoiceResult {
    /// `label`: the choice matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `recognizedPhrase`: the phrase heard; absent when the choice was made by tone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognized_phrase: Option<String>,
    /// `confidence`: 0.0–1.0, when available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// `SpeechResult`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpeechResult {
    /// `speech`: the recognized text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech: Option<String>,
    /// `confidence`: 0.0–1.0, when available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}
