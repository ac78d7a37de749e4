//! One operation's attempts, written once: sign → send → decide, until done.
//!
//! [`Attempts`] is the sans-IO state machine of sending one request. It never sleeps, never
//! reads a clock and never touches a socket; a face asks it for the next signed request,
//! sends it however it sends things, and tells it what came back and when:
//!
//! ```text
//!   sign(credential, endpoint, now) ──▶ send ──▶ on_response(status, headers, now) ─┬─ Finish: hand the response back
//!         ▲                                     on_transport_error()                 ├─ Finish: give up (transport error)
//!         └────────────── wait `after_ms` ◀──────────────────────────────────────────┴─ Retry { after_ms }
//! ```
//!
//! * Every attempt is the same request — the same `Repeatability-Request-ID` and
//!   `-First-Sent` — signed afresh at its own time with
//!   [`crate::auth::Credential::apply_for_endpoint`] (so an endpoint with a base path signs
//!   the path that goes on the wire).
//! * The [`RetryPolicy`] decides: `Retry-After` (seconds or HTTP-date), `retry-after-ms` and
//!   `x-ms-retry-after-ms` are honoured ([`RetryHints::from_headers`]).
//! * One counting convention: [`Attempts::made`] is the number of attempts sent so far, so the
//!   first attempt is attempt 1; the policy is asked about retry `made - 1` (0-based), as
//!   [`RetryPolicy::decide`] documents.
//!
//! [`send`] is the loop around the machine, generic over a face's [`Transport`] (the `fetch`
//! face's gloo-net, the edge worker's workers-rs `Fetch` and `Delay`, the test harness's
//! hyper and tokio). It is plain `async` Rust with no runtime of its own. A face that must
//! persist between attempts (the worker's per-call outbox) drives [`Attempts`] itself and can
//! [`Attempts::resume`] after a restart; the npm package drives the same machine through its
//! wasm engine.

use crate::auth::Credential;
use crate::http::{Endpoint, Request, Response};
use crate::retry::{RetryHints, RetryPolicy};
use crate::Error;

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Stop: hand the response to the caller (success, a final error status, or the budget
    /// is spent), or give up on a transport error.
    Finish,
    /// Wait `after_ms` milliseconds, then send the next attempt.
    Retry {
        /// How long to wait.
        after_ms: u64,
    },
}

/// The attempts of one request.
#[derive(Debug, Clone)]
pub struct Attempts {
    request: Request,
    policy: RetryPolicy,
    made: u32,
}

impl Attempts {
    /// A fresh send of `request` (built by an operation, repeatability headers included,
    /// unsigned) under `policy`.
    pub fn new(request: Request, policy: RetryPolicy) -> Self {
        Self::resume(request, policy, 0)
    }

    /// Continues a send of which `made` attempts already went out (a face that persisted
    /// the count across a restart).
    pub fn resume(request: Request, policy: RetryPolicy, made: u32) -> Self {
        Attempts {
            request,
            policy,
            made,
        }
    }

    /// Attempts sent so far (the next one is `made() + 1`).
    pub fn made(&self) -> u32 {
        self.made
    }

    /// The request every attempt sends (unsigned).
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The next attempt: the request signed at `now_unix` for `endpoint`. Counts it as made.
    pub fn sign(&mut self, credential: &Credential, endpoint: &Endpoint, now_unix: u64) -> Request {
        self.made = self.made.saturating_add(1);
        let mut signed = self.request.clone();
        credential.apply_for_endpoint(&mut signed, endpoint, now_unix);
        signed
    }

    /// The last attempt got a response with `status` and `headers` at `now_unix`.
    pub fn on_response(&self, status: u16, headers: &[(String, String)], now_unix: u64) -> Next {
        let hints = RetryHints::from_headers(headers);
        decide(&self.policy, self.made, Some((status, hints)), now_unix)
    }

    /// The last attempt got no response at all (network error, reset, DNS).
    pub fn on_transport_error(&self) -> Next {
        decide(&self.policy, self.made, None, 0)
    }
}

/// The machine's decision after attempt number `made` (1-based) got `reply` — `Some((status,
/// hints))`, or `None` for no response — at `now_unix`. [`Attempts`] calls it; so does the npm
/// package's wasm engine, whose JS shell holds the request and counts the attempts.
pub fn decide(
    policy: &RetryPolicy,
    made: u32,
    reply: Option<(u16, RetryHints<'_>)>,
    now_unix: u64,
) -> Next {
    // The policy counts retries from 0: after attempt 1 it decides about retry 0.
    let retry = made.saturating_sub(1);
    let after = match reply {
        Some((status, hints)) => policy.decide(status, hints, retry, now_unix),
        None => policy.decide_transport_failure(retry),
    };
    match after {
        Some(after_ms) => Next::Retry { after_ms },
        None => Next::Finish,
    }
}

/// A response as a face received it (owned).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers, names as received.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The core's borrowed view, for an operation's `decode`.
    pub fn as_response(&self) -> Response<'_> {
        Response {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// What a face provides to [`send`]: one HTTP exchange, a timer and a clock.
///
/// `async fn` in a public trait: the faces are single-threaded (wasm hosts, a test
/// runtime's task), so no `Send` bound is promised on the futures.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends one signed request to `endpoint`; `Err` is a reason when no response arrived.
    async fn exchange(&self, request: &Request, endpoint: &Endpoint) -> Result<Reply, String>;
    /// Waits `ms` milliseconds.
    async fn sleep(&self, ms: u64);
    /// The current Unix time in seconds (signatures, `Retry-After` dates).
    fn now_unix(&self) -> u64;
    /// Called before waiting for a retry, with the attempt that failed (1-based) and why
    /// (`503 …` or a transport reason). The default does nothing; the worker records it in
    /// the call's timeline.
    async fn retrying(&self, _attempt: u32, _reason: &str, _after_ms: u64) {}
}

/// Sends `request` until the policy is satisfied: signs each attempt with `credential` at the
/// transport's time, waits as told, retries with the same repeatability headers.
///
/// # Errors
/// [`Error::Transport`] when the last attempt got no response. Error statuses are not errors
/// here: the final [`Reply`] is returned as it came (decode it with the operation).
pub async fn send<T: Transport>(
    transport: &T,
    request: Request,
    policy: RetryPolicy,
    credential: &Credential,
    endpoint: &Endpoint,
) -> Result<Reply, Error> {
    let mut attempts = Attempts::new(request, policy);
    loop {
        let signed = attempts.sign(credential, endpoint, transport.now_unix());
        let (next, outcome) = match transport.exchange(&signed, endpoint).await {
            Ok(reply) => (
                attempts.on_response(reply.status, &reply.headers, transport.now_unix()),
                Ok(reply),
            ),
            Err(reason) => (attempts.on_transport_error(), Err(reason)),
        };
        match next {
            Next::Finish => return outcome.map_err(|reason| Error::Transport { reason }),
            Next::Retry { after_ms } => {
                let reason = match &outcome {
                    Ok(reply) => failure_reason(reply),
                    Err(reason) => format!("transport: {reason}"),
                };
                transport.retrying(attempts.made(), &reason, after_ms).await;
                transport.sleep(after_ms).await;
            }
        }
    }
}

/// A one-line reason for an error reply (`503 ServiceUnavailable: …`), from the service's
/// error body when it has one.
pub fn failure_reason(reply: &Reply) -> String {
    match crate::api::response::service_error(&reply.as_response()) {
        Error::Service(e) => format!(
            "{} {}: {}",
            e.status,
            e.code.as_deref().unwrap_or(""),
            e.message
        ),
        other => format!("{}: {other}", reply.status),
    }
}
