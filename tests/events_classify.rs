//! The inbound classifier: Event Grid handshake, CloudEvents preflight, incoming calls,
//! signed callbacks, and refusals with the status to answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common_jwt;

use callsteer::events::*;
use callsteer::webhook::{Jwks, JwtError, JwtVerifier};
use common_jwt::*;
use serde_json::json;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/events/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Keys {
    verifier: JwtVerifier,
    jwks: Jwks,
}

impl Keys {
    fn new() -> Self {
        Keys {
            verifier: JwtVerifier::new(AUDIENCE),
            jwks: Jwks::from_json(jwks_json().as_bytes()).unwrap(),
        }
    }
    fn auth(&self) -> CallbackAuth<'_> {
        CallbackAuth::Jwt {
            verifier: &self.verifier,
            jwks: &self.jwks,
            now_unix: NOW,
        }
    }
}

#[test]
fn event_grid_validation_is_answered_with_the_exact_body() {
    let keys = Keys::new();
    let headers = h(&[
        ("aeg-event-type", "SubscriptionValidation"),
        ("aeg-subscription-name", "sub"),
    ]);
    let inbound = classify(
        "POST",
        &headers,
        &fixture("eventgrid-subscription-validation-event.json"),
        keys.auth(),
    );
    let Inbound::SubscriptionValidation {
        validation,
        response,
    } = &inbound
    else {
        panic!("{inbound:?}")
    };
    assert_eq!(
        validation.validation_code,
        "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        response.body,
        r#"{"validationResponse":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}"#
    );
    let expected: serde_json::Value =
        serde_json::from_slice(&fixture("eventgrid-subscription-validation-response.json"))
            .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&response.body).unwrap(),
        expected
    );
    assert_eq!(response.headers, h(&[("Content-Type", "application/json")]));
}

#[test]
fn a_validation_event_is_recognised_without_the_header_too() {
    let inbound = classify(
        "POST",
        &[],
        &fixture("eventgrid-subscription-validation-event.json"),
        CallbackAuth::InsecureSkipVerification,
    );
    assert!(
        matches!(inbound, Inbound::SubscriptionValidation { .. }),
        "{inbound:?}"
    );
}

#[test]
fn the_cloudevents_preflight_grants_the_requesting_origin() {
    let keys = Keys::new();
    let headers = h(&[
        ("WebHook-Request-Origin", "eventgrid.azure.net"),
        ("WebHook-Request-Rate", "120"),
    ]);
    let inbound = classify("OPTIONS", &headers, b"", keys.auth());
    let Inbound::Preflight { origin, response } = &inbound else {
        panic!("{inbound:?}")
    };
    assert_eq!(origin, "eventgrid.azure.net");
    assert_eq!(response.status, 200);
    assert!(response.headers.contains(&(
        "WebHook-Allowed-Origin".into(),
        "eventgrid.azure.net".into()
    )));
    assert!(response
        .headers
        .contains(&("WebHook-Allowed-Rate".into(), "*".into())));
    assert!(response.body.is_empty());
}

#[test]
fn a_preflight_without_a_sane_origin_is_a_bad_request() {
    let keys = Keys::new();
    for headers in [
        h(&[]),
        h(&[("WebHook-Request-Origin", "evil\r\nSet-Cookie: x")]),
        h(&[("WebHook-Request-Origin", "")]),
    ] {
        let inbound = classify("OPTIONS", &headers, b"", keys.auth());
        let Inbound::Rejected {
            rejection,
            response,
        } = &inbound
        else {
            panic!("{inbound:?}")
        };
        assert!(matches!(rejection, Rejection::BadRequest { .. }));
        assert_eq!(response.status, 400);
        assert!(response.headers.is_empty());
    }
}

#[test]
fn an_incoming_call_notification_is_event_grid() {
    let keys = Keys::new();
    let headers = h(&[("aeg-event-type", "Notification")]);
    let inbound = classify(
        "POST",
        &headers,
        &fixture("incoming-call.eventgrid-schema.docs.json"),
        keys.auth(),
    );
    let Inbound::EventGrid { events, response } = &inbound else {
        panic!("{inbound:?}")
    };
    assert_eq!(response.status, 200);
    let EventGridData::IncomingCall(call) = &events[0].data else {
        panic!()
    };
    assert_eq!(call.caller_display_name.as_deref(), Some("John Doe"));
}

#[test]
fn an_incoming_call_in_cloudevents_schema_without_headers_is_event_grid() {
    let path = format!(
        "{}/tests/fixtures/events/synthetic/incoming-call.cloudevents-schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let inbound = classify(
        "POST",
        &[],
        &std::fs::read(path).unwrap(),
        Keys::new().auth(),
    );
    assert!(
        matches!(&inbound, Inbound::EventGrid { events, .. } if events.len() == 1),
        "{inbound:?}"
    );
}

#[test]
fn signed_callbacks_are_accepted_with_their_claims() {
    let keys = Keys::new();
    let bearer = format!("Bearer {}", good_token());
    let headers = h(&[
        ("Authorization", &bearer),
        ("Content-Type", "application/json"),
    ]);
    let inbound = classify(
        "POST",
        &headers,
        &fixture("call-connected.cloudevent.recorded.json"),
        keys.auth(),
    );
    let Inbound::Callbacks {
        events,
        claims,
        response,
    } = &inbound
    else {
        panic!("{inbound:?}")
    };
    assert_eq!(events[0].event.kind_name(), "CallConnected");
    assert_eq!(
        claims.as_ref().unwrap().audience,
        vec![AUDIENCE.to_string()]
    );
    assert_eq!((response.status, response.body.as_str()), (200, ""));
}

#[test]
fn callbacks_without_or_with_a_bad_token_are_unauthorized() {
    let keys = Keys::new();
    let body = fixture("call-connected.cloudevent.recorded.json");
    let inbound = classify("POST", &[], &body, keys.auth());
    let Inbound::Rejected {
        rejection,
        response,
    } = &inbound
    else {
        panic!("{inbound:?}")
    };
    assert_eq!(rejection, &Rejection::Unauthorized(JwtError::Missing));
    assert_eq!(response.status, 401);
    assert!(response
        .headers
        .iter()
        .any(|(k, _)| k == "WWW-Authenticate"));

    let forged = format!(
        "Bearer {}",
        sign_rs256(&header(KID), &claims(), other_key())
    );
    let inbound = classify(
        "POST",
        &h(&[("authorization", &forged)]),
        &body,
        keys.auth(),
    );
    assert!(matches!(
        inbound,
        Inbound::Rejected {
            rejection: Rejection::Unauthorized(JwtError::Signature),
            ..
        }
    ));
}

#[test]
fn the_token_is_checked_before_the_body_is_parsed() {
    let keys = Keys::new();
    let inbound = classify(
        "POST",
        &h(&[("Authorization", "Bearer x.y.z")]),
        b"{not json",
        keys.auth(),
    );
    assert!(matches!(
        inbound,
        Inbound::Rejected {
            rejection: Rejection::Unauthorized(JwtError::Malformed(_)),
            ..
        }
    ));
}

#[test]
fn callback_kinds_cannot_slip_in_through_the_event_grid_path() {
    // An unsigned CallConnected with an Event Grid header decodes as an unknown Event Grid
    // event, never as a callback.
    let body = fixture("call-connected.cloudevent.recorded.json");
    let inbound = classify(
        "POST",
        &h(&[("aeg-event-type", "Notification")]),
        &body,
        Keys::new().auth(),
    );
    let Inbound::EventGrid { events, .. } = &inbound else {
        panic!("{inbound:?}")
    };
    assert!(matches!(events[0].data, EventGridData::Unknown { .. }));
}

#[test]
fn insecure_mode_accepts_unsigned_callbacks_without_claims() {
    let body = fixture("participants-updated.cloudevent.recorded.json");
    let inbound = classify("POST", &[], &body, CallbackAuth::InsecureSkipVerification);
    assert!(
        matches!(&inbound, Inbound::Callbacks { claims: None, events, .. } if events.len() == 1),
        "{inbound:?}"
    );
}

#[test]
fn other_methods_big_bodies_and_junk_are_refused_with_their_status() {
    let keys = Keys::new();
    let inbound = classify("GET", &[], b"", keys.auth());
    assert_eq!(inbound.response().status, 405);
    assert!(inbound
        .response()
        .headers
        .contains(&("Allow".into(), "POST, OPTIONS".into())));

    let big = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(
        classify("POST", &[], &big, keys.auth()).response().status,
        413
    );

    let junk = classify(
        "POST",
        &h(&[("aeg-event-type", "Notification")]),
        b"<xml/>",
        keys.auth(),
    );
    assert!(matches!(
        &junk,
        Inbound::Rejected {
            rejection: Rejection::BadRequest { .. },
            ..
        }
    ));
    assert_eq!(junk.response().status, 400);

    let bearer = format!("Bearer {}", good_token());
    let bad = json!([{"id": "1", "source": "s", "type": "Microsoft.Communication.PlayFailed",
                      "data": {"resultInformation": "oops"}}]);
    let inbound = classify(
        "POST",
        &h(&[("Authorization", &bearer)]),
        bad.to_string().as_bytes(),
        keys.auth(),
    );
    let Inbound::Rejected {
        rejection: Rejection::BadRequest { reason },
        ..
    } = &inbound
    else {
        panic!("{inbound:?}")
    };
    assert!(reason.contains("PlayFailed"), "{reason}");
}
