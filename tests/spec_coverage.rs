//! Every operation of the stable spec has a golden test.
//!
//! A golden test file marks each operation it covers with a comment line
//! `// operationId: <id>` and calls `assert_request_matches("<id>", ..)` (which checks the
//! method, path and body schema). This test fails for any spec operation without both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

fn test_sources() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "spec_coverage.rs")
        {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
            all.push('\n');
        }
    }
    all
}

fn covered(sources: &str, id: &str) -> bool {
    let marker = sources
        .lines()
        .any(|l| l.trim() == format!("// operationId: {id}"));
    marker && sources.contains(&format!("assert_request_matches(\"{id}\""))
}

#[test]
fn the_stable_spec_has_34_operations() {
    assert_eq!(common::spec().operations().len(), 34);
}

#[test]
fn every_operation_has_a_golden_test() {
    let sources = test_sources();
    let ids: BTreeSet<String> = common::spec()
        .operations()
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = ids.iter().filter(|id| !covered(&sources, id)).collect();
    assert!(
        missing.is_empty(),
        "operations without a golden test: {missing:?}"
    );
}

#[test]
fn markers_name_real_operations() {
    let sources = test_sources();
    let spec = common::spec();
    for line in sources.lines() {
        if let Some(id) = line.trim().strip_prefix("// operationId: ") {
            let _ = spec.operation(id); // panics for an unknown id
        }
    }
}
