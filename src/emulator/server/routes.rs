//! Maps method + path of the service API to an operation, and decodes its body.

use crate::emulator::error::ApiError;
use crate::emulator::sim::Request;
use crate::emulator::wire;
use serde::de::DeserializeOwned;

/// A matched route: which operation, with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub op: &'static str,
    pub id: Option<String>,
    pub raw_id: Option<String>,
}

fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn split_action(seg: &str) -> (&str, Option<&str>) {
    match seg.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (seg, None),
    }
}

/// Finds the operation for `method` and `path`.
///
/// # Errors
/// 404 when nothing matches (like the service's "No HTTP resource was found").
pub fn route(method: &str, path: &str) -> Result<Route, ApiError> {
    let segs: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(decode_segment)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let none = || {
        ApiError::not_found(format!(
            "No HTTP resource was found that matches the request URI {method} {path}."
        ))
    };
    let r = |op: &'static str, id: Option<&str>, raw: Option<&str>| {
        Ok(Route {
            op,
            id: id.map(str::to_owned),
            raw_id: raw.map(str::to_owned),
        })
    };
    match (method, segs.as_slice()) {
        ("POST", ["calling", s]) => match split_action(s) {
            ("callConnections", None) => r("CreateCall", None, None),
            ("callConnections", Some("answer")) => r("AnswerCall", None, None),
            ("callConnections", Some("redirect")) => r("RedirectCall", None, None),
            ("callConnections", Some("reject")) => r("RejectCall", None, None),
            ("callConnections", Some("connect")) => r("Connect", None, None),
            ("recordings", None) => r("StartRecording", None, None),
            _ => Err(none()),
        },
        ("GET", ["calling", "callConnections", id]) => r("GetCall", Some(id), None),
        ("DELETE", ["calling", "callConnections", id]) => r("HangUp", Some(id), None),
        ("POST", ["calling", "callConnections", s]) => {
            let (id, action) = split_action(s);
            let op = match action.unwrap_or("") {
                "terminate" => "Terminate",
                "transferToParticipant" => "Transfer",
                "play" => "Play",
                "startTranscription" => "StartTranscription",
                "stopTranscription" => "StopTranscription",
                "updateTranscription" => "UpdateTranscription",
                "cancelAllMediaOperations" => "CancelAllMedia",
                "recognize" => "Recognize",
                "startContinuousDtmfRecognition" => "StartContinuousDtmf",
                "stopContinuousDtmfRecognition" => "StopContinuousDtmf",
                "sendDtmfTones" => "SendDtmf",
                "hold" => "Hold",
                "unhold" => "Unhold",
                "startMediaStreaming" => "StartMediaStreaming",
                "stopMediaStreaming" => "StopMediaStreaming",
                _ => return Err(none()),
            };
            r(op, Some(id), None)
        }
        ("GET", ["calling", "callConnections", id, "participants"]) => {
            r("GetParticipants", Some(id), None)
        }
        ("POST", ["calling", "callConnections", id, s]) => {
            let op = match split_action(s) {
                ("participants", Some("add")) => "AddParticipant",
                ("participants", Some("remove")) => "RemoveParticipant",
                ("participants", Some("mute")) => "Mute",
                ("participants", Some("cancelAddParticipant")) => "CancelAddParticipant",
                ("participants", Some("moveHere")) => "MoveParticipants",
                _ => return Err(none()),
            };
            r(op, Some(id), None)
        }
        ("GET", ["calling", "callConnections", id, "participants", raw]) => {
            r("GetParticipant", Some(id), Some(raw))
        }
        ("GET", ["calling", "recordings", id]) => r("GetRecording", Some(id), None),
        ("DELETE", ["calling", "recordings", id]) => r("StopRecording", Some(id), None),
        ("POST", ["calling", "recordings", s]) => match split_action(s) {
            (id, Some("pause")) => r("PauseRecording", Some(id), None),
            (id, Some("resume")) => r("ResumeRecording", Some(id), None),
            _ => Err(none()),
        },
        _ => Err(none()),
    }
}

/// Operations that accept `Repeatability-Request-ID` (as marked in the spec).
pub fn repeatable(op: &str) -> bool {
    matches!(
        op,
        "CreateCall"
            | "AnswerCall"
            | "RedirectCall"
            | "RejectCall"
            | "Connect"
            | "Terminate"
            | "Transfer"
            | "SendDtmf"
            | "AddParticipant"
            | "RemoveParticipant"
            | "Mute"
            | "CancelAddParticipant"
            | "MoveParticipants"
            | "StartRecording"
    )
}

fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("The request body is required."));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ApiError::bad_request(format!("Invalid request body: {inner}"))
        } else {
            ApiError::bad_request(format!("Invalid request body at {path}: {inner}"))
        }
    })
}

fn json_or_default<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json(body)
    }
}

/// Decodes the body of `route` into a simulation request.
///
/// # Errors
/// 400 naming the first field that breaks the schema.
pub fn decode(route: &Route, body: &[u8]) -> Result<Request, ApiError> {
    use Request as R;
    let call = route.id.clone().unwrap_or_default();
    Ok(match route.op {
        "CreateCall" => R::CreateCall(json(body)?),
        "AnswerCall" => R::AnswerCall(json(body)?),
        "RedirectCall" => R::RedirectCall(json(body)?),
        "RejectCall" => R::RejectCall(json(body)?),
        "Connect" => R::Connect(json(body)?),
        "GetCall" => R::GetCall { call },
        "HangUp" => R::HangUp { call },
        "Terminate" => R::Terminate { call },
        "Transfer" => R::Transfer {
            call,
            body: json(body)?,
        },
        "Play" => R::Play {
            call,
            body: json(body)?,
        },
        "StartTranscription" => R::StartTranscription {
            call,
            body: json_or_default(body)?,
        },
        "StopTranscription" => R::StopTranscription {
            call,
            body: json_or_default(body)?,
        },
        "UpdateTranscription" => R::UpdateTranscription {
            call,
            body: json_or_default(body)?,
        },
        "CancelAllMedia" => R::CancelAllMedia { call },
        "Recognize" => R::Recognize {
            call,
            body: json(body)?,
        },
        "StartContinuousDtmf" => R::StartContinuousDtmf {
            call,
            body: json(body)?,
        },
        "StopContinuousDtmf" => R::StopContinuousDtmf {
            call,
            body: json(body)?,
        },
        "SendDtmf" => R::SendDtmf {
            call,
            body: json(body)?,
        },
        "Hold" => R::Hold {
            call,
            body: json(body)?,
        },
        "Unhold" => R::Unhold {
            call,
            body: json::<wire::Hold>(body)?,
        },
        "StartMediaStreaming" => R::StartMediaStreaming {
            call,
            body: json_or_default(body)?,
        },
        "StopMediaStreaming" => R::StopMediaStreaming {
            call,
            body: json_or_default(body)?,
        },
        "GetParticipants" => R::GetParticipants { call },
        "AddParticipant" => R::AddParticipant {
            call,
            body: json(body)?,
        },
        "RemoveParticipant" => R::RemoveParticipant {
            call,
            body: json(body)?,
        },
        "Mute" => R::Mute {
            call,
            body: json(body)?,
        },
        "CancelAddParticipant" => R::CancelAddParticipant {
            call,
            body: json(body)?,
        },
        "MoveParticipants" => R::MoveParticipants {
            call,
            body: json(body)?,
        },
        "GetParticipant" => R::GetParticipant {
            call,
            raw_id: route.raw_id.clone().unwrap_or_default(),
        },
        "StartRecording" => R::StartRecording(json(body)?),
        "GetRecording" => R::GetRecording { id: call },
        "StopRecording" => R::StopRecording { id: call },
        "PauseRecording" => R::PauseRecording { id: call },
        _ => R::ResumeRecording { id: call },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_34_operations_route() {
        let cases = [
            ("POST", "/calling/callConnections"),
            ("POST", "/calling/callConnections:answer"),
            ("POST", "/calling/callConnections:redirect"),
            ("POST", "/calling/callConnections:reject"),
            ("POST", "/calling/callConnections:connect"),
            ("GET", "/calling/callConnections/c1"),
            ("DELETE", "/calling/callConnections/c1"),
            ("POST", "/calling/callConnections/c1:terminate"),
            ("POST", "/calling/callConnections/c1:transferToParticipant"),
            ("POST", "/calling/callConnections/c1:play"),
            ("POST", "/calling/callConnections/c1:startTranscription"),
            ("POST", "/calling/callConnections/c1:stopTranscription"),
            ("POST", "/calling/callConnections/c1:updateTranscription"),
            (
                "POST",
                "/calling/callConnections/c1:cancelAllMediaOperations",
            ),
            ("POST", "/calling/callConnections/c1:recognize"),
            (
                "POST",
                "/calling/callConnections/c1:startContinuousDtmfRecognition",
            ),
            (
                "POST",
                "/calling/callConnections/c1:stopContinuousDtmfRecognition",
            ),
            ("POST", "/calling/callConnections/c1:sendDtmfTones"),
            ("POST", "/calling/callConnections/c1:hold"),
            ("POST", "/calling/callConnections/c1:unhold"),
            ("POST", "/calling/callConnections/c1:startMediaStreaming"),
            ("POST", "/calling/callConnections/c1:stopMediaStreaming"),
            ("GET", "/calling/callConnections/c1/participants"),
            ("POST", "/calling/callConnections/c1/participants:add"),
            ("POST", "/calling/callConnections/c1/participants:remove"),
            ("POST", "/calling/callConnections/c1/participants:mute"),
            (
                "POST",
                "/calling/callConnections/c1/participants:cancelAddParticipant",
            ),
            ("POST", "/calling/callConnections/c1/participants:moveHere"),
            (
                "GET",
                "/calling/callConnections/c1/participants/8%3Aacs%3Ax",
            ),
            ("POST", "/calling/recordings"),
            ("GET", "/calling/recordings/r1"),
            ("DELETE", "/calling/recordings/r1"),
            ("POST", "/calling/recordings/r1:pause"),
            ("POST", "/calling/recordings/r1:resume"),
        ];
        let mut ops: Vec<&str> = cases.iter().map(|(m, p)| route(m, p).unwrap().op).collect();
        ops.sort_unstable();
        ops.dedup();
        assert_eq!(ops.len(), 34);
        assert_eq!(
            route(
                "GET",
                "/calling/callConnections/c1/participants/8%3Aacs%3Ax"
            )
            .unwrap()
            .raw_id
            .as_deref(),
            Some("8:acs:x")
        );
        assert_eq!(
            route("POST", "/calling/callConnections/c1:fly")
                .unwrap_err()
                .status,
            404
        );
    }

    #[test]
    fn decode_errors_name_the_field() {
        let r = route("POST", "/calling/callConnections").unwrap();
        let e = decode(&r, br#"{"targets": []}"#).unwrap_err();
        assert!(e.message.contains("callbackUri"), "{}", e.message);
        let e = decode(&r, br#"{"targets": [], "callbackUri": 5}"#).unwrap_err();
        assert!(e.message.contains("callbackUri"), "{}", e.message);
        assert_eq!(decode(&r, b"").unwrap_err().status, 400);
    }
}
