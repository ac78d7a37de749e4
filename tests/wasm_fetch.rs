//! The `fetch` face (Rust apps in wasm) against a real HTTP server in Node
//! (`wasm-pack test --node -- --features fetch --test wasm_fetch`): the server checks every
//! HMAC signature with node:crypto and answers from a script.
#![cfg(all(target_arch = "wasm32", feature = "fetch"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::api::{AnswerCall, GetCall};
use callsteer::fetch::Client;
use callsteer::retry::RetryPolicy;
use callsteer::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const KEY: &str = "Y2FsbHN0ZWVyLWZldGNoLXRlc3Qta2V5"; // base64 of "callsteer-fetch-test-key"

#[wasm_bindgen(inline_js = r#"
export async function start_server(keyB64) {
  const http = await import("node:http");
  const crypto = await import("node:crypto");
  const seen = [];
  let script = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const date = req.headers["x-ms-date"];
      const hash = req.headers["x-ms-content-sha256"];
      const toSign = `${req.method}\n${req.url}\n${date};${req.headers.host};${hash}`;
      const sig = crypto.createHmac("sha256", Buffer.from(keyB64, "base64")).update(toSign, "utf8").digest("base64");
      const hashOk = crypto.createHash("sha256").update(body, "utf8").digest("base64") === hash;
      const authOk = hashOk && req.headers.authorization === `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${sig}`;
      seen.push({ method: req.method, url: req.url, authOk, id: req.headers["repeatability-request-id"] || "", body });
      const [status, headers, out] = script.shift() || [200, {}, { callConnectionId: "c1", callConnectionState: "connected" }];
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    seen: () => JSON.stringify(seen.splice(0)),
    script: (json) => { script = JSON.parse(json); },
    close: () => server.close(),
  };
}
"#)]
extern "C" {
    fn start_server(key: &str) -> js_sys::Promise;
}

struct Server(JsValue);

impl Server {
    async fn start() -> Server {
        Server(JsFuture::from(start_server(KEY)).await.unwrap())
    }
    fn call(&self, name: &str, arg: Option<&str>) -> JsValue {
        let f: js_sys::Function = js_sys::Reflect::get(&self.0, &name.into())
            .unwrap()
            .unchecked_into();
        match arg {
            Some(a) => f.call1(&self.0, &a.into()).unwrap(),
            None => f.call0(&self.0).unwrap(),
        }
    }
    fn origin(&self) -> String {
        js_sys::Reflect::get(&self.0, &"origin".into())
            .unwrap()
            .as_string()
            .unwrap()
    }
    fn client(&self) -> Client {
        let policy = RetryPolicy {
            max_retries: 2,
            base_delay_ms: 1,
            max_delay_ms: 1000,
            ..RetryPolicy::default()
        };
        Client::from_connection_string(&format!("endpoint={}/;accesskey={KEY}", self.origin()))
            .unwrap()
            .retry_policy(policy)
    }
    fn script(&self, json: &str) {
        self.call("script", Some(json));
    }
    /// `(method, url, signature ok, repeatability id, body)` of every request since the last call.
    fn seen(&self) -> Vec<(String, String, bool, String, String)> {
        let list = js_sys::JSON::parse(&self.call("seen", None).as_string().unwrap()).unwrap();
        js_sys::Array::from(&list)
            .iter()
            .map(|e| {
                let s = |k: &str| js_sys::Reflect::get(&e, &k.into()).unwrap();
                (
                    s("method").as_string().unwrap(),
                    s("url").as_string().unwrap(),
                    s("authOk").as_bool().unwrap(),
                    s("id").as_string().unwrap(),
                    s("body").as_string().unwrap(),
                )
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.call("close", None);
    }
}

#[wasm_bindgen_test]
async fn sends_a_signed_request_and_decodes_the_answer() {
    let server = Server::start().await;
    let props = server.client().send(&GetCall::new("c1")).await.unwrap();
    assert_eq!(props.call_connection_id.as_deref(), Some("c1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let (method, url, auth_ok, id, body) = &seen[0];
    assert_eq!(
        (method.as_str(), url.as_str()),
        ("GET", "/calling/callConnections/c1?api-version=2026-03-12")
    );
    assert!(auth_ok, "the server verified the HMAC signature");
    assert!(id.is_empty() && body.is_empty());
}

#[wasm_bindgen_test]
async fn retries_resend_the_same_repeatability_headers_signed_afresh() {
    let server = Server::start().await;
    server.script(r#"[[503, {"retry-after": "0"}, {"error": {"code": "Busy", "message": "later"}}], [429, {"retry-after-ms": "5"}, {}]]"#);
    let client = server.client();
    let answer = AnswerCall::new("incoming-context", "https://app.example/events")
        .repeatability(client.repeatability());
    let props = client.send(&answer).await.unwrap();
    assert_eq!(props.call_connection_id.as_deref(), Some("c1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "two retries, then the answer");
    assert!(
        seen.iter()
            .all(|s| s.0 == "POST" && s.1.starts_with("/calling/callConnections:answer?") && s.2),
        "{seen:?}"
    );
    assert_eq!(seen[0].3.len(), 36, "a UUID");
    assert!(
        seen.iter().all(|s| s.3 == seen[0].3 && s.4 == seen[0].4),
        "same id and body on every attempt"
    );
    assert!(seen[0]
        .4
        .contains("\"incomingCallContext\":\"incoming-context\""));
}

#[wasm_bindgen_test]
async fn service_errors_and_bad_input_are_errors_not_panics() {
    let server = Server::start().await;
    server.script(r#"[[404, {"x-ms-request-id": "req-7"}, {"error": {"code": "CallNotFound", "message": "no such call"}}]]"#);
    match server.client().send(&GetCall::new("gone")).await {
        Err(Error::Service(e)) => {
            assert_eq!(
                (e.status, e.code.as_deref(), e.request_id.as_deref()),
                (404, Some("CallNotFound"), Some("req-7"))
            );
        }
        other => panic!("{other:?}"),
    }
    match server.client().send(&GetCall::new(" ")).await {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "callConnectionId"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.seen().len(),
        1,
        "bad input is refused before sending"
    );
}

#[wasm_bindgen_test]
async fn no_server_is_a_transport_error_after_the_retry_budget() {
    let server = Server::start().await;
    let origin = server.origin();
    drop(server); // closes the port
    let policy = RetryPolicy {
        max_retries: 1,
        base_delay_ms: 1,
        max_delay_ms: 10,
        ..RetryPolicy::default()
    };
    let client = Client::from_connection_string(&format!("endpoint={origin}/;accesskey={KEY}"))
        .unwrap()
        .retry_policy(policy);
    match client.send(&GetCall::new("c1")).await {
        Err(Error::Transport { .. }) => {}
        other => panic!("{other:?}"),
    }
}
