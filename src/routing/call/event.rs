//! The few facts the call state machine needs from a Call Automation callback event.
//!
//! Decoding stays lenient (unknown types and fields are kept in `data`); the state
//! machine looks only at `id`, `type`, `time`, `callConnectionId`, `operationContext`
//! and a handful of typed fields, so it does not depend on a full event model.

use crate::Error;
use serde::{Deserialize, Serialize};

/// One callback event (a CloudEvent from the batch array).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallEvent {
    /// CloudEvent `id`: the dedup key and the seed of the commands it triggers.
    pub id: String,
    /// Short type name, `CallConnected` (the `Microsoft.Communication.` prefix removed).
    pub kind: String,
    /// CloudEvent `time` in Unix milliseconds (0 when absent or unparsable).
    pub time_ms: i64,
    pub call_connection_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    /// The raw `data` object.
    pub data: serde_json::Value,
}

impl CallEvent {
    /// Extracts a [`CallEvent`] from one CloudEvent JSON object.
    ///
    /// # Errors
    /// [`Error::Decode`] when `id`, `type` or `data.callConnectionId` is missing.
    pub fn from_cloud_event(v: &serde_json::Value) -> Result<CallEvent, Error> {
        let s = |key: &str| v.get(key).and_then(|x| x.as_str());
        let id = s("id").ok_or_else(|| Error::decode("callback event", "missing `id`"))?;
        let ty = s("type").ok_or_else(|| Error::decode("callback event", "missing `type`"))?;
        let data = v.get("data").cloned().unwrap_or(serde_json::Value::Null);
        let call_connection_id = data
            .get("callConnectionId")
            .and_then(|x| x.as_str())
            .ok_or_else(|| {
                Error::decode(
                    "callback event",
                    format!("{ty} {id}: missing `data.callConnectionId`"),
                )
            })?
            .to_owned();
        Ok(CallEvent {
            id: id.to_owned(),
            kind: ty
                .strip_prefix("Microsoft.Communication.")
                .unwrap_or(ty)
                .to_owned(),
            time_ms: s("time").and_then(parse_rfc3339_ms).unwrap_or(0),
            call_connection_id,
            operation_context: data
                .get("operationContext")
                .and_then(|x| x.as_str())
                .map(str::to_owned),
            data,
        })
    }

    /// `data.resultInformation.subCode`, if present.
    pub fn sub_code(&self) -> Option<i64> {
        self.data
            .pointer("/resultInformation/subCode")
            .and_then(|x| x.as_i64())
    }

    /// The first DTMF tone of a `RecognizeCompleted`, as a character (`0`–`9`, `*`, `#`, `A`–`D`).
    pub fn first_tone(&self) -> Option<char> {
        let tone = self.data.pointer("/dtmfResult/tones/0")?.as_str()?;
        tone_char(tone)
    }
}

/// Maps the spec's `Tone` names (`one`, `pound`, …) to their characters.
pub fn tone_char(name: &str) -> Option<char> {
    const NAMES: [&str; 16] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "a", "b",
        "c", "d", "pound", "asterisk",
    ];
    const CHARS: &[u8; 16] = b"0123456789ABCD#*";
    let i = NAMES.iter().position(|n| n.eq_ignore_ascii_case(name))?;
    Some(CHARS[i] as char)
}

/// Parses RFC 3339 (`2025-03-05T08:58:25.0311361+00:00`, `…Z`) to Unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let num = |r: core::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        ms = padded.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (rest.get(1..3)?.parse::<i64>().ok()? * 60
                + rest.get(4..6)?.parse::<i64>().ok()?)
        }
        _ => return None,
    };
    let days = crate::time::days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_with_fraction_and_offset() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(
            parse_rfc3339_ms("2025-03-05T08:58:25.0311361+00:00"),
            Some(1_741_165_105_031)
        );
        assert_eq!(parse_rfc3339_ms("1970-01-01T01:00:00.5+01:00"), Some(500));
        assert_eq!(parse_rfc3339_ms("1970-01-01 00:00:00"), None);
        assert_eq!(parse_rfc3339_ms("garbage"), None);
    }

    #[test]
    fn extracts_recorded_call_connected() {
        let text =
            include_str!("../../../tests/fixtures/events/call-connected.cloudevent.recorded.json");
        let batch: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
        let e = CallEvent::from_cloud_event(&batch[0]).unwrap();
        assert_eq!(e.kind, "CallConnected");
        assert_eq!(e.call_connection_id, "02002680-8cc0-43ce-badd-770572cbdb6b");
        assert_eq!(
            e.operation_context.as_deref(),
            Some("operationContextCreateCall")
        );
        assert_eq!(e.time_ms, 1_741_165_105_031);
    }

    #[test]
    fn missing_connection_id_is_a_decode_error() {
        let v = serde_json::json!({"id": "e1", "type": "Microsoft.Communication.PlayCompleted", "data": {}});
        assert!(matches!(
            CallEvent::from_cloud_event(&v),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn tones() {
        assert_eq!(tone_char("one"), Some('1'));
        assert_eq!(tone_char("pound"), Some('#'));
        assert_eq!(tone_char("asterisk"), Some('*'));
        assert_eq!(tone_char("eleven"), None);
    }
}
