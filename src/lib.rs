//! # callsteer — Azure Communication Services Call Automation, sans-IO
//!
//! The core of this crate never touches a socket, a clock or a random number
//! generator. Every REST operation of Call Automation (api-version
//! [`DEFAULT_API_VERSION`]) is a value — `CreateCall::new(..).operation_context(..)` —
//! that turns into a plain [`http::Request`] (method, path, query, headers, JSON body).
//! A *face* sends it and hands the bytes that come back to the operation's decoder:
//!
//! * the npm package (crate `callsteer-npm`, `crates/npm/`) sends through the global `fetch`;
//! * the edge worker (crate `callsteer-edge`, `crates/edge/`) runs inside Cloudflare Workers;
//! * Rust apps compiled to wasm send operations with `fetch::Client` (`fetch` feature);
//! * the emulator (crate `callsteer-emulator`, `crates/emulator/`) serves the same contract locally.
//!
//! Time and randomness come in as arguments: [`auth::sign_for_endpoint`] takes `now` (Unix seconds),
//! [`http::Repeatability`] takes the request id bytes and the first-sent time.
//!
//! ```
//! use callsteer::api::{GetCall, Operation};
//! use callsteer::auth::{sign_for_endpoint, ConnectionString};
//! let cs: ConnectionString = "endpoint=https://contoso.communication.azure.com/;accesskey=pw=="
//!     .parse().unwrap();
//! let mut req = GetCall::new("abc").to_request(callsteer::DEFAULT_API_VERSION).unwrap();
//! sign_for_endpoint(&mut req, cs.access_key(), cs.endpoint(), 1_649_873_352);
//! assert_eq!(req.path_and_query(), "/calling/callConnections/abc?api-version=2026-03-12");
//! assert!(req.get_header("authorization").unwrap().starts_with("HMAC-SHA256 SignedHeaders="));
//! ```
#![cfg_attr(not(feature = "fetch"), forbid(unsafe_code))]

pub mod api;
pub mod auth;
pub mod error;
pub mod events;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod http;
pub mod identifier;
pub mod json;
pub mod models;
pub mod retry;
pub mod send;
pub mod text;
pub mod time;
pub mod validate;
pub mod webhook;

pub use error::Error;
pub use identifier::{CommunicationCloud, CommunicationIdentifier, CommunicationIdentifierModel};

/// The stable api-version this crate speaks by default (overridable per client).
pub const DEFAULT_API_VERSION: &str = "2026-03-12";

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
