//! Helpers shared by the fuzz targets: the checks their properties repeat, tokens minted
//! with a real RSA key, and the small text formats some targets read their input in.
//!
//! A failed property is a panic here (that is how libFuzzer learns of it); the message says
//! which property and shows the values, never a secret of the real service (every key and
//! token below is made up for fuzzing).
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

pub mod request;
pub mod tokens;

use callsteer::Error;

/// The field an [`Error::InvalidInput`] names; panics (a fuzz failure) on any other error or
/// on an empty field: every refused input must say which field was wrong.
pub fn invalid_field<'e>(what: &str, e: &'e Error) -> &'e str {
    match e {
        Error::InvalidInput { field, reason } => {
            assert!(!field.is_empty(), "{what}: refusal names no field ({reason})");
            assert!(!reason.trim().is_empty(), "{what}: refusal of {field} gives no reason");
            field
        }
        other => panic!("{what}: refused with {other:?}, expected InvalidInput naming a field"),
    }
}

/// Decodes `%XX` escapes and `+` (as a space) like a form decoder, leniently: a malformed
/// escape stays as it is. Used by oracles that must not miss an encoded secret.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every string value in a JSON document, depth first (keys included): a pool the targets
/// draw call fields and targets from, so that generated inputs can match the document.
pub fn strings_of(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings_of(x, out);
        }),
        _ => {}
    }
}
