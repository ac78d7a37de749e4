//! Test cases for flows: a call, a script, and what must happen (docs/flows.md, "Test cases";
//! the JSON Schema is docs/flows.tests.schema.json).
//!
//! ```json
//! { "name": "Saturday callers hear the weekend message",
//!   "call": { "from": "+14255550111", "to": "+18005550100", "at": "2026-12-12T10:00:00Z" },
//!   "script": [ {"tones": "1"} ],
//!   "expect": { "rule": "weekend", "end": "hungUp",
//!               "pathIncludes": ["closed"],
//!               "commands": ["AnswerCall", {"operation": "CallMedia_Play",
//!                             "body": {"/playSources/0/kind": "text"}}],
//!               "notCommands": ["CallConnection_TransferToParticipant"],
//!               "variables": {"account": "12345"} } }
//! ```
//!
//! A test runs [`crate::simulate::simulate`] — the same call session a live call runs — and
//! compares what happened with `expect`, member by member in a fixed order (the steps it names,
//! `rule`, `end`, `path`, `pathIncludes`, `commands`, `notCommands`, `variables`). The first
//! difference is the test's failure: what was expected, what happened, and at which step and
//! command. Every face (the worker's `POST /admin/flows/test`, the npm package's
//! `callsteer/flows`, its command line) runs this function, so their results are the same.
//!
//! A malformed test is refused ([`Error::InvalidInput`] naming `tests[i].field`); a well-formed
//! test that names a step the rules under test lack *fails*, with that reason, since the same
//! test may pass against another draft.

use crate::dry_run::DryRunRequest;
use crate::rules::Action;
use crate::simulate::{parse_script, simulate, ScriptEntry, SimResult};
use crate::{decode_at, RoutingTable};
use callsteer::api::routes::OperationId;
use callsteer::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The most test cases one run takes, and the most stored with the rules.
///
/// Decision: 1,000 — the benchmark's size (1,000 cases on a 200-rule document run in well under
/// a second natively, BENCHMARKS.md), and a bound on one admin request's work in the worker.
pub const MAX_TESTS: usize = 1000;

/// The largest test case, in bytes of JSON.
///
/// Decision: 64 KiB: a script of thousands of entries; it keeps a stored test one small
/// Durable Object value.
pub const MAX_TEST_BYTES: usize = 64 * 1024;

/// The largest body of a test run (`POST /admin/flows/test`: a document and its tests).
///
/// Decision: 8 MiB — a 1 MiB document and 1,000 tests of several kilobytes each; a Worker
/// holds the body in memory (128 MB per isolate).
pub const MAX_RUN_BYTES: usize = 8 * 1024 * 1024;

/// The longest test name (it is a storage key and a path segment).
pub const MAX_NAME_CHARS: usize = 100;

/// How a simulated call can end (`SimResult::end`).
pub const ENDS: &[&str] = &[
    "hungUp",
    "transferred",
    "connected",
    "callerHungUp",
    "stepLimit",
    "redirected",
    "rejected",
    "open",
];

/// One test case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TestCase {
    pub name: String,
    /// What the test is for (shown in reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The call, as `/admin/flows/simulate` takes it. Without `at` the run's clock is used, so
    /// a test that depends on the hour should give `at`.
    pub call: DryRunRequest,
    /// The simulate script: tones, speech, silence, target outcomes, webhook answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub script: Vec<Value>,
    #[serde(default)]
    pub expect: Expect,
}

/// What must hold at the end of the call. Every member is optional; each one present must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    /// The rule that answers the call; `null`: the document's default.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub rule: Option<Option<String>>,
    /// How the call ends ([`ENDS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The step ids the call enters, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<String>>,
    /// Steps the call enters in this order; others may come between.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_includes: Option<Vec<String>>,
    /// The commands sent, in order, exactly: each an operation name, or an operation with body
    /// fields (JSON Pointer → value) that must be equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<Vec<ExpectedCommand>>,
    /// Operations that must not be sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_commands: Option<Vec<String>>,
    /// Variables' values at the end of the call (others may exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variables: Option<BTreeMap<String, String>>,
}

/// `"rule": null` is present (the default must answer); an absent `rule` expects nothing.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// One expected command.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ExpectedCommand {
    /// Just the operation (`"CallMedia_Play"`).
    Operation(String),
    /// The operation, and what its request must say.
    Detailed(DetailedCommand),
}

/// An expected command with its body fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DetailedCommand {
    pub operation: String,
    /// The step that must have sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// JSON Pointer (RFC 6901) into the request body → the value it must equal.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub body: BTreeMap<String, Value>,
}

impl ExpectedCommand {
    /// The operation it expects.
    pub fn operation(&self) -> &str {
        match self {
            ExpectedCommand::Operation(op) => op,
            ExpectedCommand::Detailed(d) => &d.operation,
        }
    }
}

impl<'de> Deserialize<'de> for ExpectedCommand {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ExpectedCommand;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an operation name, or {\"operation\", \"step\", \"body\"}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ExpectedCommand::Operation(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                DetailedCommand::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ExpectedCommand::Detailed)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// A test case, read and checked, with its script parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTest {
    pub case: TestCase,
    pub script: Vec<ScriptEntry>,
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// The first difference (a failed test only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// The path the call took (for a report, or to draw the failure on the graph).
    pub path: Vec<String>,
}

/// Where a test first parted from its expectations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The expectation that failed, as a path in the test (`expect.commands[3].body./x`).
    pub expectation: String,
    pub expected: Value,
    /// What happened (`null`: nothing, e.g. a command never sent).
    pub actual: Value,
    /// The step where the call parted from the expectation, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The index of the command (in `commands`) that differs, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<usize>,
    /// In words.
    pub reason: String,
}

/// Reads one test case from JSON, refusing what is malformed with `field` under `prefix`
/// (`tests[2]`, or `""` for a stored test read alone).
///
/// # Errors
/// [`Error::InvalidInput`]: not an object, an unknown key, a missing `name`/`call`, a bad
/// script entry, an unknown operation name, a pointer that does not start with `/`, an
/// unknown `end`, a name that is empty or too long, a test over [`MAX_TEST_BYTES`].
pub fn parse_test(value: Value, prefix: &str) -> Result<ParsedTest, Error> {
    let at = |field: &str| {
        if prefix.is_empty() {
            field.to_owned()
        } else {
            format!("{prefix}.{field}")
        }
    };
    let bytes = value.to_string().len();
    if bytes > MAX_TEST_BYTES {
        return Err(Error::invalid(
            if prefix.is_empty() {
                "document"
            } else {
                prefix
            },
            format!("{bytes} bytes: a test case is at most {MAX_TEST_BYTES}"),
        ));
    }
    let case: TestCase = decode_at(value, prefix)?;
    check_name(&case.name).map_err(|r| Error::invalid(at("name"), r))?;
    let script = parse_script(&case.script).map_err(|e| prefixed(e, prefix))?;
    let e = &case.expect;
    if let Some(end) = &e.end {
        if !ENDS.contains(&end.as_str()) {
            return Err(Error::invalid(
                at("expect.end"),
                format!("one of {}", ENDS.join(", ")),
            ));
        }
    }
    let known = |op: &str, field: String| {
        OperationId::from_id(op).map(|_| ()).ok_or_else(|| {
            Error::invalid(
                field,
                format!("{op:?} is not an operation (the spec's operationId, e.g. CallMedia_Play)"),
            )
        })
    };
    for (i, c) in e.commands.iter().flatten().enumerate() {
        known(c.operation(), at(&format!("expect.commands[{i}]")))?;
        if let ExpectedCommand::Detailed(d) = c {
            for pointer in d.body.keys() {
                if !pointer.is_empty() && !pointer.starts_with('/') {
                    return Err(Error::invalid(
                        at(&format!("expect.commands[{i}].body")),
                        format!("{pointer:?} is not a JSON Pointer: it starts with /"),
                    ));
                }
            }
        }
    }
    for (i, op) in e.not_commands.iter().flatten().enumerate() {
        known(op, at(&format!("expect.notCommands[{i}]")))?;
    }
    Ok(ParsedTest { case, script })
}

/// Reads a list of test cases (`[…]`, or `{"tests": […]}`), each refused as `tests[i]`.
///
/// # Errors
/// As [`parse_test`]; more than [`MAX_TESTS`]; two tests with one name.
pub fn parse_tests(value: Value) -> Result<Vec<ParsedTest>, Error> {
    let list = match value {
        Value::Array(list) => list,
        Value::Object(mut o) if o.len() == 1 && o.contains_key("tests") => {
            match o.remove("tests") {
                Some(Value::Array(list)) => list,
                _ => return Err(Error::invalid("tests", "a list of test cases")),
            }
        }
        _ => {
            return Err(Error::invalid(
                "tests",
                "a list of test cases, or {\"tests\": […]}",
            ))
        }
    };
    if list.len() > MAX_TESTS {
        return Err(Error::invalid(
            "tests",
            format!("{} test cases: at most {MAX_TESTS} in one run", list.len()),
        ));
    }
    let mut names = BTreeSet::new();
    list.into_iter()
        .enumerate()
        .map(|(i, v)| {
            let t = parse_test(v, &format!("tests[{i}]"))?;
            if !names.insert(t.case.name.clone()) {
                return Err(Error::invalid(
                    format!("tests[{i}].name"),
                    format!("{:?} names an earlier test too", t.case.name),
                ));
            }
            Ok(t)
        })
        .collect()
}

/// Checks a test's name: 1 to [`MAX_NAME_CHARS`] characters, no control characters, no `/`.
///
/// # Errors
/// The reason, for the caller to name its field.
pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return Err(format!("1 to {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(|c| c.is_control() || c == '/') {
        return Err("no control characters and no /".into());
    }
    Ok(())
}

fn prefixed(e: Error, prefix: &str) -> Error {
    match e {
        Error::InvalidInput { field, reason } if !prefix.is_empty() => {
            Error::invalid(format!("{prefix}.{field}"), reason)
        }
        other => other,
    }
}

/// Runs `tests` against `table` (`revision` names it in the results' simulations), each call
/// without `at` placed at `now_unix`.
pub fn run_tests(
    table: &RoutingTable,
    revision: Option<&str>,
    tests: &[ParsedTest],
    api_version: &str,
    now_unix: i64,
) -> Vec<TestResult> {
    let steps = step_ids(table);
    tests
        .iter()
        .map(|t| run_one(table, revision, t, &steps, api_version, now_unix))
        .collect()
}

/// Every step id of every flow the table can answer with.
fn step_ids(table: &RoutingTable) -> BTreeSet<&str> {
    let flows = table
        .rules()
        .map(|r| &r.action)
        .chain(std::iter::once(table.default_action()));
    flows
        .filter_map(|a| match a {
            Action::Answer { flow } => Some(flow),
            _ => None,
        })
        .flat_map(|f| f.steps.iter().map(|s| s.id.as_str()))
        .collect()
}

fn run_one(
    table: &RoutingTable,
    revision: Option<&str>,
    t: &ParsedTest,
    steps: &BTreeSet<&str>,
    api_version: &str,
    now_unix: i64,
) -> TestResult {
    let name = t.case.name.clone();
    if let Some(failure) = missing_step(&t.case.expect, steps) {
        return failed(name, failure, Vec::new());
    }
    let mut call = t.case.call.clone();
    if call.at.is_none() {
        call.at = Some(callsteer::time::rfc3339(
            u64::try_from(now_unix).unwrap_or(0),
        ));
    }
    match simulate(table, revision, &call, &t.script, api_version) {
        Ok(result) => {
            let failure = compare(&t.case.expect, &result);
            TestResult {
                name,
                passed: failure.is_none(),
                failure,
                path: result.path,
            }
        }
        Err(e) => failed(
            name,
            Failure {
                expectation: "call".into(),
                expected: Value::Null,
                actual: Value::Null,
                step: None,
                command: None,
                reason: format!("the call could not be simulated: {e}"),
            },
            Vec::new(),
        ),
    }
}

fn failed(name: String, failure: Failure, path: Vec<String>) -> TestResult {
    TestResult {
        name,
        passed: false,
        failure: Some(failure),
        path,
    }
}

/// A failure for the first step an expectation names that the rules lack.
fn missing_step(e: &Expect, steps: &BTreeSet<&str>) -> Option<Failure> {
    let named = e
        .path
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, s)| (format!("expect.path[{i}]"), s.as_str()))
        .chain(
            e.path_includes
                .iter()
                .flatten()
                .enumerate()
                .map(|(i, s)| (format!("expect.pathIncludes[{i}]"), s.as_str())),
        )
        .chain(
            e.commands
                .iter()
                .flatten()
                .enumerate()
                .filter_map(|(i, c)| match c {
                    ExpectedCommand::Detailed(DetailedCommand { step: Some(s), .. }) => {
                        Some((format!("expect.commands[{i}].step"), s.as_str()))
                    }
                    _ => None,
                }),
        );
    for (field, step) in named {
        // `<id>:limit` is in a path when step `id` reached its visit limit.
        let id = step.strip_suffix(":limit").unwrap_or(step);
        if !steps.contains(id) {
            return Some(Failure {
                expectation: field,
                expected: Value::String(step.to_owned()),
                actual: Value::Null,
                step: None,
                command: None,
                reason: format!("the rules under test have no step {step:?}"),
            });
        }
    }
    None
}

/// The first difference between `e` and what happened.
fn compare(e: &Expect, r: &SimResult) -> Option<Failure> {
    let fail = |expectation: &str, expected: Value, actual: Value, reason: String| Failure {
        expectation: expectation.to_owned(),
        expected,
        actual,
        step: None,
        command: None,
        reason,
    };
    if let Some(rule) = &e.rule {
        if rule != &r.rule {
            let words = |x: &Option<String>| {
                x.as_ref()
                    .map_or_else(|| "the default".to_owned(), |n| format!("rule {n:?}"))
            };
            return Some(fail(
                "expect.rule",
                serde_json::json!(rule),
                serde_json::json!(r.rule),
                format!("{} answered, not {}", words(&r.rule), words(rule)),
            ));
        }
    }
    if let Some(end) = &e.end {
        if end != &r.end {
            return Some(Failure {
                step: r.path.last().cloned(),
                ..fail(
                    "expect.end",
                    Value::String(end.clone()),
                    Value::String(r.end.clone()),
                    format!("the call ended {:?}, not {end:?}", r.end),
                )
            });
        }
    }
    if let Some(path) = &e.path {
        if path != &r.path {
            let i = path
                .iter()
                .zip(&r.path)
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| path.len().min(r.path.len()));
            let reason = match (path.get(i), r.path.get(i)) {
                (Some(want), Some(got)) => {
                    format!("step {} of the path is {got:?}, not {want:?}", i + 1)
                }
                (Some(want), None) => format!(
                    "the call took {} steps and never reached {want:?}",
                    r.path.len()
                ),
                (None, Some(got)) => format!("the call went on past the path, to {got:?}"),
                (None, None) => "the paths differ".into(),
            };
            return Some(Failure {
                step: r.path.get(i).or_else(|| r.path.last()).cloned(),
                ..fail(
                    &format!("expect.path[{i}]"),
                    serde_json::json!(path.get(i)),
                    serde_json::json!(r.path.get(i)),
                    reason,
                )
            });
        }
    }
    if let Some(wanted) = &e.path_includes {
        let mut rest = r.path.iter();
        let mut last_seen: Option<&String> = None;
        for (i, step) in wanted.iter().enumerate() {
            match rest.by_ref().find(|s| *s == step) {
                Some(s) => last_seen = Some(s),
                None => {
                    let after = last_seen.map_or_else(String::new, |s| format!(" after {s:?}"));
                    return Some(Failure {
                        step: last_seen.cloned(),
                        ..fail(
                            &format!("expect.pathIncludes[{i}]"),
                            Value::String(step.clone()),
                            serde_json::json!(r.path),
                            format!("the call never entered {step:?}{after}"),
                        )
                    });
                }
            }
        }
    }
    if let Some(commands) = &e.commands {
        if let Some(f) = compare_commands(commands, r) {
            return Some(f);
        }
    }
    if let Some(not) = &e.not_commands {
        for (i, op) in not.iter().enumerate() {
            if let Some((n, c)) = r
                .commands
                .iter()
                .enumerate()
                .find(|(_, c)| &c.operation == op)
            {
                return Some(Failure {
                    step: c.step.clone(),
                    command: Some(n),
                    ..fail(
                        &format!("expect.notCommands[{i}]"),
                        Value::String(op.clone()),
                        serde_json::to_value(c).unwrap_or(Value::Null),
                        format!("{op} was sent (command {})", n + 1),
                    )
                });
            }
        }
    }
    if let Some(vars) = &e.variables {
        for (name, want) in vars {
            let got = r.variables.get(name);
            if got != Some(want) {
                return Some(Failure {
                    step: r.path.last().cloned(),
                    ..fail(
                        &format!("expect.variables.{name}"),
                        Value::String(want.clone()),
                        serde_json::json!(got),
                        match got {
                            Some(g) => format!("variable {name} is {g:?}, not {want:?}"),
                            None => format!("variable {name} was never set"),
                        },
                    )
                });
            }
        }
    }
    None
}

fn compare_commands(want: &[ExpectedCommand], r: &SimResult) -> Option<Failure> {
    for (i, expected) in want.iter().enumerate() {
        let field = format!("expect.commands[{i}]");
        let Some(got) = r.commands.get(i) else {
            return Some(Failure {
                expectation: field,
                expected: serde_json::to_value(expected).unwrap_or(Value::Null),
                actual: Value::Null,
                step: r.path.last().cloned(),
                command: Some(i),
                reason: format!(
                    "{} commands were sent; command {} ({}) never was",
                    r.commands.len(),
                    i + 1,
                    expected.operation()
                ),
            });
        };
        let differs = |expectation: String, expected: Value, actual: Value, reason: String| {
            Some(Failure {
                expectation,
                expected,
                actual,
                step: got.step.clone(),
                command: Some(i),
                reason,
            })
        };
        if got.operation != expected.operation() {
            return differs(
                field,
                Value::String(expected.operation().to_owned()),
                Value::String(got.operation.clone()),
                format!(
                    "command {} is {}, not {}",
                    i + 1,
                    got.operation,
                    expected.operation()
                ),
            );
        }
        let ExpectedCommand::Detailed(d) = expected else {
            continue;
        };
        if let Some(step) = &d.step {
            if got.step.as_ref() != Some(step) {
                return differs(
                    format!("{field}.step"),
                    Value::String(step.clone()),
                    serde_json::json!(got.step),
                    format!(
                        "command {} ({}) came from step {:?}, not {step:?}",
                        i + 1,
                        got.operation,
                        got.step.as_deref().unwrap_or("(the answer)")
                    ),
                );
            }
        }
        for (pointer, value) in &d.body {
            let actual = got.request.body.pointer(pointer);
            if actual != Some(value) {
                return differs(
                    format!("{field}.body.{pointer}"),
                    value.clone(),
                    actual.cloned().unwrap_or(Value::Null),
                    match actual {
                        Some(a) => format!(
                            "command {} ({}) has {a} at {pointer}, not {value}",
                            i + 1,
                            got.operation
                        ),
                        None => format!(
                            "command {} ({}) has nothing at {pointer}",
                            i + 1,
                            got.operation
                        ),
                    },
                );
            }
        }
    }
    if let Some(extra) = r.commands.get(want.len()) {
        return Some(Failure {
            expectation: "expect.commands".into(),
            expected: Value::Null,
            actual: Value::String(extra.operation.clone()),
            step: extra.step.clone(),
            command: Some(want.len()),
            reason: format!(
                "{} commands were expected; command {} ({}) was sent too",
                want.len(),
                want.len() + 1,
                extra.operation
            ),
        });
    }
    None
}

/// A run's results, as every face answers them (the worker adds `ms`, the time it took).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestReport {
    pub passed: usize,
    pub failed: usize,
    pub results: Vec<TestResult>,
}

impl TestReport {
    /// Counts `results`.
    pub fn new(results: Vec<TestResult>) -> TestReport {
        let passed = results.iter().filter(|r| r.passed).count();
        TestReport {
            passed,
            failed: results.len() - passed,
            results,
        }
    }

    /// True when every test passed (an empty run passes).
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }

    /// The report in words, a line per test and an indented line for a failure's difference:
    /// what the command line prints.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for r in &self.results {
            out.push_str(if r.passed { "  ok    " } else { "  FAIL  " });
            out.push_str(&r.name);
            out.push('\n');
            if let Some(f) = &r.failure {
                out.push_str(&format!("          {}: {}\n", f.expectation, f.reason));
                if let Some(step) = &f.step {
                    out.push_str(&format!("          at step {step:?}"));
                    if let Some(c) = f.command {
                        out.push_str(&format!(", command {}", c + 1));
                    }
                    out.push('\n');
                }
            }
        }
        out.push_str(&format!(
            "{} passed, {} failed, {} in all\n",
            self.passed,
            self.failed,
            self.results.len()
        ));
        out
    }

    /// The report as JUnit XML (one `<testsuite>` named `suite`; a failure's `message` is its
    /// reason, its text the whole difference as JSON), the format CI systems read.
    pub fn junit(&self, suite: &str, seconds: f64) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str(&format!(
            "<testsuites tests=\"{n}\" failures=\"{f}\" time=\"{seconds:.3}\">\n  <testsuite name=\"{s}\" tests=\"{n}\" failures=\"{f}\" errors=\"0\" skipped=\"0\" time=\"{seconds:.3}\">\n",
            n = self.results.len(),
            f = self.failed,
            s = xml_escape(suite),
        ));
        for r in &self.results {
            let name = xml_escape(&r.name);
            let class = xml_escape(suite);
            match &r.failure {
                None => out.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"{class}\"/>\n"
                )),
                Some(f) => {
                    let detail = serde_json::to_string_pretty(f).unwrap_or_default();
                    out.push_str(&format!(
                        "    <testcase name=\"{name}\" classname=\"{class}\">\n      <failure message=\"{m}\" type=\"{t}\">{d}</failure>\n    </testcase>\n",
                        m = xml_escape(&format!("{}: {}", f.expectation, f.reason)),
                        t = xml_escape(&f.expectation),
                        d = xml_escape(&detail),
                    ));
                }
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot carry (controls other
/// than tab, newline and carriage return) become U+FFFD.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
