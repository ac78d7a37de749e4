//! Drafts of the rules document and publishing them (docs/flows.md, "Drafts and publishing").
//!
//! A draft is a rules document saved under a name but not live: `PUT /admin/rules/drafts/{name}`
//! validates it as a live document is and keeps its warnings; it has an entity tag of its own.
//! `POST /admin/rules/publish` runs every stored test case against it (the gate: one failure
//! refuses the publish with 409 unless `force`) and makes it the next live revision, which
//! records who published it, the test results, whether it was forced and an optional message.
//! A draft may name **test callers**: their calls are answered by the draft, everyone else's by
//! the live revision, so an operator can call a new menu from a real phone before anyone else
//! hears it.
//!
//! This module holds the pure parts: the bodies, names, caps and the test-caller lookup. The
//! worker keeps drafts and tests in its rules object (the single writer) and mirrors the
//! test-caller map to KV, where routing reads it.

use crate::flow::check_target;
use crate::testing::check_name;
use crate::{decode_at, CallInfo};
use callsteer::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The most drafts kept at once.
///
/// Decision: 20 — a small business has a handful of people editing; each draft is one
/// document (up to [`crate::revisions::MAX_DOCUMENT_BYTES`]), so this bounds the rules
/// object's storage at 20 MiB of drafts.
pub const MAX_DRAFTS: usize = 20;

/// The most test callers one draft names.
pub const MAX_TEST_CALLERS: usize = 20;

/// One draft, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub name: String,
    /// The draft's entity tag (without quotes): `d<n>-<fingerprint>`, new with each save.
    pub etag: String,
    /// Unix milliseconds of the last save.
    pub at_ms: i64,
    /// The fingerprint of the credential that saved it.
    pub by: String,
    pub rules: usize,
    pub bytes: usize,
    /// Callers (E.164 numbers or raw ids) whose calls the draft answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_callers: Vec<String>,
    /// The load's warnings, kept with the draft.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::flow::Warning>,
}

/// `PUT /admin/rules/drafts/{name}`'s body, read: the document's text and the test callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftBody {
    pub text: String,
    pub test_callers: Vec<String>,
}

impl DraftBody {
    /// Reads a draft's body: the rules document itself, or `{"document": {…}, "testCallers":
    /// […]}` (a rules document has no `document` member, so the two cannot be confused).
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: `document` (not a JSON object), an unknown envelope key,
    /// `testCallers[i]` (not a number or raw id, more than [`MAX_TEST_CALLERS`], twice).
    pub fn from_json(body: &str) -> Result<DraftBody, Error> {
        let value: Value = serde_json::from_str(body)
            .map_err(|e| Error::invalid("document", format!("not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(Error::invalid(
                "document",
                "a rules document (a JSON object)",
            ));
        }
        if value.get("document").is_none() {
            return Ok(DraftBody {
                text: body.to_owned(),
                test_callers: Vec::new(),
            });
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Envelope {
            document: Value,
            #[serde(default)]
            test_callers: Vec<String>,
        }
        let env: Envelope = decode_at(value, "")?;
        if !env.document.is_object() {
            return Err(Error::invalid(
                "document",
                "a rules document (a JSON object)",
            ));
        }
        let test_callers = check_test_callers(env.test_callers)?;
        Ok(DraftBody {
            text: env.document.to_string(),
            test_callers,
        })
    }
}

/// Checks and normalises test callers: `4:+1…` is kept as `+1…` (what routing compares).
///
/// # Errors
/// [`Error::InvalidInput`] at `testCallers` or `testCallers[i]`.
pub fn check_test_callers(list: Vec<String>) -> Result<Vec<String>, Error> {
    if list.len() > MAX_TEST_CALLERS {
        return Err(Error::invalid(
            "testCallers",
            format!(
                "at most {MAX_TEST_CALLERS} test callers, got {}",
                list.len()
            ),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, c) in list.into_iter().enumerate() {
        let field = format!("testCallers[{i}]");
        let c = c.trim();
        check_target(c).map_err(|r| Error::invalid(field.clone(), r))?;
        if c.contains("{{") {
            return Err(Error::invalid(field, "a caller, not a template"));
        }
        let normal = c.strip_prefix("4:").unwrap_or(c).to_owned();
        if out.contains(&normal) {
            return Err(Error::invalid(field, format!("{normal} is listed twice")));
        }
        out.push(normal);
    }
    Ok(out)
}

/// Checks a draft's name (a storage key and a path segment): as a test's name.
///
/// # Errors
/// [`Error::InvalidInput`] at `name`.
pub fn check_draft_name(name: &str) -> Result<(), Error> {
    check_name(name).map_err(|r| Error::invalid("name", r))
}

/// The entity tag of save number `n` of a draft with text `text`.
pub fn draft_etag(n: u64, text: &str) -> String {
    format!("d{}", crate::revisions::revision_id(n, text))
}

/// `POST /admin/rules/publish`'s body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishRequest {
    /// The draft to publish.
    pub draft: String,
    /// The live revision's entity tag, as the `ETag` header carries it (or bare); stale: 412.
    #[serde(default)]
    pub if_match: Option<String>,
    /// Publish although tests fail (recorded with the revision).
    #[serde(default)]
    pub force: bool,
    /// Why, for the revision log.
    #[serde(default)]
    pub message: Option<String>,
}

/// The longest publish message kept.
pub const MAX_MESSAGE_CHARS: usize = 500;

impl PublishRequest {
    /// Reads a publish body.
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: `document`, an unknown key, `draft`, `message` too long.
    pub fn from_json(body: &str) -> Result<PublishRequest, Error> {
        let value: Value = serde_json::from_str(body)
            .map_err(|e| Error::invalid("document", format!("not valid JSON: {e}")))?;
        let req: PublishRequest = decode_at(value, "")?;
        check_name(&req.draft).map_err(|r| Error::invalid("draft", r))?;
        if req
            .message
            .as_ref()
            .is_some_and(|m| m.chars().count() > MAX_MESSAGE_CHARS)
        {
            return Err(Error::invalid(
                "message",
                format!("at most {MAX_MESSAGE_CHARS} characters"),
            ));
        }
        Ok(req)
    }
}

/// The test results a published revision records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateRecord {
    pub passed: usize,
    pub failed: usize,
    /// Names of the tests that failed (a forced publish).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    /// Published although tests failed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

/// Which draft answers which caller (the KV mirror routing reads): caller → draft name.
pub type TestCallers = BTreeMap<String, String>;

/// Builds the test-caller map of `drafts` (a caller listed by two drafts goes to the one saved
/// last).
pub fn test_caller_map(drafts: &[Draft]) -> TestCallers {
    let mut sorted: Vec<&Draft> = drafts.iter().collect();
    sorted.sort_by_key(|d| d.at_ms);
    sorted
        .into_iter()
        .flat_map(|d| {
            d.test_callers
                .iter()
                .map(move |c| (c.clone(), d.name.clone()))
        })
        .collect()
}

/// The draft that answers `call`, if its caller is a test caller.
pub fn draft_for<'a>(map: &'a TestCallers, call: &CallInfo) -> Option<&'a str> {
    map.get(&call.from).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: &Error) -> &str {
        match e {
            Error::InvalidInput { field, .. } => field,
            _ => "",
        }
    }

    #[test]
    fn a_draft_body_is_a_document_or_an_envelope() {
        let bare = DraftBody::from_json(r#"{"version": 2, "rules": []}"#).unwrap();
        assert!(bare.test_callers.is_empty());
        assert!(bare.text.contains("\"rules\""));
        let env = DraftBody::from_json(
            r#"{"document": {"version": 2, "rules": []}, "testCallers": ["4:+14255550111", "8:acs:x"]}"#,
        )
        .unwrap();
        assert_eq!(env.test_callers, ["+14255550111", "8:acs:x"]);
        assert_eq!(
            serde_json::from_str::<Value>(&env.text).unwrap(),
            serde_json::json!({"version": 2, "rules": []})
        );
        let e = DraftBody::from_json(r#"{"document": {}, "testcallers": []}"#).unwrap_err();
        assert_eq!(field(&e), "testcallers");
        let e = DraftBody::from_json(r#"{"document": {}, "testCallers": ["+1", ""]}"#).unwrap_err();
        assert_eq!(field(&e), "testCallers[1]");
        let e =
            DraftBody::from_json(r#"{"document": {}, "testCallers": ["+1", "4:+1"]}"#).unwrap_err();
        assert_eq!(field(&e), "testCallers[1]");
        assert_eq!(field(&DraftBody::from_json("[]").unwrap_err()), "document");
    }

    #[test]
    fn the_last_saved_draft_answers_a_caller_both_name() {
        let d = |name: &str, at_ms, callers: &[&str]| Draft {
            name: name.into(),
            etag: String::new(),
            at_ms,
            by: String::new(),
            rules: 0,
            bytes: 0,
            test_callers: callers.iter().map(|c| (*c).to_owned()).collect(),
            warnings: Vec::new(),
        };
        let map = test_caller_map(&[d("new", 20, &["+1", "+2"]), d("old", 10, &["+1", "+3"])]);
        let call = |from: &str| CallInfo {
            from: from.into(),
            ..CallInfo::default()
        };
        assert_eq!(draft_for(&map, &call("+1")), Some("new"));
        assert_eq!(draft_for(&map, &call("+3")), Some("old"));
        assert_eq!(draft_for(&map, &call("+4")), None);
    }

    #[test]
    fn a_publish_body_names_its_field() {
        let p = PublishRequest::from_json(r#"{"draft": "a", "ifMatch": "\"7-x\"", "force": true}"#)
            .unwrap();
        assert!(p.force);
        assert_eq!(p.if_match.as_deref(), Some("\"7-x\""));
        assert_eq!(
            field(&PublishRequest::from_json(r#"{"drat": "a"}"#).unwrap_err()),
            "drat"
        );
        assert_eq!(
            field(&PublishRequest::from_json(r#"{"draft": ""}"#).unwrap_err()),
            "draft"
        );
        let long = format!(r#"{{"draft": "a", "message": "{}"}}"#, "x".repeat(501));
        assert_eq!(
            field(&PublishRequest::from_json(&long).unwrap_err()),
            "message"
        );
    }
}
