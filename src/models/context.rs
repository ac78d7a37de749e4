//! Custom calling context: SIP and VoIP headers (and Teams phone details) that travel with
//! an added or transferred participant and show up in their `IncomingCall` event.

use crate::validate;
use crate::{CommunicationIdentifier, Error};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The SIP header that carries User-to-User Information.
pub const SIP_USER_TO_USER: &str = "User-To-User";
/// Prefix of custom SIP headers the service forwards (the default of the official SDKs).
pub const SIP_CUSTOM_PREFIX: &str = "X-MS-Custom-";
/// Service limit: custom SIP headers per request (User-To-User not counted).
pub const MAX_CUSTOM_SIP_HEADERS: usize = 5;
/// Service limit: VoIP headers per request.
pub const MAX_VOIP_HEADERS: usize = 1000;

/// Spec `CustomCallingContext`. Maps are ordered so bodies are deterministic.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomCallingContext {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub voip_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sip_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_phone_call_details: Option<TeamsPhoneCallDetails>,
}

impl CustomCallingContext {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a VoIP header (`voipHeaders[key]`), sent as is.
    #[must_use]
    pub fn voip_header(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.voip_headers.insert(key.into(), value.into());
        self
    }
    /// Sets the SIP `User-To-User` header.
    #[must_use]
    pub fn sip_user_to_user(mut self, value: impl Into<String>) -> Self {
        self.sip_headers
            .insert(SIP_USER_TO_USER.to_owned(), value.into());
        self
    }
    /// Adds a custom SIP header `X-MS-Custom-{key}`.
    #[must_use]
    pub fn sip_custom_header(mut self, key: &str, value: impl Into<String>) -> Self {
        self.sip_headers
            .insert(format!("{SIP_CUSTOM_PREFIX}{key}"), value.into());
        self
    }
    /// Adds a custom SIP header `X-{key}` (for SBCs that expect the short prefix).
    #[must_use]
    pub fn sip_x_header(mut self, key: &str, value: impl Into<String>) -> Self {
        self.sip_headers.insert(format!("X-{key}"), value.into());
        self
    }
    /// Sets the Teams phone call details.
    #[must_use]
    pub fn teams_phone_call_details(mut self, details: TeamsPhoneCallDetails) -> Self {
        self.teams_phone_call_details = Some(details);
        self
    }

    /// Checks the service's limits (azure-docs "Pass contextual data between calls"): at most
    /// 5 custom SIP headers plus `User-To-User`, at most 1000 VoIP headers, SIP header names
    /// `User-To-User` or `X-…`, keys of 1–64 characters (SIP: prefix included), values of at
    /// most 256 characters.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `{field}.sipHeaders.{key}` (or `.voipHeaders.{key}`).
    pub fn validate(&self, field: &str) -> Result<(), Error> {
        let custom = self
            .sip_headers
            .keys()
            .filter(|k| !k.eq_ignore_ascii_case(SIP_USER_TO_USER))
            .count();
        if custom > MAX_CUSTOM_SIP_HEADERS {
            return Err(Error::invalid(
                format!("{field}.sipHeaders"),
                format!("at most {MAX_CUSTOM_SIP_HEADERS} custom SIP headers (plus User-To-User), got {custom}"),
            ));
        }
        if self.voip_headers.len() > MAX_VOIP_HEADERS {
            let n = self.voip_headers.len();
            return Err(Error::invalid(
                format!("{field}.voipHeaders"),
                format!("at most {MAX_VOIP_HEADERS} VoIP headers, got {n}"),
            ));
        }
        for (key, value) in &self.sip_headers {
            let here = format!("{field}.sipHeaders.{key}");
            let is_x = key.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("X-")) && key.len() > 2;
            if !is_x && !key.eq_ignore_ascii_case(SIP_USER_TO_USER) {
                return Err(Error::invalid(
                    here,
                    "SIP header name must be User-To-User or start with X-MS-Custom- (or X-)",
                ));
            }
            validate::custom_context_header(&here, key, value)?;
        }
        for (key, value) in &self.voip_headers {
            validate::custom_context_header(&format!("{field}.voipHeaders.{key}"), key, value)?;
        }
        Ok(())
    }
}

/// Spec `TeamsPhoneCallDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsPhoneCallDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_phone_caller_details: Option<TeamsPhoneCallerDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_phone_source_details: Option<TeamsPhoneSourceDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_context: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_sentiment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_actions: Option<String>,
}

/// Spec `TeamsPhoneCallerDetails` (`caller`, `name`, `phoneNumber` required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsPhoneCallerDetails {
    pub caller: CommunicationIdentifier,
    pub name: String,
    pub phone_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_pop_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_authenticated: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub additional_caller_information: BTreeMap<String, String>,
}

/// Spec `TeamsPhoneSourceDetails` (`source`, `language`, `status` required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsPhoneSourceDetails {
    pub source: CommunicationIdentifier,
    pub language: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub intended_targets: BTreeMap<String, CommunicationIdentifier>,
}
