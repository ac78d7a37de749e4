//! Credentials and request signing.
//!
//! * [`ConnectionString`] — `endpoint=…;accesskey=…`, parsed strictly.
//! * [`AccessKey`] — the decoded HMAC key; its `Debug` is redacted.
//! * [`sign_for_endpoint`] (and [`sign`]) — the ACS HMAC-SHA256 scheme (`x-ms-date`,
//!   `x-ms-content-sha256`, `Authorization`), byte-exact with every vector in
//!   `tests/fixtures/hmac-vectors.md` (`tests/hmac_vectors.rs`).
//! * [`Credential`] — key or bearer token, applied with [`Credential::apply_for_endpoint`].

mod base64;
mod connection_string;
mod signing;

pub use connection_string::{AccessKey, ConnectionString};
pub(crate) use signing::keyed_hmac;
pub use signing::{
    content_hash, hmac_sha256_base64, sign, sign_for_endpoint, string_to_sign, BearerToken,
    Credential,
};
