//! Sending signed Call Automation requests through `fetch`, with the core's retry policy.

use super::config::Config;
use super::respond::{EdgeError, EdgeResult};
use crate::routing::call::command::{send_outcome, SendOutcome};
use std::time::Duration;
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

/// A response from Call Automation.
#[derive(Debug, Clone)]
pub struct AcsResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl AcsResponse {
    /// The core's view of this response, for an operation's `decode`.
    pub fn as_core(&self) -> crate::http::Response<'_> {
        crate::http::Response {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// Current Unix time in milliseconds (the worker's clock; the core never reads one).
pub fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// The result of one attempt and what the retry policy says about it.
#[derive(Debug)]
pub struct Attempt {
    pub outcome: SendOutcome,
    pub result: EdgeResult<AcsResponse>,
}

impl Attempt {
    /// A one-line reason for a failed attempt (`429 TooManyRequests: …`, `transport: …`).
    pub fn reason(&self) -> String {
        match &self.result {
            Ok(resp) => failure_reason(resp),
            Err(e) => format!("transport: {}", e.message),
        }
    }
}

/// Signs and sends `req` once (attempt number `attempt`, 1-based) and applies the retry
/// policy ([`send_outcome`]) to what came back.
///
/// # Errors
/// In `result`: 500 `ConfigError` without an access key (outcome `Fail`), 502
/// `TransportError` when fetch itself failed.
pub async fn send_once(cfg: &Config, req: &crate::http::Request, attempt: u32) -> Attempt {
    let Some(key) = cfg.access_key.as_ref() else {
        let e = EdgeError::new(500, "ConfigError", "ACS_ACCESS_KEY secret is not set");
        return Attempt {
            outcome: SendOutcome::Fail,
            result: Err(e),
        };
    };
    let mut signed = req.clone();
    crate::auth::sign(
        &mut signed,
        key,
        cfg.acs.authority(),
        (now_ms() / 1000) as u64,
    );
    let result = fetch_once(&signed, &cfg.acs)
        .await
        .map_err(|e| EdgeError::new(502, "TransportError", e.to_string()));
    let (status, retry_after) = match &result {
        Ok(r) => (
            Some(r.status),
            r.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("retry-after"))
                .map(|(_, v)| v.clone()),
        ),
        Err(_) => (None, None),
    };
    Attempt {
        outcome: send_outcome(
            status,
            retry_after.as_deref(),
            attempt,
            (now_ms() / 1000) as u64,
        ),
        result,
    }
}

/// Sends `req` until the retry policy says done or fail. Every attempt carries the same
/// request (same repeatability headers); only the signature's date is renewed.
///
/// # Errors
/// As [`send_once`] for the last attempt. Error statuses from the service come back as responses.
pub async fn send(cfg: &Config, req: &crate::http::Request) -> EdgeResult<AcsResponse> {
    let mut attempt = 1;
    loop {
        let a = send_once(cfg, req, attempt).await;
        match a.outcome {
            SendOutcome::RetryAfter(ms) => {
                Delay::from(Duration::from_millis(ms)).await;
                attempt += 1;
            }
            SendOutcome::Done | SendOutcome::Fail => return a.result,
        }
    }
}

async fn fetch_once(
    req: &crate::http::Request,
    endpoint: &crate::http::Endpoint,
) -> worker::Result<AcsResponse> {
    let headers = Headers::new();
    for (name, value) in &req.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match req.method {
        crate::http::Method::Get => Method::Get,
        crate::http::Method::Post => Method::Post,
        crate::http::Method::Delete => Method::Delete,
    })
    .with_headers(headers);
    if let Some(body) = &req.body {
        init.with_body(Some(body.as_str().into()));
    }
    let request = Request::new_with_init(&req.url(endpoint), &init)?;
    let mut resp = Fetch::Request(request).send().await?;
    let headers = resp.headers().entries().collect();
    let body = resp.bytes().await?;
    Ok(AcsResponse {
        status: resp.status_code(),
        headers,
        body,
    })
}

/// A short description of a failed response for timelines (`503 ServiceUnavailable: …`).
pub fn failure_reason(resp: &AcsResponse) -> String {
    match crate::api::response::service_error(&resp.as_core()) {
        crate::Error::Service(e) => format!(
            "{} {}: {}",
            e.status,
            e.code.as_deref().unwrap_or(""),
            e.message
        ),
        other => format!("{}: {other}", resp.status),
    }
}
