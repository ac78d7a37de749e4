//! Event Grid delivery authentication: Entra-protected webhooks (v1 and v2 issuers of one
//! tenant, application id or URI, optional client pin) and delivery secrets (`?code=` or a
//! header, constant-time), and `classify_event_grid`, which refuses an unauthenticated request
//! before it parses the body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common_jwt;

use callsteer::events::{classify_event_grid, EventGridData, Inbound, Rejection};
use callsteer::webhook::{
    secrets_equal, DeliveryAuth, DeliveryAuthError, EntraWebhookApp, Jwks, JwtError, WebhookSecret,
};
use callsteer::Error;
use common_jwt::*;
use serde_json::{json, Value};

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP_ID: &str = "0b7f0c43-5a0e-4d3e-9d6c-4f3f4d1a2b3c";
const APP_URI: &str = "api://callsteer-edge";
const EVENT_GRID: &str = "4962773b-9cdb-44cf-a8bf-237846a00ab7";

fn app() -> EntraWebhookApp {
    EntraWebhookApp::new(TENANT, &format!("{APP_ID}, {APP_URI}")).unwrap()
}

fn jwks() -> Jwks {
    Jwks::from_json(jwks_json().as_bytes()).unwrap()
}

fn entra_claims(iss: &str, aud: &str) -> Value {
    json!({"iss": iss, "aud": aud, "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 3590, "azp": EVENT_GRID, "tid": TENANT, "ver": "2.0"})
}

fn bearer(claims: &Value) -> Vec<(String, String)> {
    vec![(
        "Authorization".to_owned(),
        format!("Bearer {}", sign_rs256(&header(KID), claims, key())),
    )]
}

fn v2() -> String {
    format!("https://login.microsoftonline.com/{TENANT}/v2.0")
}

fn check_entra(
    app: &EntraWebhookApp,
    headers: &[(String, String)],
) -> Result<(), DeliveryAuthError> {
    let (verifier, keys) = (app.verifier(), jwks());
    let auth = DeliveryAuth::Entra {
        verifier: &verifier,
        jwks: &keys,
        now_unix: NOW,
    };
    auth.check(None, headers).map(|_| ())
}

#[test]
fn the_public_cloud_tenant_has_v1_and_v2_issuers_and_one_key_set() {
    let a = app();
    assert_eq!(
        a.issuers(),
        [v2(), format!("https://sts.windows.net/{TENANT}/")]
    );
    assert_eq!(
        a.jwks_url(),
        format!("https://login.microsoftonline.com/{TENANT}/discovery/v2.0/keys")
    );
    let sovereign = app()
        .authority("https://login.microsoftonline.us/")
        .unwrap();
    assert_eq!(
        sovereign.issuers(),
        [
            format!("https://login.microsoftonline.us/{TENANT}/v2.0"),
            format!("https://login.microsoftonline.us/{TENANT}/")
        ]
    );
    assert_eq!(
        sovereign.jwks_url(),
        format!("https://login.microsoftonline.us/{TENANT}/discovery/v2.0/keys")
    );
}

#[test]
fn bad_configuration_names_the_field() {
    let field = |r: Result<EntraWebhookApp, Error>| match r {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(EntraWebhookApp::new("", APP_ID)), "tenant");
    assert_eq!(
        field(EntraWebhookApp::new("contoso/../x", APP_ID)),
        "tenant"
    );
    assert_eq!(field(EntraWebhookApp::new(TENANT, " , ")), "audience");
    assert_eq!(
        field(app().authority("login.microsoftonline.com")),
        "authority"
    );
    assert_eq!(field(app().authority("https://")), "authority");
    assert_eq!(field(app().authority("https://x/?q")), "authority");
    assert!(EntraWebhookApp::new("contoso.onmicrosoft.com", APP_URI).is_ok());
}

#[test]
fn v1_and_v2_tokens_for_the_app_id_or_uri_are_accepted() {
    let a = app();
    assert_eq!(
        check_entra(&a, &bearer(&entra_claims(&v2(), APP_ID))),
        Ok(())
    );
    let v1 = format!("https://sts.windows.net/{TENANT}/");
    let mut c = entra_claims(&v1, APP_URI);
    c["ver"] = json!("1.0");
    assert_eq!(check_entra(&a, &bearer(&c)), Ok(()));
    let claims = a
        .verifier()
        .verify_authorization(Some(&bearer(&c)[0].1), &jwks(), NOW)
        .unwrap();
    assert_eq!(claims.issuer, v1, "the issuer that matched is reported");
}

#[test]
fn other_tenants_issuers_audiences_and_clients_are_refused() {
    let a = app();
    let other = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0";
    let token = |c: &Value| bearer(c);
    let refused = |c: &Value| check_entra(&a, &token(c));
    assert_eq!(
        refused(&entra_claims(other, APP_ID)),
        Err(DeliveryAuthError::Token(JwtError::Issuer))
    );
    assert_eq!(
        refused(&entra_claims(ISSUER, APP_ID)),
        Err(DeliveryAuthError::Token(JwtError::Issuer)),
        "an ACS callback issuer is not the tenant"
    );
    assert_eq!(
        refused(&entra_claims(&v2(), "api://someone-else")),
        Err(DeliveryAuthError::Token(JwtError::Audience))
    );
    let mut expired = entra_claims(&v2(), APP_ID);
    expired["exp"] = json!(NOW - 120);
    assert_eq!(
        refused(&expired),
        Err(DeliveryAuthError::Token(JwtError::Expired))
    );
    assert_eq!(
        check_entra(&a, &[]),
        Err(DeliveryAuthError::Token(JwtError::Missing))
    );
    let forged = vec![(
        "authorization".to_owned(),
        format!(
            "Bearer {}",
            sign_rs256(&header(KID), &entra_claims(&v2(), APP_ID), other_key())
        ),
    )];
    assert_eq!(
        check_entra(&a, &forged),
        Err(DeliveryAuthError::Token(JwtError::Signature))
    );
    let hs = sign_hs256(
        &json!({"alg": "HS256", "kid": KID}),
        &entra_claims(&v2(), APP_ID),
        b"k",
    );
    assert_eq!(
        check_entra(&a, &[("authorization".into(), format!("Bearer {hs}"))]),
        Err(DeliveryAuthError::Token(JwtError::Algorithm))
    );

    // Pinned to Event Grid's application: azp (v2) or appid (v1) must be it.
    let pinned = app().client_id(EVENT_GRID);
    assert_eq!(
        check_entra(&pinned, &token(&entra_claims(&v2(), APP_ID))),
        Ok(())
    );
    let mut v1 = entra_claims(&format!("https://sts.windows.net/{TENANT}/"), APP_ID);
    v1.as_object_mut().unwrap().remove("azp");
    v1["appid"] = json!(EVENT_GRID);
    assert_eq!(check_entra(&pinned, &token(&v1)), Ok(()));
    let mut someone = entra_claims(&v2(), APP_ID);
    someone["azp"] = json!("11111111-1111-1111-1111-111111111111");
    assert_eq!(
        check_entra(&pinned, &token(&someone)),
        Err(DeliveryAuthError::Token(JwtError::AuthorizedParty))
    );
    assert_eq!(
        check_entra(&a, &token(&someone)),
        Ok(()),
        "not checked unless pinned"
    );
}

const SECRET: &str = "correct-horse-battery-staple-42";

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn a_secret_comes_from_the_code_parameter_or_the_configured_header() {
    let s = WebhookSecret::new(SECRET, Some("X-Callsteer-Secret")).unwrap();
    let none: &[(String, String)] = &[];
    assert_eq!(s.check(Some(&format!("code={SECRET}")), none), Ok(()));
    assert_eq!(
        s.check(Some("a=1&code=correct-horse-battery-staple%2D42"), none),
        Ok(()),
        "percent-encoded"
    );
    assert_eq!(
        s.check(None, &headers(&[("x-callsteer-secret", SECRET)])),
        Ok(()),
        "header names are case-insensitive"
    );
    assert_eq!(s.check(None, none), Err(DeliveryAuthError::SecretMissing));
    assert_eq!(
        s.check(Some("codes=x"), none),
        Err(DeliveryAuthError::SecretMissing)
    );
    assert_eq!(
        s.check(Some(&format!("code={SECRET}x")), none),
        Err(DeliveryAuthError::SecretMismatch)
    );
    assert_eq!(
        s.check(Some("code=%zz"), none),
        Err(DeliveryAuthError::SecretMismatch),
        "a malformed escape never matches"
    );
    assert_eq!(
        s.check(
            None,
            &headers(&[("authorization", &format!("Bearer {SECRET}"))])
        ),
        Err(DeliveryAuthError::SecretMissing),
        "only the configured places count"
    );
    let query_only = WebhookSecret::new(SECRET, None).unwrap();
    assert_eq!(
        query_only.check(None, &headers(&[("x-callsteer-secret", SECRET)])),
        Err(DeliveryAuthError::SecretMissing)
    );
}

#[test]
fn a_secret_is_long_enough_never_shown_and_compared_by_hash() {
    match WebhookSecret::new("short-secret", None) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "secret");
            assert!(!reason.contains("short-secret"));
        }
        other => panic!("{other:?}"),
    }
    match WebhookSecret::new(SECRET, Some("Bad Header")) {
        Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "header"),
        other => panic!("{other:?}"),
    }
    let s = WebhookSecret::new(SECRET, Some("X-S")).unwrap();
    assert!(!format!("{s:?}").contains(SECRET));
    assert!(secrets_equal(SECRET, SECRET));
    assert!(!secrets_equal(SECRET, &SECRET[..SECRET.len() - 1]));
    assert!(!secrets_equal("", SECRET));
    for e in [
        DeliveryAuthError::SecretMismatch,
        DeliveryAuthError::SecretMissing,
    ] {
        assert!(!e.to_string().contains(SECRET));
    }
}

fn validation_body() -> Vec<u8> {
    std::fs::read("tests/fixtures/events/eventgrid-subscription-validation-event.json").unwrap()
}

#[test]
fn classify_event_grid_refuses_before_parsing_and_answers_only_after_authentication() {
    let s = WebhookSecret::new(SECRET, None).unwrap();
    let auth = DeliveryAuth::Secret(&s);
    let eg = headers(&[("aeg-event-type", "SubscriptionValidation")]);
    // Garbage without the secret: 401, not 400: the body was never parsed.
    match classify_event_grid("POST", None, &eg, b"{not json", auth) {
        Inbound::Rejected {
            rejection,
            response,
        } => {
            assert_eq!(
                rejection,
                Rejection::DeliveryUnauthorized(DeliveryAuthError::SecretMissing)
            );
            assert_eq!(response.status, 401);
            assert!(response.body.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let code = format!("code={SECRET}");
    match classify_event_grid("POST", Some(&code), &eg, &validation_body(), auth) {
        Inbound::SubscriptionValidation { response, .. } => {
            assert_eq!(response.status, 200);
            assert_eq!(
                response.body,
                r#"{"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}"#
            );
        }
        other => panic!("{other:?}"),
    }
    // The CloudEvents preflight: refused without, granted with.
    let origin = headers(&[("WebHook-Request-Origin", "eventgrid.azure.net")]);
    assert_eq!(
        classify_event_grid("OPTIONS", Some("code=nope"), &origin, b"", auth)
            .response()
            .status,
        401
    );
    assert!(matches!(
        classify_event_grid("OPTIONS", Some(&code), &origin, b"", auth),
        Inbound::Preflight { .. }
    ));
    // Authenticated, but a callback batch is not Event Grid: 400. GET: 405.
    let callback = br#"[{"id":"1","source":"calling/callConnections/x","type":"Microsoft.Communication.CallConnected","specversion":"1.0","data":{"callConnectionId":"x"}}]"#;
    assert_eq!(
        classify_event_grid("POST", Some(&code), &[], callback, auth)
            .response()
            .status,
        400
    );
    assert_eq!(
        classify_event_grid("GET", Some(&code), &[], b"", auth)
            .response()
            .status,
        405
    );
    // An incoming call.
    let incoming =
        std::fs::read("tests/fixtures/events/incoming-call.eventgrid-schema.docs.json").unwrap();
    match classify_event_grid("POST", Some(&code), &[], &incoming, auth) {
        Inbound::EventGrid { events, .. } => {
            assert!(matches!(events[0].data, EventGridData::IncomingCall(_)))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_entra_refusal_carries_the_bearer_challenge() {
    let (a, keys) = (app(), jwks());
    let verifier = a.verifier();
    let auth = DeliveryAuth::Entra {
        verifier: &verifier,
        jwks: &keys,
        now_unix: NOW,
    };
    let r = classify_event_grid("POST", None, &[], &validation_body(), auth);
    let response = r.response();
    assert_eq!(response.status, 401);
    assert!(response
        .headers
        .iter()
        .any(|(k, v)| k == "WWW-Authenticate" && v.starts_with("Bearer")));
    let ok = classify_event_grid(
        "POST",
        None,
        &bearer(&entra_claims(&v2(), APP_ID)),
        &validation_body(),
        auth,
    );
    assert!(
        matches!(ok, Inbound::SubscriptionValidation { .. }),
        "{ok:?}"
    );
}

#[test]
fn query_parameters_decode_like_urlsearchparams() {
    use callsteer::http::{decode_component, encode_query_value, query_param};
    assert_eq!(
        query_param("a=1&code=x%2By+z", "code"),
        Some(Some("x+y z".to_owned()))
    );
    assert_eq!(query_param("code", "code"), Some(Some(String::new())));
    assert_eq!(query_param("a=1", "code"), None);
    assert_eq!(query_param("code=%e2%82", "code"), Some(None), "not UTF-8");
    assert_eq!(decode_component("a%2Fb+c", false).as_deref(), Some("a/b+c"));
    assert_eq!(decode_component("%4", false), None);
    let tricky = "s3cret &=+/?ü";
    let q = format!("code={}", encode_query_value(tricky));
    assert_eq!(query_param(&q, "code"), Some(Some(tricky.to_owned())));
}
