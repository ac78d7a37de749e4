//! Credentials an admin creates (`POST /admin/credentials`): a random token shown once, kept
//! only as its SHA-256 hash beside the role, a label, who made it and when.
//!
//! * **Token**: `csa_` and 32 random bytes in base64url (43 characters). The randomness comes
//!   in as an argument ([`issue`]): the worker draws it from `crypto.getRandomValues`. The prefix
//!   lets a secret scanner recognise a leaked token, and lets the worker skip the store for a
//!   bearer that cannot be one ([`looks_like_token`]).
//! * **Hash**: the SHA-256 of the token, lower-case hex. A token has 256 bits of entropy, so a
//!   plain hash is as hard to reverse as the token is to guess (no salt or slow hash needed:
//!   those protect passwords people choose).
//! * **Fingerprint**: `sha256:` and the hash's first 12 hex digits, the name a credential goes
//!   by everywhere (list, revocation, revision log, the rate limiter's key) — the same form
//!   as [`crate::routing::revisions::fingerprint`], so the `ADMIN_TOKEN` secret's fingerprint
//!   is computed the same way. The store looks a credential up by its fingerprint and then
//!   compares the whole hash in constant time ([`hash_matches`]).

use super::Role;
use base64::Engine as _;
use callsteer::Error;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The prefix of every created token.
pub const TOKEN_PREFIX: &str = "csa_";
/// base64url characters of a token after the prefix (32 bytes, no padding).
const TOKEN_CHARS: usize = 43;
/// The longest label.
pub const MAX_LABEL_CHARS: usize = 64;

/// A created token. Its `Debug` is redacted; [`Token::expose`] is the one way to read it (the
/// 201 answer that shows it once).
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl core::fmt::Debug for Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// The token's text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A credential as stored and listed: never the token, never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    pub fingerprint: String,
    pub role: Role,
    pub label: String,
    pub created_at_ms: i64,
    /// The fingerprint of the admin credential that created it.
    pub created_by: String,
}

/// `POST /admin/credentials`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCredential {
    pub role: Role,
    pub label: String,
}

impl CreateCredential {
    /// Reads and checks a request body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the field: not JSON, an unknown key, a role other than
    /// `viewer`/`operator`/`admin`, a label empty, longer than [`MAX_LABEL_CHARS`] or with a
    /// control character.
    pub fn from_json(body: &str) -> Result<CreateCredential, Error> {
        let value: serde_json::Value = serde_json::from_str(body)
            .map_err(|e| Error::invalid("body", format!("not valid JSON: {e}")))?;
        let req: CreateCredential = crate::routing::decode_at(value, "")?;
        let label = req.label.trim();
        if label.is_empty() {
            return Err(Error::invalid("label", "must not be empty"));
        }
        if label.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::invalid(
                "label",
                format!("at most {MAX_LABEL_CHARS} characters"),
            ));
        }
        if label.chars().any(char::is_control) {
            return Err(Error::invalid("label", "no control characters"));
        }
        Ok(CreateCredential {
            role: req.role,
            label: label.to_owned(),
        })
    }
}

/// A new credential: the token (shown once), its hash (stored) and the record.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: Token,
    pub hash: String,
    pub credential: Credential,
}

/// Makes a credential from 32 random bytes, the request, the creating admin's fingerprint and
/// the time (Unix milliseconds).
pub fn issue(random: [u8; 32], req: CreateCredential, created_by: &str, now_ms: i64) -> Issued {
    let token = Token(format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
    ));
    let hash = hash(token.expose());
    Issued {
        credential: Credential {
            fingerprint: fingerprint_of_hash(&hash),
            role: req.role,
            label: req.label,
            created_at_ms: now_ms,
            created_by: created_by.to_owned(),
        },
        hash,
        token,
    }
}

/// True when `bearer` has the shape of a created token (prefix, 43 base64url characters). Any
/// other bearer is not looked up.
pub fn looks_like_token(bearer: &str) -> bool {
    bearer.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
        rest.len() == TOKEN_CHARS
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// The SHA-256 of `token`, lower-case hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The fingerprint of a credential whose hash is `hash` (`sha256:` + 12 hex digits).
pub fn fingerprint_of_hash(hash: &str) -> String {
    format!("sha256:{}", hash.get(..12).unwrap_or(hash))
}

/// True when a presented token's hash equals the stored hash, compared in constant time.
pub fn hash_matches(presented: &str, stored: &str) -> bool {
    callsteer::webhook::secrets_equal(presented, stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::revisions::fingerprint;

    fn viewer() -> CreateCredential {
        CreateCredential {
            role: Role::Viewer,
            label: "wallboard".into(),
        }
    }

    #[test]
    fn a_token_is_random_prefixed_and_stored_as_its_hash() {
        let a = issue([7; 32], viewer(), "sha256:000000000000", 1_000);
        let b = issue([8; 32], viewer(), "sha256:000000000000", 1_000);
        assert!(looks_like_token(a.token.expose()), "{}", a.token.expose());
        assert_ne!(a.token, b.token);
        assert_eq!(a.hash, hash(a.token.expose()));
        assert_eq!(a.hash.len(), 64);
        // The fingerprint is the one revisions give a credential (the ADMIN_TOKEN's too).
        assert_eq!(a.credential.fingerprint, fingerprint(a.token.expose()));
        assert!(hash_matches(&hash(a.token.expose()), &a.hash));
        assert!(!hash_matches(&hash(b.token.expose()), &a.hash));
    }

    #[test]
    fn the_token_never_shows_in_debug_or_the_record() {
        let a = issue([9; 32], viewer(), "sha256:000000000000", 1_000);
        let secret = a.token.expose().to_owned();
        assert!(!format!("{a:?}").contains(&secret));
        let listed = serde_json::to_string(&a.credential).unwrap();
        assert!(!listed.contains(&secret) && !listed.contains(&a.hash));
    }

    #[test]
    fn only_token_shaped_bearers_are_looked_up() {
        assert!(!looks_like_token("an-admin-token"));
        assert!(!looks_like_token("csa_short"));
        assert!(!looks_like_token(&format!("csa_{}", "a".repeat(42) + "=")));
        assert!(looks_like_token(&format!(
            "csa_{}",
            "a-_Z9".repeat(8) + "abc"
        )));
    }

    #[test]
    fn a_request_names_its_bad_field() {
        let ok = CreateCredential::from_json(r#"{"role":"operator","label":" desk 1 "}"#).unwrap();
        assert_eq!((ok.role, ok.label.as_str()), (Role::Operator, "desk 1"));
        for (body, field) in [
            (r#"{"role":"root","label":"x"}"#, "role"),
            (r#"{"role":"viewer","label":""}"#, "label"),
            (r#"{"role":"viewer","label":"a\u0007"}"#, "label"),
            (r#"{"role":"viewer"}"#, "document"),
            (r#"{"role":"viewer","label":"x","token":"mine"}"#, "token"),
            ("nope", "body"),
        ] {
            match CreateCredential::from_json(body) {
                Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        let long = format!(r#"{{"role":"viewer","label":"{}"}}"#, "x".repeat(65));
        assert!(CreateCredential::from_json(&long).is_err());
    }
}
