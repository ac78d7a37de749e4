//! `Callsteer-Signature`: how an operator's app knows a flow webhook came from the edge worker.
//!
//! The worker's `webhook` flow step POSTs a call's facts as JSON to the operator's URL. It signs
//! each request with a secret the operator shares with it (our own scheme, in the manner of
//! Stripe's and Slack's webhook signatures):
//!
//! ```text
//! Callsteer-Signature: t=<unix seconds, decimal>,v1=<lowercase hex HMAC-SHA256(secret, "<t>." + body)>
//! ```
//!
//! A verifier ([`verify`]) reads the entries, separated by `,` with any whitespace around them:
//! exactly one `t`, one or more `v1` (during a secret rotation the sender may sign with both the
//! old and the new secret; any match passes), and ignores keys it does not know (a future `v2`).
//! It refuses a `t` further than the tolerance from its clock ([`DEFAULT_TOLERANCE_SECONDS`]),
//! which bounds how long a captured request can be replayed, then compares the HMAC with each
//! `v1` in constant time. The body is the raw bytes as received: parse it only after it passed.
//!
//! Time is an argument (`timestamp_unix`, `now_unix`): the core reads no clock.
//!
//! ```
//! use callsteer::webhook::{sign, verify, WebhookSigningSecret, DEFAULT_TOLERANCE_SECONDS};
//! let secret = WebhookSigningSecret::new("a-long-random-shared-secret")?;
//! let body = br#"{"callConnectionId":"c-1"}"#;
//! let header = sign(&secret, 1_700_000_000, body);
//! assert!(header.starts_with("t=1700000000,v1="));
//! assert_eq!(verify(&secret, &header, body, 1_700_000_030, DEFAULT_TOLERANCE_SECONDS)?, 1_700_000_000);
//! assert!(verify(&secret, &header, b"{}", 1_700_000_030, DEFAULT_TOLERANCE_SECONDS).is_err());
//! # Ok::<(), callsteer::Error>(())
//! ```

use core::fmt;

use hmac::digest::CtOutput;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::MIN_SECRET_LEN;
use crate::text::{push_decimal, push_hex};
use crate::Error;

/// The request header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Callsteer-Signature";
/// How far `t` may be from the verifier's clock, either way, by default (5 minutes: room for
/// clock skew and a retry, little for a replay).
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// Bytes in an HMAC-SHA256 (a `v1` value is twice as many hex digits).
const MAC_LEN: usize = 32;

/// The secret shared by the worker and the operator's app. Its `Debug` is redacted.
#[derive(Clone)]
pub struct WebhookSigningSecret {
    key: Vec<u8>,
}

impl fmt::Debug for WebhookSigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSigningSecret(<redacted>)")
    }
}

impl WebhookSigningSecret {
    /// The secret whose key is the UTF-8 bytes of `secret`.
    ///
    /// It must be at least [`MIN_SECRET_LEN`] (16) bytes: our rule, since we define the
    /// scheme. Anyone who knows the secret can make requests the app trusts, so a short,
    /// guessable one is refused when it is configured rather than discovered later.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `secret`) when shorter; the reason never quotes it.
    pub fn new(secret: &str) -> Result<Self, Error> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(Error::invalid(
                "secret",
                "must be at least 16 bytes (a long random string)",
            ));
        }
        Ok(WebhookSigningSecret {
            key: secret.as_bytes().to_vec(),
        })
    }

    /// HMAC-SHA256 over `"<t>." + body`; `None` only if HMAC refused the key, which it never
    /// does (`auth::keyed_hmac`): callers then fail closed.
    fn mac_of(&self, timestamp_unix: u64, body: &[u8]) -> Option<CtOutput<Hmac<Sha256>>> {
        let mut t = String::with_capacity(21);
        push_decimal(&mut t, timestamp_unix, 1);
        t.push('.');
        let mut mac = crate::auth::keyed_hmac(&self.key)?;
        mac.update(t.as_bytes());
        mac.update(body);
        Some(mac.finalize())
    }
}

/// The `Callsteer-Signature` header value for `body` sent at `timestamp_unix`:
/// `t=<timestamp_unix>,v1=<64 lowercase hex digits>`.
pub fn sign(secret: &WebhookSigningSecret, timestamp_unix: u64, body: &[u8]) -> String {
    let mut out = String::with_capacity(28 + 2 * MAC_LEN);
    out.push_str("t=");
    push_decimal(&mut out, timestamp_unix, 1);
    out.push_str(",v1=");
    // No MAC (cannot happen): an empty v1, which every verifier refuses.
    if let Some(mac) = secret.mac_of(timestamp_unix, body) {
        for byte in mac.into_bytes() {
            push_hex(&mut out, byte);
        }
    }
    out
}

/// Verifies that `header_value` (the `Callsteer-Signature` header) signs `body` (the raw bytes
/// received) under `secret`, at `now_unix` seconds, accepting a `t` at most
/// `tolerance_seconds` away from it either way ([`DEFAULT_TOLERANCE_SECONDS`] unless you have a
/// reason). Returns `t`.
///
/// Checks in this order: the header's form, the time, then the HMAC against each `v1`
/// entry in constant time.
///
/// # Errors
/// * [`SignatureError::Malformed`] when the header is empty, has an entry without `=`, no `t`
///   or more than one, a `t` that is not a decimal number of seconds, no `v1`, or a `v1` that
///   is not 64 hex digits;
/// * [`SignatureError::OutsideTolerance`] when `t` is too old or in the future;
/// * [`SignatureError::Mismatch`] when no `v1` is the HMAC of this body under this secret.
///
/// Each converts into [`Error`] (`?`): malformed as [`Error::InvalidInput`] with field
/// `Callsteer-Signature`, the others as [`Error::Unauthorized`]. No error carries the secret
/// or the expected signature.
pub fn verify(
    secret: &WebhookSigningSecret,
    header_value: &str,
    body: &[u8],
    now_unix: u64,
    tolerance_seconds: u64,
) -> Result<u64, SignatureError> {
    let header = Header::parse(header_value)?;
    if now_unix.abs_diff(header.timestamp) > tolerance_seconds {
        return Err(SignatureError::OutsideTolerance {
            timestamp: header.timestamp,
            now: now_unix,
            tolerance: tolerance_seconds,
        });
    }
    let expected = secret
        .mac_of(header.timestamp, body)
        .ok_or(SignatureError::Mismatch)?;
    // `CtOutput`'s `==` compares in constant time; which entry matched is no secret.
    if header
        .signatures
        .into_iter()
        .any(|v1| CtOutput::new(v1.into()) == expected)
    {
        Ok(header.timestamp)
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// A header's entries that matter.
struct Header {
    timestamp: u64,
    signatures: Vec<[u8; MAC_LEN]>,
}

impl Header {
    fn parse(value: &str) -> Result<Header, SignatureError> {
        use SignatureError::Malformed;
        if value.trim().is_empty() {
            return Err(Malformed("is empty"));
        }
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (key, value) = entry.split_once('=').ok_or(Malformed(
                "has an entry without '=' (entries are key=value)",
            ))?;
            match key.trim() {
                "t" if timestamp.is_some() => return Err(Malformed("has more than one t entry")),
                "t" => timestamp = Some(seconds(value.trim())?),
                "v1" => signatures.push(mac_hex(value.trim())?),
                _ => {} // a scheme this verifier does not know (v2, …)
            }
        }
        let timestamp = timestamp.ok_or(Malformed("has no t entry (the timestamp)"))?;
        if signatures.is_empty() {
            return Err(Malformed("has no v1 entry (the signature)"));
        }
        Ok(Header {
            timestamp,
            signatures,
        })
    }
}

/// `t`: ASCII digits only (no sign, no fraction) that fit a `u64`.
fn seconds(text: &str) -> Result<u64, SignatureError> {
    let number = text.bytes().try_fold(0u64, |n, b| {
        let digit = char::from(b).to_digit(10)?;
        n.checked_mul(10)?.checked_add(digit.into())
    });
    number
        .filter(|_| !text.is_empty())
        .ok_or(SignatureError::Malformed(
            "t is not a decimal number of Unix seconds",
        ))
}

/// A `v1` value: exactly 64 hex digits (either case).
fn mac_hex(text: &str) -> Result<[u8; MAC_LEN], SignatureError> {
    let bad = SignatureError::Malformed("v1 is not 64 hex digits (an HMAC-SHA256)");
    let bytes = text.as_bytes();
    if bytes.len() != 2 * MAC_LEN {
        return Err(bad);
    }
    let mut out = [0u8; MAC_LEN];
    for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let digit = |b: u8| char::from(b).to_digit(16);
        match (digit(pair[0]), digit(pair[1])) {
            (Some(hi), Some(lo)) => *byte = (hi * 16 + lo) as u8,
            _ => return Err(bad),
        }
    }
    Ok(out)
}

/// Why [`verify`] refused a request. Never carries the secret or the expected signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header cannot be read; the reason says which part (it follows the header's name
    /// in the message: `invalid Callsteer-Signature: has no v1 entry (the signature)`).
    Malformed(&'static str),
    /// `t` is more than `tolerance` seconds before or after `now`: a replay, a request held
    /// up, or a clock that is off.
    OutsideTolerance {
        timestamp: u64,
        now: u64,
        tolerance: u64,
    },
    /// No `v1` entry is the HMAC of this body under this secret: another secret, a changed
    /// body, or a forgery.
    Mismatch,
}

impl SignatureError {
    /// A stable code for branching (`err.code` in JS): `MalformedHeader`, `Expired` (outside
    /// the tolerance, either way) or `InvalidSignature`.
    pub fn code(&self) -> &'static str {
        match self {
            SignatureError::Malformed(_) => "MalformedHeader",
            SignatureError::OutsideTolerance { .. } => "Expired",
            SignatureError::Mismatch => "InvalidSignature",
        }
    }

    /// The message, built by concatenation (the npm engine links no `core::fmt` for it):
    /// `invalid Callsteer-Signature: has no t entry (the timestamp)`,
    /// `Callsteer-Signature is too old: t=1700000000 is 301 s before now (1700000301), more
    /// than the tolerance of 300 s`, `Callsteer-Signature does not match: …`.
    pub fn describe(&self) -> String {
        match *self {
            SignatureError::Malformed(reason) => {
                ["invalid ", SIGNATURE_HEADER, ": ", reason].concat()
            }
            SignatureError::OutsideTolerance {
                timestamp,
                now,
                tolerance,
            } => outside_tolerance(timestamp, now, tolerance),
            SignatureError::Mismatch => [
                SIGNATURE_HEADER,
                " does not match: no v1 entry is the HMAC of this body under this secret",
            ]
            .concat(),
        }
    }
}

fn outside_tolerance(timestamp: u64, now: u64, tolerance: u64) -> String {
    let (state, side) = if timestamp < now {
        (" is too old: t=", " s before now (")
    } else {
        (" is in the future: t=", " s after now (")
    };
    let mut m = String::with_capacity(128);
    m.push_str(SIGNATURE_HEADER);
    m.push_str(state);
    push_decimal(&mut m, timestamp, 1);
    m.push_str(" is ");
    push_decimal(&mut m, now.abs_diff(timestamp), 1);
    m.push_str(side);
    push_decimal(&mut m, now, 1);
    m.push_str("), more than the tolerance of ");
    push_decimal(&mut m, tolerance, 1);
    m.push_str(" s");
    m
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl std::error::Error for SignatureError {}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Self {
        match e {
            SignatureError::Malformed(reason) => Error::invalid(SIGNATURE_HEADER, reason),
            other => Error::Unauthorized {
                reason: other.describe(),
            },
        }
    }
}
