//! The service contract around the operations: authentication, schema errors,
//! api-version, repeatability, keys, Event Grid validation and fault injection.
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
    let (s, body) = raw(
        "POST",
        &url,
        vec![(
            "authorization",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA".into(),
        )],
        "{}",
    )
    .await;
    assert_eq!(s, 401);
    assert_eq!(body["error"]["code"], "Unauthorized");
    let (s, _) = raw(
        "POST",
        &url,
        vec![("authorization", "Bearer not.a.token".into())],
        "{}",
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = raw("POST", &url, vec![], "{}").await;
    assert_eq!(s, 401);
    // A token minted by the emulator is accepted.
    let (_, t) = h.control("/emulator/tokens", json!({})).await;
    let token = t["token"].as_str().unwrap();
    let (s, body) = raw(
        "POST",
        &url,
        vec![("authorization", format!("Bearer {token}"))],
        &create_body(&h).to_string(),
    )
    .await;
    assert_eq!(s, 201, "{body}");
    h.stop().await;
}

#[tokio::test]
async fn schema_and_rule_violations_are_400_naming_the_problem() {
    let h = Harness::start().await;
    let (s, _, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(json!({ "targets": [] })),
            &[],
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("callbackUri"),
        "{b}"
    );
    let (s, _, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(json!({ "targets": [], "callbackUri": h.cb("x") })),
            &[],
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("targets"),
        "{b}"
    );
    let pstn = json!({ "targets": [{ "phoneNumber": { "value": "+15550001234" } }], "callbackUri": h.cb("x") });
    let (s, _, b) = h
        .signed(Method::Post, "/calling/callConnections", Some(pstn), &[])
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sourceCallerIdNumber"),
        "{b}"
    );
    let (s, _, b) = h
        .signed(
            Method::Get,
            "/calling/callConnections/does-not-exist",
            None,
            &[],
        )
        .await;
    assert_eq!((s, b["error"]["code"].as_str()), (404, Some("NotFound")));
    h.stop().await;
}

#[tokio::test]
async fn api_version_is_checked() {
    let h = Harness::start().await;
    let mut req = callsteer::http::Request::new(Method::Get, "/calling/recordings/x")
        .query("api-version", "2023-01-01");
    callsteer::auth::sign(
        &mut req,
        &h.key,
        h.endpoint.authority(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    );
    let headers: Vec<(&str, String)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    let (s, b) = raw("GET", &req.url(&h.endpoint), headers, "").await;
    assert_eq!(s, 404);
    assert!(b["error"]["message"]
        .as_str()
        .unwrap()
        .contains("2026-03-12"));
    let (s, b) = raw(
        "GET",
        &format!("{}/calling/recordings/x", h.base),
        vec![],
        "",
    )
    .await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"]
        .as_str()
        .unwrap()
        .contains("api-version"));
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
    assert_eq!(
        calls["value"].as_array().unwrap().len(),
        1,
        "one call created"
    );
    let (s, _, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(create_body(&h)),
            &[("repeatability-request-id", "not-a-uuid")],
        )
        .await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Repeatability-Request-ID"));
    // Concurrent retries of one request id still apply once.
    let rep = Repeatability::from_random([9; 16], 1_700_000_000);
    let op = CreateCall::new([acs("bob")], h.cb("rep2")).repeatability(rep);
    let (a, b) = tokio::join!(h.send(&op), h.send(&op));
    assert_eq!(a.unwrap().call_connection_id, b.unwrap().call_connection_id);
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert_eq!(calls["value"].as_array().unwrap().len(), 2);
    h.stop().await;
}

#[tokio::test]
async fn keys_and_openid_configuration() {
    let h = Harness::start().await;
    let (s, oidc) = h
        .http("GET", "/calling/.well-known/acsopenidconfiguration", None)
        .await;
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
    let (s, b) = h
        .control("/emulator/event-subscriptions", json!({ "endpoint": url }))
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("202")
            || b["error"]["message"].as_str().unwrap().contains("200"),
        "{b}"
    );
    let (kind, ev) = rx.recv().await.unwrap();
    assert_eq!(kind, "SubscriptionValidation");
    assert_eq!(
        ev["eventType"],
        "Microsoft.EventGrid.SubscriptionValidationEvent"
    );
    // No IncomingCall reaches an endpoint that did not validate.
    h.control(
        "/emulator/incoming-calls",
        json!({ "from": "+14255550123", "to": acs("bot").raw_id() }),
    )
    .await;
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(300), rx.recv())
            .await
            .is_err()
    );
    h.stop().await;
}

#[tokio::test]
async fn faults_inject_errors_duplicates_and_reordering() {
    let h = Harness::start().await;
    let (s, _) = h
        .control(
            "/emulator/faults",
            json!({ "errorRate": 1.0, "errorStatus": 429, "retryAfterSeconds": 3 }),
        )
        .await;
    assert_eq!(s, 200);
    let (s, headers, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(create_body(&h)),
            &[],
        )
        .await;
    assert_eq!(s, 429);
    assert_eq!(
        headers
            .iter()
            .find(|(k, _)| k == "retry-after")
            .map(|(_, v)| v.as_str()),
        Some("3")
    );
    assert_eq!(b["error"]["code"], "TooManyRequests");
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert!(
        calls["value"].as_array().unwrap().is_empty(),
        "a refused request has no effect"
    );

    h.control("/emulator/faults", json!({ "duplicateEvents": true }))
        .await;
    let id = h
        .send(&CreateCall::new([acs("alice")], h.cb("dup")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    let ev = h
        .expect(
            &id,
            &[
                "ParticipantsUpdated",
                "ParticipantsUpdated",
                "CallConnected",
                "CallConnected",
            ],
        )
        .await;
    assert_eq!(ev[0]["id"], ev[1]["id"], "a duplicate keeps its event id");

    h.control("/emulator/faults", json!({ "reorderEvents": true }))
        .await;
    let id = h
        .send(&CreateCall::new([acs("bob")], h.cb("reorder")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&id, &["CallConnected", "ParticipantsUpdated"])
        .await;

    h.control("/emulator/faults", json!({ "eventsBeforeResponse": true }))
        .await;
    let id = h
        .send(&CreateCall::new([acs("carol")], h.cb("early")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    // Both events were delivered before the 201 came back: they are already here.
    assert_eq!(
        h.already_received(&id).await,
        ["ParticipantsUpdated", "CallConnected"]
    );

    let (s, _) = h.http("DELETE", "/emulator/faults", None).await;
    assert_eq!(s, 204);
    let (_, f) = h.http("GET", "/emulator/faults", None).await;
    assert_eq!(f["errorRate"], 0.0);
    h.stop().await;
}

#[tokio::test]
async fn control_api_shows_calls_and_refuses_bad_input() {
    let h = Harness::start().await;
    let id = connected_call(&h, acs("alice")).await;
    let (s, detail) = h.http("GET", &format!("/emulator/calls/{id}"), None).await;
    assert_eq!(s, 200);
    assert_eq!(detail["callConnectionState"], "connected");
    assert_eq!(
        detail["participants"][0]["identifier"]["rawId"],
        acs("alice").raw_id()
    );
    let types: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(event_type)
        .collect();
    assert_eq!(types, ["ParticipantsUpdated", "CallConnected"]);
    let (s, _) = h.http("GET", "/emulator/calls/nope", None).await;
    assert_eq!(s, 404);

    let dtmf = |call: &str, who: &str, tones: &str| json!({ "callConnectionId": call, "participant": who, "tones": tones });
    assert_eq!(
        h.control("/emulator/dtmf", dtmf("nope", "+14255550123", "1"))
            .await
            .0,
        404
    );
    assert_eq!(
        h.control("/emulator/dtmf", dtmf(&id, &acs("stranger").raw_id(), "1"))
            .await
            .0,
        404
    );
    let (s, b) = h
        .control("/emulator/dtmf", dtmf(&id, &acs("alice").raw_id(), "1x"))
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("tones"),
        "{b}"
    );
    let (s, b) = h
        .control("/emulator/dtmf", dtmf(&id, &acs("alice").raw_id(), "9"))
        .await;
    assert_eq!((s, b["consumedBy"].as_str()), (202, Some("none")));
    let (s, b) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": "+0123", "to": acs("bot").raw_id() }),
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("from"),
        "{b}"
    );
    let (s, _) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": "+14255550123" }),
        )
        .await;
    assert_eq!(s, 400, "to is required");
    let bad = json!({ "from": "+14255550123", "to": acs("bot").raw_id(), "customContext": "x" });
    assert_eq!(h.control("/emulator/incoming-calls", bad).await.0, 400);
    let (s, _) = h
        .control("/emulator/faults", json!({ "errorRate": 3 }))
        .await;
    assert_eq!(s, 400);
    h.stop().await;
}

#[tokio::test]
async fn latency_fault_delays_responses() {
    let h = Harness::start().await;
    h.control("/emulator/faults", json!({ "latencyMs": 400 }))
        .await;
    let t = std::time::Instant::now();
    let (s, _, _) = h
        .signed(Method::Get, "/calling/recordings/none", None, &[])
        .await;
    assert_eq!(s, 404);
    assert!(t.elapsed().as_millis() >= 400);
    h.stop().await;
}

#[tokio::test]
async fn a_hung_receiver_does_not_delay_other_receivers() {
    let h = Harness::start().await;
    let hung = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hung_url = format!("http://{}/cb", hung.local_addr().unwrap());
    // Accepts connections and never answers.
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = hung.accept().await {
            held.push(s);
        }
    });
    h.send(&CreateCall::new([acs("a")], hung_url))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let id = h
        .send(&CreateCall::new([acs("b")], h.cb("ok")))
        .await
        .unwrap()
        .call_connection_id
        .unwrap();
    h.expect(&id, &["ParticipantsUpdated", "CallConnected"])
        .await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    holder.abort();
    h.stop().await;
}

/// The harness sends through the core's send loop: a throttled create is retried after the
/// service's `Retry-After` with the same repeatability id, and lands exactly once; when every
/// attempt is refused, the budget ends it with the service's error and no effect.
#[tokio::test]
async fn the_core_send_loop_retries_to_exactly_one_effect() {
    let h = Harness::start().await;
    let faults = json!({ "errorRate": 1.0, "errorStatus": 429, "retryAfterSeconds": 0 });
    assert_eq!(h.control("/emulator/faults", faults.clone()).await.0, 200);
    let mut t = HarnessTransport::new(&h);
    t.clear_faults_on_retry = true;
    let create = CreateCall::new([acs("alice")], h.cb("retry"))
        .repeatability(Repeatability::from_random([9; 16], 1_700_000_000));
    let props = h.send_via(&t, &create).await.unwrap();
    assert_eq!(t.sent.get(), 2, "refused once, then accepted");
    let ids = t.request_ids.borrow().clone();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        ids[0], ids[1],
        "the retry carries the same repeatability id"
    );
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    let calls = calls["value"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "one call");
    assert_eq!(
        calls[0]["callConnectionId"],
        props.call_connection_id.as_deref().unwrap()
    );

    assert_eq!(h.control("/emulator/faults", faults).await.0, 200);
    let t = HarnessTransport::new(&h);
    let err = h
        .send_via(&t, &CreateCall::new([acs("bob")], h.cb("refused")))
        .await
        .unwrap_err();
    match err {
        callsteer::Error::Service(e) => assert_eq!(e.status, 429),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.sent.get(),
        4,
        "first attempt + 3 retries (the default policy)"
    );
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert_eq!(
        calls["value"].as_array().unwrap().len(),
        1,
        "no second call"
    );
    h.stop().await;
}

#[tokio::test]
async fn every_request_is_counted_by_fate_and_by_call() {
    let h = Harness::start().await;
    let rep = Repeatability::from_random([5; 16], 1_700_000_000);
    let op = CreateCall::new([acs("alice")], h.cb("count")).repeatability(rep);
    let created = h.send(&op).await.unwrap();
    let id = created.call_connection_id.clone().unwrap();
    h.send(&op).await.unwrap(); // a resend: answered from the repeatability store
    let (s, _) = raw(
        "POST",
        &format!("{}/calling/callConnections?api-version=2026-03-12", h.base),
        vec![],
        "{}",
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = h
        .control(
            "/emulator/faults",
            json!({ "errorRate": 1, "errorStatus": 503 }),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = h.send_raw(&callsteer::api::GetCall::new(id.as_str())).await;
    assert_eq!(s, 503);
    assert_eq!(h.http("DELETE", "/emulator/faults", None).await.0, 204);
    let (s, counts) = h.http("GET", "/emulator/requests", None).await;
    assert_eq!(s, 200);
    assert_eq!(counts["received"], 4, "{counts}");
    assert_eq!(counts["applied"], 1);
    assert_eq!(counts["repeated"], 1);
    assert_eq!(counts["refused"], 1);
    assert_eq!(counts["faulted"], 1);
    assert_eq!(counts["operations"]["CreateCall"], 1);
    assert_eq!(
        counts["calls"][&id],
        json!({ "applied": [{ "op": "CreateCall", "status": 201 }], "repeated": 1 }),
        "the call is known by the id in the response"
    );
    h.stop().await;
}

/// Event Grid tries a failed delivery again on its schedule (the first retry after 10 s);
/// callbacks are not redelivered. Takes about 10 s.
#[tokio::test]
async fn a_failed_event_grid_delivery_is_tried_again() {
    let h = Harness::start().await;
    let (url, mut rx) = event_grid_receiver_failing(true, 1).await;
    assert_eq!(
        h.control("/emulator/event-subscriptions", json!({ "endpoint": url }))
            .await
            .0,
        201
    );
    assert_eq!(rx.recv().await.unwrap().0, "SubscriptionValidation");
    let (s, _) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": "+14255550111", "to": "+18005550100" }),
        )
        .await;
    assert_eq!(s, 201);
    let (_, first) = rx.recv().await.unwrap();
    let started = std::time::Instant::now();
    let (kind, again) = tokio::time::timeout(std::time::Duration::from_secs(20), rx.recv())
        .await
        .expect("a redelivery within 20 s")
        .unwrap();
    assert_eq!(kind, "Notification");
    assert_eq!(again["id"], first["id"], "the same event, delivered again");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(9),
        "after Event Grid's first retry delay"
    );
    // The emulator counts an attempt once it has read the response, after the receiver saw it.
    let mut d = serde_json::Value::Null;
    for _ in 0..100 {
        d = h.http("GET", "/emulator/deliveries", None).await.1;
        if d["delivered"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        d["delivered"], 1,
        "the redelivery (handshakes are not counted): {d}"
    );
    assert_eq!(d["byStatus"]["503"], 1, "{d}");
    assert_eq!(d["redeliveries"], 1);
    assert_eq!(d["attempts"], 2);
    h.stop().await;
}
