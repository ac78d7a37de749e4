//! Listing participants: first page, following `nextLink`, refusing foreign links.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::{ListParticipants, Operation};
use callsteer::http::{Endpoint, Method};
use callsteer::{CommunicationIdentifier as Id, Error, DEFAULT_API_VERSION};
use common::*;
use serde_json::json;

fn endpoint() -> Endpoint {
    Endpoint::parse("https://contoso.communication.azure.com").unwrap()
}

// operationId: CallConnection_GetParticipants
#[test]
fn first_page_golden_request() {
    let req = ListParticipants::new("c1")
        .to_request(DEFAULT_API_VERSION)
        .unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections/c1/participants?api-version=2026-03-12"
    );
    assert!(req.headers.is_empty() && req.body.is_none());
    assert_request_matches("CallConnection_GetParticipants", &req);
}

#[test]
fn two_pages_via_next_link() {
    let next = "https://contoso.communication.azure.com/calling/callConnections/c1/participants?api-version=2026-03-12&skipToken=a%2Bb%3D%3D";
    let page1 = json!({"value": [{"identifier": user_json("8:acs:r_a"), "isMuted": false}], "nextLink": next});
    let page2 = json!({"value": [{"identifier": phone_json("+14255550123"), "isMuted": true, "isOnHold": true}]});
    assert_response_matches("CallConnection_GetParticipants", 200, &page1);
    assert_response_matches("CallConnection_GetParticipants", 200, &page2);

    let first = ListParticipants::new("c1");
    let out1 = first.decode(&ok_response(200, &page1).view()).unwrap();
    assert_eq!(out1.values[0].identifier, Some(Id::user("8:acs:r_a")));
    assert_eq!(out1.next_link.as_deref(), Some(next));

    let second =
        ListParticipants::next_page(&endpoint(), out1.next_link.as_deref().unwrap()).unwrap();
    let req = second.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.method, Method::Get);
    // Exactly what the service linked to: same path, same query, same order.
    assert_eq!(
        req.path_and_query(),
        "/calling/callConnections/c1/participants?api-version=2026-03-12&skipToken=a%2Bb%3D%3D"
    );
    assert_eq!(req.url(&endpoint()), next);
    let out2 = second.decode(&ok_response(200, &page2).view()).unwrap();
    assert_eq!(out2.values[0].identifier, Some(Id::phone("+14255550123")));
    assert_eq!(out2.values[0].is_on_hold, Some(true));
    assert_eq!(out2.next_link, None);
}

#[test]
fn next_link_keeps_the_services_api_version_and_adds_ours_only_when_missing() {
    let keep = ListParticipants::next_page(
        &endpoint(),
        "https://contoso.communication.azure.com/p?api-version=2025-06-15&t=1",
    )
    .unwrap();
    assert_eq!(
        keep.to_request("2026-03-12").unwrap().path_and_query(),
        "/p?api-version=2025-06-15&t=1"
    );
    let add =
        ListParticipants::next_page(&endpoint(), "https://contoso.communication.azure.com/p?t=1")
            .unwrap();
    assert_eq!(
        add.to_request("2026-03-12").unwrap().path_and_query(),
        "/p?t=1&api-version=2026-03-12"
    );
    let relative = ListParticipants::next_page(&endpoint(), "/p?t=2").unwrap();
    assert_eq!(
        relative.to_request("2026-03-12").unwrap().path_and_query(),
        "/p?t=2&api-version=2026-03-12"
    );
}

#[test]
fn next_link_under_a_base_path_is_made_relative_to_it() {
    let ep = Endpoint::parse("http://127.0.0.1:8089/acs").unwrap();
    let page = ListParticipants::next_page(
        &ep,
        "http://127.0.0.1:8089/acs/calling/callConnections/c1/participants?skip=2",
    )
    .unwrap();
    let req = page.to_request(DEFAULT_API_VERSION).unwrap();
    assert_eq!(req.path, "/calling/callConnections/c1/participants");
    assert_eq!(req.url(&ep), "http://127.0.0.1:8089/acs/calling/callConnections/c1/participants?skip=2&api-version=2026-03-12");
}

#[test]
fn foreign_or_malformed_next_links_are_refused() {
    for (link, needle) in [
        (
            "https://evil.example/calling/callConnections/c1/participants?skip=2",
            "evil.example",
        ),
        (
            "http://contoso.communication.azure.com/calling/x",
            "not the endpoint",
        ),
        (
            "https://contoso.communication.azure.com:8443/calling/x",
            "not the endpoint",
        ),
        (
            "https://user@contoso.communication.azure.com/calling/x",
            "user info",
        ),
        ("contoso.communication.azure.com/calling/x", "absolute"),
        (
            "https://contoso.communication.azure.com/calling/x#frag",
            "fragment",
        ),
        (
            "https://contoso.communication.azure.com/calling/x?skip=%zz",
            "query",
        ),
    ] {
        let (field, reason) = invalid(ListParticipants::next_page(&endpoint(), link));
        assert_eq!(field, "nextLink", "{link}");
        assert!(reason.contains(needle), "{link}: {reason}");
    }
    let ep = Endpoint::parse("https://h.example/acs").unwrap();
    let (_, reason) = invalid(ListParticipants::next_page(
        &ep,
        "https://h.example/other/calling/x",
    ));
    assert!(reason.contains("base path"), "{reason}");
}

#[test]
fn list_error_becomes_a_service_error() {
    let err = error_response(404, "NotFound", "call ended");
    let e = ListParticipants::new("c1").decode(&err.view()).unwrap_err();
    assert_service_error(e, 404, "NotFound", "call ended");
    let not_a_page = ok_response(200, &json!({"value": "nope"}));
    assert!(matches!(
        ListParticipants::new("c1").decode(&not_a_page.view()),
        Err(Error::Decode { .. })
    ));
}
