//! Tokens signed with a real 2048-bit RSA key, made once per fuzzing process.
//!
//! The key comes from a seeded generator (as in `tests/common_jwt`), so every run mints the
//! same tokens; only its public half goes into the key set the verifiers use. The targets
//! never see the key: they see the tokens, the key set and the fixed `NOW`.

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use callsteer::webhook::{Jwks, ACS_CALLBACK_ISSUER};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The fixed "now" of every check (2026-03-12T00:00:00Z).
pub const NOW: u64 = 1_773_273_600;
/// The Entra tenant that protects the fuzzed incoming-call webhook.
pub const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// The Entra application (its id) the delivery tokens are issued for.
pub const APP_ID: &str = "0b7f0c43-5a0e-4d3e-9d6c-4f3f4d1a2b3c";
/// The ACS resource id callback tokens are issued for.
pub const ACS_RESOURCE: &str = "6d889502-3d7a-41a8-befa-d21fd80e8767";
/// The `kid` of the key in [`Minted::jwks`].
pub const KID: &str = "fuzz-delivery-key";

/// What the targets verify against.
pub struct Minted {
    /// The public half of the key.
    pub jwks: Jwks,
    /// An Entra access token for [`APP_ID`] in [`TENANT`] (v2 issuer), valid at [`NOW`].
    pub entra: String,
    /// A Call Automation callback token for [`ACS_RESOURCE`], valid at [`NOW`].
    pub callback: String,
}

/// The tokens and key set, made on first use (key generation takes about a second).
pub fn minted() -> &'static Minted {
    static M: OnceLock<Minted> = OnceLock::new();
    M.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut ChaCha20Rng::seed_from_u64(14), 2048).expect("keygen");
        let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID,
                         "n": b64(&key.n().to_bytes_be()), "e": b64(&key.e().to_bytes_be())});
        let jwks = Jwks::from_json(json!({ "keys": [jwk] }).to_string().as_bytes()).expect("jwks");
        let entra = json!({"iss": format!("https://login.microsoftonline.com/{TENANT}/v2.0"),
                           "aud": APP_ID, "tid": TENANT, "ver": "2.0",
                           "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 3590});
        let callback = json!({"iss": ACS_CALLBACK_ISSUER, "aud": ACS_RESOURCE,
                              "iat": NOW - 10, "nbf": NOW - 10, "exp": NOW + 290});
        Minted {
            jwks,
            entra: sign(&entra, &key),
            callback: sign(&callback, &key),
        }
    })
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn sign(claims: &Value, key: &RsaPrivateKey) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": KID});
    let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let digest = Sha256::digest(input.as_bytes());
    let sig = key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).expect("sign");
    format!("{input}.{}", b64(&sig))
}

/// The token of an `Authorization` value, by the plain reading of RFC 6750: the scheme
/// `Bearer` (any case), whitespace, the token; surrounding whitespace ignored. `None` when
/// the value is not of that shape. The oracle the targets compare the verifier against.
pub fn bearer_of(value: &str) -> Option<&str> {
    let v = value.trim();
    let (scheme, rest) = v.split_at(v.find(char::is_whitespace)?);
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}
