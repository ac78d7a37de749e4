//! The npm package's `callsteer/flows`: validate, simulate and test call flows offline.
//!
//! Thin wasm-bindgen wrappers over [`callsteer_flows::offline`] (the JSON-in, JSON-out API the
//! worker's admin routes answer with) and [`TestReport::text`] / [`TestReport::junit`]. This
//! crate only adapts: JSON text crosses the boundary both ways (the JS shell,
//! `crates/npm-flows/js/api.mjs`, stringifies objects and parses answers), the clock comes
//! in from JS (`Date.now()`, in milliseconds), and the api-version defaults to the core's
//! [`callsteer::DEFAULT_API_VERSION`]. Every rule of the flow language, the simulation and the
//! comparison of a test with what happened lives in `callsteer-flows`, so a test case reads and
//! answers the same here, in the worker and natively.
//!
//! Input errors are thrown as the main package's `InvalidInputError`: an `Error` with
//! `name: "InvalidInputError"`, `code: "InvalidInput"`, `field` (`tests[2].expect.end`,
//! `rules.rules[0].match`) and the message `invalid <field>: <reason>` (crates/npm/src/error.rs).
//!
//! Each export has a plain-Rust twin (`*_text`) returning [`Error`], tested natively.

use callsteer::Error;
use callsteer_flows::offline;
use callsteer_flows::testing::TestReport;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// The suite name of a JUnit report when the caller gives none.
pub const DEFAULT_SUITE: &str = "callsteer-flows";

/// `validate(rules)`: [`offline::validate`]'s verdict, `{"valid": true, "warnings", "summary"}`
/// or `{"valid": false, "error": {"field", "message"}}`, as JSON text. Never throws.
#[wasm_bindgen]
pub fn validate(rules: &str) -> String {
    offline::validate(rules).to_string()
}

/// `simulate(rules, call, script, nowMs, apiVersion?)`: [`offline::simulate_json`]'s result as
/// JSON text; a call without `at` is placed at `now_ms`.
///
/// # Errors
/// Throws an `InvalidInputError` naming the field (`rules.…`, `call.…`, `script[i]…`).
#[wasm_bindgen]
pub fn simulate(
    rules: &str,
    call: &str,
    script: &str,
    now_ms: f64,
    api_version: Option<String>,
) -> Result<String, JsValue> {
    simulate_text(rules, call, script, now_ms, api_version.as_deref()).map_err(throw)
}

/// `runTests(rules, tests, nowMs, apiVersion?)`: [`offline::run_tests_json`]'s report,
/// `{"passed", "failed", "results"}`, as JSON text.
///
/// # Errors
/// Throws an `InvalidInputError` naming the field (`rules.…`, `tests`, `tests[i].…`).
#[wasm_bindgen(js_name = runTests)]
pub fn run_tests(
    rules: &str,
    tests: &str,
    now_ms: f64,
    api_version: Option<String>,
) -> Result<String, JsValue> {
    run_tests_text(rules, tests, now_ms, api_version.as_deref()).map_err(throw)
}

/// `reportText(report)`: a report (from `runTests`, or the worker's `POST /admin/flows/test`)
/// in words, [`TestReport::text`].
///
/// # Errors
/// Throws an `InvalidInputError` naming `report…` for JSON that is not a report.
#[wasm_bindgen(js_name = reportText)]
pub fn report_text(report: &str) -> Result<String, JsValue> {
    read_report(report).map(|r| r.text()).map_err(throw)
}

/// `reportJunit(report, suite?, seconds?)`: the report as JUnit XML, [`TestReport::junit`]
/// (suite [`DEFAULT_SUITE`] and 0 s when not given).
///
/// # Errors
/// As [`report_text`].
#[wasm_bindgen(js_name = reportJunit)]
pub fn report_junit(
    report: &str,
    suite: Option<String>,
    seconds: Option<f64>,
) -> Result<String, JsValue> {
    read_report(report)
        .map(|r| {
            r.junit(
                suite.as_deref().unwrap_or(DEFAULT_SUITE),
                seconds.unwrap_or(0.0),
            )
        })
        .map_err(throw)
}

/// [`simulate`] without JS.
///
/// # Errors
/// As [`offline::simulate_json`], and `call` / `script` when they are not JSON.
pub fn simulate_text(
    rules: &str,
    call: &str,
    script: &str,
    now_ms: f64,
    api_version: Option<&str>,
) -> Result<String, Error> {
    let result = offline::simulate_json(
        rules,
        parse(call, "call")?,
        parse(script, "script")?,
        unix(now_ms),
        api_version.unwrap_or(callsteer::DEFAULT_API_VERSION),
    )?;
    serde_json::to_string(&result).map_err(unwritable)
}

/// [`run_tests`] without JS.
///
/// # Errors
/// As [`offline::run_tests_json`], and `tests` when it is not JSON.
pub fn run_tests_text(
    rules: &str,
    tests: &str,
    now_ms: f64,
    api_version: Option<&str>,
) -> Result<String, Error> {
    let report = offline::run_tests_json(
        rules,
        parse(tests, "tests")?,
        unix(now_ms),
        api_version.unwrap_or(callsteer::DEFAULT_API_VERSION),
    )?;
    serde_json::to_string(&report).map_err(unwritable)
}

/// Reads a report back (members it does not know, such as the worker's `ms`, are ignored).
///
/// # Errors
/// [`Error::InvalidInput`] at `report` (not JSON) or `report.<member>`.
pub fn read_report(text: &str) -> Result<TestReport, Error> {
    callsteer_flows::decode_at(parse(text, "report")?, "report")
}

fn parse(text: &str, field: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error::invalid(field, format!("not valid JSON: {e}")))
}

#[allow(clippy::needless_pass_by_value)] // the `map_err` shape
fn unwritable(e: serde_json::Error) -> Error {
    Error::decode("result", e.to_string())
}

/// JS milliseconds → whole Unix seconds (NaN: 0).
fn unix(now_ms: f64) -> i64 {
    (now_ms / 1000.0).floor() as i64
}

/// The JS error for a core error (`map_err(throw)`): the shape of the main package's
/// (crates/npm/src/error.rs), so one `catch` serves both entries.
#[allow(clippy::needless_pass_by_value)] // the `map_err` shape
fn throw(err: Error) -> JsValue {
    let (name, field, message) = match &err {
        Error::InvalidInput { field, reason } => (
            "InvalidInputError",
            Some(field.as_str()),
            format!("invalid {field}: {reason}"),
        ),
        other => ("Error", None, other.to_string()),
    };
    let e = js_sys::Error::new(&message);
    e.set_name(name);
    let set = |key: &str, value: &str| js_sys::Reflect::set(&e, &key.into(), &value.into());
    let _ = set("code", err.code());
    if let Some(f) = field {
        let _ = set("field", f);
    }
    e.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_json_is_named_by_its_argument() {
        let field = |e: Error| match e {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other}"),
        };
        let rules = r#"{"version": 2, "rules": []}"#;
        assert_eq!(
            field(run_tests_text(rules, "[", 0.0, None).unwrap_err()),
            "tests"
        );
        assert_eq!(
            field(simulate_text(rules, "{", "null", 0.0, None).unwrap_err()),
            "call"
        );
        assert_eq!(
            field(simulate_text(rules, "{}", "?", 0.0, None).unwrap_err()),
            "script"
        );
        assert_eq!(field(read_report("{\"passed\": 1}").unwrap_err()), "report");
    }

    #[test]
    fn the_clock_is_whole_seconds() {
        assert_eq!(unix(1_765_119_600_999.0), 1_765_119_600);
        assert_eq!(unix(f64::NAN), 0);
    }
}
