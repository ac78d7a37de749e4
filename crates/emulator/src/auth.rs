//! Inbound authentication, as the service does it: the ACS HMAC-SHA256 signature
//! (recomputed with the core's [`string_to_sign`] / [`content_hash`]) or a bearer token.
//!
//! Bearer tokens: the emulator has no Entra ID, so it accepts RS256 tokens it minted
//! itself (`POST /emulator/tokens`) with audience [`BEARER_AUDIENCE`]; anything else is 401.

use base64::Engine as _;
use callsteer::auth::{content_hash, string_to_sign, AccessKey};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The audience of bearer tokens accepted on the service API.
pub const BEARER_AUDIENCE: &str = "https://communication.azure.com";
/// How far `x-ms-date` may be from the emulator's clock.
pub const MAX_CLOCK_SKEW_S: u64 = 15 * 60;
const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";

/// What [`verify_hmac`] needs from a request.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// Path and query exactly as received on the request line.
    pub path_and_query: &'a str,
    pub authorization: Option<&'a str>,
    pub date: Option<&'a str>,
    pub host: Option<&'a str>,
    pub content_sha256: Option<&'a str>,
    pub body: &'a [u8],
}

/// Checks an `HMAC-SHA256 SignedHeaders=…&Signature=…` request at `now_s`.
///
/// # Errors
/// A reason (never containing the key or the expected signature) when a header is
/// missing or malformed, the date is too far off, the body hash or the signature differs.
pub fn verify_hmac(key: &AccessKey, r: &SignedRequest<'_>, now_s: u64) -> Result<(), String> {
    let auth = r.authorization.ok_or("missing Authorization header")?;
    let params = auth
        .strip_prefix("HMAC-SHA256 ")
        .ok_or("Authorization is neither HMAC-SHA256 nor Bearer")?;
    let (mut signed, mut signature) = (None, None);
    for part in params.trim().split('&') {
        match part.split_once('=') {
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    if !signed.is_some_and(|s| s.eq_ignore_ascii_case(SIGNED_HEADERS)) {
        return Err(format!("SignedHeaders must be {SIGNED_HEADERS}"));
    }
    let signature = signature.ok_or("Authorization has no Signature")?;
    let date = r.date.ok_or("missing x-ms-date header")?;
    let when = callsteer::time::parse_http_date(date).ok_or("x-ms-date is not an IMF-fixdate")?;
    if when.abs_diff(now_s) > MAX_CLOCK_SKEW_S {
        return Err("x-ms-date is more than 15 minutes from the server's clock".into());
    }
    let hash = r
        .content_sha256
        .ok_or("missing x-ms-content-sha256 header")?;
    if hash != content_hash(r.body) {
        return Err("x-ms-content-sha256 does not match the body".into());
    }
    let host = r.host.ok_or("missing Host header")?;
    let to_sign = string_to_sign(r.method, r.path_and_query, date, host, hash);
    let provided = base64::engine::general_purpose::STANDARD
        .decode(signature)
        .map_err(|_| "Signature is not base64")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key.bytes()).map_err(|_| "unusable key")?;
    mac.update(to_sign.as_bytes());
    // verify_slice compares in constant time.
    mac.verify_slice(&provided)
        .map_err(|_| "signature does not match".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use callsteer::http::{Method, Request};

    fn signed(body: &str, now: u64) -> Request {
        let key = AccessKey::from_base64("pw==").unwrap();
        let mut req = Request::new(Method::Post, "/calling/callConnections")
            .query("api-version", "2026-03-12");
        req.body = Some(body.to_owned());
        callsteer::auth::sign(&mut req, &key, "127.0.0.1:8080", now);
        req
    }

    fn check(req: &Request, body: &str, host: &str, now: u64) -> Result<(), String> {
        let key = AccessKey::from_base64("pw==").unwrap();
        let pq = req.path_and_query();
        let r = SignedRequest {
            method: "POST",
            path_and_query: &pq,
            authorization: req.get_header("authorization"),
            date: req.get_header("x-ms-date"),
            host: Some(host),
            content_sha256: req.get_header("x-ms-content-sha256"),
            body: body.as_bytes(),
        };
        verify_hmac(&key, &r, now)
    }

    #[test]
    fn accepts_what_the_core_signs() {
        let req = signed("{}", 1_700_000_000);
        assert_eq!(check(&req, "{}", "127.0.0.1:8080", 1_700_000_100), Ok(()));
    }

    #[test]
    fn refuses_tampering_and_stale_dates() {
        let req = signed("{}", 1_700_000_000);
        assert!(check(&req, "{\"a\":1}", "127.0.0.1:8080", 1_700_000_000)
            .unwrap_err()
            .contains("body"));
        assert!(check(&req, "{}", "127.0.0.1:9090", 1_700_000_000)
            .unwrap_err()
            .contains("signature"));
        assert!(check(&req, "{}", "127.0.0.1:8080", 1_700_001_000)
            .unwrap_err()
            .contains("15 minutes"));
        let other = AccessKey::from_base64("cXE=").unwrap();
        let pq = req.path_and_query();
        let r = SignedRequest {
            method: "POST",
            path_and_query: &pq,
            authorization: req.get_header("authorization"),
            date: req.get_header("x-ms-date"),
            host: Some("127.0.0.1:8080"),
            content_sha256: req.get_header("x-ms-content-sha256"),
            body: b"{}",
        };
        assert!(verify_hmac(&other, &r, 1_700_000_000).is_err());
    }
}
