//! Callback JWT verification: a good RS256 token passes; every forgery and breakage is
//! refused with its own error, and no error shows the token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common_jwt;

use callsteer::webhook::{Jwks, JwtError, JwtVerifier};
use common_jwt::*;
use rsa::traits::PublicKeyParts;
use serde_json::json;

fn jwks() -> Jwks {
    Jwks::from_json(jwks_json().as_bytes()).unwrap()
}

fn verifier() -> JwtVerifier {
    JwtVerifier::new(AUDIENCE)
}

fn check(token: &str) -> Result<callsteer::webhook::VerifiedClaims, JwtError> {
    verifier().verify_authorization(Some(&format!("Bearer {token}")), &jwks(), NOW)
}

fn with_claim(name: &str, value: serde_json::Value) -> String {
    let mut c = claims();
    c[name] = value;
    sign_rs256(&header(KID), &c, key())
}

#[test]
fn a_good_rs256_token_is_accepted_with_its_claims() {
    let claims = check(&good_token()).unwrap();
    assert_eq!(claims.issuer, ISSUER);
    assert_eq!(claims.audience, vec![AUDIENCE.to_string()]);
    assert_eq!(claims.expires_at, NOW + 290);
    assert_eq!(claims.not_before, Some(NOW - 10));
    assert_eq!(claims.issued_at, Some(NOW - 10));
    assert_eq!(claims.key_id, KID);
}

#[test]
fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_refused() {
    let t = good_token();
    assert!(verifier()
        .verify_authorization(Some(&format!("bearer {t}")), &jwks(), NOW)
        .is_ok());
    let basic = verifier().verify_authorization(Some(&format!("Basic {t}")), &jwks(), NOW);
    assert_eq!(basic, Err(JwtError::Malformed("not a Bearer token")));
}

#[test]
fn no_token_is_refused_as_missing() {
    assert_eq!(
        verifier().verify_authorization(None, &jwks(), NOW),
        Err(JwtError::Missing)
    );
    assert_eq!(
        verifier().verify_authorization(Some("  "), &jwks(), NOW),
        Err(JwtError::Missing)
    );
    assert_eq!(verifier().verify("", &jwks(), NOW), Err(JwtError::Missing));
}

#[test]
fn alg_none_is_refused() {
    let h = json!({"alg": "none", "kid": KID});
    let token = format!(
        "{}.{}.",
        b64(h.to_string().as_bytes()),
        b64(claims().to_string().as_bytes())
    );
    assert_eq!(check(&token), Err(JwtError::Algorithm));
    // Without a kid, too: the algorithm is checked first.
    let h = json!({"alg": "none"});
    let token = format!(
        "{}.{}.",
        b64(h.to_string().as_bytes()),
        b64(claims().to_string().as_bytes())
    );
    assert_eq!(check(&token), Err(JwtError::Algorithm));
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    let public_n = key().n().to_bytes_be();
    let h = json!({"alg": "HS256", "typ": "JWT", "kid": KID});
    assert_eq!(
        check(&sign_hs256(&h, &claims(), &public_n)),
        Err(JwtError::Algorithm)
    );
    let jwk_bytes = jwks_json();
    assert_eq!(
        check(&sign_hs256(&h, &claims(), jwk_bytes.as_bytes())),
        Err(JwtError::Algorithm)
    );
}

#[test]
fn an_unknown_or_absent_kid_is_refused() {
    assert_eq!(
        check(&sign_rs256(&header("rotated-away"), &claims(), key())),
        Err(JwtError::UnknownKid)
    );
    let h = json!({"alg": "RS256", "typ": "JWT"});
    assert_eq!(
        check(&sign_rs256(&h, &claims(), key())),
        Err(JwtError::UnknownKid)
    );
}

#[test]
fn a_token_signed_by_another_key_under_a_known_kid_is_refused() {
    assert_eq!(
        check(&sign_rs256(&header(KID), &claims(), other_key())),
        Err(JwtError::Signature)
    );
}

#[test]
fn a_wrong_issuer_is_refused_and_a_configured_one_accepted() {
    let token = with_claim("iss", json!("https://evil.example"));
    assert_eq!(check(&token), Err(JwtError::Issuer));
    let custom = verifier().issuer("https://evil.example");
    assert!(custom.verify(&token, &jwks(), NOW).is_ok());
    assert_eq!(
        custom.verify(&good_token(), &jwks(), NOW),
        Err(JwtError::Issuer)
    );
    assert_eq!(
        check(&with_claim("iss", json!(null))),
        Err(JwtError::Issuer)
    );
}

#[test]
fn a_wrong_audience_is_refused_and_an_array_containing_ours_accepted() {
    assert_eq!(
        check(&with_claim("aud", json!("another-resource"))),
        Err(JwtError::Audience)
    );
    assert_eq!(
        check(&with_claim("aud", json!(["a", "b"]))),
        Err(JwtError::Audience)
    );
    let claims = check(&with_claim("aud", json!(["a", AUDIENCE]))).unwrap();
    assert_eq!(claims.audience, vec!["a".to_string(), AUDIENCE.to_string()]);
    let mut c = claims_without("aud");
    c["iss"] = json!(ISSUER);
    assert_eq!(
        check(&sign_rs256(&header(KID), &c, key())),
        Err(JwtError::Audience)
    );
}

fn claims_without(name: &str) -> serde_json::Value {
    let mut c = claims();
    c.as_object_mut().unwrap().remove(name);
    c
}

#[test]
fn an_expired_token_is_refused_within_the_bounded_skew_only() {
    // 60 s default leeway: 59 s past exp still passes, 61 s does not.
    assert!(check(&with_claim("exp", json!(NOW - 59))).is_ok());
    assert_eq!(
        check(&with_claim("exp", json!(NOW - 61))),
        Err(JwtError::Expired)
    );
    let strict = verifier().leeway_secs(0);
    assert_eq!(
        strict.verify(&with_claim("exp", json!(NOW - 1)), &jwks(), NOW),
        Err(JwtError::Expired)
    );
    // The skew is capped at 300 s, whatever is asked for.
    let lax = verifier().leeway_secs(100_000);
    assert_eq!(
        lax.verify(&with_claim("exp", json!(NOW - 301)), &jwks(), NOW),
        Err(JwtError::Expired)
    );
    assert!(lax
        .verify(&with_claim("exp", json!(NOW - 299)), &jwks(), NOW)
        .is_ok());
}

#[test]
fn a_token_without_exp_is_malformed() {
    let token = sign_rs256(&header(KID), &claims_without("exp"), key());
    assert_eq!(check(&token), Err(JwtError::Malformed("no exp claim")));
    assert_eq!(
        check(&with_claim("exp", json!("soon"))),
        Err(JwtError::Malformed("exp is not a NumericDate"))
    );
}

#[test]
fn a_not_yet_valid_token_is_refused() {
    assert_eq!(
        check(&with_claim("nbf", json!(NOW + 61))),
        Err(JwtError::NotYetValid)
    );
    assert!(check(&with_claim("nbf", json!(NOW + 59))).is_ok());
}

#[test]
fn a_tampered_payload_fails_the_signature() {
    let token = good_token();
    let parts: Vec<&str> = token.split('.').collect();
    let mut forged = claims();
    forged["aud"] = json!("attacker-resource");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(forged.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(check(&tampered), Err(JwtError::Signature));
    // One flipped signature character, too.
    let mut sig = parts[2].to_string();
    let first = if sig.starts_with('A') { "B" } else { "A" };
    sig.replace_range(0..1, first);
    assert_eq!(
        check(&format!("{}.{}.{sig}", parts[0], parts[1])),
        Err(JwtError::Signature)
    );
}

#[test]
fn truncated_tokens_are_refused() {
    let token = good_token();
    let dot = token.rfind('.').unwrap();
    assert_eq!(
        check(&token[..dot]),
        Err(JwtError::Malformed("not three dot-separated parts"))
    );
    assert_eq!(
        check(&token[..=dot]),
        Err(JwtError::Signature),
        "empty signature"
    );
    // 342 base64 chars carry the 256-byte signature: cutting 2 leaves 255 whole bytes
    // (a short signature); cutting 4 leaves a non-canonical tail (not base64url).
    assert_eq!(check(&token[..token.len() - 2]), Err(JwtError::Signature));
    assert_eq!(
        check(&token[..token.len() - 4]),
        Err(JwtError::Malformed("signature is not base64url"))
    );
    let first_dot = token.find('.').unwrap();
    assert_eq!(
        check(&token[..first_dot]),
        Err(JwtError::Malformed("not three dot-separated parts"))
    );
    assert_eq!(
        check(&token[..5]),
        Err(JwtError::Malformed("not three dot-separated parts"))
    );
}

#[test]
fn garbage_segments_are_malformed() {
    assert_eq!(
        check("a.b.c.d"),
        Err(JwtError::Malformed("not three dot-separated parts"))
    );
    assert_eq!(
        check("!!!.e30.AA"),
        Err(JwtError::Malformed("header is not base64url"))
    );
    assert_eq!(
        check(&format!("{}.e30.AA", b64(b"[1]"))),
        Err(JwtError::Malformed("header is not a JSON object"))
    );
    let long = "a".repeat(10_000);
    assert_eq!(check(&long), Err(JwtError::Malformed("token too long")));
    let crit = json!({"alg": "RS256", "kid": KID, "crit": ["exp"]});
    assert_eq!(
        check(&sign_rs256(&crit, &claims(), key())),
        Err(JwtError::Malformed(
            "critical header extensions are not supported"
        ))
    );
}

#[test]
fn errors_never_show_the_token() {
    let token = with_claim("aud", json!("another-resource"));
    let payload = token.split('.').nth(1).unwrap().to_string();
    let errors = [
        check(&token).unwrap_err(),
        check(&format!("{token}x")).unwrap_err(),
        check(&token[..token.len() / 2]).unwrap_err(),
    ];
    for e in errors {
        for text in [
            format!("{e}"),
            format!("{e:?}"),
            callsteer::Error::from(e).to_string(),
        ] {
            assert!(!text.contains(&payload[..20]), "{text}");
            assert!(!text.contains(&token[..20]), "{text}");
        }
    }
    assert_eq!(
        callsteer::Error::from(JwtError::Expired).code(),
        "Unauthorized"
    );
    assert_eq!(JwtError::Audience.code(), "TokenAudience");
}

#[test]
fn the_jwks_keeps_rsa_signing_keys_and_refuses_weak_ones() {
    let other = jwk("ec", key());
    let mut ec = other.clone();
    ec["kty"] = json!("EC");
    let mut enc = jwk("enc", key());
    enc["use"] = json!("enc");
    let mut ps = jwk("ps", key());
    ps["alg"] = json!("PS256");
    let doc = json!({"keys": [ec, enc, ps, jwk("good", key()), {"kty": "RSA"}]});
    let jwks = Jwks::from_json(doc.to_string().as_bytes()).unwrap();
    assert_eq!(jwks.kids().collect::<Vec<_>>(), vec!["good"]);

    let small = rsa::RsaPrivateKey::new(
        &mut <rand_chacha::ChaCha20Rng as rand_chacha::rand_core::SeedableRng>::seed_from_u64(3),
        1024,
    )
    .unwrap();
    let doc = json!({"keys": [jwk("small", &small)]});
    let err = Jwks::from_json(doc.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("2048 to 4096 bits"), "{err}");

    let mut bad = jwk("bad", key());
    bad["n"] = json!("not base64!");
    let err = Jwks::from_json(json!({"keys": [bad]}).to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("n is not base64url"), "{err}");
    assert!(Jwks::from_json(b"{}").is_err());
}
