//! Shared response decoding: success bodies and `CommunicationErrorResponse`.

use crate::error::{ErrorDetail, ServiceError};
use crate::http::Response;
use crate::json::{self, Json};
use crate::Error;
use serde::de::DeserializeOwned;

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
pub fn decode_json<T: DeserializeOwned>(
    response: &Response<'_>,
    expected: &[u16],
    what: &str,
) -> Result<T, Error> {
    expect_status(response, expected)?;
    serde_json::from_slice(response.body).map_err(|e| Error::decode(what, e.to_string()))
}

// The error body is walked with the core's JSON reader instead of a derived `Deserialize` (or
// `serde_json::Value`): this is on the npm engine's path, where a typed deserialization pulled
// serde's type-error formatting (with f64 `Display`) into the wasm and `serde_json` is not
// linked at all (BENCHMARKS.md, npm size). It accepts what the derived version accepted:
// every field a string, null or absent; anything else means "no `CommunicationErrorResponse`".
struct WireError {
    code: Option<String>,
    message: Option<String>,
    target: Option<String>,
    details: Vec<WireError>,
    innererror: Option<Box<WireError>>,
}

/// `body.error`; `None` when absent or not a `CommunicationErrorResponse`.
fn error_of(body: &[u8]) -> Option<WireError> {
    let text = core::str::from_utf8(body).ok()?;
    let value = json::parse(text, "error body").ok()?;
    match value.get("error") {
        None | Some(Json::Null) => None,
        Some(e) => wire_error(e),
    }
}

fn wire_error(v: &Json<'_>) -> Option<WireError> {
    if !matches!(v, Json::Object(_)) {
        return None;
    }
    let text = |k: &str| match v.get(k) {
        None | Some(Json::Null) => Some(None),
        Some(Json::String(s)) => Some(Some(s.value().into_owned())),
        Some(_) => None,
    };
    let details = match v.get("details") {
        None => Vec::new(),
        Some(Json::Array(list)) => list.iter().map(wire_error).collect::<Option<Vec<_>>>()?,
        Some(_) => return None,
    };
    let innererror = match v.get("innererror").or_else(|| v.get("innerError")) {
        None | Some(Json::Null) => None,
        Some(inner) => Some(Box::new(wire_error(inner)?)),
    };
    Some(WireError {
        code: text("code")?,
        message: text("message")?,
        target: text("target")?,
        details,
        innererror,
    })
}

/// Builds the [`Error::Service`] for an error response. Never fails: a body that is
/// not a `CommunicationErrorResponse` still yields status and request id.
pub fn service_error(response: &Response<'_>) -> Error {
    let request_id = response
        .header("x-ms-request-id")
        .or_else(|| response.header("x-ms-client-request-id"))
        .map(str::to_owned);
    let wire = error_of(response.body);
    let mut err = ServiceError {
        status: response.status,
        request_id,
        ..Default::default()
    };
    match wire {
        Some(w) => {
            err.sub_code = sub_code_of(&w);
            err.code = w.code;
            err.message = w.message.unwrap_or_default();
            err.target = w.target;
            err.details = w
                .details
                .into_iter()
                .map(|d| ErrorDetail {
                    code: d.code.unwrap_or_default(),
                    message: d.message.unwrap_or_default(),
                    target: d.target,
                })
                .collect();
        }
        None => {
            let mut m = String::with_capacity(52);
            m.push_str("HTTP ");
            crate::text::push_decimal(&mut m, response.status.into(), 1);
            m.push_str(" with no CommunicationErrorResponse body");
            err.message = m;
        }
    }
    Error::Service(Box::new(err))
}

// The service puts numeric sub-codes in innererror.code (e.g. "8523").
fn sub_code_of(w: &WireError) -> Option<i64> {
    w.innererror
        .as_ref()
        .and_then(|i| i.code.as_deref())
        .and_then(|c| c.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_communication_error_response() {
        let headers = vec![("X-Ms-Request-Id".to_owned(), "req-1".to_owned())];
        let body =
            br#"{"error":{"code":"BadRequest","message":"Invalid callback","target":"callbackUri",
            "details":[{"code":"D1","message":"m1"}],"innererror":{"code":"8523","message":"x"}}}"#;
        let r = Response {
            status: 400,
            headers: &headers,
            body,
        };
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
    fn mistyped_error_body_is_no_error_response() {
        // As a derived `Deserialize` would: one field of the wrong type voids the whole body.
        for body in [
            &br#"{"error":{"code":5,"message":"m"}}"#[..],
            br#"{"error":{"message":"m","details":[{"code":[]}]}}"#,
            br#"{"error":"x"}"#,
        ] {
            let r = Response {
                status: 400,
                headers: &[],
                body,
            };
            match service_error(&r) {
                Error::Service(e) => assert_eq!(
                    (e.code, e.message.as_str()),
                    (None, "HTTP 400 with no CommunicationErrorResponse body")
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn inner_error_alias_gives_sub_code() {
        let body = br#"{"error":{"code":"C","message":"m","innerError":{"code":"7"}}}"#;
        match service_error(&Response {
            status: 400,
            headers: &[],
            body,
        }) {
            Error::Service(e) => assert_eq!(e.sub_code, Some(7)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_json_error_body_keeps_status() {
        let r = Response {
            status: 503,
            headers: &[],
            body: b"<html>",
        };
        match expect_status(&r, &[200]) {
            Err(Error::Service(e)) => assert_eq!((e.status, e.code), (503, None)),
            other => panic!("{other:?}"),
        }
    }
}
