//! Wire models of the stable api-version (2026-03-12), named after the spec's definitions.
//!
//! Field names follow the wire (camelCase) through serde; optional fields are skipped
//! when `None`, so request bodies carry exactly what the caller set.

mod locator;

pub use locator::CallLocator;
