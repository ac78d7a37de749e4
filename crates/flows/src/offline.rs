//! The flows API with JSON in and out, for a face that has no Rust types of its own: the npm
//! package's `callsteer/flows` (`validate`, `simulate`, `runTests`, and its command line) calls
//! these, and the worker answers its admin routes with the same functions, so a document, a
//! simulation and a test run read and answer alike everywhere.

use crate::dry_run::DryRunRequest;
use crate::revisions::MAX_DOCUMENT_BYTES;
use crate::simulate::{parse_script, simulate, SimResult};
use crate::testing::{parse_tests, run_tests, TestReport};
use crate::{decode_at, RoutingTable};
use callsteer::Error;
use serde_json::Value;

/// Loads a rules document from its JSON text: at most [`MAX_DOCUMENT_BYTES`], then
/// [`RoutingTable::from_json`].
///
/// # Errors
/// [`Error::InvalidInput`] at `document` for a text over the cap (the worker answers 413 for
/// it), else as [`RoutingTable::from_json`].
pub fn load(text: &str) -> Result<RoutingTable, Error> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::invalid(
            "document",
            format!(
                "a rules document is at most {MAX_DOCUMENT_BYTES} bytes, got {}",
                text.len()
            ),
        ));
    }
    RoutingTable::from_json(text)
}

/// The load's verdict on a document, as `POST /admin/rules/validate` answers it:
/// `{"valid": true, "warnings", "summary"}` or `{"valid": false, "error": {"field", "message"}}`.
pub fn validate(text: &str) -> Value {
    match load(text) {
        Ok(table) => serde_json::json!({
            "valid": true,
            "warnings": table.warnings(),
            "summary": table.summary(),
        }),
        Err(e) => {
            let (field, message) = match e {
                Error::InvalidInput { field, reason } => (field, reason),
                other => ("document".to_owned(), other.to_string()),
            };
            serde_json::json!({
                "valid": false,
                "error": { "field": field, "message": message },
            })
        }
    }
}

/// Simulates `call` with `script` on the document `rules` (JSON text), a call without `at`
/// placed at `now_unix`; answers what `POST /admin/flows/simulate` answers.
///
/// # Errors
/// [`Error::InvalidInput`]: the document (its field under `rules.`), `call.…`, `script[i]`.
pub fn simulate_json(
    rules: &str,
    call: Value,
    script: Value,
    now_unix: i64,
    api_version: &str,
) -> Result<SimResult, Error> {
    let table = load(rules).map_err(|e| under("rules", e))?;
    let mut call: DryRunRequest = decode_at(call, "call")?;
    let raw: Vec<Value> = match script {
        Value::Null => Vec::new(),
        other => decode_at(other, "script")?,
    };
    let script = parse_script(&raw)?;
    if call.at.is_none() {
        call.at = Some(callsteer::time::rfc3339(
            u64::try_from(now_unix).unwrap_or(0),
        ));
    }
    simulate(&table, None, &call, &script, api_version)
}

/// Runs `tests` (`[…]` or `{"tests": […]}`) against the document `rules` (JSON text).
///
/// # Errors
/// [`Error::InvalidInput`]: the document (under `rules.`), a malformed test (`tests[i].…`).
pub fn run_tests_json(
    rules: &str,
    tests: Value,
    now_unix: i64,
    api_version: &str,
) -> Result<TestReport, Error> {
    let table = load(rules).map_err(|e| under("rules", e))?;
    let tests = parse_tests(tests)?;
    Ok(TestReport::new(run_tests(
        &table,
        None,
        &tests,
        api_version,
        now_unix,
    )))
}

/// Names a document's field under `prefix` (`rules.rules[2].match`).
pub fn under(prefix: &str, e: Error) -> Error {
    match e {
        Error::InvalidInput { field, reason } => {
            Error::invalid(format!("{prefix}.{field}"), reason)
        }
        other => other,
    }
}
