//! A local Call Automation service (feature `emulator`, binary `callsteer-emulator`).
//!
//! The real service cannot be reached from development machines or CI; this emulator
//! serves the same REST contract (all 34 operations of api-version 2026-03-12) on
//! 127.0.0.1, simulates calls with scripted endpoints ([`script`]), and POSTs the
//! service's CloudEvents to callback URIs with an RS256 JWT it signs itself ([`jwt`]).
//! A control API under `/emulator/…` plays the remote parties (see `docs/emulator.md`).
//!
//! * [`sim`] — the sans-IO state machine (`handle_*(…, now)`, `poll_output`, `poll_timeout`);
//! * [`server`] — HTTP routing, HMAC / bearer auth ([`auth`]), repeatability, faults ([`faults`]);
//! * [`delivery`] — callback and Event Grid delivery, including the validation handshake;
//! * [`counts`] — the requests received and the deliveries made, counted for load tests.

pub mod auth;
pub mod counts;
pub mod delivery;
pub mod error;
pub mod events;
pub mod faults;
pub mod jwt;
pub mod script;
pub mod server;
pub mod sim;
pub mod wire;

pub use error::ApiError;
pub use server::{serve, Config, Running};
pub use sim::Simulation;
