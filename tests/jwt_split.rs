//! The split verification a Worker uses to hand the RSA step to WebCrypto: prepare (parse,
//! pin alg, pick key) → caller checks the signature → finish (claims).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common_jwt;

use callsteer::webhook::{Jwks, JwtError, JwtVerifier};
use common_jwt::*;
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use serde_json::json;
use sha2::{Digest, Sha256};

fn jwks() -> Jwks {
    Jwks::from_json(jwks_json().as_bytes()).unwrap()
}

/// Stands in for WebCrypto: a key rebuilt from the exported components, checked outside
/// the verifier.
fn external_check(jwks: &Jwks, kid: &str, input: &[u8], sig: &[u8]) -> bool {
    let (n, e) = jwks.rsa_components(kid).unwrap();
    let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).unwrap();
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(input), sig)
        .is_ok()
}

#[test]
fn prepare_then_an_external_signature_check_then_finish_accepts_a_good_token() {
    let (v, jwks, token) = (JwtVerifier::new(AUDIENCE), jwks(), good_token());
    let p = v.prepare(&token, &jwks).unwrap();
    let dot = token.rfind('.').unwrap();
    assert_eq!(p.signing_input(), &token.as_bytes()[..dot]);
    assert_eq!(p.signature().len(), 256);
    assert_eq!(p.key_id(), KID);
    let ok = external_check(&jwks, p.key_id(), p.signing_input(), p.signature());
    assert!(ok);
    let claims = v.finish(p, ok, NOW).unwrap();
    assert_eq!(claims.audience, vec![AUDIENCE.to_string()]);
}

#[test]
fn finish_refuses_when_the_caller_says_the_signature_failed() {
    let (v, jwks) = (JwtVerifier::new(AUDIENCE), jwks());
    let forged = sign_rs256(&header(KID), &claims(), other_key());
    let p = v.prepare(&forged, &jwks).unwrap();
    let ok = external_check(&jwks, p.key_id(), p.signing_input(), p.signature());
    assert!(!ok);
    assert_eq!(v.finish(p, ok, NOW), Err(JwtError::Signature));
}

#[test]
fn prepare_refuses_alg_and_kid_problems_before_any_rsa_work() {
    let (v, jwks) = (JwtVerifier::new(AUDIENCE), jwks());
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","kid":"test-key-1"}"#),
        b64(b"{}")
    );
    assert_eq!(v.prepare(&none, &jwks).unwrap_err(), JwtError::Algorithm);
    let unknown = sign_rs256(&header("nope"), &claims(), key());
    assert_eq!(
        v.prepare(&unknown, &jwks).unwrap_err(),
        JwtError::UnknownKid
    );
    assert_eq!(v.prepare("", &jwks).unwrap_err(), JwtError::Missing);
}

#[test]
fn claims_are_read_only_in_finish_and_still_fully_checked() {
    let (v, jwks) = (JwtVerifier::new(AUDIENCE), jwks());
    // A payload that is not even base64url passes prepare: claims are untouched there.
    let junk = format!("{}.!!!.AAAA", b64(header(KID).to_string().as_bytes()));
    let p = v.prepare(&junk, &jwks).unwrap();
    assert_eq!(
        v.finish(p, true, NOW),
        Err(JwtError::Malformed("payload is not base64url"))
    );
    let mut c = claims();
    c["exp"] = json!(NOW - 3600);
    let expired = sign_rs256(&header(KID), &c, key());
    let p = v.prepare(&expired, &jwks).unwrap();
    assert!(p.verify_signature(&jwks).is_ok());
    assert_eq!(v.finish(p, true, NOW), Err(JwtError::Expired));
}

#[test]
fn a_prepared_token_does_not_show_the_token_in_debug() {
    let (v, jwks, token) = (JwtVerifier::new(AUDIENCE), jwks(), good_token());
    let debug = format!("{:?}", v.prepare(&token, &jwks).unwrap());
    assert!(debug.contains(KID));
    assert!(!debug.contains(&token[..30]) && !debug.contains(token.split('.').nth(1).unwrap()));
}
