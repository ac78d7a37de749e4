//! The core's `IncomingCall` event, seen as what routing and answering need.

use super::CallInfo;
use callsteer::{events, CommunicationIdentifier, Error};

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
    /// The routing view of the core's decoded `IncomingCall` event data
    /// ([`callsteer::events::IncomingCall`], from [`callsteer::events::classify_event_grid`] or
    /// [`callsteer::events::decode_event_grid_events`]); `arrived_at` is the current time in Unix
    /// seconds.
    ///
    /// # Errors
    /// [`Error::Decode`] (what = `IncomingCall`) when `to`, `from` or `incomingCallContext`
    /// is missing: such a call cannot be routed or answered.
    pub fn from_event(
        event: &events::IncomingCall,
        arrived_at: i64,
    ) -> Result<IncomingCall, Error> {
        let bad = |field: &str| Error::decode("IncomingCall", format!("missing `{field}`"));
        let (to, to_raw_id) = address(event.to.as_ref()).ok_or_else(|| bad("to"))?;
        let (from, from_raw_id) = address(event.from.as_ref()).ok_or_else(|| bad("from"))?;
        let incoming_call_context = event
            .incoming_call_context
            .as_ref()
            .map(|c| c.expose().to_owned())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad("incomingCallContext"))?;
        let context = event.custom_context.as_ref();
        let info = CallInfo {
            to,
            from,
            caller_display_name: event.caller_display_name.clone().filter(|n| !n.is_empty()),
            sip_headers: context.map(|c| c.sip_headers.clone()).unwrap_or_default(),
            voip_headers: context.map(|c| c.voip_headers.clone()).unwrap_or_default(),
            arrived_at,
        };
        Ok(IncomingCall {
            info,
            from_raw_id,
            to_raw_id,
            incoming_call_context,
            correlation_id: event.correlation_id.clone(),
            server_call_id: event.server_call_id.clone(),
        })
    }
}

/// The address routing compares for a caller or callee typed by hand (a dry run): `+1…` and
/// `4:+1…` are the number `+1…`, anything else its raw id, as [`IncomingCall::from_event`]
/// reads the event's identifiers.
pub fn routing_address(text: &str) -> String {
    let id = crate::call::wire::identifier(text.trim());
    address(Some(&id)).map_or_else(|| text.trim().to_owned(), |(addr, _)| addr)
}

/// (routing address, raw id): the E.164 number for phone numbers, else the raw id.
fn address(id: Option<&CommunicationIdentifier>) -> Option<(String, String)> {
    let id = id?;
    let raw = id.raw_id();
    if raw.is_empty() {
        return None;
    }
    let addr = match id {
        CommunicationIdentifier::PhoneNumber { value, .. } => value.clone(),
        _ => raw.clone(),
    };
    Some((addr, raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_documented_event() {
        let text =
            include_str!("../../../tests/fixtures/events/incoming-call.eventgrid-schema.docs.json");
        let batch: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let data = serde_json::from_value(batch[0]["data"].clone()).unwrap();
        let call = IncomingCall::from_event(&data, 7).unwrap();
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
        let call = IncomingCall::from_event(&serde_json::from_value(data).unwrap(), 0).unwrap();
        assert_eq!(call.info.to, "+18005550100");
        assert_eq!(call.info.from, "+14255550111");
        assert_eq!(call.from_raw_id, "4:+14255550111");
        assert_eq!(call.info.sip_headers["X-MS-Custom-Tier"], "gold");
        assert_eq!(call.info.voip_headers["app"], "x");
    }

    #[test]
    fn hand_typed_addresses_read_like_the_event() {
        assert_eq!(routing_address("4:+18005550100"), "+18005550100");
        assert_eq!(routing_address(" +18005550100 "), "+18005550100");
        assert_eq!(routing_address("8:acs:r_1"), "8:acs:r_1");
    }

    #[test]
    fn missing_context_is_a_decode_error() {
        let data = json!({"to": {"rawId": "8:acs:a"}, "from": {"rawId": "8:acs:b"}});
        let err = IncomingCall::from_event(&serde_json::from_value(data).unwrap(), 0).unwrap_err();
        assert!(err.to_string().contains("incomingCallContext"));
    }
}
