//! Native CPU cost of one callback JWT verification (RS256, 2048-bit key).
//! `cargo run --release --example jwt_verify_bench` — numbers go to BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use callsteer::webhook::{Jwks, JwtVerifier};
use rand_chacha::rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};

fn main() {
    let key = RsaPrivateKey::new(&mut rand_chacha::ChaCha20Rng::seed_from_u64(1), 2048).unwrap();
    let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
    let jwks = serde_json::json!({"keys": [{"kty": "RSA", "kid": "k", "n": b64(&key.n().to_bytes_be()),
                                             "e": b64(&key.e().to_bytes_be())}]});
    let jwks = Jwks::from_json(jwks.to_string().as_bytes()).unwrap();
    let now = 1_773_273_600u64;
    let header = b64(br#"{"alg":"RS256","typ":"JWT","kid":"k"}"#);
    let claims = serde_json::json!({"iss": "https://acscallautomation.communication.azure.com",
                                    "aud": "aud", "nbf": now, "exp": now + 300});
    let input = format!("{header}.{}", b64(claims.to_string().as_bytes()));
    let sig = key
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(input.as_bytes()),
        )
        .unwrap();
    let token = format!("{input}.{}", b64(&sig));
    let verifier = JwtVerifier::new("aud");
    verifier.verify(&token, &jwks, now).unwrap();

    let rounds = 2_000;
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        verifier
            .verify(std::hint::black_box(&token), &jwks, now)
            .unwrap();
        samples.push(t.elapsed().as_nanos() as f64 / 1000.0);
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mean = samples.iter().sum::<f64>() / rounds as f64;
    println!(
        "native RS256 verify ({rounds} rounds): median {:.1} µs, p90 {:.1} µs, mean {mean:.1} µs",
        samples[rounds / 2],
        samples[rounds * 9 / 10]
    );
}
