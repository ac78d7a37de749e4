//! CORS for the service API (`/calling/…`), only when the emulator runs with `--cors`
//! (`Config::cors`), so a page in a browser on another origin can call the emulator
//! directly with the `callsteer` package.
//!
//! **Not the service's behaviour**: the real Call Automation service answers no CORS
//! preflights, so by default the emulator answers none either (a preflight gets the service
//! API's 404) and a page must go through its own backend, as the edge worker's admin page
//! does through its `/acs/…` proxy. The flag exists for experiments with pages that talk to
//! an emulator directly; nothing in this repository's tests of the admin page uses it.
//!
//! * A preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here, before
//!   authentication (browsers send preflights without credentials): 204 with the methods of
//!   the service API and the request headers the package and the official SDK send.
//! * Every other response under `/calling/` carries `Access-Control-Allow-Origin: *` and
//!   exposes the headers clients read (request id for errors, `Retry-After` for retries).
//!
//! `*` rather than an echoed origin: requests authenticate with a signature or bearer token in
//! a header, never with cookies, so there is no ambient credential another site could use.
//! The control API (`/emulator/…`) gets no CORS headers: it is for tests and scripts.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The methods of the service API.
const ALLOW_METHODS: &str = "GET, POST, DELETE";

/// What clients send: the HMAC headers (`x-ms-date`, `x-ms-content-sha256`, `authorization`),
/// repeatability, content negotiation, and the official SDK's request id / user agent.
const ALLOW_HEADERS: &str = "authorization, x-ms-date, x-ms-content-sha256, content-type, accept, \
repeatability-request-id, repeatability-first-sent, x-ms-client-request-id, x-ms-useragent";

/// Response headers a cross-origin page may read (the rest of CORS-safelisted ones are implicit).
const EXPOSE_HEADERS: &str =
    "x-ms-request-id, x-ms-client-request-id, retry-after, retry-after-ms, x-ms-retry-after-ms";

/// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE: &str = "600";

/// The middleware: answers preflights, decorates service responses.
pub(super) async fn layer(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/calling/") {
        return next.run(req).await;
    }
    if req.method() == Method::OPTIONS
        && req.headers().contains_key("access-control-request-method")
    {
        return preflight(req.headers());
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    resp
}

fn preflight(request: &HeaderMap) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    h.insert(
        "access-control-allow-methods",
        HeaderValue::from_static(ALLOW_METHODS),
    );
    h.insert(
        "access-control-allow-headers",
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    h.insert("access-control-max-age", HeaderValue::from_static(MAX_AGE));
    // Chrome's Private Network Access: a page on a public origin calling an emulator on
    // loopback asks first; the emulator exists to be called like that.
    if request.contains_key("access-control-request-private-network") {
        h.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
    }
    resp
}
