//! Errors the emulated service answers with: an HTTP status and a
//! `CommunicationErrorResponse` body (`{"error": {"code", "message"}}`).

use serde_json::{json, Value};

/// An error response of the emulated service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// `error.code`.
    pub code: String,
    /// `error.message`: names the field or rule that was broken.
    pub message: String,
}

impl ApiError {
    /// Any status and code.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }
    /// 400: the body breaks the schema or a service rule.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    /// 400 for one named field.
    pub fn field(field: &str, reason: impl core::fmt::Display) -> Self {
        Self::bad_request(format!("{field}: {reason}"))
    }
    /// 401: signature or token missing or wrong.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "Unauthorized", message)
    }
    /// 403: allowed by the schema, forbidden by the resource (e.g. a room's PSTN policy).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", message)
    }
    /// 404: unknown call, participant, recording or route.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NotFound", message)
    }
    /// The `CommunicationErrorResponse` JSON body.
    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl From<callsteer::Error> for ApiError {
    fn from(e: callsteer::Error) -> Self {
        match e {
            callsteer::Error::InvalidInput { field, reason } => ApiError::field(&field, reason),
            other => ApiError::bad_request(other.to_string()),
        }
    }
}
