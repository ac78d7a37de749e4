//! Recording download and delete: signing a request for a recording URL.
//!
//! As the official package does, the signature covers the *endpoint's* host and the
//! recording URL's path (the recording service checks it via `x-ms-host`), and the
//! request goes to the recording URL itself. The URL must be `https` on a recording host
//! (`*.asm.skype.com`, `*.asyncgw.teams.microsoft.com`, `*.ams.gov.teams.microsoft.us`) so a
//! signed request never goes to an arbitrary server. Deliberate extension: loopback hosts
//! (`localhost`, `127.x`, `[::1]`, `http` allowed) are accepted too, for emulators and tests.

use super::transport::{now_unix, Auth};
use crate::http::{is_loopback_host, Endpoint, Method, Request};
use crate::Error;
use wasm_bindgen::JsValue;

const ALLOWED_HOST_SUFFIXES: [&str; 3] = [
    ".asm.skype.com",
    ".asyncgw.teams.microsoft.com",
    ".ams.gov.teams.microsoft.us",
];

/// Splits `url` into (scheme, host, path) after checking it is an allowed recording URL.
///
/// # Errors
/// [`Error::InvalidInput`] for `field` naming what is wrong.
pub(crate) fn recording_url<'a>(url: &'a str, field: &str) -> Result<&'a str, Error> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| Error::invalid(field, "must be a valid absolute URI"))?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => authority,
    };
    let host = host.to_ascii_lowercase();
    let loopback = is_loopback_host(&host);
    let allowed_scheme =
        scheme.eq_ignore_ascii_case("https") || (loopback && scheme.eq_ignore_ascii_case("http"));
    if !allowed_scheme {
        return Err(Error::invalid(field, "must use HTTPS scheme for security"));
    }
    if !loopback && !ALLOWED_HOST_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        return Err(Error::invalid(
            field,
            format!("host '{host}' is not a valid Azure Communication Services recording endpoint"),
        ));
    }
    let path_and_more = &rest[authority_end..];
    let path = &path_and_more[..path_and_more
        .find(['?', '#'])
        .unwrap_or(path_and_more.len())];
    Ok(if path.is_empty() { "/" } else { path })
}

/// The `Range` header for `offset`/`length`, as the official package builds it.
///
/// # Errors
/// [`Error::InvalidInput`] when `length` is given without a (non-zero) `offset`, or either is negative.
pub(crate) fn range(offset: Option<f64>, length: Option<f64>) -> Result<Option<String>, Error> {
    if length.is_some_and(|l| l != 0.0) && offset.is_none_or(|o| o == 0.0) {
        return Err(Error::invalid(
            "options.offset",
            "Download offset value must not be empty if length is set.",
        ));
    }
    let Some(offset) = offset else {
        return Ok(None);
    };
    if offset < 0.0 || length.is_some_and(|l| l < 0.0) {
        return Err(Error::invalid(
            "options",
            "offset and length must not be negative",
        ));
    }
    let (o, l) = (offset as u64, length.unwrap_or(0.0) as u64);
    Ok(Some(if l > 0 {
        format!("bytes={o}-{}", o + l - 1)
    } else {
        format!("bytes={o}-")
    }))
}

/// Builds and authenticates the request; returns `{url, method, headers}` for `fetch`.
///
/// # Errors
/// [`Error::InvalidInput`] for a bad URL or range, [`Error::Unauthorized`] for a failed token.
pub(crate) async fn signed(
    endpoint: &Endpoint,
    auth: &Auth,
    method: &str,
    url: &str,
    offset: Option<f64>,
    length: Option<f64>,
) -> Result<JsValue, Error> {
    let (m, field) = match method {
        "DELETE" => (Method::Delete, "deleteLocationUrl"),
        _ => (Method::Get, "sourceLocationUrl"),
    };
    let path = recording_url(url, field)?;
    let mut req = Request::new(m, path)
        .header("x-ms-host", endpoint.authority())
        .header("accept", "application/json");
    if m == Method::Get {
        if let Some(r) = range(offset, length)? {
            req.set_header("range", r);
        }
    }
    auth.credential()
        .await?
        .apply(&mut req, endpoint.authority(), now_unix());
    let headers = js_sys::Object::new();
    for (k, v) in &req.headers {
        let _ = js_sys::Reflect::set(&headers, &k.into(), &v.into());
    }
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &"url".into(), &url.into());
    let _ = js_sys::Reflect::set(&out, &"method".into(), &m.as_str().into());
    let _ = js_sys::Reflect::set(&out, &"headers".into(), &headers);
    Ok(out.into())
}
