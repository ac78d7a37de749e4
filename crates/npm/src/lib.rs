//! The npm face: `callsteer`, a drop-in for `@azure/communication-call-automation`.
//!
//! Split of work (issue 12): **the engine owns every wire rule; the JS is a shell.**
//!
//! * **Requests ([`requests`])**: the shell hands each method's name and arguments
//!   (`JSON.stringify([...arguments])`) to [`Engine::request`], which checks them with the
//!   core's input rules (`callsteer::validate`), writes the official body (field names,
//!   defaults and quirks of the official package, pinned by the oracle suite) and takes path
//!   and repeatability from the core's operation table.
//! * **Sending**: connection string and endpoint parsing, the access key (it never leaves wasm
//!   memory), HMAC-SHA256 signing, bearer headers, repeatability headers and UUIDs, the retry
//!   policy (statuses, backoff, the retry headers the core reads), the recording-URL
//!   allow-list with `Range` checks.
//! * **Answers ([`shapes`])**: result shapes, participant pages and which `nextLink` may be
//!   followed, service errors (the core's `CommunicationErrorResponse` decoding), events
//!   (`parseCallAutomationEvent(s)`: the plan per type from the core's tables), identifiers
//!   and raw ids, streaming frames, and which callback events settle which operation
//!   ([`settling_kinds`], for the JS event processor `crates/npm/js/processor.mjs`).
//! * **Flow-webhook signatures ([`webhook`])**: our own addition, the core's
//!   `Callsteer-Signature` verifier (and signer) for apps behind the edge worker.
//! * **The shell** (`crates/npm/js/*.mjs`): the official classes and signatures, `async`,
//!   `fetch` / `node:http`, `AbortSignal`, timers, token credentials and the JSON codec. A test
//!   (`tests/js_wrapper.rs`) fails if an event kind, a raw-id prefix, an identifier model
//!   kind, one of the wire names only the engine reads or writes, a property of the spec's
//!   models that is no name of the public API, or the api-version appears in it.
//!
//! JSON text crosses the boundary both ways; the engine reads it with the core's borrowing
//! reader ([`callsteer::json`]), so members it passes through are copied byte for byte, and
//! writes without `serde_json`. Why not `serde_json` and an async bridge in the wasm: that was
//! ≈ 55 kB of the 82 kB gzip the package weighed when everything first ran in Rust
//! (BENCHMARKS.md, "Size", says what each step cost since).
//!
//! Every export is synchronous; the shell calls [`Engine::request`] once per call,
//! [`Engine::sign`] once per attempt, [`Engine::delay`] only for a failed attempt. Requests leave through
//! `crates/npm/js/transport.mjs`: the global `fetch`, or `node:http` keep-alive in Node.
//!
//! Other size decisions, each measured (BENCHMARKS.md): the release build uses build-std with
//! `panic=immediate-abort` (scripts/build-pkg); nothing on this path formats through
//! `core::fmt` (`callsteer::text`) or uses the `base64` crate (`auth::base64`); the global
//! allocator is lol_alloc's free list instead of dlmalloc (−2.1 kB gzip; its reuse of freed
//! memory is checked by `memory_stays_bounded_under_many_requests` in `crates/npm/tests/wasm_*.rs`).

mod error;
pub mod requests;
pub mod shapes;
pub mod webhook;

use callsteer::api::routes::OperationId;
use callsteer::api::ListParticipants;
use callsteer::auth::{AccessKey, BearerToken, ConnectionString, Credential};
use callsteer::events::Outcome;
use callsteer::http::{Endpoint, Method, Request};
use callsteer::retry::{RetryHints, RetryPolicy};
use error::throw;
use wasm_bindgen::prelude::*;

// SAFETY: wasm32 without threads (no `atomics` target feature): one thread ever runs this code.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[wasm_bindgen(inline_js = "export function random(buf) { crypto.getRandomValues(buf); }")]
extern "C" {
    fn random(buf: &mut [u8]);
}

/// A random version-4 UUID (`crypto.getRandomValues`), for generated `operationContext`s
/// (the engine's own: not exported to the shell).
pub fn uuid() -> String {
    let mut bytes = [0u8; 16];
    random(&mut bytes);
    callsteer::http::uuid_v4_from_bytes(bytes)
}

/// The callback event kinds that settle the operation named by its spec `operationId`
/// (`"CallMedia_Play"`), straight from the core's operation table
/// ([`OperationId::kinds`]): four `;`-separated fields, Succeeded;Failed;Canceled;Progress,
/// each a `,`-separated list of event `kind`s (empty when the operation has none:
/// `"CallMedia_Hold"` → `";HoldFailed;;"`). The event processor (`processor.mjs`) matches
/// operation results to events with it, so no JS table of which event settles what exists.
/// A compact string, not JSON: the wasm links no JSON writer for it.
///
/// # Errors
/// Throws an `InvalidInputError` naming `operationId` for an id the table does not know.
#[wasm_bindgen(js_name = settlingKinds)]
pub fn settling_kinds(operation_id: &str) -> Result<String, JsValue> {
    let op = OperationId::from_id(operation_id).ok_or_else(|| {
        throw(callsteer::Error::invalid(
            "operationId",
            "not an operation of the Call Automation spec",
        ))
    })?;
    let mut out = String::with_capacity(96);
    for (i, outcome) in [
        Outcome::Succeeded,
        Outcome::Failed,
        Outcome::Canceled,
        Outcome::Progress,
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push(';');
        }
        for (j, kind) in op.kinds(outcome).iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(kind);
        }
    }
    Ok(out)
}

/// The plan for an event of CloudEvent `type` ([`shapes::event_plan`]): `""` for a type that
/// is no Call Automation event, else `kind;member;form`.
#[wasm_bindgen(js_name = eventPlan)]
pub fn event_plan(event_type: &str) -> String {
    shapes::event_plan(event_type)
}

/// An event's identifier member converted ([`shapes::convert_member`]); `undefined`: leave it.
///
/// # Errors
/// A `SyntaxError` for text that is not JSON.
#[wasm_bindgen(js_name = convertMember)]
pub fn convert_member(form: u8, value: &str) -> Result<Option<String>, JsValue> {
    shapes::convert_member(form, value).map_err(|e| error::syntax(&e))
}

/// `createIdentifierFromRawId`: the identifier (with `kind`) a raw id names, as JSON text.
#[wasm_bindgen(js_name = identifierFromRawId)]
pub fn identifier_from_raw_id(raw_id: &str) -> String {
    let mut out = String::with_capacity(raw_id.len() + 48);
    shapes::write_from_raw_id(&mut out, raw_id);
    out
}

/// A wire identifier model (JSON text) as the package's identifier (JSON text).
///
/// # Errors
/// A `SyntaxError` for text that is not JSON.
#[wasm_bindgen(js_name = identifierFromModel)]
pub fn identifier_from_model(model: &str) -> Result<String, JsValue> {
    let node = callsteer::json::parse(model, "identifier").map_err(|e| error::syntax(&e))?;
    let mut out = String::with_capacity(model.len() + 16);
    shapes::write_from_model(&mut out, &node);
    Ok(out)
}

/// The `kind` of the event that ends a call for the event processor (its handlers and
/// pending waits of that call are dropped): the core's `CallDisconnected`.
#[wasm_bindgen(js_name = callEndedKind)]
pub fn call_ended_kind() -> String {
    callsteer::events::CallAutomationEvent::CallDisconnected(Default::default())
        .kind_name()
        .to_owned()
}

/// Response headers as the shell passes them: `name\nvalue\n` for each (HTTP forbids a line
/// break in either), so the engine, not the shell, knows which headers matter.
pub fn header_pairs(flat: &str) -> Vec<(String, String)> {
    let mut parts = flat.split('\n');
    let mut pairs = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        pairs.push((name.to_owned(), value.to_owned()));
    }
    pairs
}

/// The package's error for a failed response (`status`, [`header_pairs`]' `headers`, the
/// body text), as JSON text: `{code, message, statusCode, subCode?, requestId?, target?,
/// details?}` from the core's `CommunicationErrorResponse` decoding
/// ([`callsteer::api::response::service_error`]); `message` is the core's description.
#[wasm_bindgen(js_name = serviceError)]
pub fn service_error(status: u16, headers: &str, body: &str) -> String {
    use callsteer::json::{write_key, write_str};
    let pairs = header_pairs(headers);
    let response = callsteer::http::Response {
        status,
        headers: &pairs,
        body: body.as_bytes(),
    };
    let err = callsteer::api::response::service_error(&response);
    let mut out = String::with_capacity(body.len() + 96);
    out.push('{');
    write_key(&mut out, "code");
    write_str(&mut out, err.code());
    if let callsteer::Error::Service(e) = &err {
        out.push(',');
        write_key(&mut out, "message");
        write_str(&mut out, &e.describe());
        out.push(',');
        write_key(&mut out, "statusCode");
        callsteer::text::push_decimal(&mut out, e.status.into(), 1);
        if let Some(sub) = e.sub_code {
            out.push(',');
            write_key(&mut out, "subCode");
            if sub < 0 {
                out.push('-');
            }
            callsteer::text::push_decimal(&mut out, sub.unsigned_abs(), 1);
        }
        for (key, value) in [("requestId", &e.request_id), ("target", &e.target)] {
            if let Some(v) = value {
                out.push(',');
                write_key(&mut out, key);
                write_str(&mut out, v);
            }
        }
        if !e.details.is_empty() {
            out.push(',');
            write_key(&mut out, "details");
            out.push('[');
            for (i, d) in e.details.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('{');
                write_key(&mut out, "code");
                write_str(&mut out, &d.code);
                out.push(',');
                write_key(&mut out, "message");
                write_str(&mut out, &d.message);
                out.push('}');
            }
            out.push(']');
        }
    }
    out.push('}');
    out
}

/// A response body (JSON text) as the package's result (JSON text): `shape` 0 call connection
/// properties, 1 add-participant result, 2 participant, 3 recording state, 4 move-participants
/// result ([`shapes::response`]).
///
/// # Errors
/// A `DecodeError` for a body that is not JSON.
#[wasm_bindgen]
pub fn response(shape: u8, body: &str) -> Result<String, JsValue> {
    let shape = match shape {
        0 => shapes::ResponseShape::Properties,
        1 => shapes::ResponseShape::AddParticipant,
        2 => shapes::ResponseShape::Participant,
        3 => shapes::ResponseShape::Recording,
        _ => shapes::ResponseShape::Move,
    };
    shapes::response(shape, body).map_err(throw)
}

/// One media streaming or transcription WebSocket message as `{"kind":…,"result":…}`
/// ([`shapes::streaming_frame`]).
///
/// # Errors
/// A `DecodeError` for a message that is not JSON.
#[wasm_bindgen(js_name = streamingFrame)]
pub fn streaming_frame(message: &str) -> Result<String, JsValue> {
    shapes::streaming_frame(message).map_err(throw)
}

/// `createOutboundAudioData(data)` / `createOutboundStopAudioData()` (`data` undefined): the
/// outbound streaming message ([`shapes::outbound_audio`]).
#[wasm_bindgen(js_name = outboundAudio)]
pub fn outbound_audio(data: Option<String>) -> String {
    shapes::outbound_audio(data.as_deref())
}

/// Appends `req`'s headers as name, value, … (the host is the transport's to set).
fn pairs(req: &Request, out: &mut Vec<String>) {
    for (name, value) in &req.headers {
        if !name.eq_ignore_ascii_case("host") {
            out.push(name.clone());
            out.push(value.clone());
        }
    }
}

/// The engine behind `CallAutomationClient` (use the wrapper, not this class).
#[wasm_bindgen]
pub struct Engine {
    endpoint: Endpoint,
    /// The access key; `None` for a token credential (the wrapper passes the token to
    /// [`Engine::sign`]).
    key: Option<Credential>,
    policy: RetryPolicy,
    /// The client's `sourceIdentity` and UUIDs, for the requests it builds.
    client: requests::Client,
    /// The api-version every request is sent with (`options.apiVersion`).
    api_version: String,
}

impl core::fmt::Debug for Engine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Engine")
            .field("endpoint", &self.endpoint)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

pub(crate) fn secs(ms: f64) -> u64 {
    // `as` saturates: NaN and negatives become 0, which `Date.now()` never gives.
    (ms / 1000.0) as u64
}

fn method(name: &str) -> Method {
    match name {
        "POST" => Method::Post,
        "DELETE" => Method::Delete,
        _ => Method::Get,
    }
}

#[wasm_bindgen]
impl Engine {
    /// `new Engine(connectionString)`, `new Engine(endpoint, key)` (a `KeyCredential`'s
    /// base64 key) or `new Engine(endpoint, undefined, true)` (a `TokenCredential`).
    ///
    /// # Errors
    /// Throws an `InvalidInputError` naming `connectionString`'s part, `endpoint` or
    /// `credential.key`; the message never contains the key.
    #[wasm_bindgen(constructor)]
    pub fn new(endpoint_or_cs: &str, key: Option<String>, token: bool) -> Result<Engine, JsValue> {
        let (endpoint, key) = match (key, token) {
            (_, true) => (Endpoint::parse(endpoint_or_cs).map_err(throw)?, None),
            (Some(k), false) => (
                Endpoint::parse(endpoint_or_cs).map_err(throw)?,
                Some(Credential::Key(AccessKey::from_base64(&k).map_err(throw)?)),
            ),
            (None, false) => {
                let cs: ConnectionString = endpoint_or_cs.parse().map_err(throw)?;
                (
                    cs.endpoint().clone(),
                    Some(Credential::Key(cs.access_key().clone())),
                )
            }
        };
        Ok(Engine {
            endpoint,
            key,
            policy: RetryPolicy::default(),
            client: requests::Client { source: None, uuid },
            api_version: callsteer::DEFAULT_API_VERSION.to_owned(),
        })
    }

    /// Sets the retry bounds (`retryOptions` of the official client); absent values keep
    /// the defaults (3 retries, 800 ms base, 64 s ceiling).
    pub fn retry(&mut self, max_retries: Option<f64>, base_ms: Option<f64>, max_ms: Option<f64>) {
        if let Some(n) = max_retries.filter(|n| *n >= 0.0) {
            self.policy.max_retries = n as u32;
        }
        if let Some(ms) = base_ms.filter(|n| *n >= 0.0) {
            self.policy.base_delay_ms = ms as u64;
        }
        if let Some(ms) = max_ms.filter(|n| *n >= 0.0) {
            self.policy.max_delay_ms = ms as u64;
        }
    }

    /// Sets the client's options that shape its requests: `apiVersion` (absent: the core's
    /// default) and the `sourceIdentity`'s ACS user id (sent as `source` / `answeredBy`).
    pub fn configure(&mut self, api_version: Option<String>, source_id: Option<String>) {
        if let Some(v) = api_version {
            self.api_version = v;
        }
        self.client.source = source_id.filter(|id| !id.is_empty());
    }

    /// The request of the package's method `method` called with `args` (JSON text of the
    /// arguments array, the connection or recording id first for `CallConnection`,
    /// `CallMedia` and `CallRecording` methods): `[method, pathAndQuery, repeatable,
    /// waitOperationId|null, operationContext|null, body|null]` ([`requests`]).
    ///
    /// # Errors
    /// An `InvalidInputError` naming the first bad argument (the core's input rules
    /// included); nothing is sent then.
    pub fn request(&self, method: &str, args: &str) -> Result<String, JsValue> {
        self.client
            .request(method, args)
            .map(|built| built.to_json(&self.api_version))
            .map_err(throw)
    }

    /// Authenticates one attempt of `method path_and_query` with `body` at `now_ms`:
    /// `[url, name, value, name, value, …]`, every header the attempt carries (the
    /// credential's — `x-ms-date`, `x-ms-content-sha256` for an access key, `authorization` —
    /// and `accept`, plus `content-type` with a body), so the shell names none.
    /// `path_and_query` is already encoded and relative to the endpoint, whose base path
    /// is added — except for a `recording` request, which goes to a recording URL and is
    /// signed for its bare path (as the official package does). `token` is the bearer
    /// token of a token credential.
    pub fn sign(
        &self,
        method_name: &str,
        path_and_query: &str,
        body: &str,
        now_ms: f64,
        token: Option<String>,
        recording: bool,
    ) -> Vec<String> {
        let mut req = Request::new(method(method_name), path_and_query);
        req.body = Some(body.to_owned());
        let bearer;
        let credential = match &self.key {
            Some(key) => key,
            None => {
                bearer = Credential::Bearer(BearerToken(token.unwrap_or_default()));
                &bearer
            }
        };
        if recording {
            credential.apply(&mut req, self.endpoint.authority(), secs(now_ms));
        } else {
            credential.apply_for_endpoint(&mut req, &self.endpoint, secs(now_ms));
        }
        req.set_header("accept", "application/json");
        if !body.is_empty() {
            req.set_header("content-type", "application/json");
        }
        let mut out = Vec::with_capacity(1 + 2 * req.headers.len());
        out.push(req.url(&self.endpoint));
        pairs(&req, &mut out);
        out
    }

    /// A participants page (its body) as `{"values":[…],"next":"…"}`: the entries converted,
    /// and the path of the next page when there is one, by the core's rule
    /// ([`ListParticipants::next_page_path`]: only on this endpoint's scheme, host, port and base
    /// path, a signed request never follows a link elsewhere; `api-version` added when absent).
    ///
    /// # Errors
    /// A `DecodeError` for a body that is not JSON, an `InvalidInputError` naming
    /// `nextLink` for a link elsewhere.
    pub fn page(&self, body: &str) -> Result<String, JsValue> {
        shapes::participants_page(body, |link| {
            ListParticipants::next_page_path(&self.endpoint, link, &self.api_version)
        })
        .map_err(throw)
    }

    /// A fresh repeatability pair as `[name, value, name, value]` (`Repeatability-Request-ID`:
    /// a random v4 UUID from `crypto.getRandomValues`; `Repeatability-First-Sent`: the
    /// IMF-fixdate of `now_ms`), the core's `http::Repeatability`; the shell sends the same
    /// pair on every retry of the request.
    pub fn repeatability(&self, now_ms: f64) -> Vec<String> {
        let mut bytes = [0u8; 16];
        random(&mut bytes);
        let mut req = Request::new(Method::Post, "/");
        callsteer::http::Repeatability::from_random(bytes, secs(now_ms)).apply(&mut req);
        let mut out = Vec::with_capacity(4);
        pairs(&req, &mut out);
        out
    }

    /// After attempt number `made` (1-based, the core's convention) ended with `status` (0: no
    /// response at all) and the response `headers` ([`header_pairs`]' form), the milliseconds
    /// to wait before sending again, or -1 to stop (success, non-retriable status, budget
    /// spent, or a server asking for more than the ceiling). The core's send machine decides
    /// ([`callsteer::send::decide`]), reading the retry headers it knows
    /// ([`RetryHints::from_headers`]).
    pub fn delay(&self, made: u32, status: u16, headers: &str, now_ms: f64) -> f64 {
        let pairs = header_pairs(headers);
        let reply = (status != 0).then(|| (status, RetryHints::from_headers(&pairs)));
        match callsteer::send::decide(&self.policy, made, reply, secs(now_ms)) {
            callsteer::send::Next::Retry { after_ms } => after_ms as f64,
            callsteer::send::Next::Finish => -1.0,
        }
    }

    /// Checks a recording download (`delete` false) or delete URL and the requested range:
    /// `[path to sign, name, value, …]` with the headers the request carries besides the
    /// signature's (`x-ms-host`, the endpoint's host that the signature covers, and `Range`
    /// for a part).
    ///
    /// # Errors
    /// Throws an `InvalidInputError` for a URL that is not an https URL on a recording host
    /// (loopback allowed for emulators), or a bad `offset`/`length`.
    pub fn recording(
        &self,
        delete: bool,
        url: &str,
        offset: Option<f64>,
        length: Option<f64>,
    ) -> Result<Vec<String>, JsValue> {
        let field = if delete {
            "deleteLocationUrl"
        } else {
            "sourceLocationUrl"
        };
        let path = callsteer::http::recording::recording_url(url, field).map_err(throw)?;
        let range = if delete {
            None
        } else {
            callsteer::http::recording::range(offset, length).map_err(throw)?
        };
        let mut out = vec![
            path.to_owned(),
            "x-ms-host".to_owned(),
            self.endpoint.authority().to_owned(),
        ];
        if let Some(r) = range {
            out.push("range".to_owned());
            out.push(r);
        }
        Ok(out)
    }
}
