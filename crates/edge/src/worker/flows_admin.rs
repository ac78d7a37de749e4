//! The admin routes that make flows change like code (docs/flows.md, "Drafts, tests and
//! publishing"): drafts, stored test cases, test runs, the publish gate and a draft's impact on
//! recent real calls. The decisions are pure code in [`crate::routing::drafts`],
//! [`crate::routing::testing`] and [`crate::routing::impact`]; the drafts and tests are kept by
//! the rules object ([`super::rules_object`]), the single writer.
//!
//! | method | path | what |
//! |---|---|---|
//! | GET | `/admin/rules/drafts` | the drafts, newest first |
//! | GET/PUT/DELETE | `/admin/rules/drafts/{name}` | one draft (`ETag`; PUT validates as a live save does, `If-Match` → 412 when stale) |
//! | GET | `/admin/rules/drafts/{name}/diff` | the draft against the live rules: rules and steps added, removed, changed; edges added, removed ([`crate::routing::diff`]) |
//! | POST | `/admin/rules/drafts/{name}/impact` | `{"calls": n}`: the last n real calls replayed against the draft |
//! | POST | `/admin/rules/publish` | `{"draft", "ifMatch", "force", "message"}`: the stored tests run against the draft; a failure refuses with 409 unless `force` |
//! | GET | `/admin/flows/tests` | the stored tests' names and entity tags |
//! | GET | `/admin/flows/tests/schema` | the JSON Schema of a test case |
//! | GET/PUT/DELETE | `/admin/flows/tests/{name}` | one stored test case (`ETag`, `If-Match`) |
//! | POST | `/admin/flows/test` | `{"draft" \| "revision" \| "rules", "tests"}`: runs tests (the stored ones when `tests` is absent) |

use super::acs::now_ms;
use super::admin::{api_version, if_match, json_body, table_for};
use super::call_object;
use super::config::{parse_rules, routing_table, KV};
use super::respond::{json, EdgeError, EdgeResult};
use super::rules_object::{self, DraftSave, Named, TestSave};
use crate::access::Caller;
use crate::routing::call::index::INDEX_PREFIX;
use crate::routing::drafts::{check_draft_name, DraftBody, GateRecord, PublishRequest};
use crate::routing::impact::{self, RecordedCall, UnreplayableCall};
use crate::routing::testing::{
    check_name, parse_test, run_tests, ParsedTest, TestReport, TestResult, MAX_RUN_BYTES,
    MAX_TESTS, MAX_TEST_BYTES,
};
use crate::routing::{decode_at, RoutingTable};
use serde_json::Value;
use worker::{Env, Method, Request, Response};

/// Dispatches the routes of this module; `None` when the path is not one of them.
pub(crate) async fn handle(
    req: &mut Request,
    env: &Env,
    path: &[&str],
    caller: &Caller,
) -> Option<EdgeResult<Response>> {
    let method = req.method();
    Some(match (method, path) {
        (Method::Get, ["rules", "drafts"]) => {
            rules_object::post(env, "/drafts/list", &serde_json::json!({})).await
        }
        (Method::Get, ["rules", "drafts", name]) => match segment(name) {
            Ok(name) => read(env, "/drafts/read", name).await,
            Err(e) => Err(e),
        },
        (Method::Put, ["rules", "drafts", name]) => put_draft(req, env, name, caller).await,
        (Method::Delete, ["rules", "drafts", name]) => {
            remove(req, env, "/drafts/delete", name).await
        }
        (Method::Get, ["rules", "drafts", name, "diff"]) => draft_diff(env, name).await,
        (Method::Post, ["rules", "drafts", name, "impact"]) => draft_impact(req, env, name).await,
        (Method::Post, ["rules", "publish"]) => publish(req, env, caller).await,
        (Method::Get, ["flows", "tests"]) => {
            rules_object::post(env, "/tests/list", &serde_json::json!({})).await
        }
        (Method::Get, ["flows", "tests", "schema"]) => schema(),
        (Method::Get, ["flows", "tests", name]) => match segment(name) {
            Ok(name) => read(env, "/tests/read", name).await,
            Err(e) => Err(e),
        },
        (Method::Put, ["flows", "tests", name]) => put_test(req, env, name).await,
        (Method::Delete, ["flows", "tests", name]) => remove(req, env, "/tests/delete", name).await,
        (Method::Post, ["flows", "test"]) => run(req, env).await,
        _ => return None,
    })
}

/// The JSON Schema of a test case (docs/flows.tests.schema.json).
const TESTS_SCHEMA: &str = include_str!("../../../../docs/flows.tests.schema.json");

fn schema() -> EdgeResult<Response> {
    let mut resp = Response::ok(TESTS_SCHEMA)?;
    resp.headers_mut()
        .set("content-type", "application/schema+json")?;
    Ok(resp)
}

/// A draft's or test's name from its path segment: percent-decoded and checked.
fn segment(raw: &str) -> EdgeResult<String> {
    let name = callsteer::http::decode_component(raw, false)
        .ok_or_else(|| invalid("name", "not valid percent-encoded UTF-8"))?;
    check_name(&name).map_err(|r| invalid("name", r))?;
    Ok(name)
}

fn invalid(field: &str, reason: impl Into<String>) -> EdgeError {
    EdgeError::from(callsteer::Error::invalid(field, reason))
}

fn too_large(message: String) -> EdgeError {
    EdgeError::new(413, "PayloadTooLarge", message)
}

async fn read(env: &Env, path: &str, name: String) -> EdgeResult<Response> {
    rules_object::post(
        env,
        path,
        &Named {
            name,
            if_match: None,
        },
    )
    .await
}

async fn remove(req: &Request, env: &Env, path: &str, name: &str) -> EdgeResult<Response> {
    let named = Named {
        name: segment(name)?,
        if_match: if_match(req)?,
    };
    rules_object::post(env, path, &named).await
}

/// A stored draft, loaded: its routing table and its summary (`Draft`, as JSON).
struct Loaded {
    table: RoutingTable,
    draft: Value,
}

impl Loaded {
    fn etag(&self) -> &str {
        self.draft["etag"].as_str().unwrap_or_default()
    }
}

/// Reads draft `name` and loads its document as today's worker loads rules; `Err(response)`:
/// the rules object's refusal (404), to be answered as it is.
async fn load_draft(env: &Env, name: &str) -> EdgeResult<Result<Loaded, Response>> {
    let mut resp = read(env, "/drafts/read", name.to_owned()).await?;
    if resp.status_code() != 200 {
        return Ok(Err(resp));
    }
    let mut body: Value = resp.json().await?;
    let table = parse_rules(&body["document"].to_string())?;
    Ok(Ok(Loaded {
        table,
        draft: body["draft"].take(),
    }))
}

/// `PUT /admin/rules/drafts/{name}`: validated as a live save is; its warnings are kept.
async fn put_draft(
    req: &mut Request,
    env: &Env,
    name: &str,
    caller: &Caller,
) -> EdgeResult<Response> {
    let name = segment(name)?;
    check_draft_name(&name)?;
    let body = DraftBody::from_json(&req.text().await?)?;
    let table = parse_rules(&body.text)?;
    let save = DraftSave {
        name,
        rules: table.len(),
        warnings: table.warnings().to_vec(),
        test_callers: body.test_callers,
        text: body.text,
        if_match: if_match(req)?,
        by: caller.fingerprint.clone(),
        at_ms: now_ms(),
    };
    rules_object::post(env, "/drafts/save", &save).await
}

/// `PUT /admin/flows/tests/{name}`: a test case; its `name` is the path's (given in the body,
/// it must be the same).
async fn put_test(req: &mut Request, env: &Env, name: &str) -> EdgeResult<Response> {
    let name = segment(name)?;
    if name == "schema" {
        return Err(invalid(
            "name",
            "\"schema\" is the schema's path; name the test otherwise",
        ));
    }
    let text = req.text().await?;
    if text.len() > MAX_TEST_BYTES {
        return Err(too_large(format!(
            "a test case is at most {MAX_TEST_BYTES} bytes, got {}",
            text.len()
        )));
    }
    let mut value: Value = serde_json::from_str(&text)
        .map_err(|e| invalid("document", format!("not valid JSON: {e}")))?;
    match value.get("name") {
        None => {
            if let Some(o) = value.as_object_mut() {
                o.insert("name".into(), Value::String(name.clone()));
            }
        }
        Some(n) if n.as_str() == Some(name.as_str()) => {}
        Some(_) => return Err(invalid("name", "must be the name in the path")),
    }
    let parsed = parse_test(value, "")?;
    let save = TestSave {
        name,
        text: serde_json::to_string(&parsed.case)?,
        if_match: if_match(req)?,
    };
    rules_object::post(env, "/tests/save", &save).await
}

/// Every stored test, parsed. A stored test that no longer reads (a newer worker is stricter)
/// is a failed result of its own, not an error of the run.
async fn stored_tests(env: &Env) -> EdgeResult<(Vec<ParsedTest>, Vec<TestResult>)> {
    let mut resp = rules_object::post(env, "/tests/all", &serde_json::json!({})).await?;
    let body: Value = resp.json().await?;
    let mut tests = Vec::new();
    let mut unreadable = Vec::new();
    for (i, case) in body["tests"].as_array().into_iter().flatten().enumerate() {
        let name = case["name"].as_str().unwrap_or_default().to_owned();
        match parse_test(case.clone(), &format!("tests[{i}]")) {
            Ok(t) => tests.push(t),
            Err(e) => unreadable.push(TestResult {
                name,
                passed: false,
                failure: Some(crate::routing::testing::Failure {
                    expectation: "test".into(),
                    expected: Value::Null,
                    actual: Value::Null,
                    step: None,
                    command: None,
                    reason: format!("the stored test no longer reads: {e}"),
                }),
                path: Vec::new(),
            }),
        }
    }
    Ok((tests, unreadable))
}

/// Runs the stored tests against `table`.
async fn gate(env: &Env, table: &RoutingTable, revision: &str) -> EdgeResult<TestReport> {
    let (tests, mut results) = stored_tests(env).await?;
    let api = api_version(env);
    let mut ran = run_tests(table, Some(revision), &tests, &api, now_ms() / 1000);
    ran.append(&mut results);
    Ok(TestReport::new(ran))
}

/// What a revision records of a gate's report.
pub(crate) fn gate_record(report: &TestReport, forced: bool) -> GateRecord {
    GateRecord {
        passed: report.passed,
        failed: report.failed,
        failures: report
            .results
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.name.clone())
            .collect(),
        forced: forced && !report.all_passed(),
    }
}

/// The gate's refusal: 409 with the failures.
pub(crate) fn refused(report: &TestReport) -> EdgeResult<Response> {
    let body = serde_json::json!({
        "error": {
            "status": 409,
            "code": "TestsFailed",
            "message": format!(
                "{} of {} stored tests failed: nothing was published (\"force\": true publishes anyway)",
                report.failed,
                report.results.len()
            ),
        },
        "tests": report,
    });
    Ok(json(&body, 409)?)
}

/// Runs the stored tests against a document about to be saved (`PUT /admin/rules`): `None`
/// when there are none, else the record — or the 409 refusal when a test fails and the save
/// is not forced.
pub(crate) async fn gate_for_save(
    env: &Env,
    table: &RoutingTable,
    force: bool,
) -> EdgeResult<Result<Option<GateRecord>, Response>> {
    let report = gate(env, table, "the document saved").await?;
    if report.results.is_empty() {
        return Ok(Ok(None));
    }
    if !report.all_passed() && !force {
        return Ok(Err(refused(&report)?));
    }
    Ok(Ok(Some(gate_record(&report, force))))
}

/// `POST /admin/rules/publish`.
async fn publish(req: &mut Request, env: &Env, caller: &Caller) -> EdgeResult<Response> {
    let p = PublishRequest::from_json(&req.text().await?)?;
    let loaded = match load_draft(env, &p.draft).await? {
        Ok(loaded) => loaded,
        Err(refused) => return Ok(refused),
    };
    let (table, draft_etag) = (&loaded.table, loaded.etag().to_owned());
    let report = gate(env, table, &format!("draft:{}", p.draft)).await?;
    if !report.all_passed() && !p.force {
        return refused(&report);
    }
    let record = gate_record(&report, p.force);
    let change = rules_object::Change::Publish {
        draft: p.draft.clone(),
        draft_etag,
        rules: table.len(),
        tests: record,
        message: p.message,
    };
    let mut resp = super::admin::change_rules(env, caller, change, p.if_match, None).await?;
    if resp.status_code() != 200 {
        return Ok(resp);
    }
    let done: Value = resp.json().await?;
    let revision = done["revision"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut out = json(
        &serde_json::json!({
            "published": true,
            "draft": p.draft,
            "revision": done["revision"],
            "tests": report,
        }),
        200,
    )?;
    out.headers_mut()
        .set("etag", &crate::routing::revisions::etag(&revision))?;
    Ok(out)
}

/// `POST /admin/flows/test`'s body.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RunBody {
    #[serde(default)]
    draft: Option<String>,
    #[serde(default)]
    revision: Option<String>,
    #[serde(default)]
    rules: Option<Value>,
    #[serde(default)]
    tests: Option<Value>,
}

/// `POST /admin/flows/test`: tests (the body's, or the stored ones) against a draft, a
/// revision, a document, or the live rules.
async fn run(req: &mut Request, env: &Env) -> EdgeResult<Response> {
    let started = now_ms();
    let text = req.text().await?;
    if text.len() > MAX_RUN_BYTES {
        return Err(too_large(format!(
            "a test run's body is at most {MAX_RUN_BYTES} bytes, got {}",
            text.len()
        )));
    }
    let value = json_body(&text)?;
    let b: RunBody = decode_at(value, "")?;
    let given = [b.draft.is_some(), b.revision.is_some(), b.rules.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(invalid("draft", "give one of `draft`, `revision`, `rules`"));
    }
    let (table, target) = match &b.draft {
        Some(name) => {
            check_draft_name(name).map_err(|_| invalid("draft", "not a draft name"))?;
            let loaded = match load_draft(env, name).await? {
                Ok(loaded) => loaded,
                Err(refused) => return Ok(refused),
            };
            let label = format!("draft:{name}@{}", loaded.etag());
            (loaded.table, label)
        }
        None => {
            let (table, revision) = table_for(env, b.rules.as_ref(), b.revision.as_deref()).await?;
            (table, revision.unwrap_or_else(|| "rules".to_owned()))
        }
    };
    let (tests, mut unreadable) = match b.tests {
        Some(list) => {
            if list.as_array().is_some_and(|l| l.len() > MAX_TESTS) {
                return Err(too_large(format!(
                    "at most {MAX_TESTS} test cases in one run"
                )));
            }
            (crate::routing::testing::parse_tests(list)?, Vec::new())
        }
        None => stored_tests(env).await?,
    };
    let api = api_version(env);
    let mut results = run_tests(&table, Some(&target), &tests, &api, now_ms() / 1000);
    results.append(&mut unreadable);
    let report = TestReport::new(results);
    let mut body = serde_json::to_value(&report)?;
    body["target"] = Value::String(target);
    // Workers' clock moves only at I/O: `ms` is the wall time the runtime saw, and can read 0
    // for a run that is all computation (docs/flows.md; the benchmark times from the client).
    body["ms"] = (now_ms() - started).into();
    Ok(json(&body, 200)?)
}

/// `GET /admin/rules/drafts/{name}/diff`.
async fn draft_diff(env: &Env, name: &str) -> EdgeResult<Response> {
    let name = segment(name)?;
    let loaded = match load_draft(env, &name).await? {
        Ok(loaded) => loaded,
        Err(refused) => return Ok(refused),
    };
    let (live, rules) = routing_table(env).await?;
    let out = serde_json::json!({
        "liveRevision": rules.revision,
        "diff": crate::routing::diff::diff(&live, &loaded.table),
        "draft": loaded.draft,
    });
    Ok(json(&out, 200)?)
}

/// `POST /admin/rules/drafts/{name}/impact` `{"calls": n}` (default 500, at most 1,000): the
/// last n calls in the call list, newest first, replayed against the draft.
async fn draft_impact(req: &mut Request, env: &Env, name: &str) -> EdgeResult<Response> {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[serde(default)]
        calls: Option<usize>,
    }
    let name = segment(name)?;
    let text = req.text().await?;
    let b: Body = decode_at(json_body(&text)?, "")?;
    let n = b.calls.unwrap_or(impact::DEFAULT_CALLS);
    if n == 0 || n > impact::MAX_CALLS {
        return Err(invalid("calls", format!("1 to {}", impact::MAX_CALLS)));
    }
    let loaded = match load_draft(env, &name).await? {
        Ok(loaded) => loaded,
        Err(refused) => return Ok(refused),
    };
    let started = now_ms();
    let ids = recent_calls(env, n).await?;
    let (calls, failed) = recorded_calls(env, &ids).await;
    let report = impact::impact(
        &loaded.table,
        &format!("draft:{name}"),
        &calls,
        failed,
        &api_version(env),
    );
    let mut out = serde_json::to_value(&report)?;
    out["draft"] = Value::String(name);
    out["ms"] = (now_ms() - started).into();
    Ok(json(&out, 200)?)
}

/// The ids of the newest `n` calls of the call list (KV, newest first).
async fn recent_calls(env: &Env, n: usize) -> EdgeResult<Vec<String>> {
    let kv = env.kv(KV)?;
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    while ids.len() < n {
        let mut options = kv.list().prefix(INDEX_PREFIX.into()).limit(1000);
        if let Some(c) = cursor.take() {
            options = options.cursor(c);
        }
        let page = options.execute().await?;
        ids.extend(
            page.keys
                .into_iter()
                .filter_map(|k| k.metadata)
                .filter_map(|m| m["callConnectionId"].as_str().map(str::to_owned)),
        );
        match page.cursor.filter(|c| !page.list_complete && !c.is_empty()) {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    ids.truncate(n);
    Ok(ids)
}

/// Reads each call's replay input from its object, 25 at a time.
async fn recorded_calls(env: &Env, ids: &[String]) -> (Vec<RecordedCall>, Vec<UnreplayableCall>) {
    let mut calls = Vec::new();
    let mut failed = Vec::new();
    for chunk in ids.chunks(25) {
        let reads = chunk.iter().map(|id| async move {
            let got = async {
                let mut resp = call_object::call(env, id, Method::Get, "/replay", None).await?;
                if resp.status_code() != 200 {
                    let body: Value = resp.json().await.unwrap_or(Value::Null);
                    let why = body["error"]["message"]
                        .as_str()
                        .unwrap_or("the call's object has no replay")
                        .to_owned();
                    return Ok::<_, EdgeError>(Err(why));
                }
                let mut v: Value = resp.json().await?;
                v["callConnectionId"] = Value::String(id.clone());
                Ok(serde_json::from_value::<RecordedCall>(v).map_err(|e| e.to_string()))
            };
            match got.await {
                Ok(Ok(call)) => Ok(call),
                Ok(Err(reason)) => Err(UnreplayableCall {
                    call_connection_id: id.clone(),
                    reason,
                }),
                Err(e) => Err(UnreplayableCall {
                    call_connection_id: id.clone(),
                    reason: e.message,
                }),
            }
        });
        for r in futures_util::future::join_all(reads).await {
            match r {
                Ok(c) => calls.push(c),
                Err(u) => failed.push(u),
            }
        }
    }
    (calls, failed)
}
