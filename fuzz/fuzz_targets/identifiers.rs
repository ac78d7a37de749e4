//! Raw ids and identifier models, as they arrive in events and from users.
//!
//! Properties:
//! * raw ids: `from_raw_id(raw).raw_id() == raw` (parsing is lossless), parsing that again
//!   gives the same identifier, and such an identifier survives its wire model (`to_model`,
//!   directly and through JSON) unchanged;
//! * any JSON that decodes as a `CommunicationIdentifierModel` re-encodes to JSON that decodes
//!   to the same model;
//! * an identifier decoded from any model keeps its raw id through encode → decode, and is
//!   stable from the first round on. (Not always equal to the first decode: a model can hold
//!   a typed split the raw id cannot say — a phone value containing `_` reads back with that
//!   suffix as the asserted id, an anonymous phone's value becomes `anonymous` — and the
//!   canonical form is the one the raw id gives. E.164 numbers contain no `_`.)
#![no_main]

use callsteer::{CommunicationIdentifier, CommunicationIdentifierModel};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(raw) = std::str::from_utf8(data) {
        raw_id(raw);
    }
    if let Ok(model) = serde_json::from_slice::<CommunicationIdentifierModel>(data) {
        model_json(&model);
    }
    if let Ok(id) = serde_json::from_slice::<CommunicationIdentifier>(data) {
        identifier(&id);
    }
});

fn raw_id(raw: &str) {
    let id = CommunicationIdentifier::from_raw_id(raw);
    assert_eq!(id.raw_id(), raw, "raw id is not kept: {id:?}");
    assert_eq!(CommunicationIdentifier::from_raw_id(&id.raw_id()), id);
    assert_eq!(round_trip(&id), id, "{raw:?} does not survive its model");
}

/// Encode → decode (model and JSON agree), keeping the raw id; stable from then on.
fn identifier(id: &CommunicationIdentifier) {
    let once = round_trip(id);
    assert_eq!(once.raw_id(), id.raw_id(), "{id:?} → {once:?} changes the raw id");
    assert_eq!(round_trip(&once), once, "{id:?} → {once:?} is not stable");
}

/// The identifier its wire model decodes to, checked to be the same through JSON.
fn round_trip(id: &CommunicationIdentifier) -> CommunicationIdentifier {
    let model = id.to_model();
    let back = match CommunicationIdentifier::from_model(&model) {
        Ok(back) => back,
        Err(e) => panic!("{id:?}: its own model is refused: {e}"),
    };
    let json = serde_json::to_string(id).expect("serialize");
    match serde_json::from_str::<CommunicationIdentifier>(&json) {
        Ok(via_json) => assert_eq!(via_json, back, "JSON {json} decodes differently"),
        Err(e) => panic!("{id:?}: its own JSON {json} is refused: {e}"),
    }
    back
}

fn model_json(model: &CommunicationIdentifierModel) {
    let json = serde_json::to_string(model).expect("serialize");
    let again: CommunicationIdentifierModel = serde_json::from_str(&json).expect("re-decode");
    assert_eq!(&again, model, "model JSON round trip");
    if let Ok(id) = CommunicationIdentifier::from_model(model) {
        identifier(&id);
    }
}
