//! The npm face's bindings in headless Chromium (`wasm-pack test --headless --chrome -- --features js`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod wasm_shared;
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn bad_connection_string_throws_a_js_error() {
    wasm_shared::bad_connection_string_throws_a_js_error();
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_before_sending() {
    wasm_shared::bad_arguments_reject_before_sending().await;
}

#[wasm_bindgen_test]
async fn unreachable_endpoint_is_a_transport_error() {
    wasm_shared::unreachable_endpoint_is_a_transport_error().await;
}

#[wasm_bindgen_test]
async fn aborted_signal_rejects_with_abort_error() {
    wasm_shared::aborted_signal_rejects_with_abort_error().await;
}
