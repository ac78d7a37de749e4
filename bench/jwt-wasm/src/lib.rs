//! wasm exports for the JWT benchmark: the event decoder (always, as the size baseline) and,
//! with the `verify` feature, `verify_n`, which verifies the same token `n` times.

use wasm_bindgen::prelude::*;

/// Decodes a callback body; returns the number of events (0 on error).
#[wasm_bindgen]
pub fn decode_count(body: &str) -> u32 {
    callsteer::events::decode_callback_events(body.as_bytes()).map_or(0, |e| e.len() as u32)
}

/// Verifies `token` `n` times against `jwks_json`; returns how many verifications passed.
#[cfg(feature = "verify")]
#[wasm_bindgen]
pub fn verify_n(token: &str, jwks_json: &str, audience: &str, now: f64, n: u32) -> u32 {
    use callsteer::webhook::{Jwks, JwtVerifier};
    let Ok(jwks) = Jwks::from_json(jwks_json.as_bytes()) else { return 0 };
    let verifier = JwtVerifier::new(audience);
    (0..n).filter(|_| verifier.verify(token, &jwks, now as u64).is_ok()).count() as u32
}
