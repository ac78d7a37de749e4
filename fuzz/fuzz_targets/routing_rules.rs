//! The routing rules document (PUT /admin/rules, the ROUTING_RULES var): load, then route a
//! generated call.
//!
//! Input: the document's JSON text, optionally followed by a NUL byte and bytes from which
//! `arbitrary` builds the call. The call's texts are drawn either from the bytes or from the
//! document's own strings, and its time either anywhere in `i64` or near the fixture time,
//! so generated calls do reach the rules' conditions and time windows.
//!
//! Properties:
//! * a refused document is `InvalidInput` whose field is a path into it (`document`,
//!   `version`, `rules`, `default…`, `rules[i]…`, or the unknown top-level key refused);
//! * routing never panics, and a matching rule is one of the document's;
//! * an accepted document, as the table holds it (`RoutingTable::to_document`: version 2, its
//!   flows as graphs), serialized and loaded again, is accepted and routes the call to the same
//!   decision.
#![no_main]

use callsteer_flows::{CallInfo, RoutingTable};
use callsteer_fuzz::{invalid_field, strings_of};
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

/// Friday 2026-11-20 15:00 UTC, the time the routing tests use.
const FIXTURE_TIME: i64 = 1_795_705_200;

#[derive(Arbitrary, Debug)]
enum Text {
    Own(String),
    FromDocument(u16),
}

#[derive(Arbitrary, Debug)]
enum When {
    Anytime(i64),
    /// Within about two weeks either side of the fixture time.
    Near(i32),
}

#[derive(Arbitrary, Debug)]
struct Call {
    to: Text,
    from: Text,
    caller_display_name: Option<Text>,
    sip_headers: Vec<(Text, Text)>,
    voip_headers: Vec<(Text, Text)>,
    when: When,
}

fuzz_target!(|data: &[u8]| {
    let (doc, call_bytes) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(doc) = std::str::from_utf8(doc) else { return };
    let table = match RoutingTable::from_json(doc) {
        Ok(t) => t,
        Err(e) => {
            let field = invalid_field("RoutingTable::from_json", &e);
            assert!(names_a_path(field, doc), "field {field:?} is not a path into the document");
            return;
        }
    };
    let pool = document_strings(doc);
    let Ok(call) = Call::arbitrary_take_rest(Unstructured::new(call_bytes)) else { return };
    let call = call_info(call, &pool);
    let decision = table.route(&call);
    if let Some(name) = &decision.rule {
        assert!(table.rule(name).is_some(), "decision names unknown rule {name:?}");
    }
    // Serialize the accepted document as the table holds it and load it again: same routing.
    let text = serde_json::to_string(&table.to_document()).expect("serialize");
    let again = match RoutingTable::from_json(&text) {
        Ok(t) => t,
        Err(e) => panic!("re-serialized document refused: {e}\n{text}"),
    };
    assert_eq!(again.len(), table.len());
    assert_eq!(again.route(&call), decision, "re-serialized document routes differently");
});

/// `document`, `version`, `rules`, `default…`, `rules[i]…`, or an unknown top-level key
/// (serde names the key it refuses).
fn names_a_path(field: &str, doc: &str) -> bool {
    let under = |root: &str| field == root || field.starts_with(&format!("{root}."));
    if ["document", "version", "rules", "default", "flows"].iter().any(|r| under(r)) || field.starts_with("rules[") {
        return true;
    }
    serde_json::from_str::<serde_json::Value>(doc)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key(field)))
        .unwrap_or(false)
}

fn document_strings(doc: &str) -> Vec<String> {
    let mut pool = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(doc) {
        strings_of(&v, &mut pool);
    }
    pool
}

fn text(t: Text, pool: &[String]) -> String {
    match t {
        Text::Own(s) => s,
        Text::FromDocument(i) if !pool.is_empty() => pool[usize::from(i) % pool.len()].clone(),
        Text::FromDocument(_) => String::new(),
    }
}

fn call_info(c: Call, pool: &[String]) -> CallInfo {
    let headers = |h: Vec<(Text, Text)>| -> BTreeMap<String, String> {
        h.into_iter().map(|(n, v)| (text(n, pool), text(v, pool))).collect()
    };
    CallInfo {
        to: text(c.to, pool),
        from: text(c.from, pool),
        caller_display_name: c.caller_display_name.map(|t| text(t, pool)),
        sip_headers: headers(c.sip_headers),
        voip_headers: headers(c.voip_headers),
        arrived_at: match c.when {
            When::Anytime(t) => t,
            When::Near(d) => FIXTURE_TIME + i64::from(d) / 1800,
        },
    }
}
