//! Shared test harness: checks requests and bodies against the stable spec fixture.
//!
//! * [`assert_request_matches`] — method, path template (ids percent-encoded), declared
//!   query/header parameters, and the JSON body against the operation's `in: body` schema.
//! * [`assert_body_matches`] / [`assert_response_matches`] — schema checks alone.
//! * [`ok_response`] / [`error_response`] — owned responses for decoder tests.
#![allow(unreachable_pub)] // test support: `pub` for the test crates that include it
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod schema;

use callsteer::http::{Repeatability, Request, Response};
use callsteer::Error;
use schema::{Direction, Spec};
use serde_json::Value;
use std::sync::OnceLock;

/// The stable spec (loaded once per test binary).
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(Spec::stable)
}

/// The repeatability pair used by golden tests.
pub fn fixed_repeatability() -> Repeatability {
    Repeatability::from_random([7; 16], 1_649_873_352)
}

/// What `fixed_repeatability()` puts on the wire.
pub const FIXED_REQUEST_ID: &str = "07070707-0707-4707-8707-070707070707";
pub const FIXED_FIRST_SENT: &str = "Wed, 13 Apr 2022 18:09:12 GMT";

/// Schema errors of `body` against `operation_id`'s `in: body` parameter.
pub fn body_errors(operation_id: &str, body: &Value) -> Vec<String> {
    let spec = spec();
    let param = spec
        .parameters(operation_id)
        .into_iter()
        .find(|p| p["in"] == "body")
        .unwrap_or_else(|| panic!("{operation_id} has no body parameter"));
    spec.errors(&spec.main, &param["schema"], body, Direction::Request)
}

/// Panics with every violation (JSON path + reason) when `body` does not match.
pub fn assert_body_matches(operation_id: &str, body: &Value) {
    let errors = body_errors(operation_id, body);
    assert!(
        errors.is_empty(),
        "{operation_id} body violates the spec:\n  {}\nbody: {body}",
        errors.join("\n  ")
    );
}

/// Schema errors of a response `body` for `status` (the `default` response for others).
pub fn response_errors(operation_id: &str, status: u16, body: &Value) -> Vec<String> {
    let spec = spec();
    let (_, _, op) = spec.operation(operation_id);
    let responses = &op["responses"];
    let resp = responses
        .get(status.to_string())
        .unwrap_or(&responses["default"]);
    let schema = resp
        .get("schema")
        .unwrap_or_else(|| panic!("{operation_id} {status} has no body schema"));
    spec.errors(&spec.main, schema, body, Direction::Response)
}

/// Panics when a response fixture does not have the spec's shape.
pub fn assert_response_matches(operation_id: &str, status: u16, body: &Value) {
    let errors = response_errors(operation_id, status, body);
    assert!(
        errors.is_empty(),
        "{operation_id} {status} response violates the spec:\n  {}",
        errors.join("\n  ")
    );
}

/// Matches an encoded request path against a template such as
/// `/calling/callConnections/{callConnectionId}:terminate`; returns the decoded parameters.
///
/// A parameter value must be non-empty and percent-encoded: only unreserved characters and
/// `%XX` (so an unencoded `:` or `/` in an id never matches).
pub fn match_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if t.len() != p.len() {
        return None;
    }
    let mut params = Vec::new();
    for (ts, ps) in t.iter().zip(&p) {
        match (ts.find('{'), ts.find('}')) {
            (Some(open), Some(close)) => {
                let (prefix, suffix) = (&ts[..open], &ts[close + 1..]);
                let middle = ps.strip_prefix(prefix)?.strip_suffix(suffix)?;
                params.push((ts[open + 1..close].to_owned(), percent_decode(middle)?));
            }
            _ if ts == ps => {}
            _ => return None,
        }
    }
    Some(params)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || b"-._~".contains(&c) => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

/// Panics unless `operation_id` is `method` on a template matching `path`; returns the
/// decoded path parameters.
pub fn assert_paths_match(operation_id: &str, method: &str, path: &str) -> Vec<(String, String)> {
    let (m, template, _) = spec().operation(operation_id);
    assert_eq!(m, method, "{operation_id}: method");
    match_path(&template, path)
        .unwrap_or_else(|| panic!("{operation_id}: path {path:?} does not match {template:?}"))
}

/// Checks a built request against the spec: method, path, every required query parameter
/// present and no undeclared one, header parameters declared (repeatability headers well
/// formed), a JSON body exactly when the operation takes one, and the body's schema.
pub fn assert_request_matches(operation_id: &str, req: &Request) {
    assert_paths_match(operation_id, req.method.as_str(), &req.path);
    // The core's operation table routes the request back to the same operation.
    let routed =
        callsteer::api::routes::route(req.method.as_str(), &req.path).unwrap_or_else(|| {
            panic!(
                "{operation_id}: {} {} is no route",
                req.method.as_str(),
                req.path
            )
        });
    assert_eq!(
        routed.op.as_str(),
        operation_id,
        "{operation_id}: routed to another operation"
    );
    let params = spec().parameters(operation_id);
    let declared = |loc: &str, name: &str| {
        params.iter().any(|p| {
            p["in"] == loc
                && p["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    for p in params
        .iter()
        .filter(|p| p["in"] == "query" && p["required"] == true)
    {
        let name = p["name"].as_str().unwrap();
        assert!(
            req.query.iter().any(|(k, _)| k == name),
            "{operation_id}: required query {name} missing"
        );
    }
    for (k, _) in &req.query {
        assert!(
            declared("query", k),
            "{operation_id}: query {k} is not declared by the spec"
        );
    }
    for (name, value) in &req.headers {
        match name.as_str() {
            "content-type" => assert_eq!(value, "application/json", "{operation_id}: content-type"),
            "repeatability-request-id" | "repeatability-first-sent" => {
                assert!(
                    declared("header", name),
                    "{operation_id} does not take {name}"
                );
            }
            other => panic!("{operation_id}: unexpected header {other}"),
        }
    }
    if let Some(id) = req.get_header("repeatability-request-id") {
        assert_eq!(id.len(), 36, "request id is a uuid");
        assert!(
            req.get_header("repeatability-first-sent")
                .is_some_and(|d| d.ends_with(" GMT")),
            "first-sent pairs with request id"
        );
    }
    let takes_body = params.iter().any(|p| p["in"] == "body");
    match (&req.body, takes_body) {
        (Some(body), true) => {
            assert_eq!(req.get_header("content-type"), Some("application/json"));
            assert_body_matches(
                operation_id,
                &serde_json::from_str(body).expect("body is JSON"),
            );
        }
        (None, false) => assert!(req.get_header("content-type").is_none()),
        (Some(_), false) => panic!("{operation_id} takes no body but one was built"),
        (None, true) => panic!("{operation_id} needs a body"),
    }
}

/// The request's body as JSON (panics when there is none).
pub fn body_json(req: &Request) -> Value {
    serde_json::from_str(req.body.as_deref().expect("request has a body")).expect("body is JSON")
}

/// An owned response to hand to `Operation::decode` through [`OwnedResponse::view`].
#[derive(Debug)]
pub struct OwnedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OwnedResponse {
    pub fn view(&self) -> Response<'_> {
        Response {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// A success response with a JSON body (or none for `Value::Null`).
pub fn ok_response(status: u16, body: &Value) -> OwnedResponse {
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    OwnedResponse {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    }
}

/// A `CommunicationErrorResponse` with request id `req-42`.
pub fn error_response(status: u16, code: &str, message: &str) -> OwnedResponse {
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    OwnedResponse {
        status,
        headers: vec![("x-ms-request-id".into(), "req-42".into())],
        body: body.to_string().into_bytes(),
    }
}

/// Asserts `err` is a service error carrying what [`error_response`] put in.
pub fn assert_service_error(err: Error, status: u16, code: &str, message: &str) {
    match err {
        Error::Service(e) => {
            assert_eq!(e.status, status);
            assert_eq!(e.code.as_deref(), Some(code));
            assert_eq!(e.message, message);
            assert_eq!(e.request_id.as_deref(), Some("req-42"));
        }
        other => panic!("expected Error::Service, got {other:?}"),
    }
}

/// The `(field, reason)` of an `InvalidInput` error; panics on anything else.
pub fn invalid<T: std::fmt::Debug>(r: Result<T, Error>) -> (String, String) {
    match r {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// The headers of a JSON request sent with [`fixed_repeatability`].
pub fn repeatable_json_headers() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), "application/json".into()),
        ("repeatability-request-id".into(), FIXED_REQUEST_ID.into()),
        ("repeatability-first-sent".into(), FIXED_FIRST_SENT.into()),
    ]
}

/// The headers of a JSON request without repeatability.
pub fn json_headers() -> Vec<(String, String)> {
    vec![("content-type".into(), "application/json".into())]
}

/// Wire JSON of an ACS user identifier.
pub fn user_json(id: &str) -> Value {
    serde_json::json!({"kind": "communicationUser", "rawId": id, "communicationUser": {"id": id}})
}

/// Wire JSON of a phone number identifier.
pub fn phone_json(number: &str) -> Value {
    serde_json::json!({"kind": "phoneNumber", "rawId": format!("4:{number}"), "phoneNumber": {"value": number}})
}
