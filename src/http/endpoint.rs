//! The service endpoint: scheme, authority (the signed `host`) and an optional base path.

use crate::Error;

/// A service endpoint: scheme, authority and an optional base path.
///
/// The authority carries a port only when it is not the scheme's default, which is
/// the `host` that goes into the HMAC string-to-sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: String,
    authority: String,
    host: String,
    base_path: String,
}

impl Endpoint {
    /// Parses `https://host[:port][/base]`. `http` is accepted here on any host (callers
    /// decide: [`crate::auth::ConnectionString`] and `validate::callback_uri` allow it only
    /// on loopback); other schemes, user info, query and fragment are refused. Host names
    /// are lower-cased, the port is dropped when it is the scheme's default.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with field `endpoint`: not an absolute URL; a scheme other
    /// than https/http; a query or fragment; no host; user info; an invalid host name or
    /// IPv6 literal; an invalid port; base-path characters that need percent-encoding.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let bad = |reason: &str| Error::invalid("endpoint", reason);
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("is not an absolute URL (expected https://host)"))?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port: u16 = match scheme.as_str() {
            "https" => 443,
            "http" => 80,
            _ => return Err(bad("scheme must be https (or http for local development)")),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not contain a query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(bad("has no host"));
        }
        if authority.contains('@') {
            return Err(bad("must not contain user info"));
        }
        let (host, port) = split_host_port(authority).map_err(bad)?;
        let host = host.to_ascii_lowercase();
        // The port is compared as a number, as URL parsers do: `:0443` is the default.
        let authority = match port {
            Some(p) if p != default_port => {
                let mut a = [&host, ":"].concat();
                crate::text::push_decimal(&mut a, u64::from(p), 0);
                a
            }
            _ => host.clone(),
        };
        // The base path goes on the wire (and into the signature) verbatim: only
        // characters that are legal unescaped in a URL path (RFC 3986 pchar, `%`, `/`).
        if !path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%/".contains(&b))
        {
            return Err(bad(
                "has a path with characters that must be percent-encoded",
            ));
        }
        let base_path = path.trim_end_matches('/').to_owned();
        Ok(Endpoint {
            scheme,
            authority,
            host,
            base_path,
        })
    }

    /// `https` or `http`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// Host plus `:port` when the port is not the default: the signed `host`.
    pub fn authority(&self) -> &str {
        &self.authority
    }
    /// Host name alone (lower-case), without port.
    pub fn host(&self) -> &str {
        &self.host
    }
    /// Base path without trailing slash (usually empty).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }
    /// True for `localhost`, `127.0.0.0/8` and `[::1]`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }
}

impl Endpoint {
    /// `scheme://authority/base/` — what `Display` writes, built without `core::fmt`.
    pub fn as_url(&self) -> String {
        [&self.scheme, "://", &self.authority, &self.base_path, "/"].concat()
    }
}

impl core::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.as_url())
    }
}

/// True for `localhost`, `127.x.y.z` and `[::1]`/`::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h == "::1"
        || (h.starts_with("127.")
            && h.split('.').count() == 4
            && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// Splits `host[:port]` or `[v6][:port]` and checks both parts.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), &'static str> {
    const BAD_HOST: &str = "has an invalid host name";
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let end = v6.find(']').ok_or(BAD_HOST)?;
            let addr = &v6[..end];
            if addr.is_empty()
                || !addr
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b))
            {
                return Err(BAD_HOST);
            }
            let port = match &v6[end + 1..] {
                "" => None,
                rest => Some(rest.strip_prefix(':').ok_or(BAD_HOST)?),
            };
            (&authority[..end + 2], port)
        }
        None => {
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if host.is_empty()
                || !host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
            {
                return Err(BAD_HOST);
            }
            (host, port)
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| "has an invalid port")?)
        }
        Some(_) => return Err("has an invalid port"),
    };
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{Method, Request};

    #[test]
    fn endpoint_drops_default_port_only() {
        let e = Endpoint::parse("https://Contoso.communication.azure.com:443/").unwrap();
        assert_eq!(e.authority(), "contoso.communication.azure.com");
        let e = Endpoint::parse("http://127.0.0.1:8089").unwrap();
        assert_eq!(e.authority(), "127.0.0.1:8089");
        assert!(e.is_loopback());
        let e = Endpoint::parse("https://h.example:0443").unwrap();
        assert_eq!(e.authority(), "h.example");
        let e = Endpoint::parse("http://[::1]:08089").unwrap();
        assert_eq!((e.authority(), e.host()), ("[::1]:8089", "[::1]"));
        assert!(e.is_loopback());
        let e = Endpoint::parse("https://h.example:8443/base/").unwrap();
        assert_eq!(e.base_path(), "/base");
        assert_eq!(
            Request::new(Method::Get, "/x").url(&e),
            "https://h.example:8443/base/x"
        );
    }

    #[test]
    fn endpoint_errors_name_the_problem() {
        for (url, needle) in [
            ("contoso.communication.azure.com", "absolute URL"),
            ("ftp://x", "scheme"),
            ("https://", "no host"),
            ("https://u:p@h", "user info"),
            ("https://h:99999", "port"),
            ("https://h?x=1", "query"),
            ("https://h w", "host name"),
            ("https://::1", "invalid"),
            ("https://[::1", "host name"),
            ("https://[zz]", "host name"),
            ("https://[::1]x", "host name"),
            ("https://h:", "port"),
            ("https://h:-1", "port"),
        ] {
            match Endpoint::parse(url) {
                Err(Error::InvalidInput { field, reason }) => {
                    assert_eq!(field, "endpoint");
                    assert!(reason.contains(needle), "{url}: {reason}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }
}
