//! The `callsteer/flows` shell (crates/npm-flows/js) against the interpreter: it adapts and
//! prints, so it names none of the words a flow rule or a test's comparison would need. The
//! words are read from the crates, not listed here, so what they gain is forbidden too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// crates/npm's reader of its shell, shared by both guards.
#[path = "../../npm/tests/shell_js/mod.rs"]
mod shell_js;

use callsteer::api::routes::OperationId;
use callsteer_flows::testing::{Expect, ENDS};

/// How a call ends, the operations, the members of `expect` and the api-version: none is in
/// the shell (the report's text and JUnit come from the engine; the default api-version too).
#[test]
fn the_shell_has_no_flow_or_test_rule_of_its_own() {
    let expect = serde_json::to_value(Expect {
        rule: Some(None),
        end: Some(String::new()),
        path: Some(Vec::new()),
        path_includes: Some(Vec::new()),
        commands: Some(Vec::new()),
        not_commands: Some(Vec::new()),
        variables: Some(Default::default()),
    })
    .unwrap();
    let members: Vec<&str> = expect
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(members.len(), 7, "every member of expect: {members:?}");
    let operations = OperationId::ALL.iter().map(|op| op.as_str());
    let words: Vec<&str> = ENDS
        .iter()
        .copied()
        .chain(operations)
        .chain(members)
        .collect();
    for (file, code) in shell_sources() {
        assert!(
            !code.contains(callsteer::DEFAULT_API_VERSION),
            "{file}: the api-version"
        );
        for word in &words {
            assert!(!mentions(&code, word), "{file} names {word:?}");
        }
    }
}

#[test]
fn the_check_finds_what_it_forbids() {
    for code in [
        r#"if (r.end === "hungUp")"#,
        "x.pathIncludes",
        "{ notCommands: [] }",
        "['AnswerCall']",
    ] {
        let word = ["hungUp", "pathIncludes", "notCommands", "AnswerCall"]
            .into_iter()
            .find(|w| code.contains(w))
            .unwrap();
        assert!(mentions(code, word), "{code}");
    }
    assert!(!mentions("join(path, f)", "path"));
    assert!(!mentions("doc.rules", "rule"));
}

/// `word` as a whole string literal, a property read (`.word`) or a key (`word:`).
fn mentions(code: &str, word: &str) -> bool {
    let ident =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        let quoted = matches!(before, Some('"' | '\'' | '`')) && before == after;
        quoted || (!ident(after) && (before == Some('.') || (!ident(before) && after == Some(':'))))
    })
}

/// The shell's JavaScript without comment lines (comments may name what the code must not).
fn shell_sources() -> Vec<(String, String)> {
    let out = shell_js::sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js"));
    assert_eq!(out.len(), 5, "the shell's files: {out:?}");
    out
}
