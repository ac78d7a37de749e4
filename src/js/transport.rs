//! Sending a [`Request`] through the global `fetch`, with authentication, repeatability
//! headers and the retry loop of [`crate::retry`].
//!
//! The only host functions used are `fetch`, `setTimeout`, `crypto.getRandomValues` and
//! `Date.now` — present in browsers, Web Workers, Cloudflare Workers and Node ≥ 20 — so the
//! package needs no polyfill anywhere. They are reached through a six-line inline module
//! rather than `web-sys` classes, which keeps the generated glue small.

use super::error::Failure;
use crate::auth::{AccessKey, BearerToken, Credential};
use crate::http::{Endpoint, Repeatability, Request};
use crate::retry::{RetryHints, RetryPolicy};
use crate::Error;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "
export async function send(url, method, headers, body, signal) {
  const r = await fetch(url, { method, headers, body, signal: signal || undefined });
  const h = []; r.headers.forEach((v, k) => h.push(k, v));
  return [r.status, h, new Uint8Array(await r.arrayBuffer())];
}
export function sleep(ms, signal) {
  return new Promise((ok, fail) => {
    if (signal && signal.aborted) return fail(signal.reason);
    const t = setTimeout(ok, ms);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(t); fail(signal.reason); }, { once: true });
  });
}
export function random(buf) { crypto.getRandomValues(buf); }
")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn send(
        url: &str,
        method: &str,
        headers: js_sys::Object,
        body: Option<String>,
        signal: &JsValue,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn sleep(ms: f64, signal: &JsValue) -> Result<JsValue, JsValue>;
    fn random(buf: &mut [u8]);
}

/// Scope of Entra ID tokens for Communication Services.
pub(crate) const TOKEN_SCOPE: &str = "https://communication.azure.com//.default";

/// How the client authenticates.
pub(crate) enum Auth {
    /// HMAC with the access key (connection string or `{key}` credential).
    Key(AccessKey),
    /// A `TokenCredential` (`getToken(scopes) → {token, expiresOnTimestamp}`), cached until
    /// two minutes before expiry.
    Token {
        credential: JsValue,
        cached: RefCell<Option<(String, f64)>>,
    },
}

/// A response as received.
pub(crate) struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Unix seconds from `Date.now()`.
pub(crate) fn now_unix() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// 16 bytes from `crypto.getRandomValues`.
pub(crate) fn random16() -> [u8; 16] {
    let mut b = [0u8; 16];
    random(&mut b);
    b
}

/// A random version-4 UUID.
pub(crate) fn uuid() -> String {
    crate::http::uuid_v4_from_bytes(random16())
}

fn aborted(signal: &JsValue) -> bool {
    !signal.is_undefined()
        && !signal.is_null()
        && js_sys::Reflect::get(signal, &"aborted".into()).is_ok_and(|a| a.is_truthy())
}

impl Auth {
    /// The credential to apply now (fetching or reusing a token).
    ///
    /// # Errors
    /// [`Error::Unauthorized`] when the token credential fails.
    pub(crate) async fn credential(&self) -> Result<Credential, Error> {
        match self {
            Auth::Key(k) => Ok(Credential::Key(k.clone())),
            Auth::Token { credential, cached } => {
                let now = js_sys::Date::now();
                if let Some((token, expires)) = cached.borrow().as_ref() {
                    if *expires - 120_000.0 > now {
                        return Ok(Credential::Bearer(BearerToken(token.clone())));
                    }
                }
                let (token, expires) = get_token(credential).await?;
                *cached.borrow_mut() = Some((token.clone(), expires));
                Ok(Credential::Bearer(BearerToken(token)))
            }
        }
    }
}

async fn get_token(credential: &JsValue) -> Result<(String, f64), Error> {
    let unauthorized = |reason: &str| Error::Unauthorized {
        reason: reason.to_owned(),
    };
    let get = js_sys::Reflect::get(credential, &"getToken".into())
        .map_err(|_| unauthorized("credential has no getToken"))?;
    let get: js_sys::Function = get
        .dyn_into()
        .map_err(|_| unauthorized("credential.getToken is not a function"))?;
    let scopes = js_sys::Array::of1(&TOKEN_SCOPE.into());
    let promise = get
        .call1(credential, &scopes)
        .map_err(|_| unauthorized("credential.getToken threw"))?;
    let token = JsFuture::from(js_sys::Promise::resolve(&promise))
        .await
        .map_err(|_| unauthorized("credential.getToken rejected"))?;
    let text = js_sys::Reflect::get(&token, &"token".into())
        .ok()
        .and_then(|t| t.as_string());
    let text = text.ok_or_else(|| unauthorized("credential.getToken returned no token"))?;
    let expires = js_sys::Reflect::get(&token, &"expiresOnTimestamp".into())
        .ok()
        .and_then(|e| e.as_f64())
        .unwrap_or(0.0);
    Ok((text, expires))
}

/// Sends `req` to `endpoint`: adds repeatability headers when `repeatable` (once, so
/// every retry carries the same id), authenticates each attempt afresh (new `x-ms-date`),
/// retries per `policy`, honours `signal`.
///
/// # Errors
/// [`Failure::Aborted`] when `signal` fired; [`Error::Transport`] when no response
/// arrived within the retry budget; [`Error::Unauthorized`] when the token credential failed.
pub(crate) async fn execute(
    endpoint: &Endpoint,
    auth: &Auth,
    policy: &RetryPolicy,
    mut req: Request,
    repeatable: bool,
    signal: &JsValue,
) -> Result<Received, Failure> {
    if repeatable {
        Repeatability::from_random(random16(), now_unix()).apply(&mut req);
    }
    let url = req.url(endpoint);
    let mut attempt = 0;
    loop {
        if aborted(signal) {
            return Err(Failure::Aborted);
        }
        let mut signed = req.clone();
        auth.credential()
            .await?
            .apply(&mut signed, endpoint.authority(), now_unix());
        let delay = match send_once(&url, &signed, signal).await {
            Ok(r) => match policy.decide(
                r.status,
                RetryHints::from_headers(&r.headers),
                attempt,
                now_unix(),
            ) {
                Some(ms) => ms,
                None => return Ok(r),
            },
            Err(_) if aborted(signal) => return Err(Failure::Aborted),
            Err(e) => policy.decide_transport_failure(attempt).ok_or(e)?,
        };
        sleep(delay as f64, signal)
            .await
            .map_err(|_| Failure::Aborted)?;
        attempt += 1;
    }
}

/// One `fetch` of an already authenticated request.
///
/// # Errors
/// [`Error::Transport`] with the JS error message.
pub(crate) async fn send_once(
    url: &str,
    req: &Request,
    signal: &JsValue,
) -> Result<Received, Error> {
    let headers = js_sys::Object::new();
    for (k, v) in &req.headers {
        let _ = js_sys::Reflect::set(&headers, &k.into(), &v.into());
    }
    let out = send(url, req.method.as_str(), headers, req.body.clone(), signal)
        .await
        .map_err(|e| Error::Transport {
            reason: js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "fetch failed".into()),
        })?;
    let parts = js_sys::Array::from(&out);
    let status = parts.get(0).as_f64().unwrap_or(0.0) as u16;
    let flat = js_sys::Array::from(&parts.get(1));
    let headers = (0..flat.length() / 2)
        .map(|i| {
            (
                flat.get(2 * i).as_string().unwrap_or_default(),
                flat.get(2 * i + 1).as_string().unwrap_or_default(),
            )
        })
        .collect();
    let body = js_sys::Uint8Array::new(&parts.get(2)).to_vec();
    Ok(Received {
        status,
        headers,
        body,
    })
}
