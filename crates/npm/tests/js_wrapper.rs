//! The npm wrapper (crates/npm/js/client.mjs) hard-codes the default api-version so it needs
//! no call into the wasm for it; this keeps it equal to the core's.

#[test]
fn the_wrapper_defaults_to_the_core_api_version() {
    let wrapper = include_str!("../js/client.mjs");
    let line = format!(
        "const API_VERSION = \"{}\";",
        callsteer::DEFAULT_API_VERSION
    );
    assert!(wrapper.contains(&line), "client.mjs must contain `{line}`");
}
