//! `Callsteer-Signature` headers as an operator's app receives them: the input is a header
//! value, optionally followed by a NUL byte and the body. `{{V1}}` in the header stands for the
//! valid `v1` of that body at `t` = the header's first `t=` digits (or 0), so the fuzzer also
//! explores headers around a valid signature.
//!
//! Properties:
//! * `verify` never panics, and its refusal never contains the secret or the valid `v1`;
//! * a malformed header converts into `InvalidInput` naming `Callsteer-Signature`, the others
//!   into `Unauthorized`;
//! * anything accepted carries the valid `v1` (by an independent reading of the entries:
//!   split on `,`, trimmed, `v1=` compared without regard to hex case) and its `t` is within
//!   the tolerance of now;
//! * `sign` of the body at the accepted `t` verifies (round trip).
#![no_main]

use callsteer::webhook::{sign, verify, SignatureError, WebhookSigningSecret};
use callsteer::Error;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzz-flow-webhook-secret";
const NOW: u64 = 1_700_000_000;
const TOLERANCE: u64 = 300;

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(head) = std::str::from_utf8(head) else {
        return;
    };
    let secret = WebhookSigningSecret::new(SECRET).expect("a 24-byte secret");
    let valid_v1 = valid_v1(&secret, head, body);
    let header = head.replace("{{V1}}", &valid_v1);
    match verify(&secret, &header, body, NOW, TOLERANCE) {
        Ok(t) => {
            assert!(NOW.abs_diff(t) <= TOLERANCE, "{header:?}: accepted t={t}");
            let v1 = v1_at(&secret, t, body);
            let carries = header.split(',').map(str::trim).any(|e| {
                e.split_once('=')
                    .is_some_and(|(k, v)| k.trim() == "v1" && v.trim().eq_ignore_ascii_case(&v1))
            });
            assert!(carries, "{header:?}: accepted without the valid v1 {v1}");
            assert_eq!(verify(&secret, &sign(&secret, t, body), body, t, 0), Ok(t));
        }
        Err(e) => refused(&header, e, &valid_v1),
    }
});

fn refused(header: &str, e: SignatureError, valid_v1: &str) {
    let text = format!("{e} {e:?} {}", Error::from(e));
    assert!(
        !text.contains(SECRET),
        "{header:?}: refusal shows the secret: {text}"
    );
    assert!(
        !text.contains(valid_v1),
        "{header:?}: refusal shows the valid v1: {text}"
    );
    match (e, Error::from(e)) {
        (SignatureError::Malformed(_), Error::InvalidInput { field, .. }) => {
            assert_eq!(field, "Callsteer-Signature")
        }
        (SignatureError::Malformed(_), other) => panic!("{header:?}: malformed as {other:?}"),
        (_, Error::Unauthorized { .. }) => {}
        (_, other) => panic!("{header:?}: refused as {other:?}"),
    }
}

/// The valid `v1` for `body` at the header's first `t=` digits (0 when there are none).
fn valid_v1(secret: &WebhookSigningSecret, head: &str, body: &[u8]) -> String {
    let t = head
        .split_once("t=")
        .map(|(_, rest)| rest.bytes().take_while(u8::is_ascii_digit).take(19))
        .map_or(0, |digits| {
            digits.fold(0u64, |n, d| n * 10 + u64::from(d - b'0'))
        });
    v1_at(secret, t, body)
}

fn v1_at(secret: &WebhookSigningSecret, t: u64, body: &[u8]) -> String {
    let header = sign(secret, t, body);
    header
        .split_once(",v1=")
        .expect("sign writes t=…,v1=…")
        .1
        .to_owned()
}
