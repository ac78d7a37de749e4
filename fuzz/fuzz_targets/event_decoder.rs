//! Any bytes through every inbound decoder: callback batches, Event Grid deliveries, and the
//! classifier (unauthenticated mode, so bodies reach the decoders). Must never panic.
#![no_main]

use callsteer::events::{classify, decode_callback_events, decode_event_grid_events, CallbackAuth};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(events) = decode_callback_events(data) {
        for e in &events {
            let _ = e.dedup_key();
            let _ = e.event.kind_name();
            let _ = e.event.result_information();
            let _ = serde_json::to_string(&e.event);
        }
    }
    if let Ok(events) = decode_event_grid_events(data) {
        for e in &events {
            let _ = format!("{e:?}");
            let _ = serde_json::to_string(&e.data);
        }
    }
    let headers = [("aeg-event-type".to_string(), "Notification".to_string())];
    let _ = classify("POST", &[], data, CallbackAuth::InsecureSkipVerification);
    let _ = classify("POST", &headers, data, CallbackAuth::InsecureSkipVerification);
});
