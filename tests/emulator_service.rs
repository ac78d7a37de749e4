//! The service contract around the operations: authentication, schema errors,
//! api-version, repeatability, keys, Event Grid validation and fault injection.
#![cfg(feature = "emulator")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use callsteer::api::CreateCall;
use callsteer::http::{Method, Repeatability};
use emulator_common::*;
use serde_json::json;

fn create_body(h: &Harness) -> serde_json::Value {
    json!({ "targets": [{ "communicationUser": { "id": acs("alice").raw_id() } }], "callbackUri": h.cb("c") })
}

#[tokio::test]
async fn bad_signatures_and_tokens_are_401() {
    let h = Harness::start().await;
    let url = format!("{}/calling/callConnections?api-version=2026-03-12", h.base);
    let client = reqwest_like(&h);
    let (s, body) = client("POST", &url, vec![("authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA".into())], "{}").await;
    assert_eq!(s, 401);
    assert_eq!(body["error"]["code"], "Unauthorized");
    let (s, _) = client("POST", &url, vec![("authorization", "Bearer not.a.token".into())], "{}").await;
    assert_eq!(s, 401);
    let (s, _) = client("POST", &url, vec![], "{}").await;
    assert_eq!(s, 401);
    // A token minted by the emulator is accepted.
    let (_, t) = h.control("/emulator/tokens", json!({})).await;
    let token = t["token"].as_str().unwrap();
    let (s, body) = client("POST", &url, vec![("authorization", format!("Bearer {token}"))], &create_body(&h).to_string()).await;
    assert_eq!(s, 201, "{body}");
    h.stop().await;
}

/// A tiny raw client for hand-made requests.
fn reqwest_like(h: &Harness) -> impl Fn(&str, &str, Vec<(&str, String)>, &str) -> std::pin::Pin<Box<dyn std::future::Future<Output = (u16, serde_json::Value)> + Send>> {
    let _ = h;
    |method: &str, url: &str, headers: Vec<(&str, String)>, body: &str| {
        let mut b = hyper::Request::builder().method(method).uri(url).header("content-type", "application/json");
        for (k, v) in headers {
            b = b.header(k, v);
        }
        let req = b.body(http_body_util::Full::new(axum::body::Bytes::from(body.to_owned()))).unwrap();
        Box::pin(async move {
            use http_body_util::BodyExt;
            let c = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build_http();
            let resp = c.request(req).await.unwrap();
            let s = resp.status().as_u16();
            let b = resp.into_body().collect().await.unwrap().to_bytes();
            (s, serde_json::from_slice(&b).unwrap_or(serde_json::Value::Null))
        })
    }
}

#[tokio::test]
async fn schema_and_rule_violations_are_400_naming_the_problem() {
    let h = Harness::start().await;
    let (s, _, b) = h.signed(Method::Post, "/calling/callConnections", Some(json!({ "targets": [] })), &[]).await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("callbackUri"), "{b}");
    let (s, _, b) = h.signed(Method::Post, "/calling/callConnections", Some(json!({ "targets": [], "callbackUri": h.cb("x") })), &[]).await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("targets"), "{b}");
    let pstn = json!({ "targets": [{ "phoneNumber": { "value": "+15550001234" } }], "callbackUri": h.cb("x") });
    let (s, _, b) = h.signed(Method::Post, "/calling/callConnections", Some(pstn), &[]).await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("sourceCallerIdNumber"), "{b}");
    let (s, _, b) = h.signed(Method::Get, "/calling/callConnections/does-not-exist", None, &[]).await;
    assert_eq!((s, b["error"]["code"].as_str()), (404, Some("NotFound")));
    h.stop().await;
}

#[tokio::test]
async fn api_version_is_checked() {
    let h = Harness::start().await;
    let mut req = callsteer::http::Request::new(Method::Get, "/calling/recordings/x").query("api-version", "2023-01-01");
    callsteer::auth::sign(&mut req, &h.key, h.endpoint.authority(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs());
    let client = reqwest_like(&h);
    let headers: Vec<(&str, String)> = req.headers.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let (s, b) = client("GET", &req.url(&h.endpoint), headers, "").await;
    assert_eq!(s, 404);
    assert!(b["error"]["message"].as_str().unwrap().contains("2026-03-12"));
    let (s, b) = client("GET", &format!("{}/calling/recordings/x", h.base), vec![], "").await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("api-version"));
    h.stop().await;
}

#[tokio::test]
async fn repeatability_returns_the_first_response_without_a_second_effect() {
    let h = Harness::start().await;
    let rep = Repeatability::from_random([7; 16], 1_700_000_000);
    let op = CreateCall::new([acs("alice")], h.cb("rep")).repeatability(rep);
    let first = h.send(&op).await.unwrap();
    let second = h.send(&op).await.unwrap();
    assert_eq!(first.call_connection_id, second.call_connection_id);
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert_eq!(calls["value"].as_array().unwrap().len(), 1, "one call created");
    let (s, _, b) = h.signed(Method::Post, "/calling/callConnections", Some(create_body(&h)), &[("repeatability-request-id", "not-a-uuid")]).await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("Repeatability-Request-ID"));
    h.stop().await;
}

#[tokio::test]
async fn keys_and_openid_configuration() {
    let h = Harness::start().await;
    let (s, oidc) = h.http("GET", "/calling/.well-known/acsopenidconfiguration", None).await;
    assert_eq!(s, 200);
    assert_eq!(oidc["issuer"], h.base);
    assert_eq!(oidc["jwks_uri"], format!("{}/calling/keys", h.base));
    let (_, jwks) = h.http("GET", "/calling/keys", None).await;
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    h.stop().await;
}

#[tokio::test]
async fn event_grid_subscriptions_must_pass_the_handshake() {
    let h = Harness::start().await;
    let (url, mut rx) = event_grid_receiver(false).await;
    let (s, b) = h.control("/emulator/event-subscriptions", json!({ "endpoint": url })).await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("202") || b["error"]["message"].as_str().unwrap().contains("200"), "{b}");
    let (kind, ev) = rx.recv().await.unwrap();
    assert_eq!(kind, "SubscriptionValidation");
    assert_eq!(ev["eventType"], "Microsoft.EventGrid.SubscriptionValidationEvent");
    // No IncomingCall reaches an endpoint that did not validate.
    h.control("/emulator/incoming-calls", json!({ "from": "+14255550123", "to": acs("bot").raw_id() })).await;
    assert!(tokio::time::timeout(std::time::Duration::from_millis(300), rx.recv()).await.is_err());
    h.stop().await;
}

#[tokio::test]
async fn faults_inject_errors_duplicates_and_reordering() {
    let h = Harness::start().await;
    let (s, _) = h.control("/emulator/faults", json!({ "errorRate": 1.0, "errorStatus": 429, "retryAfterSeconds": 3 })).await;
    assert_eq!(s, 200);
    let (s, headers, b) = h.signed(Method::Post, "/calling/callConnections", Some(create_body(&h)), &[]).await;
    assert_eq!(s, 429);
    assert_eq!(headers.iter().find(|(k, _)| k == "retry-after").map(|(_, v)| v.as_str()), Some("3"));
    assert_eq!(b["error"]["code"], "TooManyRequests");
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert!(calls["value"].as_array().unwrap().is_empty(), "a refused request has no effect");

    h.control("/emulator/faults", json!({ "duplicateEvents": true })).await;
    let id = h.send(&CreateCall::new([acs("alice")], h.cb("dup"))).await.unwrap().call_connection_id.unwrap();
    let ev = h.expect(&id, &["ParticipantsUpdated", "ParticipantsUpdated", "CallConnected", "CallConnected"]).await;
    assert_eq!(ev[0]["id"], ev[1]["id"], "a duplicate keeps its event id");

    h.control("/emulator/faults", json!({ "reorderEvents": true })).await;
    let id = h.send(&CreateCall::new([acs("bob")], h.cb("reorder"))).await.unwrap().call_connection_id.unwrap();
    h.expect(&id, &["CallConnected", "ParticipantsUpdated"]).await;

    h.control("/emulator/faults", json!({ "eventsBeforeResponse": true })).await;
    let id = h.send(&CreateCall::new([acs("carol")], h.cb("early"))).await.unwrap().call_connection_id.unwrap();
    // Both events were delivered before the 201 came back: they are already here.
    assert_eq!(h.already_received(&id).await, ["ParticipantsUpdated", "CallConnected"]);

    let (s, _) = h.http("DELETE", "/emulator/faults", None).await;
    assert_eq!(s, 204);
    let (_, f) = h.http("GET", "/emulator/faults", None).await;
    assert_eq!(f["errorRate"], 0.0);
    h.stop().await;
}
