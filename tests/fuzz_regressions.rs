//! Inputs the fuzz targets (fuzz/, `bash scripts/fuzz`) found, minimized, each with the
//! property it broke. Each was added here before the fix. (The routing ones are in
//! crates/flows/tests/fuzz_regressions.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer::CommunicationIdentifier;

/// identifiers: `4:s_b_b` is the number `s_b` with asserted id `b`; its model carries
/// `value: "s_b"`, `assertedId: "b"`, `rawId: "4:s_b_b"`, and decoding that model trimmed
/// `_b` off the value a second time (the trim is for the SDKs' form, where the value still
/// carries the suffix).
#[test]
fn a_phone_value_ending_in_its_asserted_id_survives_the_model() {
    let id = CommunicationIdentifier::from_raw_id("4:s_b_b");
    assert_eq!(
        id,
        CommunicationIdentifier::PhoneNumber {
            value: "s_b".into(),
            is_anonymous: false,
            asserted_id: Some("b".into()),
        }
    );
    assert_eq!(
        CommunicationIdentifier::from_model(&id.to_model()).unwrap(),
        id
    );
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(
        serde_json::from_str::<CommunicationIdentifier>(&json).unwrap(),
        id
    );
}
