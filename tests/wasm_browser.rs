//! The npm face's bindings in headless Chromium (`wasm-pack test --headless --chrome -- --features js`).
#![cfg(all(target_arch = "wasm32", feature = "js"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod wasm_shared;
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn bad_credentials_throw_js_errors() {
    wasm_shared::bad_credentials_throw_js_errors();
}

#[wasm_bindgen_test]
fn signs_the_official_vectors() {
    wasm_shared::signs_the_official_vectors();
}

#[wasm_bindgen_test]
fn randomness_comes_from_the_host_crypto() {
    wasm_shared::randomness_comes_from_the_host_crypto();
}

#[wasm_bindgen_test]
fn retry_decisions_cross_the_boundary() {
    wasm_shared::retry_decisions_cross_the_boundary();
}

#[wasm_bindgen_test]
fn recording_urls_are_checked() {
    wasm_shared::recording_urls_are_checked();
}

#[wasm_bindgen_test]
fn memory_stays_bounded_under_many_requests() {
    wasm_shared::memory_stays_bounded_under_many_requests();
}
