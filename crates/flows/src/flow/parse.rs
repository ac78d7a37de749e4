//! Reading a flow from a rules document, strictly: every unknown key, wrong type or bad value is
//! an [`Error::InvalidInput`] whose `field` is the path a user can follow
//! (`rules[2](support).action.answer.flow.steps[3](menu).collect.maxTones`).

use super::legacy::LegacyFlow;
use super::step::{FlowStep, STEP_KINDS};
use super::{validate, Flow, Warning};
use crate::decode_at;
use callsteer::Error;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keys a step object may have besides its step key.
pub const STEP_KEYS: [&str; 11] = [
    "id",
    "next",
    "on",
    "noInput",
    "noMatch",
    "failure",
    "busy",
    "noAnswer",
    "timeout",
    "limit",
    "maxVisits",
];

/// A flow as a rules document writes it at `path`: the name of a flow under the document's
/// `flows` (`"main"`), a graph (`{"steps": […]}`), or the version 1 form (`{"greeting", "menu"}`).
/// Warnings name their field in full.
///
/// # Errors
/// [`Error::InvalidInput`] naming the first problem; a graph's problems are [`validate`]'s.
pub fn parse_flow(
    value: Value,
    path: &str,
    version: u32,
    named: &BTreeMap<String, Flow>,
) -> Result<(Flow, Vec<Warning>), Error> {
    match value {
        Value::String(name) => named
            .get(&name)
            .cloned()
            .map(|f| (f, Vec::new()))
            .ok_or_else(|| Error::invalid(path, format!("no flow named {name:?} under `flows`"))),
        Value::Object(map) if map.contains_key("steps") => {
            if version < 2 {
                return Err(Error::invalid(
                    path,
                    "a flow with `steps` needs `\"version\": 2`",
                ));
            }
            parse_graph(map, path).map(|f| (f, Vec::new()))
        }
        value @ Value::Object(_) => {
            let old: LegacyFlow = decode_at(value, path)?;
            old.check()
                .map_err(|(f, r)| Error::invalid(format!("{path}.{f}"), r))?;
            let (flow, warnings) = old.to_graph();
            let warnings = warnings
                .into_iter()
                .map(|w| Warning {
                    field: format!("{path}.{}", w.field),
                    ..w
                })
                .collect();
            Ok((flow, warnings))
        }
        _ => Err(Error::invalid(
            path,
            "a flow is the name of one under `flows`, an object with `steps`, or a version 1 \
             `{greeting, menu}` object",
        )),
    }
}

/// The document's `flows`: name → graph, each validated.
///
/// # Errors
/// As [`parse_flow`], at `flows.<name>`.
pub fn parse_named(value: Value) -> Result<BTreeMap<String, Flow>, Error> {
    let Value::Object(map) = value else {
        return Err(Error::invalid("flows", "must be an object: name → flow"));
    };
    let mut flows = BTreeMap::new();
    for (name, flow) in map {
        let path = format!("flows.{name}");
        if !super::template::is_name(&name) {
            return Err(Error::invalid(
                path,
                "a flow name is 1-64 letters, digits, _ - .",
            ));
        }
        let Value::Object(obj) = flow else {
            return Err(Error::invalid(path, "must be an object with `steps`"));
        };
        let mut graph = parse_graph(obj, &path)?;
        graph.name = Some(name.clone());
        flows.insert(name, graph);
    }
    Ok(flows)
}

fn parse_graph(mut map: Map<String, Value>, path: &str) -> Result<Flow, Error> {
    if let Some(key) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "name" | "start" | "steps"))
    {
        return Err(Error::invalid(
            format!("{path}.{key}"),
            "unknown field: a flow has `start`, `steps` and an optional `name`",
        ));
    }
    let name = match map.remove("name") {
        None => None,
        Some(Value::String(s)) if super::template::is_name(&s) => Some(s),
        Some(_) => {
            return Err(Error::invalid(
                format!("{path}.name"),
                "a flow name is 1-64 letters, digits, _ - .",
            ))
        }
    };
    let start = match map.remove("start") {
        None => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(Error::invalid(format!("{path}.start"), "must be a step id")),
    };
    let Some(Value::Array(raw)) = map.remove("steps") else {
        return Err(Error::invalid(
            format!("{path}.steps"),
            "must be an array of steps",
        ));
    };
    let mut steps = Vec::with_capacity(raw.len());
    for (i, value) in raw.into_iter().enumerate() {
        steps.push(parse_step(value, &format!("{path}.steps[{i}]"))?);
    }
    let flow = Flow { name, start, steps };
    validate::validate(&flow, path)?;
    Ok(flow)
}

fn parse_step(value: Value, path: &str) -> Result<FlowStep, Error> {
    let Value::Object(map) = value else {
        return Err(Error::invalid(path, "a step is an object"));
    };
    let id = map.get("id").and_then(Value::as_str).unwrap_or("");
    let here = format!("{path}({id})");
    let kinds: Vec<&str> = STEP_KINDS
        .iter()
        .copied()
        .filter(|k| map.contains_key(*k))
        .collect();
    match kinds.as_slice() {
        [_] => {}
        [] => {
            return Err(Error::invalid(
                here,
                format!("a step needs one of {}", STEP_KINDS.join(", ")),
            ))
        }
        [a, b, ..] => {
            return Err(Error::invalid(
                here,
                format!("one step key per step, got {a} and {b}"),
            ))
        }
    }
    if let Some(key) = map
        .keys()
        .find(|k| !STEP_KEYS.contains(&k.as_str()) && !STEP_KINDS.contains(&k.as_str()))
    {
        return Err(Error::invalid(
            format!("{here}.{key}"),
            format!(
                "unknown field (a step has id, one of {}, and outcome paths)",
                STEP_KINDS.join(", ")
            ),
        ));
    }
    decode_at(Value::Object(map), &here)
}
