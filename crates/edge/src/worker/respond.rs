//! Every failure leaves the worker as a JSON response with a status:
//! `{"error": {"status": 400, "code": "InvalidInput", "field": "…", "message": "…"}}`
//! (a 429 also carries `Retry-After`).

use callsteer::Error;
use serde::Serialize;
use worker::Response;

/// An error on its way to becoming an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EdgeError {
    pub status: u16,
    pub code: String,
    pub field: Option<String>,
    pub message: String,
    /// Seconds for a `Retry-After` header (a 429 of the rate limits).
    pub retry_after: Option<u32>,
}

/// Result alias for the worker's handlers.
pub(crate) type EdgeResult<T> = Result<T, EdgeError>;

impl EdgeError {
    /// An error with `status`, a stable `code` and a message.
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        EdgeError {
            status,
            code: code.to_owned(),
            field: None,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(404, "NotFound", format!("{what} not found"))
    }

    pub(crate) fn unauthorized(reason: impl Into<String>) -> Self {
        Self::new(401, "Unauthorized", reason)
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 403 for a known credential whose role does not allow the request: the message names
    /// the role needed.
    pub(crate) fn forbidden(f: &crate::access::Forbidden) -> Self {
        Self::new(403, "Forbidden", f.message())
    }

    /// The JSON response for this error.
    ///
    /// # Errors
    /// A worker error if the runtime cannot build the response.
    pub(crate) fn to_response(&self) -> worker::Result<Response> {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            status: u16,
            code: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
            message: &'a str,
        }
        let body = Body {
            error: Inner {
                status: self.status,
                code: &self.code,
                field: self.field.as_deref(),
                message: &self.message,
            },
        };
        let resp = json(&body, self.status)?;
        if let Some(seconds) = self.retry_after {
            resp.headers().set("retry-after", &seconds.to_string())?;
        }
        Ok(resp)
    }
}

impl From<Error> for EdgeError {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::InvalidInput { .. } | Error::Decode { .. } => 400,
            Error::Unauthorized { .. } => 401,
            Error::Service(_) | Error::Transport { .. } => 502,
            _ => 500,
        };
        let field = match &e {
            Error::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        EdgeError {
            status,
            code: e.code().to_owned(),
            field,
            message: e.to_string(),
            retry_after: None,
        }
    }
}

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> Self {
        EdgeError::new(500, "WorkerError", e.to_string())
    }
}

impl From<worker::KvError> for EdgeError {
    fn from(e: worker::KvError) -> Self {
        EdgeError::new(500, "KvError", e.to_string())
    }
}

impl From<serde_json::Error> for EdgeError {
    fn from(e: serde_json::Error) -> Self {
        EdgeError::new(400, "DecodeError", format!("invalid JSON: {e}"))
    }
}

/// A JSON response with `status`.
///
/// # Errors
/// A worker error if the runtime cannot build the response.
pub(crate) fn json<T: Serialize>(value: &T, status: u16) -> worker::Result<Response> {
    let text = serde_json::to_string(value).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let resp = Response::ok(text)?.with_status(status);
    resp.headers().set("content-type", "application/json")?;
    Ok(resp)
}
