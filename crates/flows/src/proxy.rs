//! The edge worker's `/acs/…` proxy as pure decisions: which requests the admin page may send
//! to Call Automation through the worker, what of them is forwarded, and what of the answer
//! goes back. The worker (`crates/edge/src/worker/proxy.rs`) authenticates the admin, reads the body,
//! re-signs with its own access key and sends; everything it decides is here, tested natively.
//!
//! Decision: the service is not documented to answer CORS preflights (Call Automation is a
//! server-side API), so a browser page on another origin cannot count on calling it; and an access key in a browser tab would hand full control of the resource to
//! anything that runs there. The page talks to its own origin instead, with the admin token,
//! and only the worker holds the key.
//!
//! What passes: a method and path that are one of the 34 operations
//! ([`callsteer::api::routes`], the table the emulator serves from), with exactly one `api-version`
//! equal to the worker's, a body of at most [`MAX_BODY_BYTES`], and only the request headers
//! in [`REQUEST_HEADERS`]. What comes back: the service's status and body, and only the
//! headers in [`RESPONSE_HEADERS`].

use callsteer::api::routes::{self, Route};
use callsteer::api::{ListParticipants, Operation as _};
use callsteer::http::{Endpoint, Request};

/// The path prefix of the proxy on the worker: `/acs/calling/…` goes to `{ACS_ENDPOINT}/calling/…`.
pub const PREFIX: &str = "/acs";

/// The largest request body forwarded: 1 MiB. The largest Call Automation bodies (a
/// `CreateCall` with many targets and custom context, a `Recognize` with choices and SSML
/// prompts) are a few kB; a bigger body is refused with 413 before it is read in full.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Request headers the service needs, forwarded as they came; every other header (the
/// admin's `Authorization` above all, cookies, `x-ms-date`) is dropped. The worker adds its
/// own `x-ms-date`, `x-ms-content-sha256` and `Authorization` when it signs.
pub const REQUEST_HEADERS: [&str; 5] = [
    "content-type",
    "accept",
    "repeatability-request-id",
    "repeatability-first-sent",
    "x-ms-client-request-id",
];

/// Response headers passed back: what a client reads (body type, request id for errors,
/// the three forms of Retry-After for its retry policy).
pub const RESPONSE_HEADERS: [&str; 5] = [
    "content-type",
    "x-ms-request-id",
    "retry-after",
    "retry-after-ms",
    "x-ms-retry-after-ms",
];

/// Why a request is not forwarded: becomes the worker's JSON error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    /// The request part at fault (`api-version`, `body`, …), when there is one.
    pub field: Option<&'static str>,
    pub message: String,
    /// For a 405: the methods the path serves (`Allow`).
    pub allow: Option<String>,
}

impl Refusal {
    fn new(status: u16, code: &'static str, field: Option<&'static str>, message: String) -> Self {
        Refusal {
            status,
            code,
            field,
            message,
            allow: None,
        }
    }

    /// 413: the body is over [`MAX_BODY_BYTES`].
    pub fn too_large() -> Self {
        Refusal::new(
            413,
            "PayloadTooLarge",
            Some("body"),
            format!("body: larger than {MAX_BODY_BYTES} bytes, the proxy's limit"),
        )
    }
}

/// A request that may go to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The operation and its ids.
    pub route: Route,
    /// Path and query relative to the ACS endpoint, exactly as received (still encoded).
    pub path_and_query: String,
}

/// Checks a request to the proxy: `path` as the worker received it (with [`PREFIX`], still
/// percent-encoded), `query` without the `?`, `api_version` the worker's configured one.
///
/// # Errors
/// 404 `NotFound` for a path outside the 34 operations; 405 `MethodNotAllowed` (with
/// `allow`) for an operation's path with another method; 400 `BadRequest` naming
/// `api-version` when it is missing, repeated or not the worker's, or `access_token` when
/// the admin token is in the URL (it would travel on to the service); 400 for a query key
/// that is not plain ASCII.
pub fn admit(
    method: &str,
    path: &str,
    query: Option<&str>,
    api_version: &str,
) -> Result<Admitted, Refusal> {
    let service_path = path
        .strip_prefix(PREFIX)
        .filter(|p| p.starts_with("/calling/"))
        .ok_or_else(|| not_found(path))?;
    let route = match routes::route(method, service_path) {
        Some(r) => r,
        None => return Err(no_route(method, path, service_path)),
    };
    let query = query.unwrap_or("");
    check_query(query, api_version)?;
    Ok(Admitted {
        route,
        path_and_query: [service_path, "?", query].concat(),
    })
}

fn not_found(path: &str) -> Refusal {
    Refusal::new(
        404,
        "NotFound",
        None,
        format!("{path} is not a Call Automation operation (only /acs/calling/callConnections… and /acs/calling/recordings… are proxied)"),
    )
}

fn no_route(method: &str, path: &str, service_path: &str) -> Refusal {
    let allowed = routes::allowed_methods(service_path);
    if allowed.is_empty() {
        return not_found(path);
    }
    let allow = allowed
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Refusal {
        allow: Some(allow.clone()),
        ..Refusal::new(
            405,
            "MethodNotAllowed",
            None,
            format!("{method} {path}: this operation's path takes {allow}"),
        )
    }
}

/// Exactly one `api-version`, equal to the worker's; no `access_token`; plain keys.
fn check_query(query: &str, api_version: &str) -> Result<(), Refusal> {
    let bad = |field, message: String| Refusal::new(400, "BadRequest", Some(field), message);
    let pairs = query.split('&').filter(|p| !p.is_empty());
    let mut versions = Vec::new();
    for pair in pairs {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Keys are compared as sent: an escaped key (`api%2Dversion`) could mean
        // `api-version` to the service without being one here.
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        {
            return Err(bad(
                "query",
                format!("query key {key:?}: only letters, digits and -._~ are forwarded"),
            ));
        }
        // A key that is ours in another case (`API-VERSION`, `Access_Token`), or a `;` (which
        // some servers read as a pair separator, smuggling `x=1;api-version=…`), would mean to
        // the service what this check did not see: refused, naming the key.
        let ours = ["api-version", "access_token"];
        if ours
            .iter()
            .any(|o| key.eq_ignore_ascii_case(o) && key != *o)
            || pair.contains(';')
        {
            return Err(bad(
                "query",
                format!(
                    "query key {key:?}: only `api-version` (in that case) and plain pairs without `;` are forwarded"
                ),
            ));
        }
        match key {
            "api-version" => versions.push(value),
            "access_token" => {
                return Err(bad(
                    "access_token",
                    "access_token: the admin token goes in the Authorization header here, never in a URL the proxy forwards".to_owned(),
                ))
            }
            _ => {}
        }
    }
    match versions.as_slice() {
        [] => Err(bad(
            "api-version",
            "api-version: the query parameter is required".to_owned(),
        )),
        [v] if *v == api_version => Ok(()),
        [v] => Err(bad(
            "api-version",
            format!("api-version: this worker speaks {api_version}, not {v:?}"),
        )),
        _ => Err(bad(
            "api-version",
            "api-version: given more than once".to_owned(),
        )),
    }
}

/// Whether a `Content-Length` already says the body is too big (a request without one is
/// counted while it is read).
///
/// # Errors
/// 413 (see [`Refusal::too_large`]).
pub fn check_content_length(value: Option<&str>) -> Result<(), Refusal> {
    match value.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > MAX_BODY_BYTES as u64 => Err(Refusal::too_large()),
        _ => Ok(()),
    }
}

impl Admitted {
    /// The request to send to the service, unsigned: the admitted method, path and query,
    /// only the [`REQUEST_HEADERS`] of `headers`, and `body` (none when empty).
    ///
    /// # Errors
    /// 413 over [`MAX_BODY_BYTES`]; 400 naming `body` when it is not UTF-8 (the service
    /// takes JSON).
    pub fn request(&self, headers: &[(String, String)], body: Vec<u8>) -> Result<Request, Refusal> {
        if body.len() > MAX_BODY_BYTES {
            return Err(Refusal::too_large());
        }
        let body = String::from_utf8(body).map_err(|_| {
            Refusal::new(
                400,
                "BadRequest",
                Some("body"),
                "body: must be UTF-8 JSON".to_owned(),
            )
        })?;
        let mut req = Request::new(self.route.method, self.path_and_query.clone());
        for (name, value) in headers {
            if let Some(keep) = REQUEST_HEADERS
                .iter()
                .find(|h| h.eq_ignore_ascii_case(name))
            {
                req.set_header(keep, value.clone());
            }
        }
        req.body = (!body.is_empty()).then_some(body);
        Ok(req)
    }
}

/// The service's response headers that go back to the page (see [`RESPONSE_HEADERS`]).
pub fn response_headers(headers: &[(String, String)]) -> Vec<(&'static str, String)> {
    RESPONSE_HEADERS
        .iter()
        .filter_map(|name| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| (*name, v.clone()))
        })
        .collect()
}

/// A participants page's `nextLink` points at the service; the page can follow only links
/// on its own endpoint (the proxy). For a `GetParticipants` answer whose `nextLink` is on
/// `acs` (the rule of [`ListParticipants::next_page`]), the body with that link moved under
/// `proxy_base` (`https://worker.example/acs`; `api_version` added when the link has none);
/// `None` when there is nothing to rewrite (another operation, no link, not JSON) or the
/// link is not on `acs` (then the page's package refuses it itself, naming `nextLink`).
pub fn rebase_next_link(
    route: &Route,
    body: &[u8],
    acs: &Endpoint,
    proxy_base: &str,
    api_version: &str,
) -> Option<Vec<u8>> {
    if route.op != routes::OperationId::GetParticipants {
        return None;
    }
    let mut page: serde_json::Value = serde_json::from_slice(body).ok()?;
    let link = page.get("nextLink")?.as_str()?;
    let next = ListParticipants::next_page(acs, link).ok()?;
    let path_and_query = next.to_request(api_version).ok()?.path_and_query();
    let rebased = [proxy_base.trim_end_matches('/'), &path_and_query].concat();
    *page.get_mut("nextLink")? = serde_json::Value::String(rebased);
    serde_json::to_vec(&page).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use callsteer::api::routes::OperationId;

    const V: &str = "2026-03-12";

    #[test]
    fn an_operation_with_the_workers_version_is_admitted_as_sent() {
        let a = admit(
            "POST",
            "/acs/calling/callConnections/c%201/participants:add",
            Some("api-version=2026-03-12"),
            V,
        )
        .unwrap();
        assert_eq!(a.route.op, OperationId::AddParticipant);
        assert_eq!(a.route.id.as_deref(), Some("c 1"));
        assert_eq!(
            a.path_and_query,
            "/calling/callConnections/c%201/participants:add?api-version=2026-03-12"
        );
    }

    #[test]
    fn paths_outside_call_automation_are_404() {
        for path in [
            "/acs",
            "/acs/",
            "/acs/calling/keys",
            "/acs/calling/callConnections/c1:fly",
            "/acs/admin/calls",
            "/acs/emulator/faults",
            "/acsx/calling/callConnections",
            "/calling/callConnections",
        ] {
            let r = admit("GET", path, Some("api-version=2026-03-12"), V).unwrap_err();
            assert_eq!((r.status, r.code), (404, "NotFound"), "{path}");
        }
    }

    #[test]
    fn another_method_on_an_operations_path_is_405_with_allow() {
        let r = admit("PUT", "/acs/calling/callConnections/c1", None, V).unwrap_err();
        assert_eq!((r.status, r.allow.as_deref()), (405, Some("GET, DELETE")));
        let r = admit("GET", "/acs/calling/recordings", None, V).unwrap_err();
        assert_eq!((r.status, r.allow.as_deref()), (405, Some("POST")));
    }

    #[test]
    fn api_version_must_be_there_once_and_the_workers() {
        let p = "/acs/calling/callConnections/c1";
        for (query, needle) in [
            (None, "required"),
            (Some(""), "required"),
            (Some("x=1"), "required"),
            (Some("api-version=2024-01-01"), "not \"2024-01-01\""),
            (Some("api-version="), "not \"\""),
            (
                Some("api-version=2026-03-12&api-version=2026-03-12"),
                "more than once",
            ),
        ] {
            let r = admit("GET", p, query, V).unwrap_err();
            assert_eq!((r.status, r.field), (400, Some("api-version")), "{query:?}");
            assert!(r.message.contains(needle), "{query:?}: {}", r.message);
        }
        let r = admit("GET", p, Some("api-version=2026-03-12&api%2Dversion=1"), V).unwrap_err();
        assert_eq!((r.status, r.field), (400, Some("query")));
        let r = admit("GET", p, Some("api-version=2026-03-12&access_token=t"), V).unwrap_err();
        assert_eq!((r.status, r.field), (400, Some("access_token")));
        assert!(!r.message.contains("=t"));
        assert!(admit("GET", p, Some("api-version=2026-03-12&skip=abc"), V).is_ok());
        // What probing the worker found forwarded: our keys in another case, a `;` pair.
        for query in [
            "api-version=2026-03-12&API-VERSION=2099-01-01",
            "api-version=2026-03-12&ACCESS_TOKEN=t",
            "api-version=2026-03-12&x=1;api-version=2099-01-01",
        ] {
            let r = admit("GET", p, Some(query), V).unwrap_err();
            assert_eq!((r.status, r.field), (400, Some("query")), "{query}");
            assert!(!r.message.contains("=t"), "{}", r.message);
        }
    }

    #[test]
    fn only_the_services_headers_are_forwarded() {
        let a = admit(
            "POST",
            "/acs/calling/recordings",
            Some("api-version=2026-03-12"),
            V,
        )
        .unwrap();
        let h = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let headers = [
            h("Authorization", "Bearer admin-token"),
            h("Cookie", "a=b"),
            h("X-MS-Date", "yesterday"),
            h("Content-Type", "application/json"),
            h("Accept", "application/json"),
            h("Repeatability-Request-ID", "id"),
            h("Repeatability-First-Sent", "date"),
            h("x-ms-client-request-id", "cid"),
            h("host", "worker.example"),
        ];
        let req = a.request(&headers, b"{}".to_vec()).unwrap();
        let names: Vec<&str> = req.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, REQUEST_HEADERS);
        assert_eq!(req.body.as_deref(), Some("{}"));
        assert_eq!(
            req.path_and_query(),
            "/calling/recordings?api-version=2026-03-12"
        );
        let empty = a.request(&[], Vec::new()).unwrap();
        assert_eq!(empty.body, None);
    }

    #[test]
    fn bodies_over_the_limit_or_not_utf8_are_refused() {
        let a = admit(
            "POST",
            "/acs/calling/recordings",
            Some("api-version=2026-03-12"),
            V,
        )
        .unwrap();
        assert!(a.request(&[], vec![b' '; MAX_BODY_BYTES]).is_ok());
        let r = a.request(&[], vec![b' '; MAX_BODY_BYTES + 1]).unwrap_err();
        assert_eq!((r.status, r.field), (413, Some("body")));
        let r = a.request(&[], vec![0xff]).unwrap_err();
        assert_eq!((r.status, r.field), (400, Some("body")));
        assert_eq!(
            check_content_length(Some("1048577")).unwrap_err().status,
            413
        );
        assert!(check_content_length(Some("1048576")).is_ok());
        assert!(check_content_length(None).is_ok());
    }

    #[test]
    fn only_the_headers_clients_read_come_back() {
        let h = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let back = response_headers(&[
            h("Content-Type", "application/json"),
            h("Set-Cookie", "x=y"),
            h("X-Ms-Request-Id", "r1"),
            h("Retry-After", "2"),
            h("server", "acs"),
        ]);
        assert_eq!(
            back,
            [
                ("content-type", "application/json".to_owned()),
                ("x-ms-request-id", "r1".to_owned()),
                ("retry-after", "2".to_owned())
            ]
        );
    }

    #[test]
    fn a_participants_next_link_is_moved_under_the_proxy() {
        let acs = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
        let list = routes::route("GET", "/calling/callConnections/c1/participants").unwrap();
        let body = br#"{"value":[],"nextLink":"https://contoso.communication.azure.com/calling/callConnections/c1/participants?api-version=2026-03-12&skip=2"}"#;
        let out = rebase_next_link(&list, body, &acs, "https://worker.example/acs", V).unwrap();
        let page: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            page["nextLink"],
            "https://worker.example/acs/calling/callConnections/c1/participants?api-version=2026-03-12&skip=2"
        );
        // Not on the endpoint, no link, or another operation: left as it is.
        let foreign = br#"{"value":[],"nextLink":"https://evil.example/calling/x"}"#;
        assert_eq!(
            rebase_next_link(&list, foreign, &acs, "https://w/acs", V),
            None
        );
        let last = br#"{"value":[]}"#;
        assert_eq!(
            rebase_next_link(&list, last, &acs, "https://w/acs", V),
            None
        );
        let get = routes::route("GET", "/calling/callConnections/c1").unwrap();
        assert_eq!(rebase_next_link(&get, body, &acs, "https://w/acs", V), None);
        // A relative link without api-version gets the worker's.
        let relative = br#"{"nextLink":"/calling/callConnections/c1/participants?skip=2"}"#;
        let out = rebase_next_link(&list, relative, &acs, "https://w/acs/", V).unwrap();
        let page: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            page["nextLink"],
            "https://w/acs/calling/callConnections/c1/participants?skip=2&api-version=2026-03-12"
        );
    }
}
