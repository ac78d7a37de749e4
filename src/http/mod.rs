//! Requests and responses as plain values.
//!
//! A [`Request`] is what an operation produces: method, a path that is already
//! percent-encoded exactly as it goes on the wire, query pairs, headers and an
//! optional JSON body. The bytes signed by [`crate::auth::sign_for_endpoint`] are exactly
//! [`Request::wire_path_and_query`], the path and query of [`Request::url`], so what is
//! signed is what is sent.

mod endpoint;
pub mod recording;

pub use endpoint::{is_loopback_host, Endpoint};

use crate::Error;

/// HTTP methods used by Call Automation.
///
/// Exhaustive on purpose: the service API uses these three, and a transport that maps them
/// to its own method type must handle every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    /// The upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// An HTTP request, ready to be signed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Percent-encoded path starting with `/` (relative to the endpoint's base path).
    pub path: String,
    /// Query pairs, unencoded; encoded by [`Request::path_and_query`].
    pub query: Vec<(String, String)>,
    /// Header names are stored lower-case.
    pub headers: Vec<(String, String)>,
    /// UTF-8 JSON body, if any.
    pub body: Option<String>,
}

impl Request {
    /// A request with no query, headers or body. `path` must already be encoded.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Appends a query pair.
    #[must_use]
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets (replaces) a header; the name is stored lower-case.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        let value = value.into();
        match self.headers.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name, value)),
        }
    }

    /// Builder form of [`Request::set_header`].
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set_header(name, value);
        self
    }

    /// Looks a header up, case-insensitively.
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Serializes `body` as the JSON body and sets `content-type`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] if the value cannot be serialized (e.g. non-finite float).
    pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self, Error> {
        let text =
            serde_json::to_string(body).map_err(|e| Error::invalid("body", e.to_string()))?;
        self.body = Some(text);
        self.set_header("content-type", "application/json");
        Ok(self)
    }

    /// The path and encoded query exactly as sent (and signed), relative to the
    /// endpoint's base path.
    ///
    /// The path is normalised the way a URL parser would send it: an empty path is `/`
    /// and a missing leading `/` is added (WHATWG `URL.pathname`, which the JS SDK
    /// signs). Query pairs are appended with `&` when `path` already carries a `?`.
    pub fn path_and_query(&self) -> String {
        let mut out = String::with_capacity(self.path.len() + 1);
        if !self.path.starts_with('/') {
            out.push('/');
        }
        out.push_str(&self.path);
        let mut has_query = self.path.contains('?');
        for (k, v) in &self.query {
            out.push(if has_query { '&' } else { '?' });
            has_query = true;
            encode_query_component(k, &mut out);
            out.push('=');
            encode_query_component(v, &mut out);
        }
        out
    }

    /// The path and query as they go on the wire to `endpoint`: its base path (usually
    /// empty) followed by [`Request::path_and_query`]. This is what must be signed.
    pub fn wire_path_and_query(&self, endpoint: &Endpoint) -> String {
        [endpoint.base_path(), &self.path_and_query()].concat()
    }

    /// The absolute URL of this request against `endpoint`.
    pub fn url(&self, endpoint: &Endpoint) -> String {
        [
            endpoint.scheme(),
            "://",
            endpoint.authority(),
            &self.wire_path_and_query(endpoint),
        ]
        .concat()
    }
}

/// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
///
/// Participant raw ids such as `8:acs:…` become `8%3Aacs%3A…`.
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() * 3);
    for &b in segment.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            push_pct(&mut out, b);
        }
    }
    out
}

/// True for a valid HTTP header name: a non-empty RFC 9110 `token`.
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Percent-decodes a path segment or (with `plus_is_space`) a query component.
/// `None` when an escape is malformed or the result is not UTF-8: a secret compared
/// against it must not match by accident of a lossy decode.
pub fn decode_component(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
                let (h, l) = (hex(bytes.get(i + 1))?, hex(bytes.get(i + 2))?);
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The decoded value of the first `name=…` pair of a query string (without the `?`).
/// `Some(None)` when the pair is there but its value does not decode.
pub fn query_param(query: &str, name: &str) -> Option<Option<String>> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(k, true).as_deref() == Some(name)).then(|| decode_component(v, true))
    })
}

/// Encodes one query name or value the way [`Request::path_and_query`] does
/// (`application/x-www-form-urlencoded`).
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_query_component(s, &mut out);
    out
}

// application/x-www-form-urlencoded, as WHATWG URLSearchParams serializes it
// (space → '+'), so signatures match what browsers and the official SDK send.
fn encode_query_component(s: &str, out: &mut String) {
    for &b in s.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(b as char),
            _ if b.is_ascii_alphanumeric() => out.push(b as char),
            _ => push_pct(out, b),
        }
    }
}

fn push_pct(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 15)] as char);
}

/// A response as the core sees it: status, headers and body bytes.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    pub status: u16,
    /// Header (name, value) pairs; names compared case-insensitively.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl<'a> Response<'a> {
    /// Looks a header up, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The `Repeatability-Request-ID` / `Repeatability-First-Sent` pair that makes a
/// POST safe to retry: the service applies a request id at most once.
///
/// The core invents neither: pass 16 random bytes (a face's CSPRNG) or derive the id
/// from something stable, such as the id of the event that triggered the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeatability {
    /// A UUID (any version) in lower-case hyphenated form.
    pub request_id: String,
    /// IMF-fixdate of the first attempt.
    pub first_sent: String,
}

impl Repeatability {
    /// From 16 random bytes (formatted as a version-4 UUID) and the first-sent time.
    pub fn from_random(bytes: [u8; 16], first_sent_unix: u64) -> Self {
        Repeatability {
            request_id: uuid_v4_from_bytes(bytes),
            first_sent: crate::time::http_date(first_sent_unix),
        }
    }

    /// Deterministically from a seed (e.g. `"{event id}/{command}"`): re-deriving after a
    /// re-delivered webhook yields the same id, so the service applies the command once.
    pub fn derive(seed: &str, first_sent_unix: u64) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(seed.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Self::from_random(bytes, first_sent_unix)
    }

    /// Sets both headers on `req`.
    pub fn apply(&self, req: &mut Request) {
        req.set_header("repeatability-request-id", self.request_id.clone());
        req.set_header("repeatability-first-sent", self.first_sent.clone());
    }
}

/// Formats 16 bytes as a version-4, RFC 4122-variant UUID string.
pub fn uuid_v4_from_bytes(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        crate::text::push_hex(&mut s, *byte);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_raw_ids_in_paths() {
        assert_eq!(
            encode_path_segment("8:acs:a_b-c.d~e"),
            "8%3Aacs%3Aa_b-c.d~e"
        );
        assert_eq!(encode_path_segment("4:+14255550123"), "4%3A%2B14255550123");
        assert_eq!(encode_path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
    }

    #[test]
    fn query_is_form_encoded_like_url_search_params() {
        let r = Request::new(Method::Get, "/p")
            .query("api-version", "2026-03-12")
            .query("q", "a b+c");
        assert_eq!(r.path_and_query(), "/p?api-version=2026-03-12&q=a+b%2Bc");
    }

    #[test]
    fn paths_are_normalised_like_a_url_parser() {
        assert_eq!(Request::new(Method::Get, "").path_and_query(), "/");
        assert_eq!(Request::new(Method::Get, "x/y").path_and_query(), "/x/y");
        let r = Request::new(Method::Get, "/p?a=1").query("b", "2");
        assert_eq!(r.path_and_query(), "/p?a=1&b=2");
    }

    #[test]
    fn the_wire_path_includes_the_base_path() {
        let e = Endpoint::parse("https://h.example/base/").unwrap();
        let r = Request::new(Method::Get, "/x").query("api-version", "1");
        assert_eq!(r.wire_path_and_query(&e), "/base/x?api-version=1");
        assert_eq!(r.url(&e), "https://h.example/base/x?api-version=1");
        assert!(Endpoint::parse("https://h.example/a b").is_err());
        assert!(Endpoint::parse("https://h.example/a%20b").is_ok());
    }

    #[test]
    fn repeatability_is_deterministic_when_derived() {
        let a = Repeatability::derive("evt-1/answer", 1_649_873_352);
        let b = Repeatability::derive("evt-1/answer", 1_649_873_352);
        let c = Repeatability::derive("evt-2/answer", 1_649_873_352);
        assert_eq!(a, b);
        assert_ne!(a.request_id, c.request_id);
        assert_eq!(a.first_sent, "Wed, 13 Apr 2022 18:09:12 GMT");
        assert_eq!(a.request_id.len(), 36);
        assert_eq!(&a.request_id[14..15], "4");
    }
}
