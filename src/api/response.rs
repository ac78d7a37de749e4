//! Shared response decoding: success bodies and `CommunicationErrorResponse`.

use crate::error::{ErrorDetail, ServiceError};
use crate::http::Response;
use crate::Error;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Returns `Ok(())` when `response.status` is one of `expected`, otherwise the
/// structured service error decoded from the body.
///
/// # Errors
/// [`Error::Service`] for any other status.
pub fn expect_status(response: &Response<'_>, expected: &[u16]) -> Result<(), Error> {
    if expected.contains(&response.status) {
        Ok(())
    } else {
        Err(service_error(response))
    }
}

/// Checks the status, then decodes the JSON body as `T`; `what` names the model in errors.
///
/// # Errors
/// [`Error::Service`] for unexpected statuses, [`Error::Decode`] for a body that is not a `T`.
pub fn decode_json<T: DeserializeOwned>(response: &Response<'_>, expected: &[u16], what: &str) -> Result<T, Error> {
    expect_status(response, expected)?;
    serde_json::from_slice(response.body).map_err(|e| Error::decode(what, e.to_string()))
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: Option<WireError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireError {
    code: Option<String>,
    message: Option<String>,
    target: Option<String>,
    #[serde(default)]
    details: Vec<WireError>,
    #[serde(alias = "innerError")]
    innererror: Option<Box<WireError>>,
}

/// Builds the [`Error::Service`] for an error response. Never fails: a body that is
/// not a `CommunicationErrorResponse` still yields status and request id.
pub fn service_error(response: &Response<'_>) -> Error {
    let request_id = response.header("x-ms-request-id").or_else(|| response.header("x-ms-client-request-id")).map(str::to_owned);
    let wire = serde_json::from_slice::<ErrorEnvelope>(response.body).ok().and_then(|e| e.error);
    let mut err = ServiceError { status: response.status, request_id, ..Default::default() };
    match wire {
        Some(w) => {
            err.sub_code = sub_code_of(&w);
            err.code = w.code;
            err.message = w.message.unwrap_or_default();
            err.target = w.target;
            err.details = w
                .details
                .into_iter()
                .map(|d| ErrorDetail { code: d.code.unwrap_or_default(), message: d.message.unwrap_or_default(), target: d.target })
                .collect();
        }
        None => err.message = format!("HTTP {} with no CommunicationErrorResponse body", response.status),
    }
    Error::Service(Box::new(err))
}

// The service puts numeric sub-codes in innererror.code (e.g. "8523").
fn sub_code_of(w: &WireError) -> Option<i64> {
    w.innererror.as_ref().and_then(|i| i.code.as_deref()).and_then(|c| c.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_communication_error_response() {
        let headers = vec![("X-Ms-Request-Id".to_owned(), "req-1".to_owned())];
        let body = br#"{"error":{"code":"BadRequest","message":"Invalid callback","target":"callbackUri",
            "details":[{"code":"D1","message":"m1"}],"innererror":{"code":"8523","message":"x"}}}"#;
        let r = Response { status: 400, headers: &headers, body };
        match service_error(&r) {
            Error::Service(e) => {
                assert_eq!(e.status, 400);
                assert_eq!(e.code.as_deref(), Some("BadRequest"));
                assert_eq!(e.message, "Invalid callback");
                assert_eq!(e.target.as_deref(), Some("callbackUri"));
                assert_eq!(e.details[0].code, "D1");
                assert_eq!(e.sub_code, Some(8523));
                assert_eq!(e.request_id.as_deref(), Some("req-1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_json_error_body_keeps_status() {
        let r = Response { status: 503, headers: &[], body: b"<html>" };
        match expect_status(&r, &[200]) {
            Err(Error::Service(e)) => assert_eq!((e.status, e.code), (503, None)),
            other => panic!("{other:?}"),
        }
    }
}
