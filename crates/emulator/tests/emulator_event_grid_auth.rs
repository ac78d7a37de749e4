//! The emulator delivers Event Grid events the way the service does for each delivery
//! authentication: a subscription with `{"entra": {tenant, audience}}` gets a bearer token from
//! the emulated Entra issuer on every delivery (handshake included), `{"secret": …}` gets
//! `?code=`, `{"secretHeader": {name, value}}` a header. The receiver here is a webhook built on
//! the core (`classify_event_grid` with `DeliveryAuth`), as the edge worker is: it answers the
//! handshake only when the delivery authenticates, so a 201 from the subscription proves it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use axum::body::Bytes;
use axum::http::Uri;
use axum::http::{HeaderMap, StatusCode};
use callsteer::events::{classify_event_grid, EventGridData, Inbound};
use callsteer::webhook::{
    DeliveryAuth, DeliveryAuthError, EntraWebhookApp, Jwks, JwtError, WebhookSecret,
};
use emulator_common::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const TENANT: &str = "0b1c2d3e-4f50-4617-8899-aabbccddeeff";
const AUDIENCE: &str = "api://callsteer-tests";
const SECRET: &str = "a-delivery-secret-long-enough";

#[derive(Clone)]
enum Mode {
    Entra(EntraWebhookApp, Arc<Jwks>),
    Secret(WebhookSecret),
}

/// What one delivery was classified as, with what came in.
#[derive(Debug)]
struct Seen {
    query: Option<String>,
    headers: Vec<(String, String)>,
    outcome: Result<Inbound, DeliveryAuthError>,
}

fn now_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A webhook on the core: authenticates, classifies, answers what the core says.
async fn core_webhook(mode: Mode) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let (tx, mode) = (tx.clone(), mode.clone());
        async move {
            let headers: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                .collect();
            let query = uri.query().map(str::to_owned);
            let verifier = match &mode {
                Mode::Entra(app, _) => Some(app.verifier()),
                Mode::Secret(_) => None,
            };
            let auth = match (&mode, &verifier) {
                (Mode::Entra(_, jwks), Some(v)) => DeliveryAuth::Entra {
                    verifier: v,
                    jwks,
                    now_unix: now_s(),
                },
                (Mode::Secret(s), _) => DeliveryAuth::Secret(s),
                _ => unreachable!(),
            };
            let checked = auth.check(query.as_deref(), &headers);
            let inbound = classify_event_grid("POST", query.as_deref(), &headers, &body, auth);
            let response = inbound.response().clone();
            let _ = tx.send(Seen {
                query,
                headers,
                outcome: checked.map(|_| inbound),
            });
            (
                StatusCode::from_u16(response.status).unwrap(),
                response.body,
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/incoming", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, rx)
}

async fn entra_mode(h: &Harness) -> Mode {
    let (status, keys) = h
        .http("GET", &format!("/entra/{TENANT}/discovery/v2.0/keys"), None)
        .await;
    assert_eq!(status, 200);
    let jwks = Jwks::from_json(keys.to_string().as_bytes()).unwrap();
    assert_eq!(jwks.len(), 1);
    let app = EntraWebhookApp::new(TENANT, AUDIENCE)
        .unwrap()
        .authority(&format!("{}/entra", h.base))
        .unwrap()
        .client_id("4962773b-9cdb-44cf-a8bf-237846a00ab7");
    Mode::Entra(app, Arc::new(jwks))
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(Duration::from_secs(15), rx.recv())
        .await
        .expect("a delivery")
        .expect("receiver alive")
}

/// Places a call and returns the IncomingCall the webhook classified.
async fn incoming_call(h: &Harness, rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    let (s, created) = h
        .control(
            "/emulator/incoming-calls",
            json!({ "from": "+14255550111", "to": "+18005550100" }),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let seen = next(rx).await;
    match &seen.outcome {
        Ok(Inbound::EventGrid { events, .. }) => match &events[0].data {
            EventGridData::IncomingCall(c) => {
                assert_eq!(
                    c.server_call_id.as_deref(),
                    created["serverCallId"].as_str()
                )
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    seen
}

#[tokio::test]
async fn entra_subscriptions_deliver_tokens_the_core_verifies() {
    let h = Harness::start().await;
    let mode = entra_mode(&h).await;
    let (url, mut rx) = core_webhook(mode.clone()).await;
    for version in [2, 1] {
        let auth =
            json!({ "entra": { "tenant": TENANT, "audience": AUDIENCE, "tokenVersion": version } });
        let (s, body) = h
            .control(
                "/emulator/event-subscriptions",
                json!({ "endpoint": url, "auth": auth }),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        let handshake = next(&mut rx).await;
        assert!(
            matches!(
                handshake.outcome,
                Ok(Inbound::SubscriptionValidation { .. })
            ),
            "{handshake:?}"
        );
        let seen = incoming_call(&h, &mut rx).await;
        let token = seen
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.trim_start_matches("Bearer ").to_owned())
            .unwrap();
        let claims: Value = serde_json::from_slice(
            &base64::Engine::decode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                token.split('.').nth(1).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
        let expected_iss = match version {
            1 => format!("{}/entra/{TENANT}/", h.base),
            _ => format!("{}/entra/{TENANT}/v2.0", h.base),
        };
        assert_eq!(claims["iss"], expected_iss.as_str());
        assert_eq!(claims["aud"], AUDIENCE);
        assert_eq!(claims["tid"], TENANT);
        assert!(claims["exp"].as_u64().unwrap() > now_s() + 3000);
    }
    // The OpenID configuration points at the same key set.
    let (s, oidc) = h
        .http(
            "GET",
            &format!("/entra/{TENANT}/v2.0/.well-known/openid-configuration"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        oidc["jwks_uri"],
        format!("{}/entra/{TENANT}/discovery/v2.0/keys", h.base).as_str()
    );
    h.stop().await;
}

#[tokio::test]
async fn a_wrong_audience_fails_the_handshake_and_minted_tokens_can_be_expired() {
    let h = Harness::start().await;
    let mode = entra_mode(&h).await;
    let (url, mut rx) = core_webhook(mode.clone()).await;
    let auth = json!({ "entra": { "tenant": TENANT, "audience": "api://someone-else" } });
    let (s, body) = h
        .control(
            "/emulator/event-subscriptions",
            json!({ "endpoint": url, "auth": auth }),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("401"),
        "{body}"
    );
    let seen = next(&mut rx).await;
    assert_eq!(
        seen.outcome.unwrap_err(),
        DeliveryAuthError::Token(JwtError::Audience)
    );
    // A plain subscription (no auth, as the service also allows) is refused by this webhook.
    let (s, _) = h
        .control("/emulator/event-subscriptions", json!({ "endpoint": url }))
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        next(&mut rx).await.outcome.unwrap_err(),
        DeliveryAuthError::Token(JwtError::Missing)
    );

    let Mode::Entra(app, jwks) = mode else {
        unreachable!()
    };
    let (s, minted) = h
        .control(
            "/emulator/entra/tokens",
            json!({ "tenant": TENANT, "audience": AUDIENCE, "expiresInSeconds": -600 }),
        )
        .await;
    assert_eq!(s, 201);
    let expired = minted["token"].as_str().unwrap();
    assert_eq!(
        app.verifier().verify(expired, &jwks, now_s()),
        Err(JwtError::Expired)
    );
    let (s, fresh) = h
        .control(
            "/emulator/entra/tokens",
            json!({ "tenant": TENANT, "audience": AUDIENCE }),
        )
        .await;
    assert_eq!(s, 201);
    assert!(app
        .verifier()
        .verify(fresh["token"].as_str().unwrap(), &jwks, now_s())
        .is_ok());
    h.stop().await;
}

#[tokio::test]
async fn secret_subscriptions_deliver_the_code_or_the_header() {
    let h = Harness::start().await;
    for (auth, header) in [
        (json!({ "secret": SECRET }), None),
        (
            json!({ "secretHeader": { "name": "X-Delivery-Secret", "value": SECRET } }),
            Some("X-Delivery-Secret"),
        ),
    ] {
        let secret = WebhookSecret::new(SECRET, header).unwrap();
        let (url, mut rx) = core_webhook(Mode::Secret(secret)).await;
        let (s, body) = h
            .control(
                "/emulator/event-subscriptions",
                json!({ "endpoint": url, "auth": auth }),
            )
            .await;
        assert_eq!(s, 201, "{body}");
        assert_eq!(
            body["endpoint"],
            url.as_str(),
            "the answer does not show the secret"
        );
        let handshake = next(&mut rx).await;
        assert!(matches!(
            handshake.outcome,
            Ok(Inbound::SubscriptionValidation { .. })
        ));
        let seen = incoming_call(&h, &mut rx).await;
        match header {
            None => assert_eq!(seen.query.as_deref(), Some(&*format!("code={SECRET}"))),
            Some(name) => {
                assert_eq!(seen.query, None);
                assert!(seen
                    .headers
                    .iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case(name) && v == SECRET));
            }
        }
    }
    h.stop().await;
}

#[tokio::test]
async fn bad_subscription_auth_is_refused_naming_the_field() {
    let h = Harness::start().await;
    let (url, _rx) = core_webhook(Mode::Secret(WebhookSecret::new(SECRET, None).unwrap())).await;
    for (auth, field) in [
        (
            json!({ "entra": { "tenant": "no spaces allowed", "audience": AUDIENCE } }),
            "auth.entra.tenant",
        ),
        (
            json!({ "entra": { "tenant": TENANT, "audience": "" } }),
            "auth.entra.audience",
        ),
        (
            json!({ "entra": { "tenant": TENANT, "audience": AUDIENCE, "tokenVersion": 3 } }),
            "auth.entra.tokenVersion",
        ),
        (json!({ "secret": "" }), "auth.secret"),
        (
            json!({ "secretHeader": { "name": "Bad Name", "value": "v" } }),
            "auth.secretHeader.name",
        ),
    ] {
        let (s, body) = h
            .control(
                "/emulator/event-subscriptions",
                json!({ "endpoint": url, "auth": auth }),
            )
            .await;
        assert_eq!(s, 400, "{auth}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(field), "{message} names {field}");
    }
    let (s, body) = h
        .control(
            "/emulator/event-subscriptions",
            json!({ "endpoint": url, "auth": { "basic": "x" } }),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    h.stop().await;
}
