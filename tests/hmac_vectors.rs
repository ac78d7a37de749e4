//! The ACS HMAC-SHA256 scheme, byte-exact with every vector in
//! `tests/fixtures/hmac-vectors.md`, plus request shapes callsteer sends (ports, JSON
//! bodies, encoded participant ids, base paths) checked against the shipped JS SDK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::auth::{
    content_hash, hmac_sha256_base64, sign, sign_for_endpoint, string_to_sign, AccessKey,
    BearerToken, Credential,
};
use callsteer::http::{encode_path_segment, Endpoint, Method, Request};
use callsteer::{CommunicationIdentifier, Error};
use serde::Serialize;

/// `pw==` decodes to the single byte 0xA7 (the vectors file says 0xA5; the signatures
/// are what matter and they match).
const KEY: &str = "pw==";
/// 2022-04-13T18:09:12Z, the fixed clock of the JS and Python vectors.
const NOW: u64 = 1_649_873_352;
const DATE: &str = "Wed, 13 Apr 2022 18:09:12 GMT";
const EMPTY_HASH: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const PREFIX: &str = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";

fn key() -> AccessKey {
    AccessKey::from_base64(KEY).unwrap()
}

/// Asserts the three headers `sign` sets, exactly.
fn assert_signed(req: &Request, hash: &str, signature: &str) {
    assert_eq!(req.get_header("x-ms-date"), Some(DATE));
    assert_eq!(req.get_header("x-ms-content-sha256"), Some(hash));
    assert_eq!(
        req.get_header("authorization"),
        Some(format!("{PREFIX}{signature}").as_str())
    );
    let count = |name: &str| req.headers.iter().filter(|(n, _)| n == name).count();
    assert_eq!(
        (
            count("x-ms-date"),
            count("x-ms-content-sha256"),
            count("authorization")
        ),
        (1, 1, 1)
    );
}

/// §2: content hashes and raw HMACs shared by the JS, Python, .NET and Java tests.
#[test]
fn cross_sdk_primitives() {
    assert_eq!(key().bytes(), [0xA7]);
    assert_eq!(content_hash(b""), EMPTY_HASH);
    assert_eq!(
        content_hash(b"banana"),
        "tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4="
    );
    assert_eq!(
        content_hash("😀".as_bytes()),
        "8EQ6NCxe9UeDoRG1G6Vsk45HTDIyTZDDpgycjjo34tk="
    );
    assert_eq!(
        hmac_sha256_base64(&key(), b"banana"),
        "88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8="
    );
    assert_eq!(
        hmac_sha256_base64(&key(), "😀".as_bytes()),
        "1rudJKjn2Zi+3hRrBG29wIF6pD6YyAeQR1ZcFtXoKAU="
    );
}

/// §3: P1–P3 (Python `test_hmac.py`) and J1–J2 (JS `communicationKeyCredentialPolicy.spec.ts`).
#[test]
fn official_request_vectors() {
    let vectors = [
        (
            "P1",
            "contoso.communicationservices.azure.com",
            "/",
            None,
            "88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4=",
        ),
        (
            "P2",
            "contoso.communicationservices.azure.com",
            "/testPath",
            None,
            "RoCrHjw7fb9fpHSbqvRUY2xa8RBS0YvI1cxI1x8AS38=",
        ),
        (
            "P3",
            "contoso.communicationservices.azure.com",
            "/testPath",
            Some(("testQuery", "yes")),
            "il99+rd6V5O136roX/zVePCNle78HmvC4B7tu9zRH3I=",
        ),
        (
            "J1",
            "example.com",
            "/testPath",
            Some(("testQuery", "test")),
            "DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=",
        ),
        (
            "J2",
            "example.com",
            "/testPath",
            None,
            "+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=",
        ),
    ];
    for (name, host, path, query, signature) in vectors {
        let mut req = Request::new(Method::Get, path);
        if let Some((k, v)) = query {
            req = req.query(k, v);
        }
        // Through `sign` with the host string…
        let mut by_host = req.clone();
        sign(&mut by_host, &key(), host, NOW);
        assert_signed(&by_host, EMPTY_HASH, signature);
        // …and through the endpoint, as the faces do.
        let endpoint = Endpoint::parse(&format!("https://{host}")).unwrap();
        let mut by_endpoint = req;
        sign_for_endpoint(&mut by_endpoint, &key(), &endpoint, NOW);
        assert_eq!(by_endpoint, by_host, "{name}");
    }
}

#[test]
fn string_to_sign_is_the_documented_text() {
    let text = string_to_sign(
        "get",
        "/testPath?testQuery=test",
        DATE,
        "example.com",
        EMPTY_HASH,
    );
    assert_eq!(
        text,
        format!("GET\n/testPath?testQuery=test\n{DATE};example.com;{EMPTY_HASH}")
    );
    assert_eq!(
        hmac_sha256_base64(&key(), text.as_bytes()),
        "DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU="
    );
}

// The expected signatures below come from running the shipped `@azure/communication-common`
// 2.5.0 `createCommunicationAccessKeyCredentialPolicy` with its clock fixed at NOW
// (tests/fixtures/hmac-oracle.js; it reproduces J1, J2 and P1 first), and were recomputed
// with Python `hmac`.

/// Sign through the endpoint and check the URL sent is the one the oracle signed.
fn sign_at(endpoint: &str, req: Request, url: &str) -> Request {
    let endpoint = Endpoint::parse(endpoint).unwrap();
    let mut req = req;
    sign_for_endpoint(&mut req, &key(), &endpoint, NOW);
    assert_eq!(req.url(&endpoint), url);
    req
}

#[test]
fn default_port_is_dropped_from_the_signed_host() {
    // Java's HmacAuthenticationPolicyTests: https://localhost:443 → host "localhost".
    let req = || Request::new(Method::Get, "").query("id", "b93a5ef4-f622-44d8-a80b-ff983122554e");
    let signature = "OnWfjcPiqfJboaLOgOL8aXCNlqt8GJgPxgGMlIvpU+A=";
    let url = "https://localhost/?id=b93a5ef4-f622-44d8-a80b-ff983122554e";
    assert_signed(
        &sign_at("https://localhost:443", req(), url),
        EMPTY_HASH,
        signature,
    );
    assert_signed(
        &sign_at("https://localhost", req(), url),
        EMPTY_HASH,
        signature,
    );
    assert_eq!(
        Endpoint::parse("https://localhost:443")
            .unwrap()
            .authority(),
        "localhost"
    );
    assert_eq!(
        Endpoint::parse("http://127.0.0.1:80").unwrap().authority(),
        "127.0.0.1"
    );
}

#[test]
fn a_non_default_port_is_signed_with_the_host() {
    let req = Request::new(Method::Get, "/calling/callConnections/abc")
        .query("api-version", "2026-03-12");
    let url = "https://localhost:8443/calling/callConnections/abc?api-version=2026-03-12";
    let signed = sign_at("https://localhost:8443", req, url);
    assert_signed(
        &signed,
        EMPTY_HASH,
        "B2yRHdKysOGYMTEqkwjS9eKOIVuank20D3g7Sm1NeD4=",
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddParticipantBody {
    participant_to_add: CommunicationIdentifier,
    operation_context: &'static str,
}

#[test]
fn a_post_signs_the_exact_json_body_it_sends() {
    let body = AddParticipantBody {
        participant_to_add: CommunicationIdentifier::phone("+14255550123"),
        operation_context: "add-1",
    };
    let req = Request::new(
        Method::Post,
        "/calling/callConnections/abc/participants:add",
    )
    .query("api-version", "2026-03-12")
    .json(&body)
    .unwrap();
    assert_eq!(
        req.body.as_deref(),
        Some(
            r#"{"participantToAdd":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},"operationContext":"add-1"}"#
        )
    );
    let url = "https://contoso.communication.azure.com/calling/callConnections/abc/participants:add?api-version=2026-03-12";
    let signed = sign_at("https://contoso.communication.azure.com/", req, url);
    assert_signed(
        &signed,
        "kIOzYQgfTWmkCARqVyJi3mbKWTcOVyu4MkK5vdRFm+E=",
        "IUzD6S53t3/gplTZCJdvRf2Xr1apKrKfUaMAEWQqe9E=",
    );
    assert_eq!(signed.get_header("content-type"), Some("application/json"));
}

#[test]
fn a_utf8_body_is_hashed_as_utf8() {
    let req = Request::new(Method::Post, "/calling/callConnections/abc:play")
        .query("api-version", "2026-03-12")
        .json(&serde_json::json!({"text": "héllo 😀"}))
        .unwrap();
    let url = "https://contoso.communication.azure.com/calling/callConnections/abc:play?api-version=2026-03-12";
    let signed = sign_at("https://contoso.communication.azure.com", req, url);
    assert_signed(
        &signed,
        "cfpAY+S1qmfAHmEeF9N/9C5AjKiSQ33kFveDm4BtHI8=",
        "cKasyzvXgLHz/UrqFz1IpZMNvcYye359cDHqeRUwMzg=",
    );
}

#[test]
fn a_participant_raw_id_is_signed_exactly_as_encoded_on_the_wire() {
    let raw = "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_ae9e3307-f56e-44be-8934-80a63f080538";
    let path = format!(
        "/calling/callConnections/abc/participants/{}",
        encode_path_segment(raw)
    );
    let req = Request::new(Method::Get, path).query("api-version", "2026-03-12");
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections/abc/participants/8%3Aacs%3Ab9614373-fd0b-480c-8fd2-cb58b70eab9f_ae9e3307-f56e-44be-8934-80a63f080538?api-version=2026-03-12"
    );
    let url = format!(
        "https://contoso.communication.azure.com{}",
        req.path_and_query()
    );
    let signed = sign_at("https://contoso.communication.azure.com", req, &url);
    assert_signed(
        &signed,
        EMPTY_HASH,
        "qgsU20bkgEcIwVYtz41yEwtEJwXa8gsMof6XYMQHoN0=",
    );
}

#[test]
fn the_query_is_signed_form_encoded_as_sent() {
    // URLSearchParams serialisation: space → '+', '~' → %7E, '*' kept.
    let req = Request::new(Method::Get, "/testPath").query("q", "a b c*~");
    let signed = sign_at(
        "https://example.com",
        req,
        "https://example.com/testPath?q=a+b+c*%7E",
    );
    assert_signed(
        &signed,
        EMPTY_HASH,
        "bAW+l4AEsFvRm5DXl6kHYqz3Nbu6QTriJkQ3M8OdpyY=",
    );
}

#[test]
fn delete_is_signed_with_its_method() {
    let req = Request::new(Method::Delete, "/calling/callConnections/abc")
        .query("api-version", "2026-03-12");
    let url = "https://contoso.communication.azure.com/calling/callConnections/abc?api-version=2026-03-12";
    let signed = sign_at("https://contoso.communication.azure.com", req, url);
    assert_signed(
        &signed,
        EMPTY_HASH,
        "L7mcRJNRh+cGzh/d5kLiKbgg45t7lXqPjmoBGxVDFPY=",
    );
}

#[test]
fn an_endpoint_base_path_is_part_of_the_signed_path() {
    let req = || {
        Request::new(Method::Get, "/calling/callConnections/abc").query("api-version", "2026-03-12")
    };
    let url = "https://proxy.example:8443/base/calling/callConnections/abc?api-version=2026-03-12";
    let signed = sign_at("https://proxy.example:8443/base/", req(), url);
    assert_signed(
        &signed,
        EMPTY_HASH,
        "nXxBAYB20SqjVXrYAR0kl5GL4xP3e0FGUWHJzWcjRTs=",
    );
    // The host-only `sign` cannot know the base path: it signs something else.
    let mut by_host = req();
    sign(&mut by_host, &key(), "proxy.example:8443", NOW);
    assert_ne!(
        by_host.get_header("authorization"),
        signed.get_header("authorization")
    );
}

#[test]
fn signing_again_replaces_the_headers() {
    let endpoint = Endpoint::parse("https://example.com").unwrap();
    let mut req = Request::new(Method::Get, "/testPath");
    sign_for_endpoint(&mut req, &key(), &endpoint, NOW - 60);
    sign_for_endpoint(&mut req, &key(), &endpoint, NOW);
    assert_signed(
        &req,
        EMPTY_HASH,
        "+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=",
    );
}

#[test]
fn the_key_credential_signs_like_sign() {
    let endpoint = Endpoint::parse("https://example.com").unwrap();
    let mut req = Request::new(Method::Get, "/testPath").query("testQuery", "test");
    Credential::Key(key()).apply_for_endpoint(&mut req, &endpoint, NOW);
    assert_signed(
        &req,
        EMPTY_HASH,
        "DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=",
    );
    let mut by_host = Request::new(Method::Get, "/testPath").query("testQuery", "test");
    Credential::Key(key()).apply(&mut by_host, "example.com", NOW);
    assert_eq!(by_host, req);
}

#[test]
fn the_bearer_credential_sets_the_token_and_date_only() {
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    let credential = Credential::Bearer(BearerToken::new(token).unwrap());
    let endpoint = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
    let mut req = Request::new(Method::Get, "/calling/callConnections/abc");
    credential.apply_for_endpoint(&mut req, &endpoint, NOW);
    assert_eq!(
        req.get_header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(req.get_header("x-ms-date"), Some(DATE));
    assert_eq!(req.get_header("x-ms-content-sha256"), None);
    assert!(!format!("{credential:?}").contains(token));
}

#[test]
fn bearer_tokens_that_could_break_the_header_are_refused() {
    for (token, needle) in [
        ("", "empty"),
        ("Bearer abc", "bare token"),
        ("abc\r\nx-evil: 1", "visible ASCII"),
    ] {
        match BearerToken::new(token) {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, "token");
                assert!(reason.contains(needle), "{token:?}: {reason}");
                assert!(token.is_empty() || !reason.contains(token));
            }
            other => panic!("{token:?}: {other:?}"),
        }
    }
}
