//! Sending the core's operations from Rust compiled to wasm (`fetch` feature): Rust
//! front-ends (Leptos, Yew, Dioxus, …) and Rust code in Workers or Node that use the core
//! directly instead of the npm package.
//!
//! ```ignore
//! use callsteer::api::{AnswerCall, GetCall};
//! use callsteer::fetch::Client;
//! let client = Client::from_connection_string(&connection_string)?;
//! let answer = AnswerCall::new(context, "https://app.example/events")
//!     .repeatability(client.repeatability());
//! let props = client.send(&answer).await?;
//! let now = client.send(&GetCall::new(&props.call_connection_id)).await?;
//! ```
//!
//! Requests go through the host's global `fetch` (gloo-net), so the same code runs in
//! browsers, Web Workers, Cloudflare Workers and Node ≥ 20. The attempts are the core's send
//! loop ([`crate::send`]): every attempt is signed afresh; retries follow [`RetryPolicy`]
//! (408/429/500/502/503/504 and network failures, honouring `Retry-After`, `retry-after-ms`
//! and `x-ms-retry-after-ms`) and resend the operation's repeatability headers unchanged. The clock is
//! `Date.now()`, randomness `crypto.getRandomValues` — the only host functions this face
//! adds to the core.
//!
//! Decision: the npm package does not use this module. Its JS wrapper calls `fetch` itself,
//! which keeps gloo-net, web-sys and an async executor out of the wasm a browser loads
//! (BENCHMARKS.md, npm size); Rust callers already link them.

use crate::api::Operation;
use crate::auth::{AccessKey, BearerToken, ConnectionString, Credential};
use crate::http::{Endpoint, Method, Repeatability, Request, Response};
use crate::retry::RetryPolicy;
use crate::send::Reply;
use crate::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "
export function fill_random(buf) { crypto.getRandomValues(buf); }
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
")]
extern "C" {
    fn fill_random(buf: &mut [u8]);
    fn sleep(ms: f64) -> js_sys::Promise;
}

/// Sends operations to one Call Automation endpoint.
#[derive(Debug, Clone)]
pub struct Client {
    endpoint: Endpoint,
    credential: Credential,
    api_version: String,
    policy: RetryPolicy,
}

fn now_unix() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

impl Client {
    /// A client for `endpoint` authenticating with `credential`, at
    /// [`crate::DEFAULT_API_VERSION`] with the default [`RetryPolicy`].
    pub fn new(endpoint: Endpoint, credential: Credential) -> Self {
        Client {
            endpoint,
            credential,
            api_version: crate::DEFAULT_API_VERSION.to_owned(),
            policy: RetryPolicy::default(),
        }
    }

    /// A client from `endpoint=…;accesskey=…`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] as [`ConnectionString`] parsing (never quoting the key).
    pub fn from_connection_string(connection_string: &str) -> Result<Self, Error> {
        let cs: ConnectionString = connection_string.parse()?;
        Ok(Self::new(
            cs.endpoint().clone(),
            Credential::Key(cs.access_key().clone()),
        ))
    }

    /// A client for `endpoint` with a base64 access key.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed endpoint or key.
    pub fn with_key(endpoint: &str, key: &str) -> Result<Self, Error> {
        Ok(Self::new(
            Endpoint::parse(endpoint)?,
            Credential::Key(AccessKey::from_base64(key)?),
        ))
    }

    /// A client for `endpoint` with an Entra ID bearer token (scope
    /// `https://communication.azure.com//.default`); replace it with [`Client::set_token`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed endpoint or a token that cannot go in a header.
    pub fn with_token(endpoint: &str, token: &str) -> Result<Self, Error> {
        Ok(Self::new(
            Endpoint::parse(endpoint)?,
            Credential::Bearer(BearerToken::new(token)?),
        ))
    }

    /// Replaces the bearer token (e.g. before it expires).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a token that cannot go in a header.
    pub fn set_token(&mut self, token: &str) -> Result<(), Error> {
        self.credential = Credential::Bearer(BearerToken::new(token)?);
        Ok(())
    }

    /// Uses `api_version` instead of the default.
    #[must_use]
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }

    /// Uses `policy` for retries.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// A fresh repeatability pair (random id, first-sent now) for an operation's
    /// `repeatability(…)` setter.
    pub fn repeatability(&self) -> Repeatability {
        let mut bytes = [0u8; 16];
        fill_random(&mut bytes);
        Repeatability::from_random(bytes, now_unix())
    }

    /// Validates, signs and sends `op`, retrying per the policy, and decodes the answer.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] before anything is sent; [`Error::Service`] for an error
    /// status (after retries); [`Error::Transport`] when no response arrived within the
    /// retry budget; [`Error::Decode`] for a body that does not match the operation.
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Output, Error> {
        let request = op.to_request(&self.api_version)?;
        let (status, headers, body) = self.execute(&request).await?;
        op.decode(&Response {
            status,
            headers: &headers,
            body: &body,
        })
    }

    /// Sends an already built request (signing each attempt, retrying per the policy through
    /// the core's [`crate::send`] loop): `(status, headers, body)`.
    ///
    /// # Errors
    /// [`Error::Transport`] when no response arrived within the retry budget.
    pub async fn execute(
        &self,
        request: &Request,
    ) -> Result<(u16, Vec<(String, String)>, Vec<u8>), Error> {
        let reply = crate::send::send(
            &GlooTransport,
            request.clone(),
            self.policy,
            &self.credential,
            &self.endpoint,
        )
        .await?;
        Ok((reply.status, reply.headers, reply.body))
    }
}

/// The host's `fetch` (through gloo-net), `setTimeout` and `Date.now()`.
struct GlooTransport;

impl crate::send::Transport for GlooTransport {
    async fn exchange(&self, request: &Request, endpoint: &Endpoint) -> Result<Reply, String> {
        // gloo-net re-assembles the query itself (and appends a stray `&` to a URL that
        // already has one), so the URL goes without it and the pairs go through `query`,
        // serialized as URLSearchParams does — the form-encoding the signature covers.
        let full = request.url(endpoint);
        let url = if request.query.is_empty() {
            full.as_str()
        } else {
            full.split_once('?').map_or(full.as_str(), |(base, _)| base)
        };
        send_once(url, request).await.map_err(|e| e.to_string())
    }

    async fn sleep(&self, ms: u64) {
        // `sleep` resolves, never rejects.
        let _ = JsFuture::from(sleep(ms as f64)).await;
    }

    fn now_unix(&self) -> u64 {
        now_unix()
    }
}

async fn send_once(url: &str, req: &Request) -> Result<Reply, gloo_net::Error> {
    let method = match req.method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
        Method::Delete => gloo_net::http::Method::DELETE,
    };
    let headers = gloo_net::http::Headers::new();
    for (name, value) in &req.headers {
        headers.set(name, value);
    }
    let builder = gloo_net::http::RequestBuilder::new(url)
        .method(method)
        .headers(headers)
        .query(req.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let built = match &req.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }?;
    let response = built.send().await?;
    let headers = response.headers().entries().collect();
    let body = response.binary().await?;
    Ok(Reply {
        status: response.status(),
        headers,
        body,
    })
}
