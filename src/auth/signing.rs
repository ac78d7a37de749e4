//! The ACS HMAC-SHA256 request signature and bearer tokens.
//!
//! Scheme (tests/fixtures/hmac-vectors.md §1, identical in the JS, .NET, Python and Java
//! SDKs): `StringToSign = METHOD \n pathAndQuery \n x-ms-date;host;x-ms-content-sha256`,
//! signed with HMAC-SHA256 under the base64-decoded access key.

use super::AccessKey;
use crate::http::{Endpoint, Request};
use crate::Error;
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";

/// Base64 of SHA-256 over the body bytes (`x-ms-content-sha256`).
pub fn content_hash(body: &[u8]) -> String {
    super::base64::encode(&Sha256::digest(body))
}

/// The string the service recomputes: method, path+query, then `date;host;hash`.
///
/// Encoded as UTF-8 before signing (the JS and Python SDKs do the same; .NET uses ASCII,
/// which only differs for non-ASCII paths, and ours are percent-encoded).
pub fn string_to_sign(
    method: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    hash: &str,
) -> String {
    let method = method.to_ascii_uppercase();
    [
        &method,
        "\n",
        path_and_query,
        "\n",
        date,
        ";",
        host,
        ";",
        hash,
    ]
    .concat()
}

/// Signs `req` for `endpoint` at `now_unix` seconds: sets `x-ms-date`,
/// `x-ms-content-sha256` and `authorization`.
///
/// Signs exactly what [`Request::url`] sends: the endpoint's authority (port only when
/// not the default) and [`Request::wire_path_and_query`] (base path included). Prefer
/// this over [`sign`].
pub fn sign_for_endpoint(req: &mut Request, key: &AccessKey, endpoint: &Endpoint, now_unix: u64) {
    let path_and_query = req.wire_path_and_query(endpoint);
    sign_path(req, key, endpoint.authority(), &path_and_query, now_unix);
}

/// Signs `req` in place for `host` (the endpoint authority: port only when non-default)
/// at `now_unix` seconds: sets `x-ms-date`, `x-ms-content-sha256` and `authorization`.
///
/// The signed path is [`Request::path_and_query`]; that is what goes on the wire only
/// when the endpoint has no base path — [`sign_for_endpoint`] covers both cases.
pub fn sign(req: &mut Request, key: &AccessKey, host: &str, now_unix: u64) {
    let path_and_query = req.path_and_query();
    sign_path(req, key, host, &path_and_query, now_unix);
}

fn sign_path(req: &mut Request, key: &AccessKey, host: &str, path_and_query: &str, now_unix: u64) {
    let date = crate::time::http_date(now_unix);
    let hash = content_hash(req.body.as_deref().unwrap_or("").as_bytes());
    let to_sign = string_to_sign(req.method.as_str(), path_and_query, &date, host, &hash);
    let signature = hmac_sha256_base64(key, to_sign.as_bytes());
    req.set_header("x-ms-date", date);
    req.set_header("x-ms-content-sha256", hash);
    req.set_header(
        "authorization",
        [
            "HMAC-SHA256 SignedHeaders=",
            SIGNED_HEADERS,
            "&Signature=",
            &signature,
        ]
        .concat(),
    );
}

/// Base64 HMAC-SHA256 of `message` under `key` (the `Signature=` part of the header
/// when `message` is the [`string_to_sign`]).
pub fn hmac_sha256_base64(key: &AccessKey, message: &[u8]) -> String {
    // The `None` arm cannot happen (see `keyed_hmac`); it returns an empty signature (the
    // service then answers 401) rather than panicking.
    let Some(mut mac) = keyed_hmac(key.bytes()) else {
        return String::new();
    };
    mac.update(message);
    super::base64::encode(&mac.finalize().into_bytes())
}

/// HMAC-SHA256 keyed with `key`, ready for `update`: the one place the crate builds an HMAC
/// (ACS request signing here, the flow-webhook signature in `webhook::callsteer_signature`).
///
/// `new_from_slice` is the fallible constructor shared by all MACs; HMAC accepts keys of any
/// length (longer ones are hashed), so `None` cannot happen in practice. Callers fail closed
/// on it instead of panicking.
pub(crate) fn keyed_hmac(key: &[u8]) -> Option<Hmac<Sha256>> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).ok()
}

/// A bearer token (Entra ID) for the `Authorization` header. `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(pub String);

impl BearerToken {
    /// A checked token: non-empty and only visible ASCII (JWTs are base64url and dots),
    /// so it cannot break out of the header line.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `token`) when empty or containing whitespace,
    /// control or non-ASCII characters. The message never includes the token.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        if token.is_empty() {
            return Err(Error::invalid("token", "is empty"));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(
                "token",
                "must be visible ASCII without spaces (a JWT); pass the bare token, not 'Bearer …'",
            ));
        }
        Ok(BearerToken(token))
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// How requests are authenticated. `Debug` never shows the key or token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credential {
    /// HMAC-SHA256 with the resource's access key.
    Key(AccessKey),
    /// `Authorization: Bearer <token>` (scope `https://communication.azure.com//.default`).
    Bearer(BearerToken),
}

impl Credential {
    /// Authenticates `req` for `endpoint` at `now_unix`, signing exactly what
    /// [`Request::url`] sends. Prefer this over [`Credential::apply`].
    pub fn apply_for_endpoint(&self, req: &mut Request, endpoint: &Endpoint, now_unix: u64) {
        match self {
            Credential::Key(key) => sign_for_endpoint(req, key, endpoint, now_unix),
            Credential::Bearer(token) => bearer(req, token, now_unix),
        }
    }

    /// Authenticates `req` for `host` at `now_unix` (see [`sign`] for the base-path caveat).
    pub fn apply(&self, req: &mut Request, host: &str, now_unix: u64) {
        match self {
            Credential::Key(key) => sign(req, key, host, now_unix),
            Credential::Bearer(token) => bearer(req, token, now_unix),
        }
    }
}

/// Bearer requests carry `x-ms-date` too: the service does not need it, but both
/// credentials then produce the same header set (and the emulator logs a time).
fn bearer(req: &mut Request, token: &BearerToken, now_unix: u64) {
    req.set_header("x-ms-date", crate::time::http_date(now_unix));
    req.set_header("authorization", ["Bearer ", &token.0].concat());
}
