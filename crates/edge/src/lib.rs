//! callsteer's edge face: a Cloudflare Worker (workers-rs) that is the app's webhook endpoint
//! for incoming calls and Call Automation callbacks, with per-call state in Durable Objects,
//! an admin API and page, and a same-origin proxy for the page's Call control panel.
//!
//! * [`routing`] — everything that decides: the crate `callsteer-flows` (`crates/flows`), pure
//!   Rust tested natively: the rules document and matching, flows, the per-call state machine
//!   (`routing::call::CallSession`), simulation and test cases, the proxy's checks. It runs on
//!   the core (`callsteer`) and knows no runtime; the npm package's `callsteer/flows` runs the
//!   same crate.
//! * [`access`] — who may do what: roles, the admin route table, created credentials, the
//!   rate limits per credential; pure, tested natively like `routing`.
//! * `worker` (wasm32 only) — the runtime glue: requests, environment, Durable Objects, KV,
//!   fetch. See `docs/edge.md`.
//!
//! Built by `scripts/build-worker` (worker-build) into `crates/edge/build/`, which
//! `wrangler.toml` at the repository root points at.

pub mod access;
pub use callsteer_flows as routing;

#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
pub use worker::{CallObject, CredentialsObject, RulesObject};
