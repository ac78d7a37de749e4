//! Shared harness for the emulator scenario tests: an in-process emulator, a callback
//! receiver on 127.0.0.1 that verifies every callback's JWT against the emulator's
//! JWKS, and a client that sends the core's operations signed with `auth::sign`.
#![allow(unreachable_pub)] // test support: `pub` for the test crates that include it
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Bytes;
use axum::http::HeaderMap;
use callsteer::api::Operation;
use callsteer::auth::{sign, AccessKey, Credential};
use callsteer::http::{Endpoint, Method};
use callsteer::retry::RetryPolicy;
use callsteer::send::{Reply, Transport};
use callsteer_emulator::{serve, Config, Running};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

pub const KEY: &str = "ZW11bGF0b3Itc2VjcmV0LWtleS1mb3ItdGVzdHM=";
pub const RESOURCE: &str = "6d889502-3d7a-41a8-befa-d21fd80e8767";
const WAIT: Duration = Duration::from_secs(15);

/// One callback as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub event: Value,
    /// The bearer token verified (signature, iss, aud, 5-minute lifetime).
    pub token_ok: Result<(), String>,
}

pub struct Harness {
    pub emu: Option<Running>,
    pub base: String,
    pub endpoint: Endpoint,
    pub key: AccessKey,
    /// `http://127.0.0.1:PORT` of the callback receiver.
    pub callback: String,
    rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<Received>>,
    pending: Mutex<Vec<Received>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl Harness {
    /// An emulator as the binary starts by default (no CORS, like the service).
    pub async fn start() -> Harness {
        Harness::start_with(false).await
    }

    /// An emulator started with `--cors`.
    pub async fn start_cors() -> Harness {
        Harness::start_with(true).await
    }

    async fn start_with(cors: bool) -> Harness {
        let key = AccessKey::from_base64(KEY).unwrap();
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            access_key: key.clone(),
            resource_id: RESOURCE.into(),
            cors,
        };
        let emu = serve(config).await.unwrap();
        let base = emu.base_url.clone();
        let client = Client::builder(TokioExecutor::new()).build_http();
        let mut h = Harness {
            endpoint: Endpoint::parse(&base).unwrap(),
            base: base.clone(),
            emu: Some(emu),
            key,
            callback: String::new(),
            rx: tokio::sync::Mutex::new(mpsc::unbounded_channel().1),
            pending: Mutex::new(Vec::new()),
            client,
        };
        let (_, jwks) = h.http("GET", "/calling/keys", None).await;
        let (url, rx) = callback_server(jwks, base).await;
        h.callback = url;
        h.rx = tokio::sync::Mutex::new(rx);
        h
    }

    pub async fn stop(mut self) {
        if let Some(e) = self.emu.take() {
            e.stop().await;
        }
    }

    /// A callback URI on the receiver (the path is kept with each event).
    pub fn cb(&self, path: &str) -> String {
        format!("{}/{path}", self.callback)
    }

    /// Sends `op` through the core's send loop (signed with the access key, retried per
    /// the default policy) and decodes the answer.
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Output, callsteer::Error> {
        let t = HarnessTransport::new(self);
        self.send_via(&t, op).await
    }

    /// [`Harness::send`] through a given transport (to count attempts, or act on retries).
    pub async fn send_via<O: Operation>(
        &self,
        t: &HarnessTransport<'_>,
        op: &O,
    ) -> Result<O::Output, callsteer::Error> {
        let req = op.to_request(callsteer::DEFAULT_API_VERSION)?;
        let credential = Credential::Key(self.key.clone());
        let reply =
            callsteer::send::send(t, req, RetryPolicy::default(), &credential, &self.endpoint)
                .await?;
        op.decode(&reply.as_response())
    }

    pub async fn exchange(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Option<String>,
    ) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let mut b = hyper::Request::builder().method(method).uri(url);
        for (k, v) in headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let req = b
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .unwrap();
        let resp = tokio::time::timeout(WAIT, self.client.request(req))
            .await
            .expect("emulator answered in time")
            .unwrap();
        let status = resp.status().as_u16();
        let hs = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, hs, body)
    }

    /// An unsigned request (control API, keys).
    pub async fn http(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        let (s, _, b) = self
            .exchange(
                method,
                &format!("{}{path}", self.base),
                &headers,
                body.map(|v| v.to_string()),
            )
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// A signed request with a raw JSON body (for requests the core would refuse to build).
    pub async fn signed(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> (u16, Vec<(String, String)>, Value) {
        let mut req = callsteer::http::Request::new(method, path)
            .query("api-version", callsteer::DEFAULT_API_VERSION);
        req.body = body.map(|b| b.to_string());
        for (k, v) in extra {
            req.set_header(k, *v);
        }
        sign(&mut req, &self.key, self.endpoint.authority(), now_s());
        let (s, h, b) = self
            .exchange(
                method.as_str(),
                &req.url(&self.endpoint),
                &req.headers,
                req.body.clone(),
            )
            .await;
        (s, h, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// The next event about `call_id` (events of other calls stay buffered).
    pub async fn next_event(&self, call_id: &str) -> Received {
        self.next_matching(|r| r.event["data"]["callConnectionId"] == call_id)
            .await
    }

    pub async fn next_matching(&self, pred: impl Fn(&Received) -> bool) -> Received {
        {
            let mut p = self.pending.lock().unwrap();
            if let Some(i) = p.iter().position(&pred) {
                return p.remove(i);
            }
        }
        let mut rx = self.rx.lock().await;
        loop {
            let r = tokio::time::timeout(WAIT, rx.recv())
                .await
                .expect("event arrived in time")
                .expect("receiver open");
            if pred(&r) {
                return r;
            }
            self.pending.lock().unwrap().push(r);
        }
    }

    /// Asserts that the next events about `call_id` have exactly these types, each with
    /// a valid token; returns them.
    pub async fn expect(&self, call_id: &str, types: &[&str]) -> Vec<Value> {
        let mut out = Vec::new();
        for t in types {
            let r = self.next_event(call_id).await;
            assert_eq!(
                event_type(&r.event),
                *t,
                "event sequence for {call_id}; got so far {out:#?}"
            );
            assert_eq!(r.token_ok, Ok(()), "callback token of {t}");
            out.push(r.event);
        }
        out
    }

    /// Asserts nothing more arrives for `call_id` within `ms`.
    pub async fn expect_quiet(&self, call_id: &str, ms: u64) {
        let r = tokio::time::timeout(Duration::from_millis(ms), self.next_event(call_id)).await;
        if let Ok(r) = r {
            panic!("unexpected event {}", event_type(&r.event));
        }
    }

    /// Event types about `call_id` that have already arrived (no waiting).
    pub async fn already_received(&self, call_id: &str) -> Vec<String> {
        let mut rx = self.rx.lock().await;
        let mut p = self.pending.lock().unwrap();
        while let Ok(r) = rx.try_recv() {
            p.push(r);
        }
        p.iter()
            .filter(|r| r.event["data"]["callConnectionId"] == call_id)
            .map(|r| event_type(&r.event).to_owned())
            .collect()
    }

    pub async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        self.http("POST", path, Some(body)).await
    }
}

pub fn event_type(e: &Value) -> &str {
    e["type"]
        .as_str()
        .unwrap_or("")
        .trim_start_matches("Microsoft.Communication.")
}

/// Starts the receiver; returns its base URL and the stream of received events.
async fn callback_server(
    jwks: Value,
    issuer: String,
) -> (String, mpsc::UnboundedReceiver<Received>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let key = jwks_key(&jwks);
    let state = Arc::new((tx, key, issuer));
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
            let state = state.clone();
            async move {
                let (tx, key, issuer) = &*state;
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let token_ok = verify(key, auth.strip_prefix("Bearer ").unwrap_or(""), issuer);
                let events: Vec<Value> = serde_json::from_slice(&body).unwrap_or_default();
                for event in events {
                    let _ = tx.send(Received {
                        path: uri.path().to_owned(),
                        event,
                        token_ok: token_ok.clone(),
                    });
                }
                axum::http::StatusCode::OK
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

fn jwks_key(jwks: &Value) -> VerifyingKey<sha2::Sha256> {
    use base64::Engine as _;
    let d = |s: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.as_str().unwrap())
            .unwrap()
    };
    let k = &jwks["keys"][0];
    let pk = RsaPublicKey::new(
        BigUint::from_bytes_be(&d(&k["n"])),
        BigUint::from_bytes_be(&d(&k["e"])),
    )
    .unwrap();
    VerifyingKey::new(pk)
}

/// Independent check of a callback JWT: RS256 signature, iss, aud, 5-minute lifetime.
fn verify(key: &VerifyingKey<sha2::Sha256>, token: &str, issuer: &str) -> Result<(), String> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err("no bearer JWT".into());
    }
    let header: Value = serde_json::from_slice(&b64.decode(parts[0]).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    if header["alg"] != "RS256" {
        return Err("alg".into());
    }
    let sig = Signature::try_from(b64.decode(parts[2]).map_err(|e| e.to_string())?.as_slice())
        .map_err(|e| e.to_string())?;
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
        .map_err(|e| e.to_string())?;
    let c: Value = serde_json::from_slice(&b64.decode(parts[1]).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let now = now_s();
    let ok = c["iss"] == issuer
        && c["aud"] == RESOURCE
        && c["exp"].as_u64().unwrap_or(0) > now
        && c["exp"].as_u64().unwrap_or(0) - c["iat"].as_u64().unwrap_or(0) == 300;
    if ok {
        Ok(())
    } else {
        Err(format!("claims {c}"))
    }
}

pub fn acs(id: &str) -> callsteer::CommunicationIdentifier {
    callsteer::CommunicationIdentifier::user(format!("8:acs:{RESOURCE}_{id}"))
}

pub fn phone(n: &str) -> callsteer::CommunicationIdentifier {
    callsteer::CommunicationIdentifier::phone(n)
}

/// Creates a 1:1 call to `target` and waits until it is connected; returns its id.
pub async fn connected_call(h: &Harness, target: callsteer::CommunicationIdentifier) -> String {
    let props = h
        .send(
            &callsteer::api::CreateCall::new([target], h.cb("calls"))
                .operation_context("setup")
                .source_caller_id_number("+14255550100"),
        )
        .await
        .unwrap();
    let id = props.call_connection_id.unwrap();
    h.expect(&id, &["ParticipantsUpdated", "CallConnected"])
        .await;
    id
}

/// The test harness's side of the core's send loop: hyper, tokio's timer, the system clock.
pub struct HarnessTransport<'a> {
    h: &'a Harness,
    /// Attempts sent.
    pub sent: std::cell::Cell<u32>,
    /// Clear the emulator's faults when a retry is due (so the next attempt succeeds).
    pub clear_faults_on_retry: bool,
    /// Repeatability ids of the attempts, in order.
    pub request_ids: std::cell::RefCell<Vec<String>>,
}

impl<'a> HarnessTransport<'a> {
    pub fn new(h: &'a Harness) -> Self {
        HarnessTransport {
            h,
            sent: std::cell::Cell::new(0),
            clear_faults_on_retry: false,
            request_ids: std::cell::RefCell::default(),
        }
    }
}

impl Transport for HarnessTransport<'_> {
    async fn exchange(
        &self,
        req: &callsteer::http::Request,
        endpoint: &Endpoint,
    ) -> Result<Reply, String> {
        self.sent.set(self.sent.get() + 1);
        if let Some(id) = req.get_header("repeatability-request-id") {
            self.request_ids.borrow_mut().push(id.to_owned());
        }
        let (status, headers, body) = self
            .h
            .exchange(
                req.method.as_str(),
                &req.url(endpoint),
                &req.headers,
                req.body.clone(),
            )
            .await;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }
    async fn sleep(&self, ms: u64) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    fn now_unix(&self) -> u64 {
        now_s()
    }
    async fn retrying(&self, _attempt: u32, _reason: &str, _after_ms: u64) {
        if self.clear_faults_on_retry {
            let (s, _) = self.h.http("DELETE", "/emulator/faults", None).await;
            assert_eq!(s, 204);
        }
    }
}

pub fn empty() -> Value {
    json!({})
}

/// An Event Grid webhook: answers the validation handshake (when `echo`) and
/// forwards notifications with their `aeg-event-type` header.
pub async fn event_grid_receiver(echo: bool) -> (String, mpsc::UnboundedReceiver<(String, Value)>) {
    event_grid_receiver_failing(echo, 0).await
}

/// [`event_grid_receiver`] that answers its first `fail_first` notifications 503, as an
/// overloaded receiver would (each is still forwarded).
pub async fn event_grid_receiver_failing(
    echo: bool,
    fail_first: usize,
) -> (String, mpsc::UnboundedReceiver<(String, Value)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let notifications = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let (tx, notifications) = (tx.clone(), notifications.clone());
        async move {
            let kind = headers
                .get("aeg-event-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let events: Vec<Value> = serde_json::from_slice(&body).unwrap_or_default();
            let first = events.first().cloned().unwrap_or(Value::Null);
            let _ = tx.send((kind.clone(), first.clone()));
            if kind == "SubscriptionValidation" && echo {
                let code = first["data"]["validationCode"].clone();
                return (
                    axum::http::StatusCode::OK,
                    json!({ "validationResponse": code }).to_string(),
                );
            }
            if kind == "SubscriptionValidation" {
                return (axum::http::StatusCode::ACCEPTED, String::new());
            }
            if notifications.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < fail_first {
                return (axum::http::StatusCode::SERVICE_UNAVAILABLE, String::new());
            }
            (axum::http::StatusCode::OK, String::new())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/eventgrid", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

/// Subscribes an Event Grid receiver and places an incoming call from `from` to `to`;
/// returns the IncomingCall event's data.
pub async fn incoming(h: &Harness, from: &str, to: &str) -> Value {
    let (url, mut rx) = event_grid_receiver(true).await;
    assert_eq!(
        h.control("/emulator/event-subscriptions", json!({ "endpoint": url }))
            .await
            .0,
        201
    );
    let (kind, _) = rx.recv().await.unwrap();
    assert_eq!(kind, "SubscriptionValidation");
    let (s, created) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": from, "to": to, "callerDisplayName": "Ada" }),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let (kind, event) = tokio::time::timeout(WAIT, rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kind, "Notification");
    assert_eq!(event["eventType"], "Microsoft.Communication.IncomingCall");
    assert_eq!(
        event["data"]["incomingCallContext"],
        created["incomingCallContext"]
    );
    assert_eq!(event["data"]["serverCallId"], created["serverCallId"]);
    event["data"].clone()
}

/// A hand-made request (no signing) for negative tests.
pub async fn raw(
    method: &str,
    url: &str,
    headers: Vec<(&str, String)>,
    body: &str,
) -> (u16, Value) {
    let mut all = vec![("content-type", "application/json".to_owned())];
    all.extend(headers);
    let (s, _, b) = raw_with_headers(method, url, all, body).await;
    (s, b)
}

/// A hand-made request with exactly `headers`; the answer's status, headers (names in
/// lower case) and JSON body (Null when empty or not JSON).
pub async fn raw_with_headers(
    method: &str,
    url: &str,
    headers: Vec<(&str, String)>,
    body: &str,
) -> (u16, Vec<(String, String)>, Value) {
    let mut b = hyper::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        b = b.header(k, v);
    }
    let req = b.body(Full::new(Bytes::from(body.to_owned()))).unwrap();
    let c: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let resp = c.request(req).await.unwrap();
    let s = resp.status().as_u16();
    let hs = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let b = resp.into_body().collect().await.unwrap().to_bytes();
    (s, hs, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

impl Harness {
    /// Sends `op` signed, returning the raw status and JSON body (Null when empty).
    pub async fn send_raw<O: Operation>(&self, op: &O) -> (u16, Value) {
        let mut req = op.to_request(callsteer::DEFAULT_API_VERSION).unwrap();
        sign(&mut req, &self.key, self.endpoint.authority(), now_s());
        let url = req.url(&self.endpoint);
        let (s, _, b) = self
            .exchange(req.method.as_str(), &url, &req.headers, req.body.clone())
            .await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// Every event the emulator has sent, from its own event logs.
    pub async fn all_events(&self) -> Vec<Value> {
        let (_, list) = self.http("GET", "/emulator/calls", None).await;
        let mut out = Vec::new();
        for c in list["value"].as_array().unwrap() {
            let id = c["callConnectionId"].as_str().unwrap();
            let (_, detail) = self
                .http("GET", &format!("/emulator/calls/{id}"), None)
                .await;
            out.extend(detail["events"].as_array().unwrap().iter().cloned());
        }
        out
    }
}
