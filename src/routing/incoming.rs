//! Reading an `IncomingCall` event's `data` into what routing and answering need.

use super::CallInfo;
use crate::Error;
use std::collections::BTreeMap;

/// An incoming call: the routing view plus what answering it needs.
#[derive(Clone, PartialEq, Eq)]
pub struct IncomingCall {
    pub info: CallInfo,
    /// Raw ids (`4:+1…`, `8:acs:…`) of the caller and the callee.
    pub from_raw_id: String,
    pub to_raw_id: String,
    /// Secret: it lets anyone answer the call. Never logged (see the `Debug` impl).
    pub incoming_call_context: String,
    pub correlation_id: Option<String>,
    pub server_call_id: Option<String>,
}

impl core::fmt::Debug for IncomingCall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IncomingCall")
            .field("info", &self.info)
            .field("from_raw_id", &self.from_raw_id)
            .field("to_raw_id", &self.to_raw_id)
            .field("incoming_call_context", &"<redacted>")
            .field("correlation_id", &self.correlation_id)
            .finish()
    }
}

impl IncomingCall {
    /// Reads the `data` object of a `Microsoft.Communication.IncomingCall` event;
    /// `arrived_at` is the current time in Unix seconds.
    ///
    /// # Errors
    /// [`Error::Decode`] (what = `IncomingCall`) when `to`, `from` or `incomingCallContext`
    /// is missing.
    pub fn from_data(data: &serde_json::Value, arrived_at: i64) -> Result<IncomingCall, Error> {
        let bad = |field: &str| Error::decode("IncomingCall", format!("missing `{field}`"));
        let (to, to_raw_id) = address(data.get("to")).ok_or_else(|| bad("to.rawId"))?;
        let (from, from_raw_id) = address(data.get("from")).ok_or_else(|| bad("from.rawId"))?;
        let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let incoming_call_context =
            text("incomingCallContext").ok_or_else(|| bad("incomingCallContext"))?;
        let info = CallInfo {
            to,
            from,
            caller_display_name: text("callerDisplayName").filter(|n| !n.is_empty()),
            sip_headers: headers(data.pointer("/customContext/sipHeaders")),
            voip_headers: headers(data.pointer("/customContext/voipHeaders")),
            arrived_at,
        };
        Ok(IncomingCall {
            info,
            from_raw_id,
            to_raw_id,
            incoming_call_context,
            correlation_id: text("correlationId"),
            server_call_id: text("serverCallId"),
        })
    }
}

/// (routing address, raw id): the E.164 number for phone numbers, else the raw id.
fn address(model: Option<&serde_json::Value>) -> Option<(String, String)> {
    let m = model?;
    let phone = m.pointer("/phoneNumber/value").and_then(|v| v.as_str());
    let raw = m.get("rawId").and_then(|v| v.as_str()).map(str::to_owned);
    let raw = raw.or_else(|| phone.map(|p| format!("4:{p}")))?;
    let addr = match (phone, raw.strip_prefix("4:")) {
        (Some(p), _) => p.to_owned(),
        (None, Some(p)) => p.to_owned(),
        (None, None) => raw.clone(),
    };
    Some((addr, raw))
}

fn headers(v: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    let Some(obj) = v.and_then(|v| v.as_object()) else {
        return BTreeMap::new();
    };
    obj.iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_event() {
        let text =
            include_str!("../../tests/fixtures/events/incoming-call.eventgrid-schema.docs.json");
        let batch: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let call = IncomingCall::from_data(&batch[0]["data"], 7).unwrap();
        assert!(call.info.to.starts_with("8:acs:"));
        assert_eq!(call.info.caller_display_name.as_deref(), Some("John Doe"));
        assert_eq!(call.info.arrived_at, 7);
        assert!(!format!("{call:?}").contains(&call.incoming_call_context));
    }

    #[test]
    fn phone_numbers_route_by_number_and_headers_are_read() {
        let data = json!({
            "to": {"kind": "phoneNumber", "rawId": "4:+18005550100", "phoneNumber": {"value": "+18005550100"}},
            "from": {"rawId": "4:+14255550111"},
            "incomingCallContext": "ctx",
            "customContext": {"sipHeaders": {"X-MS-Custom-Tier": "gold"}, "voipHeaders": {"app": "x"}}
        });
        let call = IncomingCall::from_data(&data, 0).unwrap();
        assert_eq!(call.info.to, "+18005550100");
        assert_eq!(call.info.from, "+14255550111");
        assert_eq!(call.from_raw_id, "4:+14255550111");
        assert_eq!(call.info.sip_headers["X-MS-Custom-Tier"], "gold");
        assert_eq!(call.info.voip_headers["app"], "x");
    }

    #[test]
    fn missing_context_is_a_decode_error() {
        let data = json!({"to": {"rawId": "8:acs:a"}, "from": {"rawId": "8:acs:b"}});
        let err = IncomingCall::from_data(&data, 0).unwrap_err();
        assert!(err.to_string().contains("incomingCallContext"));
    }
}
