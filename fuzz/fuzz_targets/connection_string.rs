//! Connection strings and endpoints, as users type them (npm package, admin page, env vars).
//!
//! Properties:
//! * `Endpoint::parse` refuses with `InvalidInput { field: "endpoint" }`; what it accepts
//!   displays as a URL that parses back to the same endpoint;
//! * `ConnectionString` refuses with `InvalidInput` naming one of its fields, and the refusal
//!   never contains the access key; the `Debug` of an accepted one does not depend on the key;
//!   an accepted one rebuilt from its endpoint's URL and the key parses to the same value.
#![no_main]

use callsteer::auth::{AccessKey, ConnectionString};
use callsteer::http::Endpoint;
use callsteer_fuzz::invalid_field;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    endpoint(text);
    for part in text.split(';') {
        if let Some((_, value)) = part.split_once('=') {
            endpoint(value);
        }
    }
    connection_string(text);
});

fn endpoint(text: &str) {
    match Endpoint::parse(text) {
        Ok(e) => {
            let url = e.to_string();
            assert_eq!(url, e.as_url());
            match Endpoint::parse(&url) {
                Ok(again) => assert_eq!(again, e, "{text:?} → {url:?} re-parses differently"),
                Err(err) => panic!("{text:?} → {url:?} does not re-parse: {err}"),
            }
        }
        Err(e) => assert_eq!(invalid_field("Endpoint::parse", &e), "endpoint"),
    }
}

fn connection_string(text: &str) {
    let key = access_key_of(text);
    match text.parse::<ConnectionString>() {
        Ok(cs) => {
            // Debug must not depend on the key at all.
            let other = AccessKey::from_base64("b3RoZXI=").expect("other key");
            let same_but_key = ConnectionString::new(cs.endpoint().clone(), other);
            assert_eq!(format!("{cs:?}"), format!("{same_but_key:?}"), "Debug shows the key");
            let rebuilt = format!("endpoint={};accesskey={}", cs.endpoint(), key.unwrap_or(""));
            match rebuilt.parse::<ConnectionString>() {
                Ok(again) => assert_eq!(again, cs, "rebuilt connection string differs"),
                Err(e) => panic!("rebuilt connection string refused: {e}"),
            }
        }
        Err(e) => {
            let field = invalid_field("ConnectionString", &e);
            assert!(
                ["connectionString", "endpoint", "accesskey"].contains(&field),
                "unexpected field {field:?}"
            );
            if let Some(key) = key.filter(|k| leak_checkable(k)) {
                assert!(!e.to_string().contains(key), "refusal quotes the access key");
                assert!(!format!("{e:?}").contains(key), "refusal's Debug quotes the access key");
            }
        }
    }
}

/// The value of the (last) `accesskey=` part, as the parser would see it.
fn access_key_of(text: &str) -> Option<&str> {
    text.split(';')
        .filter_map(|p| p.trim().split_once('='))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case("accesskey"))
        .map(|(_, v)| v.trim())
        .last()
}

/// Keys the leak check can judge: 16+ characters of the base64 alphabet (real keys are 88).
/// No refusal message has such a run (and none shows the endpoint), so finding one in an
/// error means it came from the key.
fn leak_checkable(key: &str) -> bool {
    key.len() >= 16 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
}
