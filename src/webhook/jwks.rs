//! A JSON Web Key Set (JWKS) of RSA signing keys, parsed once and passed to every verify.
//!
//! The core never fetches it: a face downloads
//! `https://acscallautomation.communication.azure.com/calling/keys` (and refreshes it when a
//! token names an unknown `kid`), then builds a [`Jwks`] from the bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;

use crate::Error;

/// Smallest RSA modulus accepted, in bits (NIST: 2048 minimum for signatures).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (bounds the CPU an attacker-chosen key could cost).
pub const MAX_RSA_BITS: usize = 4096;

/// RSA verification keys by `kid`.
#[derive(Debug, Clone, Default)]
pub struct Jwks {
    keys: Vec<(String, RsaPublicKey)>,
}

#[derive(Deserialize)]
struct RawJwks {
    keys: Vec<RawJwk>,
}

#[derive(Deserialize)]
struct RawJwk {
    #[serde(default)]
    kty: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    key_use: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

impl Jwks {
    /// Parses a JWKS document (`{"keys":[…]}`). Keys that are not RSA signing keys for RS256
    /// (`kty` ≠ `RSA`, `use` ≠ `sig`, `alg` ≠ `RS256`, no `kid`) are skipped.
    ///
    /// # Errors
    /// [`Error::Decode`] (`what` = `jwks` or `jwks key [i]`) when the document is not a JWKS,
    /// or an RSA signing key has bad base64 in `n`/`e`, a modulus outside
    /// [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`], or an unusable exponent.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        let raw: RawJwks =
            serde_json::from_slice(json).map_err(|e| Error::decode("jwks", e.to_string()))?;
        let mut jwks = Jwks::default();
        for (i, k) in raw.keys.into_iter().enumerate() {
            let usable = k.kty.as_deref() == Some("RSA")
                && k.key_use.as_deref().is_none_or(|u| u == "sig")
                && k.alg.as_deref().is_none_or(|a| a == "RS256");
            let Some(kid) = k.kid.filter(|_| usable) else {
                continue;
            };
            let what = || format!("jwks key [{i}]");
            let (Some(n), Some(e)) = (k.n, k.e) else {
                return Err(Error::decode(what(), "RSA key without n or e"));
            };
            let n = URL_SAFE_NO_PAD
                .decode(n)
                .map_err(|_| Error::decode(what(), "n is not base64url"))?;
            let e = URL_SAFE_NO_PAD
                .decode(e)
                .map_err(|_| Error::decode(what(), "e is not base64url"))?;
            jwks.insert(kid, &n, &e)
                .map_err(|reason| Error::decode(what(), reason))?;
        }
        Ok(jwks)
    }

    /// Adds (or replaces) a key from its big-endian modulus and exponent.
    ///
    /// # Errors
    /// A reason when the modulus size is outside [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`] or the
    /// exponent is unusable.
    pub fn insert(
        &mut self,
        kid: impl Into<String>,
        n: &[u8],
        e: &[u8],
    ) -> Result<(), &'static str> {
        let n = BigUint::from_bytes_be(n);
        let bits = n.bits();
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err("RSA modulus must be 2048 to 4096 bits");
        }
        let key = RsaPublicKey::new_with_max_size(n, BigUint::from_bytes_be(e), MAX_RSA_BITS)
            .map_err(|_| "unusable RSA public key")?;
        let kid = kid.into();
        self.keys.retain(|(k, _)| *k != kid);
        self.keys.push((kid, key));
        Ok(())
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&RsaPublicKey> {
        self.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key)
    }

    /// A key's big-endian modulus and exponent, e.g. to import it into WebCrypto
    /// (`{"kty":"RSA","n":…,"e":…}` with base64url values).
    pub fn rsa_components(&self, kid: &str) -> Option<(Vec<u8>, Vec<u8>)> {
        self.get(kid)
            .map(|k| (k.n().to_bytes_be(), k.e().to_bytes_be()))
    }

    /// The `kid`s held.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(k, _)| k.as_str())
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
