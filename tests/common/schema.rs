//! A small validator for the swagger-2.0 subset the Call Automation spec uses.
//!
//! It resolves `$ref`s inside a document (`#/definitions/X`) and into sibling files
//! (`../../../Common/stable/2025-06-30/common.json#/definitions/X`), and checks `type`,
//! `properties`, `required`, `additionalProperties` (false or a schema), `enum`, `items`,
//! `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `format`
//! (`int32`, `int64`, `uuid`; others are only type-checked), `readOnly` (refused in
//! requests) and polymorphism (`discriminator` + `allOf` + `x-ms-discriminator-value`).
//!
//! Two decisions make it stricter than swagger, on purpose:
//! * **Closed world.** A property the schema does not declare is an error even when the
//!   spec leaves `additionalProperties` unset (e.g. the `common.json` identifier models):
//!   our bodies must carry exactly the spec's property names, and a typo must fail.
//! * **Unknown keywords fail.** A schema keyword this validator does not implement is
//!   reported as an error instead of being ignored, so a new spec cannot pass silently.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The stable spec, relative to the crate root.
pub const STABLE_SPEC: &str =
    "tests/fixtures/spec/CallAutomation/stable/2026-03-12/communicationservicescallautomation.json";

/// Whether a value is sent to the service (readOnly properties are refused) or received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

const KNOWN_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "items",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "format",
    "readOnly",
    "discriminator",
    "allOf",
    "description",
    "title",
    "default",
    "example",
];

/// A spec document plus every document its `$ref`s reach.
#[derive(Debug)]
pub struct Spec {
    pub main: PathBuf,
    docs: HashMap<PathBuf, Value>,
}

impl Spec {
    /// Loads the stable spec fixture and the files it references.
    pub fn stable() -> Spec {
        // The fixtures are at the repository root, also for the workspace's other crates.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|p| p.join(STABLE_SPEC).exists())
            .expect("tests/fixtures at the repository root");
        Spec::load(&root.join(STABLE_SPEC))
    }

    /// Loads `main` and, transitively, every file named in a `$ref`.
    pub fn load(main: &Path) -> Spec {
        let main = normalize(main);
        let mut spec = Spec {
            main: main.clone(),
            docs: HashMap::new(),
        };
        let mut todo = vec![main];
        while let Some(path) = todo.pop() {
            if spec.docs.contains_key(&path) {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let doc: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut refs = Vec::new();
            collect_refs(&doc, &mut refs);
            for r in refs {
                if let Some((file, _)) = r.split_once('#').filter(|(f, _)| !f.is_empty()) {
                    todo.push(normalize(&path.parent().expect("doc dir").join(file)));
                }
            }
            spec.docs.insert(path, doc);
        }
        spec
    }

    /// The main document.
    pub fn doc(&self) -> &Value {
        &self.docs[&self.main]
    }

    /// `(method, path template, operation object)` of every operation in the main document.
    pub fn operations(&self) -> Vec<(String, String, &Value)> {
        let mut out = Vec::new();
        for (path, item) in self.doc()["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if op.get("operationId").is_some() {
                    out.push((method.to_ascii_uppercase(), path.clone(), op));
                }
            }
        }
        out
    }

    /// The operation with `operation_id`; panics when the spec has none.
    pub fn operation(&self, operation_id: &str) -> (String, String, &Value) {
        self.operations()
            .into_iter()
            .find(|(_, _, op)| op["operationId"] == operation_id)
            .unwrap_or_else(|| panic!("spec has no operationId {operation_id}"))
    }

    /// The operation's parameters with `#/parameters/..` references resolved.
    pub fn parameters(&self, operation_id: &str) -> Vec<&Value> {
        let (_, _, op) = self.operation(operation_id);
        let params = op["parameters"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        params
            .iter()
            .map(|p| self.resolve(&self.main, p).1)
            .collect()
    }

    /// Follows `$ref` chains starting at `schema` (which lives in `doc`).
    pub fn resolve<'a>(&'a self, doc: &Path, mut schema: &'a Value) -> (PathBuf, &'a Value) {
        let mut doc = doc.to_path_buf();
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let (file, pointer) = r.split_once('#').unwrap_or((r, ""));
            if !file.is_empty() {
                doc = normalize(&doc.parent().expect("doc dir").join(file));
            }
            let target = self
                .docs
                .get(&doc)
                .unwrap_or_else(|| panic!("{} not loaded", doc.display()));
            schema = target
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
        }
        (doc, schema)
    }

    /// Errors of `value` against `schema` (found in `doc`), each prefixed with its JSON path.
    pub fn errors(
        &self,
        doc: &Path,
        schema: &Value,
        value: &Value,
        direction: Direction,
    ) -> Vec<String> {
        let mut v = Validator {
            spec: self,
            direction,
            errors: Vec::new(),
        };
        v.check(doc, schema, value, "$", true);
        v.errors
    }
}

struct Validator<'s> {
    spec: &'s Spec,
    direction: Direction,
    errors: Vec<String>,
}

impl<'s> Validator<'s> {
    fn err(&mut self, at: &str, msg: impl AsRef<str>) {
        self.errors.push(format!("{at}: {}", msg.as_ref()));
    }

    fn check(&mut self, doc: &Path, schema: &Value, value: &Value, at: &str, dispatch: bool) {
        if self.direction == Direction::Request
            && schema.get("readOnly") == Some(&Value::Bool(true))
        {
            self.err(at, "is readOnly and must not be sent");
        }
        let (doc, schema) = self.spec.resolve(doc, schema);
        let Some(obj) = schema.as_object() else {
            return self.err(at, "schema is not an object");
        };
        for key in obj.keys() {
            if !key.starts_with("x-") && !KNOWN_KEYWORDS.contains(&key.as_str()) {
                self.err(
                    at,
                    format!("validator does not implement schema keyword {key:?}"),
                );
            }
        }
        if dispatch {
            if let Some((sub_doc, sub)) = self.subtype(&doc, obj, value, at) {
                return self.check(&sub_doc, sub, value, at, false);
            }
        }
        self.check_type(obj, value, at);
        self.check_enum_and_limits(obj, value, at);
        match value {
            Value::Object(map) if is_object_schema(obj) => self.check_object(&doc, schema, map, at),
            Value::Array(items) => {
                if let Some(item_schema) = obj.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(&doc, item_schema, item, &format!("{at}[{i}]"), true);
                    }
                }
            }
            _ => {}
        }
    }

    /// For a schema with a `discriminator`, the definition whose `x-ms-discriminator-value`
    /// equals the value's discriminator property and whose `allOf` names this schema.
    fn subtype(
        &mut self,
        doc: &Path,
        obj: &Map<String, Value>,
        value: &Value,
        at: &str,
    ) -> Option<(PathBuf, &'s Value)> {
        let spec: &'s Spec = self.spec;
        let prop = obj.get("discriminator")?.as_str()?;
        let wanted = value.get(prop)?.as_str()?;
        let defs = spec.docs.get(doc)?.get("definitions")?.as_object()?;
        let base = defs
            .iter()
            .find(|(_, d)| d.as_object() == Some(obj))
            .map(|(n, _)| n.as_str())?;
        let base_ref = format!("#/definitions/{base}");
        let found = defs.values().find(|d| {
            d.get("x-ms-discriminator-value").and_then(Value::as_str) == Some(wanted)
                && d["allOf"]
                    .as_array()
                    .is_some_and(|all| all.iter().any(|a| a["$ref"] == base_ref.as_str()))
        });
        if found.is_none() {
            self.err(at, format!("no subtype of {base} has {prop} = {wanted:?}"));
        }
        found.map(|d| (doc.to_path_buf(), d))
    }

    fn check_type(&mut self, obj: &Map<String, Value>, value: &Value, at: &str) {
        let Some(ty) = obj.get("type").and_then(Value::as_str) else {
            return;
        };
        let ok = match ty {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            other => return self.err(at, format!("validator does not implement type {other:?}")),
        };
        if !ok {
            self.err(at, format!("expected {ty}, got {value}"));
        }
    }

    fn check_enum_and_limits(&mut self, obj: &Map<String, Value>, value: &Value, at: &str) {
        if let Some(allowed) = obj.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                self.err(
                    at,
                    format!("{value} is not one of {}", Value::Array(allowed.clone())),
                );
            }
        }
        let num = value.as_f64();
        let bound = |k: &str| obj.get(k).and_then(Value::as_f64);
        if let (Some(n), Some(min)) = (num, bound("minimum")) {
            if n < min {
                self.err(at, format!("{n} is below minimum {min}"));
            }
        }
        if let (Some(n), Some(max)) = (num, bound("maximum")) {
            if n > max {
                self.err(at, format!("{n} is above maximum {max}"));
            }
        }
        let len = value
            .as_str()
            .map(|s| s.chars().count())
            .or(value.as_array().map(Vec::len));
        for (key, is_min) in [
            ("minLength", true),
            ("minItems", true),
            ("maxLength", false),
            ("maxItems", false),
        ] {
            if let (Some(n), Some(limit)) = (len, obj.get(key).and_then(Value::as_u64)) {
                let limit = usize::try_from(limit).expect("limit");
                if (is_min && n < limit) || (!is_min && n > limit) {
                    self.err(at, format!("length {n} violates {key} {limit}"));
                }
            }
        }
        self.check_format(obj, value, at);
    }

    fn check_format(&mut self, obj: &Map<String, Value>, value: &Value, at: &str) {
        match (obj.get("format").and_then(Value::as_str), value) {
            (Some("int32"), v)
                if v.is_number() && v.as_i64().and_then(|n| i32::try_from(n).ok()).is_none() =>
            {
                self.err(at, format!("{v} is not an int32"))
            }
            (Some("int64"), v) if v.is_number() && v.as_i64().is_none() => {
                self.err(at, format!("{v} is not an int64"))
            }
            (Some("uuid"), Value::String(s)) if !is_uuid(s) => {
                self.err(at, format!("{s:?} is not a uuid"))
            }
            _ => {}
        }
    }

    fn check_object(&mut self, doc: &Path, schema: &Value, map: &Map<String, Value>, at: &str) {
        let facets = self.facets(doc, schema);
        let mut props: HashMap<&str, (&Path, &Value)> = HashMap::new();
        let mut extra: Option<(&Path, &Value)> = None;
        for (fdoc, f) in &facets {
            if let Some(p) = f.get("properties").and_then(Value::as_object) {
                props.extend(p.iter().map(|(k, s)| (k.as_str(), (fdoc.as_path(), s))));
            }
            match f.get("additionalProperties") {
                Some(Value::Bool(true)) => extra = Some((fdoc.as_path(), &Value::Null)),
                Some(s @ Value::Object(_)) => extra = Some((fdoc.as_path(), s)),
                _ => {}
            }
            for req in f
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = req.as_str().expect("required name");
                if !map.contains_key(name) {
                    self.err(at, format!("missing required property {name:?}"));
                }
            }
        }
        for (key, val) in map {
            let here = format!("{at}.{key}");
            match (props.get(key.as_str()), extra) {
                (Some((d, s)), _) => self.check(d, s, val, &here, true),
                (None, Some((d, s))) if !s.is_null() => self.check(d, s, val, &here, true),
                (None, Some(_)) => {}
                (None, None) => self.err(&here, "is not a property of this schema"),
            }
        }
    }

    /// The schema itself plus its `allOf` parents (resolved, transitively).
    fn facets(&self, doc: &Path, schema: &Value) -> Vec<(PathBuf, Value)> {
        let mut out = vec![(doc.to_path_buf(), schema.clone())];
        for parent in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (pdoc, p) = self.spec.resolve(doc, parent);
            out.extend(self.facets(&pdoc, p));
        }
        out
    }
}

fn is_object_schema(obj: &Map<String, Value>) -> bool {
    obj.get("type").and_then(Value::as_str) == Some("object")
        || obj.contains_key("properties")
        || obj.contains_key("allOf")
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Lexically removes `.` and `..` so that the same file always has the same key.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
