//! CORS on the service API, with `--cors` (`Config::cors`): a page on another origin calls
//! the emulator from a browser with the `callsteer` package. Preflights are answered with
//! the methods and request headers the package sends; responses (errors too) allow any
//! origin and expose the headers clients read. The control API gets no CORS.
//!
//! Without the flag — the default, and the real service's behaviour — there are no CORS
//! headers at all and a preflight is not granted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod emulator_common;

use callsteer::http::Method;
use emulator_common::*;
use serde_json::json;

/// The origin of a page that calls the emulator (the worker's, in the edge tests).
const PAGE: &str = "http://127.0.0.1:8787";

/// Every request header `callsteer`'s client sends (crates/npm/js/client.mjs `Core::send`), as
/// Chromium lists them in `Access-Control-Request-Headers`: lower case, sorted.
const PACKAGE_HEADERS: &str = "accept,authorization,content-type,repeatability-first-sent,repeatability-request-id,x-ms-content-sha256,x-ms-date";

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A comma-separated header value as lower-case items.
fn items(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

async fn preflight(
    h: &Harness,
    method: &str,
    path: &str,
    extra: &[(&'static str, &str)],
) -> (u16, Vec<(String, String)>) {
    let mut headers = vec![
        ("origin", PAGE.to_owned()),
        ("access-control-request-method", method.to_owned()),
        ("access-control-request-headers", PACKAGE_HEADERS.to_owned()),
    ];
    headers.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let url = format!("{}{path}?api-version=2026-03-12", h.base);
    let (s, hs, _) = raw_with_headers("OPTIONS", &url, headers, "").await;
    (s, hs)
}

#[tokio::test]
async fn preflights_allow_the_methods_and_headers_the_package_sends() {
    let h = Harness::start_cors().await;
    let cases = [
        ("POST", "/calling/callConnections/c-1/participants:add"),
        ("POST", "/calling/callConnections/c-1:play"),
        ("GET", "/calling/callConnections/c-1/participants"),
        ("DELETE", "/calling/callConnections/c-1"),
        ("POST", "/calling/recordings"),
        ("DELETE", "/calling/recordings/r-1"),
    ];
    for (method, path) in cases {
        let (s, hs) = preflight(&h, method, path, &[]).await;
        assert_eq!(s, 204, "{method} {path}: {hs:?}");
        assert_eq!(header(&hs, "access-control-allow-origin"), Some("*"));
        let methods = items(header(&hs, "access-control-allow-methods"));
        assert!(
            methods.iter().any(|m| m.eq_ignore_ascii_case(method)),
            "{method} in {methods:?}"
        );
        let allowed = items(header(&hs, "access-control-allow-headers"));
        for wanted in PACKAGE_HEADERS.split(',') {
            assert!(
                allowed.iter().any(|a| a == wanted),
                "{wanted} in {allowed:?}"
            );
        }
        assert!(header(&hs, "access-control-max-age").is_some());
        assert_eq!(header(&hs, "access-control-allow-private-network"), None);
    }
    // A preflight needs no credentials: nothing was authenticated, nothing was created.
    let (_, calls) = h.http("GET", "/emulator/calls", None).await;
    assert!(calls["value"].as_array().unwrap().is_empty());
    // Chrome's Private Network Access: a public page asking to reach the loopback emulator.
    let (s, hs) = preflight(
        &h,
        "POST",
        "/calling/callConnections/c-1:play",
        &[("access-control-request-private-network", "true")],
    )
    .await;
    assert_eq!(s, 204);
    assert_eq!(
        header(&hs, "access-control-allow-private-network"),
        Some("true")
    );
    h.stop().await;
}

#[tokio::test]
async fn responses_allow_any_origin_and_expose_what_clients_read() {
    let h = Harness::start_cors().await;
    let origin = [("origin", PAGE)];
    let body = json!({ "targets": [{ "communicationUser": { "id": acs("alice").raw_id() } }], "callbackUri": h.cb("c") });
    let (s, hs, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(body.clone()),
            &origin,
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(header(&hs, "access-control-allow-origin"), Some("*"));
    let exposed = items(header(&hs, "access-control-expose-headers"));
    for wanted in [
        "x-ms-request-id",
        "retry-after",
        "retry-after-ms",
        "x-ms-retry-after-ms",
    ] {
        assert!(
            exposed.iter().any(|e| e == wanted),
            "{wanted} in {exposed:?}"
        );
    }

    // Errors too: a page must be able to read the error body (code, message).
    let url = format!("{}/calling/callConnections?api-version=2026-03-12", h.base);
    let (s, hs, b) = raw_with_headers("POST", &url, vec![("origin", PAGE.into())], "{}").await;
    assert_eq!(s, 401);
    assert_eq!(b["error"]["code"], "Unauthorized");
    assert_eq!(header(&hs, "access-control-allow-origin"), Some("*"));

    // An injected 429: the page's retry policy needs Retry-After, so it is exposed.
    h.control(
        "/emulator/faults",
        json!({ "errorRate": 1.0, "errorStatus": 429, "retryAfterSeconds": 2 }),
    )
    .await;
    let (s, hs, _) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(body),
            &origin,
        )
        .await;
    assert_eq!(s, 429);
    assert_eq!(header(&hs, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&hs, "retry-after"), Some("2"));
    assert!(items(header(&hs, "access-control-expose-headers")).contains(&"retry-after".to_owned()));
    h.stop().await;
}

#[tokio::test]
async fn the_control_api_and_plain_options_get_no_cors() {
    let h = Harness::start_cors().await;
    let (s, hs, _) = raw_with_headers(
        "OPTIONS",
        &format!("{}/emulator/incoming-calls", h.base),
        vec![
            ("origin", PAGE.into()),
            ("access-control-request-method", "POST".into()),
        ],
        "",
    )
    .await;
    assert_ne!(s, 204);
    assert_eq!(header(&hs, "access-control-allow-origin"), None);
    let (s, hs, _) = raw_with_headers(
        "GET",
        &format!("{}/emulator/calls", h.base),
        vec![("origin", PAGE.into())],
        "",
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(header(&hs, "access-control-allow-origin"), None);
    // OPTIONS without Access-Control-Request-Method is no preflight: the service API's 404.
    let url = format!("{}/calling/callConnections?api-version=2026-03-12", h.base);
    let (s, _, b) = raw_with_headers("OPTIONS", &url, vec![("origin", PAGE.into())], "").await;
    assert_eq!(s, 404, "{b}");
    h.stop().await;
}

#[tokio::test]
async fn by_default_like_the_service_no_cors_at_all() {
    let h = Harness::start().await;
    // A preflight is not granted: no 2xx, no Access-Control-* headers.
    let (s, hs) = preflight(&h, "POST", "/calling/callConnections/c-1:play", &[]).await;
    assert_eq!(s, 404, "{hs:?}");
    assert!(
        !hs.iter().any(|(k, _)| k.starts_with("access-control-")),
        "{hs:?}"
    );
    // A real request from a page's origin works, but carries no CORS headers either, so a
    // browser would not let the page read the answer.
    let body = json!({ "targets": [{ "communicationUser": { "id": acs("alice").raw_id() } }], "callbackUri": h.cb("c") });
    let (s, hs, b) = h
        .signed(
            Method::Post,
            "/calling/callConnections",
            Some(body),
            &[("origin", PAGE)],
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert!(
        !hs.iter().any(|(k, _)| k.starts_with("access-control-")),
        "{hs:?}"
    );
    h.stop().await;
}
