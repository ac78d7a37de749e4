//! The one error type of callsteer.
//!
//! Every fallible function returns [`Error`]. Variants are structured so callers can
//! branch on them (and so the JS face can copy `code`, `statusCode`, … onto an `Error`).
//! No variant ever carries a secret: access keys, tokens and incoming call contexts
//! are never formatted into an error.

use core::fmt;

/// What went wrong.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Input was refused before anything was sent. `field` names the offending field
    /// (dotted path, e.g. `targets[0].phoneNumber`), `reason` says why.
    InvalidInput { field: String, reason: String },
    /// The service (or emulator) answered with an error status.
    Service(Box<ServiceError>),
    /// A response or event body could not be decoded. `what` names the thing being decoded.
    Decode { what: String, reason: String },
    /// The transport (fetch, socket) failed before a response arrived.
    Transport { reason: String },
    /// An inbound request failed authentication (webhook JWT, HMAC, Event Grid).
    Unauthorized { reason: String },
}

impl Error {
    /// An [`Error::InvalidInput`] for `field` with `reason`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Decode`] for `what` with `reason`.
    pub fn decode(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Decode {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// A short stable code for this error, suitable for branching (`err.code` in JS).
    pub fn code(&self) -> &str {
        match self {
            Error::InvalidInput { .. } => "InvalidInput",
            Error::Service(e) => e.code.as_deref().unwrap_or("ServiceError"),
            Error::Decode { .. } => "DecodeError",
            Error::Transport { .. } => "TransportError",
            Error::Unauthorized { .. } => "Unauthorized",
        }
    }
}

/// A `CommunicationErrorResponse` from the service, plus what the HTTP layer knew.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status code.
    pub status: u16,
    /// `error.code`, when the body had one.
    pub code: Option<String>,
    /// A numeric sub-code, when the service gave one (some errors carry it in `innererror`).
    pub sub_code: Option<i64>,
    /// `error.message` (or the HTTP reason when the body was empty).
    pub message: String,
    /// `error.target`.
    pub target: Option<String>,
    /// `error.details`, flattened to (code, message, target).
    pub details: Vec<ErrorDetail>,
    /// The `x-ms-request-id` (or `x-ms-client-request-id`) response header.
    pub request_id: Option<String>,
}

impl ServiceError {
    /// The one-line description `Display` writes for [`Error::Service`]:
    /// `service error 400 BadRequest: <message> (request id <id>)`. Built by concatenation so
    /// the npm engine, which gives it to JS as the error's message, links no `core::fmt`.
    pub fn describe(&self) -> String {
        let mut m = String::with_capacity(self.message.len() + 64);
        m.push_str("service error ");
        crate::text::push_decimal(&mut m, self.status.into(), 1);
        if let Some(code) = &self.code {
            m.push(' ');
            m.push_str(code);
        }
        m.push_str(": ");
        m.push_str(&self.message);
        if let Some(id) = &self.request_id {
            m.push_str(" (request id ");
            m.push_str(id);
            m.push(')');
        }
        m
    }
}

/// One entry of `error.details`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    pub target: Option<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Service(e) => f.write_str(&e.describe()),
            Error::Decode { what, reason } => write!(f, "cannot decode {what}: {reason}"),
            Error::Transport { reason } => write!(f, "transport failed: {reason}"),
            Error::Unauthorized { reason } => write!(f, "unauthorized: {reason}"),
        }
    }
}

impl std::error::Error for Error {}
