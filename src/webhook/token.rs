//! [`PreparedToken`]: a callback JWT whose structure, algorithm and key id are checked and
//! whose signature is next. Splitting here lets the core do every check except the RSA
//! operation, which a Worker may hand to WebCrypto (about 10x faster than RSA in wasm; see
//! BENCHMARKS.md, "JWT verification (issue 3)").

use core::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::Pkcs1v15Sign;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::jwt::{decode_json, MAX_TOKEN_BYTES};
use super::{Jwks, JwtError};

const HEADER_ERRORS: (&str, &str) = ("header is not base64url", "header is not a JSON object");

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
    crit: Option<Value>,
}

/// A structurally valid RS256 token with a known `kid`, signature not yet checked.
/// `Debug` shows only the key id and sizes, never token material.
pub struct PreparedToken<'t> {
    token: &'t str,
    signed_len: usize,
    signature: Vec<u8>,
    key_id: String,
}

impl<'t> PreparedToken<'t> {
    /// Parses `token` and finds its key in `jwks`.
    ///
    /// # Errors
    /// [`JwtError::Missing`] (empty), [`JwtError::Malformed`] (size, parts, base64, header
    /// JSON, `crit`), [`JwtError::Algorithm`] (not RS256), [`JwtError::UnknownKid`].
    pub fn parse(token: &'t str, jwks: &Jwks) -> Result<Self, JwtError> {
        if token.is_empty() {
            return Err(JwtError::Missing);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JwtError::Malformed("token too long"));
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed("not three dot-separated parts"));
        };
        let header: Header = decode_json(h, HEADER_ERRORS)?;
        if header.crit.is_some() {
            return Err(JwtError::Malformed(
                "critical header extensions are not supported",
            ));
        }
        if header.alg.as_deref() != Some("RS256") {
            return Err(JwtError::Algorithm);
        }
        let key_id = header
            .kid
            .filter(|k| jwks.get(k).is_some())
            .ok_or(JwtError::UnknownKid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| JwtError::Malformed("signature is not base64url"))?;
        Ok(PreparedToken {
            token,
            signed_len: h.len() + 1 + p.len(),
            signature,
            key_id,
        })
    }

    /// The bytes the signature covers (`header.payload`, ASCII).
    pub fn signing_input(&self) -> &'t [u8] {
        &self.token.as_bytes()[..self.signed_len]
    }

    /// The decoded signature.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The `kid` of the key to check it with (present in the JWKS it was parsed against).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The payload segment (base64url), read only after the signature checked out.
    pub(super) fn payload(&self) -> &'t str {
        let (_, payload) = self.token[..self.signed_len]
            .split_once('.')
            .unwrap_or(("", ""));
        payload
    }

    /// Checks the RS256 signature in Rust (PKCS#1 v1.5, SHA-256).
    ///
    /// # Errors
    /// [`JwtError::UnknownKid`] if `jwks` lacks the key, [`JwtError::Signature`] if it fails.
    pub fn verify_signature(&self, jwks: &Jwks) -> Result<(), JwtError> {
        let key = jwks.get(&self.key_id).ok_or(JwtError::UnknownKid)?;
        let digest = Sha256::digest(self.signing_input());
        key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &self.signature)
            .map_err(|_| JwtError::Signature)
    }
}

impl fmt::Debug for PreparedToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedToken")
            .field("key_id", &self.key_id)
            .field("token_len", &self.token.len())
            .field("signature_len", &self.signature.len())
            .finish()
    }
}
