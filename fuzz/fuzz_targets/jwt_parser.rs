//! Any bytes as an `Authorization` header value and as a bare token, against a JWKS holding
//! a real 2048-bit key (`fuzz/jwks.json`), and as a JWKS document. Must never panic.
#![no_main]

use std::sync::OnceLock;

use callsteer::webhook::{Jwks, JwtVerifier};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_773_273_600;

fn jwks() -> &'static Jwks {
    static J: OnceLock<Jwks> = OnceLock::new();
    J.get_or_init(|| Jwks::from_json(include_bytes!("../jwks.json")).expect("fuzz jwks"))
}

fuzz_target!(|data: &[u8]| {
    let verifier = JwtVerifier::new("fuzz-aud");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verifier.verify_authorization(Some(text), jwks(), NOW);
        let _ = verifier.verify(text, jwks(), NOW);
    }
    let _ = Jwks::from_json(data);
});
