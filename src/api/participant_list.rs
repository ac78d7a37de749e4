//! Reading participants: one by raw id, or the paged list.

use super::build;
use super::response::decode_json;
use super::routes::OperationId;
use super::Operation;
use crate::http::{encode_path_segment, Endpoint, Method, Request, Response};
use crate::models::{CallParticipant, GetParticipantsResponse};
use crate::validate;
use crate::Error;

/// `GET …/participants/{participantRawId}` (spec `CallConnection_GetParticipant`).
///
/// Output: [`CallParticipant`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetParticipant {
    call_connection_id: String,
    participant_raw_id: String,
}

impl GetParticipant {
    /// The participant with raw id `participant_raw_id` (e.g. `8:acs:…`, `4:+1…`; see
    /// [`crate::CommunicationIdentifier::raw_id`]); it is percent-encoded into the path.
    pub fn new(
        call_connection_id: impl Into<String>,
        participant_raw_id: impl Into<String>,
    ) -> Self {
        GetParticipant {
            call_connection_id: call_connection_id.into(),
            participant_raw_id: participant_raw_id.into(),
        }
    }
}

impl Operation for GetParticipant {
    type Output = CallParticipant;
    fn id(&self) -> OperationId {
        OperationId::GetParticipant
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        build::call_connection_id(&self.call_connection_id)?;
        validate::non_empty("participantRawId", &self.participant_raw_id)?;
        let ids = [self.call_connection_id.as_str(), &self.participant_raw_id];
        build::op(self.id(), &ids, api_version)
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        decode_json(response, &[200], "CallParticipant")
    }
}

/// One page of [`ListParticipants`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantsPage {
    pub values: Vec<CallParticipant>,
    /// The service's absolute link to the next page; `None` on the last page.
    pub next_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Page {
    First {
        call_connection_id: String,
    },
    Next {
        path: String,
        query: Vec<(String, String)>,
    },
}

/// `GET …/participants` (spec `CallConnection_GetParticipants`, pageable).
///
/// Start with [`ListParticipants::new`]; while the page has a `next_link`, build the next
/// request with [`ListParticipants::next_page`].
///
/// Output: [`ParticipantsPage`] (200).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParticipants {
    page: Page,
}

impl ListParticipants {
    /// The first page of participants of `call_connection_id`.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        ListParticipants {
            page: Page::First {
                call_connection_id: call_connection_id.into(),
            },
        }
    }

    /// The page at the service's `next_link`, which must point at `endpoint`.
    ///
    /// The path and query are kept exactly as the service sent them (skip tokens are
    /// opaque); `api-version` is added only when the link has none.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `nextLink` when it is not a URL, has a fragment or
    /// malformed escapes, or names a different scheme/host/port or base path than
    /// `endpoint`. The next request is signed with the caller's credential, so following
    /// a link to another host would hand a credentialed request to a host the caller
    /// never chose.
    pub fn next_page(endpoint: &Endpoint, next_link: &str) -> Result<Self, Error> {
        let (path, query) = link_on_endpoint(endpoint, next_link)?;
        let query = parse_query(query)
            .ok_or_else(|| Error::invalid("nextLink", "has a malformed query string"))?;
        Ok(ListParticipants {
            page: Page::Next { path, query },
        })
    }

    /// The path and query of the page at `next_link`, relative to `endpoint` and exactly
    /// as the link has them, with `api-version` appended when it has none: the same rule as
    /// [`ListParticipants::next_page`], for a client that signs a path-and-query string as it
    /// is (the npm engine, which links neither this operation's request building nor a
    /// query decoder).
    ///
    /// # Errors
    /// As [`ListParticipants::next_page`], except that the query is not decoded.
    pub fn next_page_path(
        endpoint: &Endpoint,
        next_link: &str,
        api_version: &str,
    ) -> Result<String, Error> {
        let (mut out, query) = link_on_endpoint(endpoint, next_link)?;
        if !query.is_empty() {
            out.push('?');
            out.push_str(query);
        }
        let key = |pair: &str| pair.split('=').next() == Some("api-version");
        if !query.split('&').any(key) {
            validate::non_empty("api-version", api_version)?;
            out.push(if query.is_empty() { '?' } else { '&' });
            out.push_str("api-version=");
            out.push_str(&encode_path_segment(api_version));
        }
        Ok(out)
    }
}

/// `next_link`'s path relative to `endpoint`'s base path, and its raw query, when the link
/// is on `endpoint` (see [`ListParticipants::next_page`]).
fn link_on_endpoint<'a>(
    endpoint: &Endpoint,
    next_link: &'a str,
) -> Result<(String, &'a str), Error> {
    let bad = |reason: &str| Error::invalid("nextLink", reason);
    if next_link.contains('#') {
        return Err(bad("must not contain a fragment"));
    }
    let (before_query, query) = next_link.split_once('?').unwrap_or((next_link, ""));
    let path = if before_query.starts_with('/') {
        before_query.to_owned()
    } else {
        // Messages by concatenation: the npm engine follows links through here and links
        // no formatting code (crates/npm/src/lib.rs).
        let link = Endpoint::parse(before_query).map_err(|e| match e {
            Error::InvalidInput { reason, .. } => {
                bad(&["is not a usable absolute URL: ", &reason].concat())
            }
            other => other,
        })?;
        if link.scheme() != endpoint.scheme() || link.authority() != endpoint.authority() {
            let (scheme, authority, ours) = (link.scheme(), link.authority(), endpoint.as_url());
            let message = [
                "points at ",
                scheme,
                "://",
                authority,
                ", not the endpoint ",
                &ours,
            ];
            return Err(bad(&message.concat()));
        }
        link.base_path().to_owned()
    };
    let path = path
        .strip_prefix(endpoint.base_path())
        .filter(|p| p.starts_with('/'))
        .ok_or_else(|| bad("is outside the endpoint's base path"))?;
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad("path must be percent-encoded ASCII"));
    }
    Ok((path.to_owned(), query))
}

impl Operation for ListParticipants {
    type Output = ParticipantsPage;
    fn id(&self) -> OperationId {
        OperationId::GetParticipants
    }

    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        match &self.page {
            Page::First { call_connection_id } => {
                build::call_connection_id(call_connection_id)?;
                build::op(self.id(), &[call_connection_id], api_version)
            }
            Page::Next { path, query } => {
                let mut req = Request::new(Method::Get, path.clone());
                req.query = query.clone();
                if !req.query.iter().any(|(k, _)| k == "api-version") {
                    validate::non_empty("api-version", api_version)?;
                    req = req.query("api-version", api_version);
                }
                Ok(req)
            }
        }
    }

    fn decode(&self, response: &Response<'_>) -> Result<Self::Output, Error> {
        let page: GetParticipantsResponse =
            decode_json(response, &[200], "GetParticipantsResponse")?;
        Ok(ParticipantsPage {
            values: page.value,
            next_link: page.next_link.filter(|l| !l.is_empty()),
        })
    }
}

/// `a=1&b=x%2By` → pairs, form-decoded (`+` is a space), as `Request::query` stores them.
fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((form_decode(k)?, form_decode(v)?))
        })
        .collect()
}

fn form_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = core::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips_through_request_encoding() {
        let pairs = parse_query("api-version=2026-03-12&skipToken=a%2Bb+c%3D%3D").unwrap();
        assert_eq!(pairs[1], ("skipToken".to_owned(), "a+b c==".to_owned()));
        let mut r = Request::new(Method::Get, "/p");
        r.query = pairs;
        assert_eq!(
            r.path_and_query(),
            "/p?api-version=2026-03-12&skipToken=a%2Bb+c%3D%3D"
        );
        assert!(parse_query("a=%zz").is_none());
        assert!(parse_query("a=%e").is_none());
    }

    #[test]
    fn next_page_path_is_next_page_without_decoding() {
        let e = Endpoint::parse("http://127.0.0.1:8787/acs").unwrap();
        let page = "/calling/callConnections/c/participants";
        for (link, expected) in [
            (
                [
                    "http://127.0.0.1:8787/acs",
                    page,
                    "?api-version=v1&skip=a%2Bb",
                ]
                .concat(),
                [page, "?api-version=v1&skip=a%2Bb"].concat(),
            ),
            (
                ["/acs", page, "?skip=2"].concat(),
                [page, "?skip=2&api-version=v9"].concat(),
            ),
            (["/acs", page].concat(), [page, "?api-version=v9"].concat()),
        ] {
            assert_eq!(
                ListParticipants::next_page_path(&e, &link, "v9").unwrap(),
                expected
            );
            let built = ListParticipants::next_page(&e, &link)
                .unwrap()
                .to_request("v9")
                .unwrap();
            assert_eq!(built.path_and_query(), expected, "{link}");
        }
        for elsewhere in [
            ["https://x.example/acs", page].concat(),
            ["http://127.0.0.1:8787", page].concat(),
            page.to_owned(),
            ["/acs", page, "#f"].concat(),
        ] {
            let err = ListParticipants::next_page_path(&e, &elsewhere, "v9").unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { ref field, .. } if field == "nextLink"),
                "{elsewhere}"
            );
        }
    }
}
