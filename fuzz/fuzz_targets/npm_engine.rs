//! The npm engine's JSON boundary (issue 12): everything the package's JS hands the wasm —
//! event and streaming frames, response bodies, option-bag identifiers, raw ids — read by the
//! core's JSON reader (`callsteer::json`) and written back as the package's shapes
//! (`callsteer_npm::shapes`).
//!
//! The first byte picks the entry point, the rest is its text. Properties:
//! * `json::parse`: what it accepts it writes back as text it accepts again and writes the
//!   same way (stable), and that text is JSON to `serde_json` too (our writer never makes
//!   what another reader refuses) unless the input has `\u` escapes (lone surrogates, which
//!   `JSON.parse` takes and `serde_json` refuses) or numbers beyond `f64` (see `standard`);
//! * every text an entry point returns is JSON (checked with both readers, as above);
//! * `model_of` refuses only with an `InvalidInput` naming the field it was given, and an
//!   accepted identifier's model reads as the core's `CommunicationIdentifierModel`;
//! * a participants page's next link is offered to the link check exactly when the page has
//!   a non-empty `nextLink` string;
//! * every method's arguments (an option-bag JSON array; the second byte picks the method):
//!   refused only with an `InvalidInput` naming a field (or a `Decode` when they are not a JSON
//!   array), and what is accepted is a request whose description and body are JSON.
#![no_main]

use callsteer::json;
use callsteer::CommunicationIdentifierModel;
use callsteer_npm::requests::Client;
use callsteer_npm::shapes::{self, ModelForm, ResponseShape};

/// Every method the engine builds a request for.
const METHODS: [&str; 36] = [
    "createCall", "createGroupCall", "answerCall", "redirectCall", "rejectCall", "connectCall",
    "getCallConnectionProperties", "hangUp", "getParticipant", "listParticipants",
    "addParticipant", "transferCallToParticipant", "removeParticipant", "muteParticipant",
    "cancelAddParticipantOperation", "moveParticipants", "play", "playToAll",
    "startRecognizing", "cancelAllOperations", "startContinuousDtmfRecognition",
    "stopContinuousDtmfRecognition", "sendDtmfTones", "hold", "unhold", "startTranscription",
    "updateTranscription", "stopTranscription", "startMediaStreaming", "stopMediaStreaming",
    "startRecording", "getRecordingState", "stopRecording", "pauseRecording",
    "resumeRecording", "notAMethod",
];
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let escapes = text.contains("\\u");
    if which >= 0xF0 {
        return request(rest);
    }
    match which % 8 {
        0 => reader(text, escapes),
        1 => {
            let plan = shapes::event_plan(text);
            assert!(plan.is_empty() || plan.split(';').count() == 3, "plan {plan:?}");
            for form in [1, 2] {
                if let Ok(Some(out)) = shapes::convert_member(form, text) {
                    is_json(&out, escapes, "convert_member");
                }
            }
        }
        2 => {
            if let Ok(node) = json::parse(text, "identifier") {
                for form in [ModelForm::WithKind, ModelForm::NoKind, ModelForm::PhoneOnly] {
                    match shapes::model_of(&node, "target", form) {
                        Ok(Some(out)) => {
                            is_json(&out, escapes, "model_of");
                            if !escapes && form != ModelForm::PhoneOnly {
                                let m = serde_json::from_str::<CommunicationIdentifierModel>(&out);
                                assert!(m.is_ok(), "model_of wrote {out} which is no identifier model");
                            }
                        }
                        Ok(None) => assert_eq!(form, ModelForm::PhoneOnly, "only a phone may be absent"),
                        Err(e) => assert_eq!(callsteer_fuzz::invalid_field("model_of", &e), "target"),
                    }
                }
                let mut out = String::new();
                shapes::write_from_model(&mut out, &node);
                is_json(&out, escapes, "write_from_model");
            }
        }
        3 => {
            for shape in [
                ResponseShape::Properties,
                ResponseShape::AddParticipant,
                ResponseShape::Participant,
                ResponseShape::Recording,
                ResponseShape::Move,
            ] {
                if let Ok(out) = shapes::response(shape, text) {
                    is_json(&out, escapes, "response");
                }
            }
        }
        4 => {
            let mut offered = None;
            let page = shapes::participants_page(text, |link| {
                offered = Some(link.to_owned());
                Ok("/next".to_owned())
            });
            if let Ok(out) = page {
                is_json(&out, escapes, "participants_page");
                let node = json::parse(text, "t").ok();
                let link = node
                    .as_ref()
                    .and_then(|n| n.get("nextLink"))
                    .and_then(json::Json::as_str)
                    .filter(|l| !l.is_empty())
                    .map(|l| l.into_owned());
                assert_eq!(offered, link, "next link offered");
            }
        }
        5 => {
            if let Ok(out) = shapes::streaming_frame(text) {
                is_json(&out, escapes, "streaming_frame");
            }
        }
        6 => {
            let mut out = String::new();
            shapes::write_from_raw_id(&mut out, text);
            is_json(&out, false, "write_from_raw_id");
            is_json(&shapes::outbound_audio(Some(text)), false, "outbound_audio");
        }
        _ => {
            let headers = [("x-ms-request-id".to_owned(), text.to_owned())];
            let r = callsteer::http::Response { status: 400, headers: &headers, body: rest };
            match callsteer::api::response::service_error(&r) {
                callsteer::Error::Service(e) => assert!(!e.describe().is_empty()),
                other => panic!("service_error gave {other:?}"),
            }
        }
    }
});

fn request(rest: &[u8]) {
    let Some((&pick, args)) = rest.split_first() else {
        return;
    };
    let Ok(args) = std::str::from_utf8(args) else {
        return;
    };
    let method = METHODS[usize::from(pick) % METHODS.len()];
    let client = Client {
        source: (pick % 2 == 0).then(|| "8:acs:source".to_owned()),
        uuid: || "00000000-0000-4000-8000-000000000000".to_owned(),
    };
    match client.request(method, args) {
        Ok(built) => {
            let text = built.to_json("2026-03-12");
            let node = json::parse(&text, "built").expect("the request description is JSON");
            let json::Json::Array(parts) = &node else { panic!("{text}") };
            assert_eq!(parts.len(), 6, "{text}");
            if let Some(body) = parts[5].as_str() {
                assert!(json::parse(&body, "body").is_ok(), "{method}: body is no JSON: {body}");
            }
            assert!(method != "notAMethod");
        }
        Err(callsteer::Error::Decode { what, .. }) => assert_eq!(what, "arguments"),
        Err(e) => {
            callsteer_fuzz::invalid_field(method, &e);
        }
    }
}

/// Parse → write → parse → write is stable; the written text is standard JSON.
fn reader(text: &str, escapes: bool) {
    let Ok(node) = json::parse(text, "t") else {
        return;
    };
    let mut once = String::new();
    node.write(&mut once);
    let again = json::parse(&once, "t").expect("our own output is refused");
    let mut twice = String::new();
    again.write(&mut twice);
    assert_eq!(once, twice, "writing is not stable");
    if !escapes {
        standard(&once, "json::parse");
    }
}

/// `serde_json` reads `text` too — except numbers beyond `f64` (`5E55555`), which the JSON
/// grammar and `JSON.parse` (→ `Infinity`) accept and `serde_json` refuses as out of range
/// (the first thing this target found; `json::tests::numbers_are_kept_as_written`).
fn standard(text: &str, what: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        assert!(e.to_string().contains("number out of range"), "{what}: serde_json refuses {text}: {e}");
    }
}

/// `out` is JSON to our reader, and to serde_json when the input had no `\u` escapes.
fn is_json(out: &str, escapes: bool, what: &str) {
    assert!(json::parse(out, "t").is_ok(), "{what} wrote no JSON: {out}");
    if !escapes {
        standard(out, what);
    }
}
