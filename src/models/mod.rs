//! Wire models of the stable api-version (2026-03-12), named after the spec's definitions.
