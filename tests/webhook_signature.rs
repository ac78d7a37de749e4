//! `Callsteer-Signature`, the signature of the edge worker's flow webhooks: fixed vectors
//! computed outside callsteer, round trips, the tolerance window's edges, secret rotation,
//! malformed headers (each refused with its reason), tampering, and secrets kept out of
//! `Debug` and errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::webhook::{
    sign, verify, SignatureError, WebhookSigningSecret, DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER,
};
use callsteer::Error;
use serde_json::Value;

/// The vectors shared with the npm package's suite; how they were computed is in the file.
const VECTORS: &str = include_str!("fixtures/webhook-signature.json");

const SECRET: &str = "callsteer-flow-webhook-secret-1";
const BODY: &[u8] = br#"{"callConnectionId":"c-1","from":"+14255550123","digits":"2"}"#;
const T: u64 = 1_700_000_000;
/// The first vector: Python `hmac.new(SECRET, b"1700000000." + BODY, sha256).hexdigest()`.
const HEADER: &str =
    "t=1700000000,v1=c2e11f4e8e0446cce014dcccb9d3bf1d85775f780a029930a4e8a14c84c88500";

fn secret() -> WebhookSigningSecret {
    WebhookSigningSecret::new(SECRET).unwrap()
}

fn check(header: &str, body: &[u8], now: u64) -> Result<u64, SignatureError> {
    verify(&secret(), header, body, now, DEFAULT_TOLERANCE_SECONDS)
}

fn vectors() -> Vec<(String, u64, String, String)> {
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    let list = file["vectors"].as_array().unwrap();
    assert!(list.len() >= 3);
    list.iter()
        .map(|v| {
            (
                v["secret"].as_str().unwrap().to_owned(),
                v["timestamp"].as_u64().unwrap(),
                v["body"].as_str().unwrap().to_owned(),
                v["header"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn sign_gives_the_independently_computed_vectors() {
    for (secret, t, body, header) in vectors() {
        let key = WebhookSigningSecret::new(&secret).unwrap();
        assert_eq!(sign(&key, t, body.as_bytes()), header, "secret {secret:?}");
        assert_eq!(
            verify(&key, &header, body.as_bytes(), t, 0),
            Ok(t),
            "{header}"
        );
    }
    assert_eq!(sign(&secret(), T, BODY), HEADER);
}

#[test]
fn a_signed_body_verifies_and_returns_its_timestamp() {
    let body = b"\x00\xffnot even UTF-8";
    let header = sign(&secret(), 1_234_567_890, body);
    assert_eq!(check(&header, body, 1_234_567_900), Ok(1_234_567_890));
    assert_eq!(SIGNATURE_HEADER, "Callsteer-Signature");
}

#[test]
fn the_tolerance_is_inclusive_both_ways() {
    let tol = DEFAULT_TOLERANCE_SECONDS;
    assert_eq!(tol, 300);
    assert_eq!(check(HEADER, BODY, T + tol), Ok(T));
    assert_eq!(check(HEADER, BODY, T - tol), Ok(T));
    let old = check(HEADER, BODY, T + tol + 1).unwrap_err();
    assert_eq!(
        old,
        SignatureError::OutsideTolerance {
            timestamp: T,
            now: T + 301,
            tolerance: 300
        }
    );
    assert_eq!(old.code(), "Expired");
    assert_eq!(
        old.describe(),
        "Callsteer-Signature is too old: t=1700000000 is 301 s before now (1700000301), \
         more than the tolerance of 300 s"
    );
    let future = check(HEADER, BODY, T - tol - 1).unwrap_err();
    assert_eq!(future.code(), "Expired");
    assert_eq!(
        future.describe(),
        "Callsteer-Signature is in the future: t=1700000000 is 301 s after now (1699999699), \
         more than the tolerance of 300 s"
    );
}

#[test]
fn the_tolerance_is_the_callers() {
    let s = secret();
    assert_eq!(verify(&s, HEADER, BODY, T, 0), Ok(T));
    assert!(verify(&s, HEADER, BODY, T + 1, 0).is_err());
    assert_eq!(verify(&s, HEADER, BODY, T + 3600, 3600), Ok(T));
    // Time checks come before the HMAC: an expired request is Expired even when forged.
    let forged = HEADER.replace("v1=c2", "v1=d2");
    assert_eq!(check(&forged, BODY, T + 301).unwrap_err().code(), "Expired");
}

#[test]
fn any_v1_entry_may_match_and_unknown_keys_are_ignored() {
    let old = WebhookSigningSecret::new("the-previous-secret-before-rotation").unwrap();
    let by_old = sign(&old, T, BODY);
    let old_v1 = by_old.split_once(",v1=").unwrap().1;
    let new_v1 = HEADER.split_once(",v1=").unwrap().1;
    let both = format!("t={T},v1={old_v1},v1={new_v1}");
    assert_eq!(check(&both, BODY, T), Ok(T), "second entry matches");
    assert_eq!(
        verify(&old, &both, BODY, T, 300),
        Ok(T),
        "first entry matches"
    );
    let spaced = format!("  v2=whatever , t={T} ,\tv1={new_v1}, x-future=1,  ");
    assert_eq!(check(&spaced, BODY, T), Ok(T));
    let only_old = format!("t={T},v1={old_v1}");
    assert_eq!(
        check(&only_old, BODY, T),
        Err(SignatureError::Mismatch),
        "another secret"
    );
    let upper = format!("t={T},v1={}", new_v1.to_ascii_uppercase());
    assert_eq!(check(&upper, BODY, T), Ok(T), "hex in either case");
}

#[test]
fn malformed_headers_are_refused_with_their_reason() {
    let v1 = HEADER.split_once(",v1=").unwrap().1;
    let cases = [
        ("", "is empty"),
        ("   ", "is empty"),
        (&format!("v1={v1}") as &str, "has no t entry"),
        (&format!("t=,v1={v1}"), "t is not a decimal number"),
        (&format!("t=17e8,v1={v1}"), "t is not a decimal number"),
        (
            &format!("t=+1700000000,v1={v1}"),
            "t is not a decimal number",
        ),
        (&format!("t=-5,v1={v1}"), "t is not a decimal number"),
        (
            &format!("t=99999999999999999999999,v1={v1}"),
            "t is not a decimal number",
        ),
        (&format!("t={T},t={T},v1={v1}"), "more than one t"),
        (&format!("t={T}"), "has no v1 entry"),
        (&format!("t={T},v2={v1}"), "has no v1 entry"),
        (&format!("t={T},v1=xyz"), "v1 is not 64 hex digits"),
        (
            &format!("t={T},v1={}", &v1[..63]),
            "v1 is not 64 hex digits",
        ),
        (&format!("t={T},v1={v1}00"), "v1 is not 64 hex digits"),
        (
            &format!("t={T},v1={}g", &v1[..63]),
            "v1 is not 64 hex digits",
        ),
        (&format!("t={T},v1={v1},garbage"), "entry without '='"),
    ];
    for (header, reason) in cases {
        let err = check(header, BODY, T).unwrap_err();
        assert_eq!(err.code(), "MalformedHeader", "{header:?}");
        let SignatureError::Malformed(why) = err else {
            panic!("{header:?}: {err:?}")
        };
        assert!(why.contains(reason), "{header:?}: {why}");
        let message = err.describe();
        assert!(
            message.starts_with("invalid Callsteer-Signature: "),
            "{message}"
        );
        assert_eq!(
            Error::from(err),
            Error::invalid("Callsteer-Signature", why),
            "{header:?}"
        );
    }
}

#[test]
fn one_flipped_bit_of_the_body_fails() {
    for at in [0, BODY.len() / 2, BODY.len() - 1] {
        let mut body = BODY.to_vec();
        body[at] ^= 1;
        assert_eq!(check(HEADER, &body, T), Err(SignatureError::Mismatch));
    }
    assert_eq!(check(HEADER, &BODY[1..], T), Err(SignatureError::Mismatch));
    // The timestamp is signed too: moving it breaks the signature.
    let moved = HEADER.replace("t=1700000000", "t=1700000001");
    assert_eq!(check(&moved, BODY, T), Err(SignatureError::Mismatch));
}

#[test]
fn refusals_become_the_crates_error_without_secrets() {
    let wrong = WebhookSigningSecret::new("a-different-secret-entirely").unwrap();
    let err = verify(&wrong, HEADER, BODY, T, 300).unwrap_err();
    assert_eq!(err.code(), "InvalidSignature");
    let expected_v1 = HEADER.split_once(",v1=").unwrap().1;
    let wrong_v1 = sign(&wrong, T, BODY);
    let e: Error = err.into();
    assert!(matches!(e, Error::Unauthorized { .. }), "{e:?}");
    let text = format!("{e} {e:?} {err}");
    assert!(
        text.contains("Callsteer-Signature does not match"),
        "{text}"
    );
    for leak in [
        SECRET,
        "a-different-secret-entirely",
        &wrong_v1[wrong_v1.len() - 64..],
    ] {
        assert!(!text.contains(leak), "{text}");
    }
    // The header's own v1 is not secret, but it is not echoed either.
    assert!(!text.contains(expected_v1));
    let expired: Error = check(HEADER, BODY, T + 999).unwrap_err().into();
    assert!(matches!(expired, Error::Unauthorized { .. }), "{expired:?}");
}

#[test]
fn the_secret_is_at_least_16_bytes_and_never_shown() {
    let err = WebhookSigningSecret::new("fifteen-bytes!!").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, reason } if field == "secret" && reason.contains("16 bytes")),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("fifteen-bytes!!"));
    // Bytes, not characters: five 3-byte characters and a byte are 16.
    assert!(WebhookSigningSecret::new("☎☎☎☎☎x").is_ok());
    assert!(WebhookSigningSecret::new("☎☎☎☎☎").is_err());
    let shown = format!("{:?} {:#?}", secret(), secret());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}
