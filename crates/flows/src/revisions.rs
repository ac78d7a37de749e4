//! Revisions of the rules document: every saved document is an immutable revision, named by
//! its number and a fingerprint of its text (`7-3fa9c2d1`); the document in force is one of
//! them, or the `ROUTING_RULES` var (`vars-<fingerprint>`). An editor sends the revision it
//! read as `If-Match`; a save whose `If-Match` is not the revision in force is refused (412), so
//! two editors cannot overwrite each other.
//!
//! The worker keeps the log in one Durable Object (the single writer, so the compare and the
//! save are one step) and mirrors the document in force to KV, where routing reads it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest rules document accepted (bytes of JSON).
///
/// Decision: 1 MiB. A 200-rule, 500-step document with prompts is about 250 KiB; the cap keeps
/// every read of the rules (each incoming call, each page load) small, and is half of a
/// Durable Object's 2 MB value limit.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Revisions kept; the oldest are dropped first (never the one in force).
pub const MAX_REVISIONS: usize = 200;

/// How a revision came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// `PUT /admin/rules`.
    Saved,
    /// `POST /admin/rules/rollback`: a copy of an earlier revision.
    RolledBack,
    /// `DELETE /admin/rules`: back to the `ROUTING_RULES` var (no document of its own).
    Reset,
    /// `POST /admin/rules/publish`: a draft made live (`from` names the draft).
    Published,
}

/// One revision, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub id: String,
    /// Unix milliseconds.
    pub at_ms: i64,
    /// Fingerprint of the credential that saved it ([`fingerprint`]).
    pub by: String,
    pub origin: Origin,
    /// For a rollback: the revision copied; for a publish: the draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The publisher's message, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The stored tests' results when the revision went live through the gate (a publish, or a
    /// save), and whether it was forced past failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tests: Option<crate::drafts::GateRecord>,
    /// Rules in the document.
    pub rules: usize,
    pub bytes: usize,
}

/// The first 12 hex digits of the SHA-256 of `bytes`.
fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The id of revision number `n` with document `text`.
pub fn revision_id(n: u64, text: &str) -> String {
    format!("{n}-{}", short_hash(text.as_bytes()))
}

/// The revision id of the `ROUTING_RULES` var's document.
pub fn vars_revision(text: &str) -> String {
    format!("vars-{}", short_hash(text.as_bytes()))
}

/// The fingerprint of a credential: `sha256:` and 12 hex digits. It names the credential in a
/// revision without revealing it.
pub fn fingerprint(secret: &str) -> String {
    format!("sha256:{}", short_hash(secret.as_bytes()))
}

/// The `ETag` value for revision `id`.
pub fn etag(id: &str) -> String {
    format!("\"{id}\"")
}

/// True when an `If-Match` header value allows a write over revision `current`: `*`, or a
/// list of entity tags one of which is `current` (a weak `W/` tag compares the same).
pub fn if_match_holds(header: &str, current: &str) -> bool {
    header.split(',').map(str::trim).any(|tag| {
        tag == "*"
            || tag
                .strip_prefix("W/")
                .unwrap_or(tag)
                .trim_matches('"')
                .eq(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_numbered_and_fingerprinted() {
        let a = revision_id(3, "{}");
        assert!(a.starts_with("3-") && a.len() == 2 + 12, "{a}");
        assert_ne!(revision_id(3, "{}"), revision_id(3, "{ }"));
        assert!(vars_revision("x").starts_with("vars-"));
        assert_ne!(fingerprint("token-a"), fingerprint("token-b"));
        assert!(!fingerprint("token-a").contains("token"));
    }

    #[test]
    fn if_match_compares_entity_tags() {
        assert!(if_match_holds("\"7-ab\"", "7-ab"));
        assert!(if_match_holds("W/\"7-ab\"", "7-ab"));
        assert!(if_match_holds("\"1-x\", \"7-ab\"", "7-ab"));
        assert!(if_match_holds("*", "7-ab"));
        assert!(!if_match_holds("\"6-ab\"", "7-ab"));
        assert!(!if_match_holds("", "7-ab"));
    }
}
