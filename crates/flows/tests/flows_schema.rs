//! docs/flows.schema.json (served at `/admin/flows/schema` for editors) holds to the documents
//! the worker accepts: every document the repository ships validates, documents the worker
//! refuses for their shape fail it, and every step key and outcome path the parser knows is in
//! it (read from the parser's own tables, so a new one cannot be forgotten).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer_flows::flow::parse::STEP_KEYS;
use callsteer_flows::flow::step::STEP_KINDS;
use callsteer_flows::RoutingTable;
use serde_json::{json, Value};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn schema() -> Value {
    schema_at("docs/flows.schema.json")
}

fn schema_at(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap()).unwrap()
}

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Validator {
        Validator::of(schema())
    }

    fn of(schema: Value) -> Validator {
        let id = schema["$id"].as_str().unwrap().to_owned();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource(&id, schema).unwrap();
        let index = compiler.compile(&id, &mut schemas).unwrap();
        Validator { schemas, index }
    }

    fn valid(&self, doc: &Value) -> Result<(), String> {
        self.schemas
            .validate(doc, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

/// Every rules document the repository ships: the scenario fixtures, the `ROUTING_RULES` of
/// wrangler.toml, and the demo's.
fn shipped() -> Vec<(String, Value)> {
    let mut docs = Vec::new();
    let dirs = ["tests/fixtures/flows", "examples/flows"];
    for entry in dirs
        .iter()
        .flat_map(|d| std::fs::read_dir(format!("{ROOT}/{d}")).unwrap())
    {
        let path = entry.unwrap().path();
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        docs.push((path.display().to_string(), f["rules"].clone()));
    }
    let toml = std::fs::read_to_string(format!("{ROOT}/wrangler.toml")).unwrap();
    let start = toml.find("ROUTING_RULES = '''").unwrap() + "ROUTING_RULES = '''".len();
    let end = start + toml[start..].find("'''").unwrap();
    docs.push((
        "wrangler.toml".into(),
        serde_json::from_str(&toml[start..end]).unwrap(),
    ));
    docs
}

#[test]
fn every_shipped_document_is_accepted_by_the_worker_and_the_schema() {
    let v = Validator::new();
    let docs = shipped();
    assert!(docs.len() >= 7, "{}", docs.len());
    for (name, doc) in docs {
        RoutingTable::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        v.valid(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn shapes_the_worker_refuses_fail_the_schema() {
    let v = Validator::new();
    let with_steps = |steps: Value| json!({"version": 2, "rules": [{"name": "r", "action": {"answer": {"flow": {"steps": steps}}}}]});
    let bad = [
        with_steps(json!([{"id": "a", "hangUp": {}, "play": {"prompt": {"text": "x"}}}])),
        with_steps(json!([{"id": "a", "hangUp": {}, "colour": "red"}])),
        with_steps(
            json!([{"id": "a", "collect": {"prompt": {"text": "x"}, "maxTones": 0}, "next": "a"}]),
        ),
        with_steps(
            json!([{"id": "a", "ring": {"targets": [], "mode": "sometimes"}, "failure": "a"}]),
        ),
        with_steps(json!([{"id": "has space", "hangUp": {}}])),
        json!({"version": 3, "rules": []}),
        json!({"version": 1, "rules": [{"name": "r", "action": {"answer": {}, "reject": {}}}]}),
    ];
    for doc in bad {
        assert!(RoutingTable::from_json(&doc.to_string()).is_err(), "{doc}");
        assert!(v.valid(&doc).is_err(), "the schema accepts {doc}");
    }
}

#[test]
fn the_schema_names_every_step_key_and_path() {
    let s = schema();
    let step = &s["$defs"]["step"]["properties"];
    for key in STEP_KINDS.iter().chain(STEP_KEYS.iter()) {
        assert!(step.get(*key).is_some(), "{key} is missing from $defs.step");
    }
    let listed: Vec<&str> = step
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for key in listed {
        assert!(
            STEP_KINDS.contains(&key) || STEP_KEYS.contains(&key),
            "the schema has {key}, which the parser does not know"
        );
    }
}

#[test]
fn a_loaded_document_written_back_loads_and_routes_the_same() {
    for (name, doc) in shipped() {
        let table = RoutingTable::from_json(&doc.to_string()).unwrap();
        let text = serde_json::to_string(&table.to_document()).unwrap();
        let again =
            RoutingTable::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        for rule in table.rules() {
            assert_eq!(again.rule(&rule.name), Some(rule), "{name}: {}", rule.name);
        }
        assert_eq!(again.default_action(), table.default_action());
    }
}

/// Every complete rules document the docs show (a ```json block with a `version`: the version 1
/// example of docs/edge.md, the version 2 one of docs/flows.md) loads, and the schema accepts it.
#[test]
fn the_documents_in_the_docs_load() {
    let mut loaded = 0;
    for doc in ["docs/edge.md", "docs/flows.md"] {
        let text = std::fs::read_to_string(format!("{ROOT}/{doc}")).unwrap();
        for block in text.split("```json").skip(1) {
            let json = block.split("```").next().unwrap_or_default();
            let Ok(value) = serde_json::from_str::<Value>(json) else {
                continue;
            };
            if value.get("version").is_none() {
                continue;
            }
            RoutingTable::from_json(json).unwrap_or_else(|e| panic!("{doc}: {e}\n{json}"));
            Validator::new()
                .valid(&value)
                .unwrap_or_else(|e| panic!("{doc}: {e}"));
            loaded += 1;
        }
    }
    assert!(loaded >= 2, "{loaded} documents found in the docs");
}

/// The test cases docs/flows.md shows read, and are valid for their schema.
#[test]
fn the_test_cases_in_the_docs_read() {
    let v = Validator::of(schema_at("docs/flows.tests.schema.json"));
    let text = std::fs::read_to_string(format!("{ROOT}/docs/flows.md")).unwrap();
    let mut read = 0;
    for block in text.split("```json").skip(1) {
        let json = block.split("```").next().unwrap_or_default();
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            continue;
        };
        if value.get("expect").is_none() {
            continue;
        }
        callsteer_flows::testing::parse_test(value.clone(), "")
            .unwrap_or_else(|e| panic!("{e}\n{json}"));
        v.valid(&value).unwrap_or_else(|e| panic!("{e}"));
        read += 1;
    }
    assert!(read >= 1, "{read} test cases found in docs/flows.md");
}

/// docs/flows.tests.schema.json (served at `/admin/flows/tests/schema`) holds to the test cases
/// `callsteer_flows::testing` reads: every shipped case is valid for both, and the shapes the
/// reader refuses fail the schema too.
#[test]
fn the_test_case_schema_agrees_with_the_reader() {
    use callsteer_flows::testing::{parse_test, ENDS};
    let v = Validator::of(schema_at("docs/flows.tests.schema.json"));
    let mut n = 0;
    for dir in ["tests/fixtures/flows", "examples/flows"] {
        for entry in std::fs::read_dir(format!("{ROOT}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let f: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for case in f["cases"].as_array().into_iter().flatten() {
                v.valid(case)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                parse_test(case.clone(), "").unwrap();
                n += 1;
            }
        }
    }
    assert!(n >= 16, "{n} cases");
    let ok = json!({"name": "t", "call": {"from": "+14255550111", "to": "+18005550100"},
                    "script": [{"tones": "1"}], "expect": {"commands": ["AnswerCall"]}});
    v.valid(&ok).unwrap();
    parse_test(ok.clone(), "").unwrap();
    let edits: Vec<(&str, Value)> = vec![
        ("/expect/paths", json!([])),
        ("/expect/end", json!("done")),
        (
            "/expect/commands",
            json!([{"operation": "AnswerCall", "body": {"x": 1}}]),
        ),
        (
            "/expect/commands",
            json!([{"operation": "AnswerCall", "bodyy": {}}]),
        ),
        ("/expect/commands", json!([7])),
        ("/expect/rule", json!(3)),
        ("/expect/variables", json!({"a": 1})),
        ("/script", json!([{"press": "1"}])),
        ("/script", json!([{"tones": "1x"}])),
        ("/script", json!([{"target": "+1", "outcome": "maybe"}])),
        ("/call/form", json!("+1")),
        ("/name", json!("")),
        ("/name", json!("a/b")),
        ("/extra", json!(true)),
    ];
    for (pointer, value) in edits {
        let mut case = ok.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        case.pointer_mut(parent).unwrap()[key] = value.clone();
        assert!(
            v.valid(&case).is_err(),
            "the schema accepts {pointer} = {value}"
        );
        assert!(
            parse_test(case, "").is_err(),
            "the reader accepts {pointer} = {value}"
        );
    }
    // The schema's ends and operation names are the reader's.
    let test_schema = schema_at("docs/flows.tests.schema.json");
    let ends: Vec<&str> = test_schema["$defs"]["expect"]["properties"]["end"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(ends, ENDS);
    for op in callsteer::api::routes::OperationId::ALL {
        let case = json!({"name": "t", "call": {"from": "+1", "to": "+2"},
                          "expect": {"notCommands": [op.as_str()]}});
        v.valid(&case).unwrap_or_else(|e| panic!("{op}: {e}"));
    }
}
