//! The admin API's dry run (`POST /admin/rules/dry-run`): a call described by hand — caller,
//! callee, display name, SIP/VoIP headers and an instant — goes through the same
//! [`RoutingTable::explain`] the worker's routing uses, without placing anything.
//!
//! ```json
//! { "from": "+14255550111", "to": "+18005550100", "callerDisplayName": "Jo",
//!   "sipHeaders": { "X-MS-Custom-Tier": "gold" }, "voipHeaders": {},
//!   "at": "2026-11-21T15:00:00Z" }
//! ```

use super::incoming::routing_address;
use super::matching::Explanation;
use super::{decode_at, CallInfo, RoutingTable};
use callsteer::time::{parse_rfc3339_ms, rfc3339};
use callsteer::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The body of a dry run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DryRunRequest {
    /// The caller: `+1…`, `4:+1…` or a raw id.
    pub from: String,
    /// The callee, likewise.
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_display_name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sip_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub voip_headers: BTreeMap<String, String>,
    /// RFC 3339 instant (`2026-11-21T15:00:00Z`, `…+01:00`); absent = now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The dry run's answer: the call as routing saw it, and the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRunOutcome {
    /// The instant routed, RFC 3339 UTC.
    pub at: String,
    /// Caller and callee as routing compares them (`4:+1…` read as `+1…`).
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub explanation: Explanation,
}

impl DryRunRequest {
    /// Reads a dry-run body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: `document` (not JSON, not an object, a missing
    /// `from`/`to`), an unknown key by its name, `sipHeaders.<name>` for a value that is not a
    /// string.
    pub fn from_json(body: &str) -> Result<DryRunRequest, Error> {
        let value: serde_json::Value = serde_json::from_str(body)
            .map_err(|e| Error::invalid("document", format!("not valid JSON: {e}")))?;
        decode_at(value, "")
    }

    /// The call routing sees; `now_unix` is used when `at` is absent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: `from`/`to` empty, `at` not RFC 3339, a header name that a
    /// rule could never name (`sipHeaders.<name>`).
    pub fn call_info(&self, now_unix: i64) -> Result<CallInfo, Error> {
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if value.trim().is_empty() {
                return Err(Error::invalid(
                    field,
                    "must not be empty: an E.164 number (+…) or a raw id",
                ));
            }
        }
        for (group, headers) in [
            ("sipHeaders", &self.sip_headers),
            ("voipHeaders", &self.voip_headers),
        ] {
            if let Some(name) = headers
                .keys()
                .find(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_graphic() && b != b':'))
            {
                return Err(Error::invalid(
                    format!("{group}.{name}"),
                    "header name must be printable ASCII without ':'",
                ));
            }
        }
        let arrived_at = match self.at.as_deref().map(str::trim) {
            None | Some("") => now_unix,
            Some(at) => parse_rfc3339_ms(at).map(|ms| ms.div_euclid(1000)).ok_or_else(|| {
                Error::invalid(
                    "at",
                    format!("expected an RFC 3339 date-time such as 2026-11-21T15:00:00Z, got {at:?}"),
                )
            })?,
        };
        Ok(CallInfo {
            to: routing_address(&self.to),
            from: routing_address(&self.from),
            caller_display_name: self.caller_display_name.clone().filter(|n| !n.is_empty()),
            sip_headers: self.sip_headers.clone(),
            voip_headers: self.voip_headers.clone(),
            arrived_at,
        })
    }

    /// Routes the described call through `table`, explained.
    ///
    /// # Errors
    /// As [`DryRunRequest::call_info`].
    pub fn run(&self, table: &RoutingTable, now_unix: i64) -> Result<DryRunOutcome, Error> {
        let call = self.call_info(now_unix)?;
        Ok(DryRunOutcome {
            at: rfc3339(u64::try_from(call.arrived_at).unwrap_or(0)),
            explanation: table.explain(&call),
            from: call.from,
            to: call.to,
        })
    }
}
