//! Event Grid delivery authentication with the real verifier, and callback authentication.
//!
//! Input: a request in the text form of `callsteer_fuzz::request` (method and query line,
//! headers, body; `{{ENTRA}}`, `{{CALLBACK}}`, `{{SECRET}}` stand for the valid credentials).
//! Every request is checked three ways: as an Entra-protected delivery (a key set holding a
//! real 2048-bit key, tenant and application fixed), as a secret delivery (query `code` and a
//! header, and query only), and as a callback (`events::classify` with the ACS verifier).
//!
//! Properties:
//! * the exact valid credential is accepted; anything accepted carries the valid credential
//!   (by an independent reading of `Authorization: Bearer …`, the header, the query);
//! * an Event Grid request that fails authentication is refused with 401, the same refusal
//!   whatever the method and body (the body is not read), and the refusal never contains the
//!   token or the secret; one that passes is never answered 401;
//! * callbacks come out of `classify` only with verified claims of the valid callback token.
#![no_main]

use std::sync::OnceLock;

use callsteer::events::{classify, classify_event_grid, CallbackAuth, Inbound, Rejection};
use callsteer::webhook::{DeliveryAuth, EntraWebhookApp, JwtVerifier, WebhookSecret};
use callsteer_fuzz::percent_decode;
use callsteer_fuzz::request::{Request, SECRET, SECRET_HEADER};
use callsteer_fuzz::tokens::{bearer_of, minted, ACS_RESOURCE, APP_ID, NOW, TENANT};
use libfuzzer_sys::fuzz_target;

struct Config {
    entra: JwtVerifier,
    secret_or_header: WebhookSecret,
    secret_in_query: WebhookSecret,
    callbacks: JwtVerifier,
}

fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| Config {
        entra: EntraWebhookApp::new(TENANT, APP_ID).expect("app").verifier(),
        secret_or_header: WebhookSecret::new(SECRET, Some(SECRET_HEADER)).expect("secret"),
        secret_in_query: WebhookSecret::new(SECRET, None).expect("secret"),
        callbacks: JwtVerifier::new(ACS_RESOURCE),
    })
}

fuzz_target!(|data: &[u8]| {
    let req = Request::parse(data);
    entra(&req);
    secret(&req, &config().secret_or_header);
    secret(&req, &config().secret_in_query);
    callback(&req);
});

fn entra(req: &Request) {
    let m = minted();
    let auth = DeliveryAuth::Entra { verifier: &config().entra, jwks: &m.jwks, now_unix: NOW };
    let accepted = auth.check(req.query.as_deref(), &req.headers).is_ok();
    let authorization = req.header("authorization");
    if authorization == Some(format!("Bearer {}", m.entra).as_str()) {
        assert!(accepted, "the valid Entra token was refused");
    }
    if accepted {
        assert_eq!(authorization.and_then(bearer_of), Some(m.entra.as_str()), "accepted another token");
    }
    event_grid_outcome(req, auth, accepted);
}

fn secret(req: &Request, secret: &WebhookSecret) {
    let auth = DeliveryAuth::Secret(secret);
    let accepted = auth.check(req.query.as_deref(), &req.headers).is_ok();
    let from_header = secret.header().and_then(|h| req.header(h));
    let exact = match from_header {
        Some(h) => h == SECRET,
        None => req.query.as_deref() == Some(format!("code={SECRET}").as_str()),
    };
    if exact {
        assert!(accepted, "the right secret was refused");
    }
    if accepted {
        let carried = match from_header {
            Some(h) => h.trim() == SECRET,
            None => req.query.as_deref().is_some_and(|q| percent_decode(q).contains(SECRET)),
        };
        assert!(carried, "accepted without the secret");
    }
    event_grid_outcome(req, auth, accepted);
}

/// What `classify_event_grid` answers, given whether the credential check passed.
fn event_grid_outcome(req: &Request, auth: DeliveryAuth<'_>, accepted: bool) {
    let (query, headers) = (req.query.as_deref(), &req.headers[..]);
    let inbound = classify_event_grid(&req.method, query, headers, &req.body, auth);
    if accepted {
        assert_ne!(inbound.response().status, 401, "authenticated delivery answered 401");
        return;
    }
    match &inbound {
        Inbound::Rejected { rejection: Rejection::DeliveryUnauthorized(_), response }
            if response.status == 401 => {}
        other => panic!("unauthenticated delivery not refused with 401: {other:?}"),
    }
    let other_request = classify_event_grid("POST", query, headers, b"[]", auth);
    assert_eq!(other_request, inbound, "the refusal depends on the method or body");
    let shown = format!("{inbound:?}{}", inbound.response().body);
    assert!(!shown.contains(SECRET) && !shown.contains(&minted().entra), "refusal shows a credential");
}

fn callback(req: &Request) {
    let m = minted();
    let auth = CallbackAuth::Jwt { verifier: &config().callbacks, jwks: &m.jwks, now_unix: NOW };
    let inbound = classify(&req.method, &req.headers, &req.body, auth);
    if let Inbound::Callbacks { claims, .. } = &inbound {
        assert!(claims.is_some(), "callbacks without verified claims");
        let token = req.header("authorization").and_then(bearer_of);
        assert_eq!(token, Some(m.callback.as_str()), "callbacks accepted with another token");
    }
    if let Inbound::Rejected { rejection: Rejection::Unauthorized(_), response } = &inbound {
        assert_eq!(response.status, 401);
        assert!(!format!("{inbound:?}").contains(&m.callback), "refusal shows the token");
    }
}
