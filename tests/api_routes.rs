//! The core's table of operation URLs (`api::routes`, used by the emulator and the edge
//! worker's proxy) against the stable spec: every operation's method and path template
//! routes to that operation with its path parameters, nothing else does, and the
//! repeatable operations are the ones whose spec declares the repeatability headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use callsteer::api::routes::{allowed_methods, route, OperationId};
use std::collections::BTreeSet;

/// A path template with sample parameters: what a client puts on the wire.
fn fill(template: &str) -> String {
    template
        .replace("{callConnectionId}", "c-1")
        .replace("{recordingId}", "r-1")
        .replace("{participantRawId}", "8%3Aacs%3Auser")
}

#[test]
fn every_spec_operation_routes_to_itself_with_its_parameters() {
    let mut seen = BTreeSet::new();
    for (method, template, op) in common::spec().operations() {
        let id = op["operationId"].as_str().unwrap();
        let path = fill(&template);
        assert!(!path.contains('{'), "unfilled parameter in {template}");
        let r = route(&method, &path).unwrap_or_else(|| panic!("{method} {path}: no route"));
        assert_eq!(r.op.as_str(), id, "{method} {path}");
        assert_eq!(r.method.as_str(), method);
        let expected_id = if template.contains("{recordingId}") {
            Some("r-1")
        } else if template.contains("{callConnectionId}") {
            Some("c-1")
        } else {
            None
        };
        assert_eq!(r.id.as_deref(), expected_id, "{id}");
        let expected_raw = template
            .contains("{participantRawId}")
            .then_some("8:acs:user");
        assert_eq!(r.raw_id.as_deref(), expected_raw, "{id}");
        assert!(seen.insert(r.op), "{id} matched twice");
    }
    let all: BTreeSet<OperationId> = OperationId::ALL.iter().copied().collect();
    assert_eq!(seen, all, "the table has exactly the spec's operations");
    assert_eq!(all.len(), 34);
}

#[test]
fn repeatable_operations_are_the_ones_the_spec_marks() {
    for (_, _, op) in common::spec().operations() {
        let id = op["operationId"].as_str().unwrap();
        let declared = common::spec()
            .parameters(id)
            .iter()
            .any(|p| p["name"] == "Repeatability-Request-ID");
        let ours = OperationId::ALL.iter().find(|o| o.as_str() == id).unwrap();
        assert_eq!(ours.is_repeatable(), declared, "{id}");
    }
}

#[test]
fn a_spec_path_with_another_method_is_no_route_but_lists_its_methods() {
    let spec = common::spec().operations();
    for (method, template, _) in &spec {
        let path = fill(template);
        let served: BTreeSet<&str> = spec
            .iter()
            .filter(|(_, t, _)| t == template)
            .map(|(m, _, _)| m.as_str())
            .collect();
        assert!(served.contains(method.as_str()));
        for other in ["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD"] {
            assert_eq!(
                route(other, &path).is_some(),
                served.contains(other),
                "{other} {path}"
            );
        }
        let allowed: BTreeSet<&str> = allowed_methods(&path)
            .into_iter()
            .map(|m| m.as_str())
            .collect();
        assert_eq!(allowed, served, "{path}");
    }
}

#[test]
fn the_table_holds_each_operations_spec_method_and_template() {
    let spec = common::spec().operations();
    for op in OperationId::ALL {
        let (method, template, _) = spec
            .iter()
            .find(|(_, _, o)| o["operationId"] == op.as_str())
            .unwrap_or_else(|| panic!("{op} is not in the spec"));
        assert_eq!(op.method().as_str(), method, "{op}");
        assert_eq!(op.template(), template, "{op}");
    }
}

#[test]
fn paths_fill_the_template_with_encoded_segments_and_route_back() {
    let p = OperationId::GetParticipant.path(&["c 1", "8:acs:x"]);
    assert_eq!(p, "/calling/callConnections/c%201/participants/8%3Aacs%3Ax");
    let r = route("GET", &p).unwrap();
    assert_eq!(
        (r.op, r.id.as_deref(), r.raw_id.as_deref()),
        (OperationId::GetParticipant, Some("c 1"), Some("8:acs:x"))
    );
    let play = OperationId::Play.path(&["c:1"]);
    assert_eq!(play, "/calling/callConnections/c%3A1:play");
    assert_eq!(route("POST", &play).unwrap().op, OperationId::Play);
    assert_eq!(
        OperationId::CreateCall.path(&[]),
        "/calling/callConnections"
    );
    for op in OperationId::ALL {
        let ids = ["id-1", "8:acs:u"];
        let path = op.path(&ids);
        assert_eq!(
            route(op.method().as_str(), &path).map(|r| r.op),
            Some(*op),
            "{path}"
        );
    }
}

#[test]
fn operation_ids_parse_back_and_nothing_else_does() {
    for op in OperationId::ALL {
        assert_eq!(OperationId::from_id(op.as_str()), Some(*op));
    }
    assert_eq!(OperationId::from_id("Play"), None);
    assert_eq!(OperationId::from_id("callmedia_play"), None);
    assert_eq!(OperationId::from_id(""), None);
}

#[test]
fn an_event_kinds_final_outcome_is_the_tables_when_every_operation_agrees() {
    use callsteer::events::Outcome;
    assert_eq!(
        OperationId::final_outcome_of_kind("AddParticipantFailed"),
        Some(Outcome::Failed)
    );
    assert_eq!(
        OperationId::final_outcome_of_kind("CallTransferAccepted"),
        Some(Outcome::Succeeded)
    );
    // Play's success, Recognize's progress: progress is no final outcome.
    assert_eq!(
        OperationId::final_outcome_of_kind("PlayCompleted"),
        Some(Outcome::Succeeded)
    );
    assert_eq!(
        OperationId::final_outcome_of_kind("PlayCanceled"),
        Some(Outcome::Canceled)
    );
    // The start's cancellation and the stop's success: only the paired operation can say.
    assert_eq!(
        OperationId::final_outcome_of_kind("ContinuousDtmfRecognitionStopped"),
        None
    );
    assert_eq!(OperationId::final_outcome_of_kind("PlayStarted"), None);
    assert_eq!(
        OperationId::final_outcome_of_kind("ParticipantsUpdated"),
        None
    );
    assert_eq!(OperationId::final_outcome_of_kind("NoSuchEvent"), None);
}
