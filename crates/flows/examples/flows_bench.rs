//! Native timings of the flow language (scripts/bench-flows; results in BENCHMARKS.md):
//!
//! * loading a generated 200-rule document with 500 steps (20 named flows of 25 steps):
//!   parse and validate (`RoutingTable::from_json`);
//! * one flow step decision: a session waiting in a menu handles the caller's tone and queues
//!   the next step's command (`CallSession::handle_event`, on a clone of the waiting session);
//! * the simulator on every scenario of `tests/fixtures/flows` and `examples/flows`.
//!
//! Each figure is the median (and the 99th percentile) of repeated runs, in microseconds.
//! `cargo run --release -p callsteer-edge --example flows_bench`
#![allow(clippy::expect_used, clippy::panic)] // a benchmark of fixed, committed inputs: a bad one should stop it loudly

use callsteer_flows::dry_run::DryRunRequest;
use callsteer_flows::simulate::{parse_script, simulate};
use callsteer_flows::RoutingTable;
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// (median, p99) in microseconds of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut us: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    us.sort_by(f64::total_cmp);
    let at = |p: f64| us[((us.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99))
}

/// 20 named flows of 25 steps (a chain of menus, each with a way back, ending in transfers and
/// hang-ups) and 200 rules, each answering one number with one of them.
fn big_document() -> String {
    let flow = |f: usize| {
        let mut steps = Vec::new();
        for i in 0..20 {
            let next = if i + 1 < 20 {
                format!("m{}", i + 1)
            } else {
                "agent".into()
            };
            let back = if i > 0 {
                format!("m{}", i - 1)
            } else {
                "m0".into()
            };
            steps.push(json!({
                "id": format!("m{i}"),
                "collect": {"prompt": {"text": format!("Flow {f} menu {i}: 1 next, 0 back, 9 repeat.")}, "timeoutSeconds": 5, "attempts": 2},
                "on": {"1": next, "0": back, "9": format!("m{i}")},
                "noMatch": "bye"
            }));
        }
        steps.push(json!({"id": "agent", "transfer": {"targets": ["+14255550101", "+14255550102"]}, "failure": "queue"}));
        steps.push(json!({"id": "queue", "ring": {"targets": ["+14255550103", "+14255550104"], "mode": "simultaneous"}, "failure": "hold"}));
        steps.push(json!({"id": "hold", "park": {"maxWaitSeconds": 60}, "timeout": "check"}));
        steps.push(json!({"id": "check", "webhook": {"url": "https://app.example/check"}, "next": "bye", "failure": "bye"}));
        steps.push(json!({"id": "bye", "hangUp": {"prompt": {"text": "Goodbye."}}}));
        json!({"start": "m0", "steps": steps})
    };
    let flows: serde_json::Map<String, Value> =
        (0..20).map(|f| (format!("flow{f}"), flow(f))).collect();
    let rules: Vec<Value> = (0..200)
        .map(|r| {
            json!({"name": format!("line-{r}"), "match": {"to": {"exact": format!("+1800555{r:04}")}},
                   "action": {"answer": {"flow": format!("flow{}", r % 20)}}})
        })
        .collect();
    json!({"version": 2, "flows": flows, "rules": rules}).to_string()
}

fn main() {
    let doc = big_document();
    let table = RoutingTable::from_json(&doc).expect("the generated document is valid");
    let steps: usize = 20 * 25;
    let (p50, p99) = time(50, || RoutingTable::from_json(&doc).map(|t| t.len()));
    println!(
        "load a {}-rule, {steps}-step document ({} KiB): median {:.0} µs, p99 {:.0} µs",
        table.len(),
        doc.len() / 1024,
        p50,
        p99
    );

    let (waiting, tone) =
        callsteer_flows::bench_fixtures::waiting_in_menu().expect("menus fixture");
    let (p50, p99) = time(20_000, || {
        let mut s = waiting.clone();
        s.handle_event(&tone);
        s.outbox().len()
    });
    let (c50, _) = time(20_000, || waiting.clone().outbox().len());
    println!(
        "one flow step decision (menu → next menu, command queued): median {p50:.2} µs, p99 {p99:.2} µs (of which cloning the waiting session: median {c50:.2} µs)"
    );

    for path in ["tests/fixtures/flows", "examples/flows"] {
        let Ok(dir) = std::fs::read_dir(format!("{ROOT}/{path}")) else {
            continue;
        };
        let mut files: Vec<_> = dir.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let f: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_default())
                    .unwrap_or(Value::Null);
            let Ok(table) = RoutingTable::from_json(&f["rules"].to_string()) else {
                continue;
            };
            for case in f["cases"].as_array().into_iter().flatten() {
                let call: DryRunRequest =
                    serde_json::from_value(case["call"].clone()).unwrap_or_default();
                let raw: Vec<Value> =
                    serde_json::from_value(case["script"].clone()).unwrap_or_default();
                let Ok(script) = parse_script(&raw) else {
                    continue;
                };
                let (p50, p99) = time(500, || {
                    simulate(&table, None, &call, &script, callsteer::DEFAULT_API_VERSION)
                        .map(|r| r.commands.len())
                });
                println!(
                    "simulate {}: {}: median {p50:.0} µs, p99 {p99:.0} µs",
                    file.file_stem().and_then(|s| s.to_str()).unwrap_or("?"),
                    case["name"].as_str().unwrap_or("?")
                );
            }
        }
    }
}
