//! Event encoders: Call Automation CloudEvents and Event Grid envelopes.
//!
//! Written from the recorded payloads in `tests/fixtures/events/` and independent of
//! the crate's event decoder, so a test that decodes what the emulator sends checks
//! two separate readings of the format against each other.
//!
//! A callback carries one CloudEvent 1.0 in a JSON array:
//! `id, source ("calling/callConnections/<id>"), type ("Microsoft.Communication.X"),
//! data, time, specversion "1.0", datacontenttype "application/json", subject (= source)`.
//! `data` carries `callConnectionId, serverCallId, correlationId, operationContext,
//! resultInformation {code, subCode, message}, version, publicEventType` plus the
//! event's own fields.

use serde_json::{json, Map, Value};

/// The `version` stamped into event data: the api-version that produced the event.
pub const EVENT_VERSION: &str = "2026-03-12";

/// `resultInformation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultInfo {
    pub code: u16,
    pub sub_code: u32,
    pub message: String,
}

impl ResultInfo {
    /// 200/0 with an empty message (what the service sends for plain success).
    pub fn ok() -> Self {
        ResultInfo {
            code: 200,
            sub_code: 0,
            message: String::new(),
        }
    }
    /// Any code, sub-code and message; the message gets the service's `DiagCode` suffix.
    pub fn new(code: u16, sub_code: u32, message: &str) -> Self {
        ResultInfo {
            code,
            sub_code,
            message: format!("{message} DiagCode: 0#{sub_code}.@"),
        }
    }
    /// The JSON object.
    pub fn to_json(&self) -> Value {
        json!({ "code": self.code, "subCode": self.sub_code, "message": self.message })
    }
}

/// Identity of the call an event is about.
#[derive(Debug, Clone, Copy)]
pub struct CallRef<'a> {
    pub call_connection_id: &'a str,
    pub server_call_id: &'a str,
    pub correlation_id: &'a str,
}

/// Builds one Call Automation CloudEvent.
///
/// `kind` is the short name (`CallConnected`); `fields` are the event's own data fields.
pub fn cloud_event(
    kind: &str,
    call: CallRef<'_>,
    operation_context: Option<&str>,
    result: Option<&ResultInfo>,
    fields: Map<String, Value>,
    id: &str,
    time: &str,
) -> Value {
    let full_type = format!("Microsoft.Communication.{kind}");
    let mut data = fields;
    data.insert("version".into(), json!(EVENT_VERSION));
    if let Some(ctx) = operation_context {
        data.insert("operationContext".into(), json!(ctx));
    }
    if let Some(r) = result {
        data.insert("resultInformation".into(), r.to_json());
    }
    data.insert("callConnectionId".into(), json!(call.call_connection_id));
    data.insert("serverCallId".into(), json!(call.server_call_id));
    data.insert("correlationId".into(), json!(call.correlation_id));
    data.insert("publicEventType".into(), json!(full_type));
    let mut data = Value::Object(data);
    strip_nulls(&mut data);
    let source = format!("calling/callConnections/{}", call.call_connection_id);
    json!({
        "id": id,
        "source": source,
        "type": full_type,
        "data": data,
        "time": time,
        "specversion": "1.0",
        "datacontenttype": "application/json",
        "subject": source,
    })
}

/// An Event Grid-schema event (`eventType`, `eventTime`, `dataVersion`, `metadataVersion`).
pub fn event_grid_event(
    event_type: &str,
    topic: &str,
    subject: &str,
    data: Value,
    id: &str,
    time: &str,
) -> Value {
    json!({
        "id": id,
        "topic": topic,
        "subject": subject,
        "data": data,
        "eventType": event_type,
        "eventTime": time,
        "dataVersion": "1.0",
        "metadataVersion": "1",
    })
}

/// Removes `null` members (recursively): the service omits absent fields.
pub fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// `YYYY-MM-DDTHH:MM:SS.fffffff+00:00` (the service's 7-digit fraction) from Unix ms.
pub fn event_time(now_ms: u64) -> String {
    let base = callsteer::time::rfc3339(now_ms / 1000);
    let base = base.trim_end_matches('Z');
    format!("{base}.{:03}0000+00:00", now_ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!(
            "{}/../../tests/fixtures/events/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    fn keys(v: &Value) -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    }

    #[test]
    fn call_connected_has_the_recorded_shape() {
        let recorded = &fixture("call-connected.cloudevent.recorded.json")[0];
        let call = CallRef {
            call_connection_id: "c1",
            server_call_id: "s1",
            correlation_id: "r1",
        };
        let ours = cloud_event(
            "CallConnected",
            call,
            Some("ctx"),
            Some(&ResultInfo::ok()),
            Map::new(),
            "e1",
            &event_time(0),
        );
        assert_eq!(keys(&ours), keys(recorded));
        assert_eq!(keys(&ours["data"]), keys(&recorded["data"]));
        assert_eq!(ours["source"], "calling/callConnections/c1");
        assert_eq!(ours["subject"], ours["source"]);
        assert_eq!(ours["type"], recorded["type"]);
        assert_eq!(
            ours["data"]["publicEventType"],
            recorded["data"]["publicEventType"]
        );
        assert_eq!(
            keys(&ours["data"]["resultInformation"]),
            keys(&recorded["data"]["resultInformation"])
        );
    }

    #[test]
    fn participants_updated_matches_recorded_keys() {
        let recorded = &fixture("participants-updated.cloudevent.recorded.json")[0];
        let call = CallRef {
            call_connection_id: "c1",
            server_call_id: "s1",
            correlation_id: "r1",
        };
        let mut fields = Map::new();
        fields.insert("participants".into(), json!([]));
        fields.insert("sequenceNumber".into(), json!(1));
        let ours = cloud_event(
            "ParticipantsUpdated",
            call,
            None,
            Some(&ResultInfo::ok()),
            fields,
            "e",
            "t",
        );
        assert_eq!(keys(&ours["data"]), keys(&recorded["data"]));
    }

    #[test]
    fn event_time_has_seven_fraction_digits() {
        assert_eq!(
            event_time(1_649_873_352_451),
            "2022-04-13T18:09:12.4510000+00:00"
        );
    }

    #[test]
    fn failure_messages_carry_the_diag_code() {
        let r = ResultInfo::new(486, 560486, "Busy here.");
        assert_eq!(r.to_json()["message"], "Busy here. DiagCode: 0#560486.@");
    }
}
