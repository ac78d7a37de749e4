//! A webhook request as fuzz input, in a readable HTTP-like text form:
//!
//! ```text
//! POST code={{SECRET}}
//! aeg-event-type: Notification
//! Authorization: Bearer {{ENTRA}}
//!
//! [{"id": "…", "eventType": "Microsoft.Communication.IncomingCall", …}]
//! ```
//!
//! The first line is the method and, after a space, the query string (without `?`); header
//! lines follow until an empty line; the rest is the body, as bytes. In the head,
//! `{{ENTRA}}`, `{{CALLBACK}}` and `{{SECRET}}` stand for a valid Entra delivery token, a
//! valid callback token and the configured delivery secret, so seeds (and the mutations the
//! fuzzer makes around them) can reach the accepting paths without holding a credential.

use crate::tokens::minted;

/// The configured delivery secret (made up; 32 characters).
pub const SECRET: &str = "fuzz-delivery-secret-0123456789ab";
/// The header the secret is also accepted from.
pub const SECRET_HEADER: &str = "X-Callsteer-Secret";

/// One decoded request.
#[derive(Debug, Default)]
pub struct Request {
    pub method: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Reads the text form (any bytes are a request; a head that is not UTF-8 is read lossily).
    pub fn parse(data: &[u8]) -> Request {
        let (head, body) = split_head(data);
        let head = substitute(&String::from_utf8_lossy(head));
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = lines.next().unwrap_or_default();
        let (method, query) = match first.split_once(' ') {
            Some((m, q)) => (m.to_owned(), Some(q.to_owned())),
            None => (first.to_owned(), None),
        };
        let headers = lines
            .map(|l| match l.split_once(':') {
                Some((n, v)) => (n.to_owned(), v.strip_prefix(' ').unwrap_or(v).to_owned()),
                None => (l.to_owned(), String::new()),
            })
            .collect();
        Request { method, query, headers, body: body.to_vec() }
    }

    /// The first header called `name` (any case), as servers and the core read it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn split_head(data: &[u8]) -> (&[u8], &[u8]) {
    let find = |sep: &[u8]| data.windows(sep.len()).position(|w| w == sep).map(|i| (i, sep.len()));
    match [find(b"\r\n\r\n"), find(b"\n\n")].into_iter().flatten().min() {
        Some((i, len)) => (&data[..i], &data[i + len..]),
        None => (data, &[]),
    }
}

fn substitute(head: &str) -> String {
    if !head.contains("{{") {
        return head.to_owned();
    }
    let m = minted();
    head.replace("{{ENTRA}}", &m.entra)
        .replace("{{CALLBACK}}", &m.callback)
        .replace("{{SECRET}}", SECRET)
}
