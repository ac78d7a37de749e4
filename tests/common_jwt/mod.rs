//! Test-only token minting: seeded RSA keys, RS256/HS256 signing, JWKS documents.
//! (The core only verifies; signing lives here and in the emulator.)
#![allow(unreachable_pub)] // test support: `pub` for the test crates that include it
#![allow(dead_code)]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The ACS resource id the tokens are minted for.
pub const AUDIENCE: &str = "6d889502-3d7a-41a8-befa-d21fd80e8767";
pub const ISSUER: &str = "https://acscallautomation.communication.azure.com";
pub const KID: &str = "test-key-1";
/// A fixed "now" (2026-03-12T00:00:00Z).
pub const NOW: u64 = 1_773_273_600;

fn keygen(seed: u64, bits: usize) -> RsaPrivateKey {
    RsaPrivateKey::new(&mut ChaCha20Rng::seed_from_u64(seed), bits).expect("keygen")
}

/// The signing key whose public half is in [`jwks_json`] under [`KID`].
pub fn key() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| keygen(1, 2048))
}

/// A second key, not in the JWKS.
pub fn other_key() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| keygen(2, 2048))
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWKS document holding `key`'s public half as `kid`.
pub fn jwk(kid: &str, key: &RsaPrivateKey) -> Value {
    json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
           "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be())})
}

pub fn jwks_json() -> String {
    json!({"keys": [jwk(KID, key())]}).to_string()
}

/// Claims of a good token at [`NOW`] (5-minute lifetime, like the service's).
pub fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 290})
}

pub fn header(kid: &str) -> Value {
    json!({"alg": "RS256", "typ": "JWT", "kid": kid})
}

/// `header.payload.signature`, RS256 with `key`.
pub fn sign_rs256(header: &Value, claims: &Value, key: &RsaPrivateKey) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let digest = Sha256::digest(input.as_bytes());
    let sig = key
        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
        .expect("sign");
    format!("{input}.{}", b64(&sig))
}

/// A good token.
pub fn good_token() -> String {
    sign_rs256(&header(KID), &claims(), key())
}

/// HS256 with `secret` as the HMAC key (the classic "public key as HMAC secret" forgery).
pub fn sign_hs256(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("hmac");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}
