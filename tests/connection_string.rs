//! Connection strings: every accepted form, one distinct error per malformed form, and
//! secrets that never reach `Debug` or error text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::auth::{AccessKey, BearerToken, ConnectionString, Credential};
use callsteer::Error;
use proptest::prelude::*;
use std::collections::HashSet;

/// base64 of `secret-key-bytes`.
const SECRET: &str = "c2VjcmV0LWtleS1ieXRlcw==";
const SECRET_BYTES: &[u8] = b"secret-key-bytes";

fn parse(s: &str) -> Result<ConnectionString, Error> {
    s.parse()
}

#[test]
fn accepted_forms() {
    let public = "contoso.communication.azure.com";
    for (text, scheme, authority) in [
        (
            format!("endpoint=https://{public}/;accesskey={SECRET}"),
            "https",
            public,
        ),
        // Names are case-insensitive.
        (
            format!("Endpoint=https://{public}/;AccessKey={SECRET}"),
            "https",
            public,
        ),
        (
            format!("ENDPOINT=https://{public}/;ACCESSKEY={SECRET}"),
            "https",
            public,
        ),
        // Any order, trailing `;`, empty parts, whitespace around names, values and parts.
        (
            format!("accesskey={SECRET};endpoint=https://{public}/"),
            "https",
            public,
        ),
        (
            format!("endpoint=https://{public}/;accesskey={SECRET};"),
            "https",
            public,
        ),
        (
            format!(";endpoint=https://{public}/;;accesskey={SECRET};;"),
            "https",
            public,
        ),
        (
            format!("  endpoint = https://{public}/ ;\taccesskey = {SECRET} ; "),
            "https",
            public,
        ),
        // No trailing slash; the default port is dropped from the signed host.
        (
            format!("endpoint=https://{public};accesskey={SECRET}"),
            "https",
            public,
        ),
        (
            format!("endpoint=https://{public}:443/;accesskey={SECRET}"),
            "https",
            public,
        ),
        (
            format!("endpoint=https://{public}:8443/;accesskey={SECRET}"),
            "https",
            "contoso.communication.azure.com:8443",
        ),
        // http only on loopback (the emulator).
        (
            format!("endpoint=http://127.0.0.1:8089;accesskey={SECRET}"),
            "http",
            "127.0.0.1:8089",
        ),
        (
            format!("endpoint=http://localhost:8089/;accesskey={SECRET}"),
            "http",
            "localhost:8089",
        ),
        (
            format!("endpoint=http://[::1]:8089;accesskey={SECRET}"),
            "http",
            "[::1]:8089",
        ),
    ] {
        let cs = parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(cs.endpoint().scheme(), scheme, "{text:?}");
        assert_eq!(cs.endpoint().authority(), authority, "{text:?}");
        assert_eq!(cs.access_key().bytes(), SECRET_BYTES, "{text:?}");
    }
}

#[test]
fn the_value_is_everything_after_the_first_equals_sign() {
    let cs = parse("endpoint=https://x.example/;accesskey=pw==").unwrap();
    assert_eq!(cs.access_key().bytes(), [0xA7]);
}

/// One `(input, field, reason needle)` per malformed form.
fn malformed() -> Vec<(String, &'static str, &'static str)> {
    let ep = "https://contoso.communication.azure.com/";
    vec![
        (String::new(), "connectionString", "is empty"),
        (
            format!("endpoint={ep};c2VjcmV0LWtleS1ieXRlcw"),
            "connectionString",
            "without '='",
        ),
        (
            format!("endpoint={ep};acesskey={SECRET}"),
            "connectionString",
            "unknown part",
        ),
        (format!("accesskey={SECRET}"), "endpoint", "is missing"),
        (format!("endpoint={ep}"), "accesskey", "is missing"),
        (
            format!("endpoint={ep};endpoint={ep};accesskey={SECRET}"),
            "endpoint",
            "more than once",
        ),
        (
            format!("endpoint={ep};accesskey={SECRET};AccessKey={SECRET}"),
            "accesskey",
            "more than once",
        ),
        (
            format!("endpoint=;accesskey={SECRET}"),
            "endpoint",
            "is empty",
        ),
        (format!("endpoint={ep};accesskey="), "accesskey", "is empty"),
        (
            format!("endpoint={ep};accesskey=not base64!{SECRET}"),
            "accesskey",
            "not valid base64",
        ),
        (
            format!("endpoint=contoso.communication.azure.com;accesskey={SECRET}"),
            "endpoint",
            "not an absolute URL",
        ),
        (
            format!("endpoint=ftp://contoso.example/;accesskey={SECRET}"),
            "endpoint",
            "scheme",
        ),
        (
            format!("endpoint=https://contoso.example:99999/;accesskey={SECRET}"),
            "endpoint",
            "port",
        ),
        (
            format!("endpoint=https://contoso.example/?a=b;accesskey={SECRET}"),
            "endpoint",
            "query",
        ),
        (
            format!("endpoint=http://contoso.communication.azure.com/;accesskey={SECRET}"),
            "endpoint",
            "must use https",
        ),
    ]
}

#[test]
fn each_malformed_form_is_a_distinct_error_naming_the_field() {
    let mut seen = HashSet::new();
    for (text, field, needle) in malformed() {
        match parse(&text) {
            Err(Error::InvalidInput { field: f, reason }) => {
                assert_eq!(f, field, "{text:?}: {reason}");
                assert!(reason.contains(needle), "{text:?}: {reason}");
                assert!(
                    seen.insert((f, reason.clone())),
                    "{text:?}: reason repeated: {reason}"
                );
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    // Whitespace only is the same as empty.
    assert_eq!(parse(" \t ").unwrap_err(), parse("").unwrap_err());
}

#[test]
fn a_base64_key_without_padding_is_refused() {
    // .NET Convert.FromBase64String and Python b64decode refuse it too.
    let err = parse("endpoint=https://x.example/;accesskey=pw").unwrap_err();
    assert!(err.to_string().contains("base64"), "{err}");
}

#[test]
fn errors_never_contain_the_key() {
    for (text, _, _) in malformed() {
        let err = parse(&text).unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(SECRET), "{text:?}: {shown}");
            assert!(!shown.contains("c2VjcmV0"), "{text:?}: {shown}");
        }
    }
}

#[test]
fn debug_output_never_contains_secrets() {
    let cs = parse(&format!(
        "endpoint=https://contoso.communication.azure.com/;accesskey={SECRET}"
    ))
    .unwrap();
    let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let key = AccessKey::from_base64(SECRET).unwrap();
    let bytes_as_debug = format!("{:?}", SECRET_BYTES);
    let shown = [
        format!("{cs:?}"),
        format!("{cs:#?}"),
        format!("{:?}", cs.access_key()),
        format!("{:?}", BearerToken::new(token).unwrap()),
        format!("{:?}", Credential::Key(key)),
        format!("{:?}", Credential::Bearer(BearerToken::new(token).unwrap())),
    ];
    for text in shown {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("secret-key-bytes"), "{text}");
        assert!(!text.contains(&bytes_as_debug[1..20]), "{text}");
        assert!(!text.contains(token), "{text}");
        assert!(!text.contains("eyJ"), "{text}");
    }
    // The endpoint is not a secret and helps debugging.
    assert!(format!("{cs:?}").contains("contoso.communication.azure.com"));
}

proptest! {
    #[test]
    fn parsing_never_panics(text in any::<String>()) {
        let _ = parse(&text);
    }

    #[test]
    fn parsing_near_valid_strings_never_panics(
        a in "[a-zA-Z ]{0,12}", b in "[a-z:/.0-9\\[\\]@?#%]{0,30}", c in "[A-Za-z0-9+/=]{0,12}",
    ) {
        let _ = parse(&format!("{a}={b};accesskey={c}"));
        let _ = parse(&format!("endpoint={b};{a}={c}"));
    }
}
