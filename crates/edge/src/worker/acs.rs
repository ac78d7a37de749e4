//! Sending signed Call Automation requests: the core's send loop ([`callsteer::send::send`]) over
//! the worker's `fetch`, `Delay` and clock, with the edge's retry policy
//! ([`crate::routing::call::command::POLICY`]).

use super::config::Config;
use super::respond::{EdgeError, EdgeResult};
use crate::routing::call::command::POLICY;
use callsteer::http::{Endpoint, Request as CoreRequest};
use callsteer::send::{Reply, Transport};
use std::time::Duration;
use worker::{Delay, Fetch, Headers, Method, Request, RequestInit};

/// Current Unix time in milliseconds (the worker's clock; the core never reads one).
pub(crate) fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// `N` random bytes from the runtime's CSPRNG (`crypto.getRandomValues`): admin request ids,
/// created credentials (the core never draws randomness).
///
/// # Errors
/// 500 `CryptoUnavailable` when the runtime has no `crypto.getRandomValues`.
pub(crate) fn random_bytes<const N: usize>() -> super::respond::EdgeResult<[u8; N]> {
    use super::respond::EdgeError;
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| EdgeError::new(500, "CryptoUnavailable", "globalThis.crypto missing"))?;
    let array = js_sys::Uint8Array::new_with_length(N as u32);
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
        .ok_or_else(|| {
            EdgeError::new(500, "CryptoUnavailable", "crypto.getRandomValues missing")
        })?;
    get.call1(&crypto, &array)
        .map_err(|_| EdgeError::new(500, "CryptoUnavailable", "getRandomValues failed"))?;
    let mut bytes = [0u8; N];
    array.copy_to(&mut bytes);
    Ok(bytes)
}

/// The worker's side of [`Transport`]: workers-rs `Fetch`, `Delay` and `Date`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct EdgeTransport;

impl Transport for EdgeTransport {
    async fn exchange(&self, request: &CoreRequest, endpoint: &Endpoint) -> Result<Reply, String> {
        fetch_once(request, endpoint)
            .await
            .map_err(|e| e.to_string())
    }

    async fn sleep(&self, ms: u64) {
        Delay::from(Duration::from_millis(ms)).await;
    }

    fn now_unix(&self) -> u64 {
        (now_ms() / 1000) as u64
    }
}

/// The access key as the core's credential.
///
/// # Errors
/// 500 `ConfigError` when the `ACS_ACCESS_KEY` secret is not set.
pub(crate) fn credential(cfg: &Config) -> EdgeResult<callsteer::auth::Credential> {
    let key = cfg
        .access_key
        .as_ref()
        .ok_or_else(|| EdgeError::new(500, "ConfigError", "ACS_ACCESS_KEY secret is not set"))?;
    Ok(callsteer::auth::Credential::Key(key.clone()))
}

/// Sends `req` through `transport` until the policy is satisfied; every attempt carries the
/// same request (same repeatability headers), signed afresh for `ACS_ENDPOINT`.
///
/// # Errors
/// 500 `ConfigError` without an access key; 502 `TransportError` when no response arrived.
/// Error statuses from the service come back as replies.
pub(crate) async fn send_with<T: Transport>(
    cfg: &Config,
    req: &CoreRequest,
    transport: &T,
) -> EdgeResult<Reply> {
    let credential = credential(cfg)?;
    callsteer::send::send(transport, req.clone(), POLICY, &credential, &cfg.acs)
        .await
        .map_err(|e| EdgeError::new(502, "TransportError", e.to_string()))
}

/// [`send_with`] over the plain [`EdgeTransport`].
///
/// # Errors
/// As [`send_with`].
pub(crate) async fn send(cfg: &Config, req: &CoreRequest) -> EdgeResult<Reply> {
    send_with(cfg, req, &EdgeTransport).await
}

/// Signs `req` with the worker's access key for `ACS_ENDPOINT` (the core's
/// [`callsteer::auth::sign_for_endpoint`], through [`credential`]: the endpoint's authority and
/// base path, what is sent) and sends it once, without retries: the `/acs/…` proxy's
/// client (the page's package) has its own retry policy. Any `authorization`, `x-ms-date` or
/// `x-ms-content-sha256` the request carried is replaced.
///
/// # Errors
/// 500 `ConfigError` without an access key; 502 `TransportError` when fetch itself failed.
/// Error statuses from the service come back as replies.
pub(crate) async fn sign_and_fetch(cfg: &Config, mut req: CoreRequest) -> EdgeResult<Reply> {
    credential(cfg)?.apply_for_endpoint(&mut req, &cfg.acs, (now_ms() / 1000) as u64);
    fetch_once(&req, &cfg.acs)
        .await
        .map_err(|e| EdgeError::new(502, "TransportError", e.to_string()))
}

/// One HTTP exchange with `endpoint` (the request is already signed).
///
/// # Errors
/// The runtime's error when fetch itself failed.
pub(crate) async fn fetch_once(req: &CoreRequest, endpoint: &Endpoint) -> worker::Result<Reply> {
    let headers = Headers::new();
    for (name, value) in &req.headers {
        headers.set(name, value)?;
    }
    let mut init = RequestInit::new();
    init.with_method(match req.method {
        callsteer::http::Method::Get => Method::Get,
        callsteer::http::Method::Post => Method::Post,
        callsteer::http::Method::Delete => Method::Delete,
    })
    .with_headers(headers);
    if let Some(body) = &req.body {
        init.with_body(Some(body.as_str().into()));
    }
    let request = Request::new_with_init(&req.url(endpoint), &init)?;
    let mut resp = Fetch::Request(request).send().await?;
    let headers = resp.headers().entries().collect();
    let body = resp.bytes().await?;
    Ok(Reply {
        status: resp.status_code(),
        headers,
        body,
    })
}
