//! Maps method + path of the service API to an operation (the core's table,
//! [`callsteer::api::routes`]), and decodes its body.

use crate::error::ApiError;
use crate::sim::Request;
use crate::wire;
use serde::de::DeserializeOwned;

pub use callsteer::api::routes::{OperationId, Route};

/// Finds the operation for `method` and `path` in the core's table
/// ([`callsteer::api::routes::route`]).
///
/// # Errors
/// 404 when nothing matches (like the service's "No HTTP resource was found").
pub fn route(method: &str, path: &str) -> Result<Route, ApiError> {
    callsteer::api::routes::route(method, path).ok_or_else(|| {
        ApiError::not_found(format!(
            "No HTTP resource was found that matches the request URI {method} {path}."
        ))
    })
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
    use OperationId as O;
    use Request as R;
    let call = route.id.clone().unwrap_or_default();
    Ok(match route.op {
        O::CreateCall => R::CreateCall(json(body)?),
        O::AnswerCall => R::AnswerCall(json(body)?),
        O::RedirectCall => R::RedirectCall(json(body)?),
        O::RejectCall => R::RejectCall(json(body)?),
        O::Connect => R::Connect(json(body)?),
        O::GetCall => R::GetCall { call },
        O::HangUp => R::HangUp { call },
        O::Terminate => R::Terminate { call },
        O::Transfer => R::Transfer {
            call,
            body: json(body)?,
        },
        O::Play => R::Play {
            call,
            body: json(body)?,
        },
        O::StartTranscription => R::StartTranscription {
            call,
            body: json_or_default(body)?,
        },
        O::StopTranscription => R::StopTranscription {
            call,
            body: json_or_default(body)?,
        },
        O::UpdateTranscription => R::UpdateTranscription {
            call,
            body: json_or_default(body)?,
        },
        O::CancelAllMedia => R::CancelAllMedia { call },
        O::Recognize => R::Recognize {
            call,
            body: json(body)?,
        },
        O::StartContinuousDtmf => R::StartContinuousDtmf {
            call,
            body: json(body)?,
        },
        O::StopContinuousDtmf => R::StopContinuousDtmf {
            call,
            body: json(body)?,
        },
        O::SendDtmf => R::SendDtmf {
            call,
            body: json(body)?,
        },
        O::Hold => R::Hold {
            call,
            body: json(body)?,
        },
        O::Unhold => R::Unhold {
            call,
            body: json::<wire::Hold>(body)?,
        },
        O::StartMediaStreaming => R::StartMediaStreaming {
            call,
            body: json_or_default(body)?,
        },
        O::StopMediaStreaming => R::StopMediaStreaming {
            call,
            body: json_or_default(body)?,
        },
        O::GetParticipants => R::GetParticipants { call },
        O::AddParticipant => R::AddParticipant {
            call,
            body: json(body)?,
        },
        O::RemoveParticipant => R::RemoveParticipant {
            call,
            body: json(body)?,
        },
        O::Mute => R::Mute {
            call,
            body: json(body)?,
        },
        O::CancelAddParticipant => R::CancelAddParticipant {
            call,
            body: json(body)?,
        },
        O::MoveParticipants => R::MoveParticipants {
            call,
            body: json(body)?,
        },
        O::GetParticipant => R::GetParticipant {
            call,
            raw_id: route.raw_id.clone().unwrap_or_default(),
        },
        O::StartRecording => R::StartRecording(json(body)?),
        O::GetRecording => R::GetRecording { id: call },
        O::StopRecording => R::StopRecording { id: call },
        O::PauseRecording => R::PauseRecording { id: call },
        O::ResumeRecording => R::ResumeRecording { id: call },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_route_is_the_services_404() {
        let e = route("POST", "/calling/callConnections/c1:fly").unwrap_err();
        assert_eq!(e.status, 404);
        assert!(
            e.message.starts_with("No HTTP resource was found"),
            "{}",
            e.message
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
