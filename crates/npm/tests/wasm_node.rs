//! The npm face's bindings under Node (`wasm-pack test --node`, in crates/npm).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod wasm_shared;

all_shared_tests!();
