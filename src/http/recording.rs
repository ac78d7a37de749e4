//! Recording download and delete (npm package): which URLs may receive a signed request,
//! and the `Range` header.
//!
//! As the official package does, the signature covers the *endpoint's* host and the
//! recording URL's path (the recording service checks it via `x-ms-host`), and the
//! request goes to the recording URL itself. The URL must be `https` on a recording host
//! (`*.asm.skype.com`, `*.asyncgw.teams.microsoft.com`, `*.ams.gov.teams.microsoft.us`) so a
//! signed request never goes to an arbitrary server. Deliberate extension: loopback hosts
//! (`localhost`, `127.x`, `[::1]`, `http` allowed) are accepted too, for emulators and tests.

use super::is_loopback_host;
use crate::text::push_decimal;
use crate::Error;

const ALLOWED_HOST_SUFFIXES: [&str; 3] = [
    ".asm.skype.com",
    ".asyncgw.teams.microsoft.com",
    ".ams.gov.teams.microsoft.us",
];

/// Splits `url` into (scheme, host, path) after checking it is an allowed recording URL.
///
/// # Errors
/// [`Error::InvalidInput`] for `field` naming what is wrong.
pub fn recording_url<'a>(url: &'a str, field: &str) -> Result<&'a str, Error> {
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
            [
                "host '",
                &host,
                "' is not a valid Azure Communication Services recording endpoint",
            ]
            .concat(),
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
pub fn range(offset: Option<f64>, length: Option<f64>) -> Result<Option<String>, Error> {
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
    let mut out = String::from("bytes=");
    push_decimal(&mut out, o, 0);
    out.push('-');
    if l > 0 {
        push_decimal(&mut out, o + l - 1, 0);
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_recording_hosts_and_loopback_get_a_signed_request() {
        let f = "sourceLocationUrl";
        assert_eq!(
            recording_url("https://eu.asm.skype.com/v1/objects/a/content?x=1", f),
            Ok("/v1/objects/a/content")
        );
        assert_eq!(
            recording_url("https://x.asyncgw.teams.microsoft.com", f),
            Ok("/")
        );
        assert_eq!(recording_url("http://127.0.0.1:8080/r#frag", f), Ok("/r"));
        for bad in [
            "https://evil.example/r",
            "http://x.asm.skype.com/r",
            "ftp://x.asm.skype.com/r",
            "x.asm.skype.com/r",
            "https://asm.skype.com.evil.example/r",
        ] {
            match recording_url(bad, f) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, f, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn ranges_follow_the_official_rules() {
        assert_eq!(range(None, None), Ok(None));
        assert_eq!(range(Some(10.0), Some(5.0)), Ok(Some("bytes=10-14".into())));
        assert_eq!(range(Some(250.0), None), Ok(Some("bytes=250-".into())));
        assert!(range(None, Some(5.0)).is_err(), "length needs an offset");
        assert!(
            range(Some(0.0), Some(5.0)).is_err(),
            "as the official package: offset 0 counts as empty"
        );
        assert!(range(Some(-1.0), None).is_err());
    }
}
