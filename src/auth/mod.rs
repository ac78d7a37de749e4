//! Credentials and request signing.
//!
//! * [`ConnectionString`] — `endpoint=…;accesskey=…`, parsed strictly.
//! * [`AccessKey`] — the decoded HMAC key; its `Debug` is redacted.
//! * [`sign`] — the ACS HMAC-SHA256 scheme (`x-ms-date`, `x-ms-content-sha256`, `Authorization`).
//! * [`Credential`] — key or bearer token, applied with [`Credential::apply`].

mod connection_string;
mod signing;

pub use connection_string::{AccessKey, ConnectionString};
pub use signing::{content_hash, sign, string_to_sign, Credential, BearerToken};
