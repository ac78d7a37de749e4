//! Types shared by many callback events: the result of an operation and its diagnostics.
//! (DTMF tones, recording state/kind and the roster entry are the crate's shared models:
//! [`crate::models::Tone`], [`crate::models::RecordingState`], [`crate::models::CallParticipant`].)

use serde::{Deserialize, Serialize};

/// Lets one `skip_serializing_if` path serve `Option` and `Vec` fields alike.
pub(crate) trait Absent {
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

/// `resultInformation`: how an operation ended (`code` is HTTP-like, `subCode` the diagnostic).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResultInformation {
    /// Code of the result (200 on success, 4xx/5xx on failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Sub-code with the diagnostic (e.g. 7000 ended by Call Automation, 8531 max tones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<i64>,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// SIP diagnostics, when the call leg was SIP/PSTN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_details: Option<SipDiagnosticInfo>,
    /// Q.850 diagnostics, when the call leg was PSTN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q850_details: Option<SipDiagnosticInfo>,
}

impl ResultInformation {
    /// True when `code` is 2xx.
    pub fn is_success(&self) -> bool {
        matches!(self.code, Some(c) if (200..300).contains(&c))
    }
}

/// `SipDiagnosticInfo`: a SIP or Q.850 code with its message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SipDiagnosticInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
