//! Rate limits per credential through Cloudflare's rate limiting binding
//! ([`crate::access::limits`] names them): the key is the credential's fingerprint, never the
//! token.
//!
//! Decision — a **missing binding** (a `wrangler.toml` without `[[ratelimits]]`) is a 500
//! `ConfigError` naming it, like any missing setting: the limit is not silently off. A
//! **failing call** of a present binding lets the request through and logs it: the counter is
//! a guard against volume, and an outage of it must not lock every admin out.

use super::respond::{EdgeError, EdgeResult};
use crate::access::limits::Limit;
use crate::access::Caller;
use worker::Env;

/// Counts one request of `caller` against `limit`.
///
/// # Errors
/// 429 `TooManyRequests` with `Retry-After` (the limit's period) when over the limit;
/// 500 `ConfigError` when the binding is missing.
pub(crate) async fn admit(env: &Env, limit: Limit, caller: &Caller) -> EdgeResult<()> {
    let limiter = env.rate_limiter(limit.binding).map_err(|_| {
        EdgeError::new(
            500,
            "ConfigError",
            format!("{}: rate limit binding missing", limit.binding),
        )
    })?;
    match limiter.limit(caller.fingerprint.clone()).await {
        Ok(outcome) if outcome.success => Ok(()),
        Ok(_) => Err(EdgeError {
            retry_after: Some(limit.period_seconds),
            ..EdgeError::new(429, "TooManyRequests", limit.message())
        }),
        Err(e) => {
            worker::console_error!("rate limit {} unavailable: {e}", limit.binding);
            Ok(())
        }
    }
}
