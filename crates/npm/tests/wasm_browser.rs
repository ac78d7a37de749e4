//! The npm face's bindings in headless Chromium (`wasm-pack test --headless --chrome`, in crates/npm).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod wasm_shared;
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

all_shared_tests!();
