//! The npm face: `callsteer`, a drop-in for `@azure/communication-call-automation`.
//!
//! The wasm module exports one class, [`Client`], with one generic entry point
//! ([`Client::call`]: method name + JSON arguments → Promise of a JSON result). The
//! package's small ESM wrapper (`src/js/pkg/client.mjs`) gives it the official shape —
//! `CallAutomationClient`, `CallConnection`, `CallMedia`, `CallRecording` with the
//! official method names and argument orders — and handles what JS does best
//! (overloaded constructors, `ReadableStream` downloads, event parsing on top of the
//! engine's `JSON.parse`). Everything else — argument checking, request building,
//! signing, retries, error decoding — happens here.
//!
//! Decision: requests are built by [`ops`] straight from the official package's JS shapes
//! rather than through the core's typed `api::Operation` structs. The contract of this face
//! is byte-compatibility with `@azure/communication-call-automation` (the oracle tests compare
//! every body), including its quirks — identifiers in `play`/`hold` carry no `kind`, empty
//! `customCallingContext` maps are always sent, recognize defaults, no client-side E.164 or
//! callback-URL validation — which the core's stricter, spec-first builders rightly do not
//! reproduce. The face shares the core's endpoint parsing, signing, repeatability headers,
//! retry policy and service-error decoding.
//!
//! Where things live: the JS wrapper (`src/js/pkg/client.mjs`) only reshapes arguments into
//! the JSON array `call` takes and turns results into the official classes; everything with
//! logic worth testing in Rust — argument checks, request bodies, signing, repeatability,
//! retries, error decoding — stays here. No mapping was moved to JS for size: the bytes were
//! in how the Rust code used `serde_json`, not in what it computes.
//!
//! Size rules for this face (each one measured, BENCHMARKS.md "npm package … Size"):
//! * JSON is only ever parsed into a `Value` (`from_slice`), never into a typed `Deserialize`:
//!   a single typed deserialization links serde's type-error messages and with them the
//!   `f64` formatting machinery (≈ 13 kB gzip together with the second `from_str` reader).
//! * Objects are built with `shapes::object`/`shapes::set`/`shapes::put`, not `json!`
//!   (which re-serializes each value through `to_value`) and not `collect()` into a `Map`
//!   (which sorts); results copy objects without keys instead of calling `Map::remove`
//!   (B-tree rebalancing code). `Value`s become text with `serde_json::to_string`, not
//!   `Display`, and no `{:?}` is used (it formats nothing under `-Zfmt-debug=none` anyway).

mod download;
mod error;
pub(crate) mod ops;
mod ops_call;
mod ops_media;
mod recognize;
mod results;
pub(crate) mod shapes;
mod teams;
mod transport;

use crate::auth::{AccessKey, ConnectionString};
use crate::http::{Endpoint, Method, Request, Response};
use crate::retry::RetryPolicy;
use crate::Error;
use error::Failure;
use ops::{Ctx, Decode, Plan};
use serde_json::Value;
use std::rc::Rc;
use transport::{Auth, Received};
use wasm_bindgen::prelude::*;

struct Inner {
    endpoint: Endpoint,
    auth: Auth,
    ctx: Ctx,
    policy: RetryPolicy,
}

/// The engine behind `CallAutomationClient` (use the wrapper, not this class).
#[wasm_bindgen]
pub struct Client {
    inner: Rc<Inner>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.to_string())
            .finish_non_exhaustive()
    }
}

fn js_err(e: Error) -> JsValue {
    error::to_js(&Failure::Core(e))
}

fn client_options(json: Option<String>) -> Result<(String, Option<Value>, RetryPolicy), Error> {
    let v: Value = match json {
        Some(j) => serde_json::from_slice(j.as_bytes())
            .map_err(|e| Error::invalid("options", e.to_string()))?,
        None => Value::Null,
    };
    let api = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or(crate::DEFAULT_API_VERSION)
        .to_owned();
    let source = v
        .get("sourceIdentity")
        .and_then(|s| s.get("communicationUserId"))
        .and_then(Value::as_str);
    let source = source
        .filter(|s| !s.is_empty())
        .map(|id| shapes::object([("id", shapes::s(id))]));
    let mut policy = RetryPolicy::default();
    // `get` chains, not `Value::pointer` (its JSON-pointer unescaping is extra wasm).
    let retry = v.get("retryOptions");
    if let Some(n) = retry
        .and_then(|r| r.get("maxRetries"))
        .and_then(Value::as_u64)
    {
        policy.max_retries = u32::try_from(n).unwrap_or(u32::MAX);
    }
    if let Some(ms) = retry
        .and_then(|r| r.get("retryDelayInMs"))
        .and_then(Value::as_u64)
    {
        policy.base_delay_ms = ms;
    }
    if let Some(ms) = retry
        .and_then(|r| r.get("maxRetryDelayInMs"))
        .and_then(Value::as_u64)
    {
        policy.max_delay_ms = ms;
    }
    Ok((api, source, policy))
}

fn auth_of(endpoint_or_cs: &str, credential: JsValue) -> Result<(Endpoint, Auth), Error> {
    if credential.is_undefined() || credential.is_null() {
        let cs: ConnectionString = endpoint_or_cs.parse()?;
        return Ok((cs.endpoint().clone(), Auth::Key(cs.access_key().clone())));
    }
    let endpoint = Endpoint::parse(endpoint_or_cs)?;
    let key = js_sys::Reflect::get(&credential, &"key".into())
        .ok()
        .and_then(|k| k.as_string());
    if let Some(key) = key {
        return Ok((endpoint, Auth::Key(AccessKey::from_base64(&key)?)));
    }
    let get_token =
        js_sys::Reflect::get(&credential, &"getToken".into()).unwrap_or(JsValue::UNDEFINED);
    if get_token.is_function() {
        return Ok((
            endpoint,
            Auth::Token {
                credential,
                cached: Default::default(),
            },
        ));
    }
    Err(Error::invalid(
        "credential",
        "must be a KeyCredential ({key}) or a TokenCredential ({getToken})",
    ))
}

#[wasm_bindgen]
impl Client {
    /// `new Client(connectionString, undefined, optionsJson)` or
    /// `new Client(endpoint, credential, optionsJson)`.
    ///
    /// # Errors
    /// Throws an `InvalidInputError` for a malformed connection string, endpoint or credential.
    #[wasm_bindgen(constructor)]
    pub fn new(
        endpoint_or_cs: &str,
        credential: JsValue,
        options_json: Option<String>,
    ) -> Result<Client, JsValue> {
        let (endpoint, auth) = auth_of(endpoint_or_cs, credential).map_err(js_err)?;
        let (api_version, source_identity, policy) =
            client_options(options_json).map_err(js_err)?;
        let ctx = Ctx {
            api_version,
            source_identity,
        };
        Ok(Client {
            inner: Rc::new(Inner {
                endpoint,
                auth,
                ctx,
                policy,
            }),
        })
    }

    /// The endpoint as a URL string (`https://host/`).
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint.to_string()
    }

    /// Runs method `op` with the JSON array `args_json`; resolves to the JSON text of the
    /// result (or `undefined`), rejects with an `Error` (see `error.rs`).
    pub fn call(&self, op: String, args_json: String, signal: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            match run(&inner, &op, &args_json, &signal).await {
                // `serde_json::to_string`, not `Value`'s `Display`: that one goes through
                // `core::fmt` and an io adapter, both extra code in the wasm. Serializing a
                // `Value` cannot fail (its keys are strings).
                Ok(Some(v)) => Ok(JsValue::from(serde_json::to_string(&v).unwrap_or_default())),
                Ok(None) => Ok(JsValue::UNDEFINED),
                Err(f) => Err(error::to_js(&f)),
            }
        })
    }

    /// Signs a recording download (`GET`) or delete (`DELETE`) of `url`; resolves to
    /// `{url, method, headers}` for `fetch`, rejects with an `InvalidInputError` for a URL
    /// outside the allowed recording hosts or a bad range.
    pub fn recording_request(
        &self,
        method: String,
        url: String,
        offset: JsValue,
        length: JsValue,
    ) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            download::signed(
                &inner.endpoint,
                &inner.auth,
                &method,
                &url,
                offset.as_f64(),
                length.as_f64(),
            )
            .await
            .map_err(js_err)
        })
    }
}

async fn run(
    inner: &Inner,
    op: &str,
    args_json: &str,
    signal: &JsValue,
) -> Result<Option<Value>, Failure> {
    // Parsed as a `Value`, never a typed `Vec`: any typed deserialization links serde's
    // type-error formatting (incl. f64 `Display`) into the wasm.
    let args = match serde_json::from_slice(args_json.as_bytes()) {
        Ok(Value::Array(args)) => args,
        Ok(_) => return Err(Error::invalid("arguments", "must be a JSON array").into()),
        Err(e) => return Err(Error::invalid("arguments", e.to_string()).into()),
    };
    let mut uuid = transport::uuid;
    let Plan {
        request,
        repeatable,
        decode,
    } = ops::plan(op, &args, &inner.ctx, &mut uuid)?;
    let received = send(inner, request, repeatable, signal).await?;
    if decode == Decode::Participants {
        return list_all(inner, received, signal).await.map(Some);
    }
    Ok(results::decode(&decode, &received.body)?)
}

async fn send(
    inner: &Inner,
    req: Request,
    repeatable: bool,
    signal: &JsValue,
) -> Result<Received, Failure> {
    let r = transport::execute(
        &inner.endpoint,
        &inner.auth,
        &inner.policy,
        req,
        repeatable,
        signal,
    )
    .await?;
    let view = Response {
        status: r.status,
        headers: &r.headers,
        body: &r.body,
    };
    if view.is_success() {
        Ok(r)
    } else {
        Err(crate::api::response::service_error(&view).into())
    }
}

// Follows `nextLink` pages, as the official `listParticipants` does, collecting every participant.
async fn list_all(inner: &Inner, first: Received, signal: &JsValue) -> Result<Value, Failure> {
    let mut values = Vec::new();
    let mut page: Value = serde_json::from_slice(&first.body)
        .map_err(|e| Error::decode("participants", e.to_string()))?;
    loop {
        if let Value::Array(list) = results::participants(page.get("value")) {
            values.extend(list);
        }
        let Some(next) = page
            .get("nextLink")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            break;
        };
        let path = same_origin_path(&inner.endpoint, next)?;
        let r = send(
            inner,
            Request::new(Method::Get, path).header("accept", "application/json"),
            false,
            signal,
        )
        .await?;
        page = serde_json::from_slice(&r.body)
            .map_err(|e| Error::decode("participants", e.to_string()))?;
    }
    Ok(shapes::object([("values", Value::Array(values))]))
}

// A nextLink is followed only on the client's own endpoint: the signature must never be sent elsewhere.
fn same_origin_path(endpoint: &Endpoint, next: &str) -> Result<String, Error> {
    if next.starts_with('/') {
        return Ok(next.to_owned());
    }
    let origin = format!("{}://{}", endpoint.scheme(), endpoint.authority());
    match next.strip_prefix(&origin) {
        Some(rest) if rest.starts_with('/') => Ok(rest.to_owned()),
        _ => Err(Error::decode(
            "nextLink",
            "points outside the client's endpoint",
        )),
    }
}
