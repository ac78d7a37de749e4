//! The ACS HMAC-SHA256 request signature and bearer tokens.

use super::AccessKey;
use crate::http::Request;
use base64::Engine as _;
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";

/// Base64 of SHA-256 over the body bytes (`x-ms-content-sha256`).
pub fn content_hash(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
}

/// The string the service recomputes: method, path+query, then `date;host;hash`.
pub fn string_to_sign(method: &str, path_and_query: &str, date: &str, host: &str, hash: &str) -> String {
    format!("{}\n{path_and_query}\n{date};{host};{hash}", method.to_ascii_uppercase())
}

/// Signs `req` in place for `host` (the endpoint authority: port only when non-default)
/// at `now_unix` seconds: sets `x-ms-date`, `x-ms-content-sha256` and `Authorization`.
///
/// The signed path is [`Request::path_and_query`], exactly what goes on the wire.
pub fn sign(req: &mut Request, key: &AccessKey, host: &str, now_unix: u64) {
    let date = crate::time::http_date(now_unix);
    let hash = content_hash(req.body.as_deref().unwrap_or("").as_bytes());
    let to_sign = string_to_sign(req.method.as_str(), &req.path_and_query(), &date, host, &hash);
    let signature = hmac_base64(key, to_sign.as_bytes());
    req.set_header("x-ms-date", date);
    req.set_header("x-ms-content-sha256", hash);
    req.set_header("authorization", format!("HMAC-SHA256 SignedHeaders={SIGNED_HEADERS}&Signature={signature}"));
}

/// Base64 HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_base64(key: &AccessKey, message: &[u8]) -> String {
    // HMAC accepts keys of any length; new_from_slice cannot fail for Hmac<Sha256>.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key.bytes()) {
        Ok(m) => m,
        Err(_) => unreachable_hmac(),
    };
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cold]
fn unreachable_hmac() -> ! {
    // Hmac::new_from_slice only fails for fixed-size-key MACs; HMAC has none.
    #[allow(clippy::panic)]
    {
        panic!("HMAC-SHA256 rejected a key, which the algorithm never does")
    }
}

/// A bearer token (Entra ID) for the `Authorization` header. `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(pub String);

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// HMAC-SHA256 with the resource's access key.
    Key(AccessKey),
    /// `Authorization: Bearer <token>` (scope `https://communication.azure.com//.default`).
    Bearer(BearerToken),
}

impl Credential {
    /// Authenticates `req` for `host` at `now_unix`.
    pub fn apply(&self, req: &mut Request, host: &str, now_unix: u64) {
        match self {
            Credential::Key(key) => sign(req, key, host, now_unix),
            Credential::Bearer(token) => {
                req.set_header("x-ms-date", crate::time::http_date(now_unix));
                req.set_header("authorization", format!("Bearer {}", token.0));
            }
        }
    }
}
