//! The wasm side of time zones (`Intl.DateTimeFormat`, tz.rs) held to the same reference cases
//! as the native tz database: DST edges in both hemispheres, half-hour zones, zones whose rules
//! changed. Run in Node by `wasm-pack test --node -- --test tz_intl` (scripts/test).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use callsteer_flows::tz::{reference_cases, zone_names, Zone};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn intl_meets_the_reference_cases() {
    for (zone, utc, want, what) in reference_cases() {
        let z = Zone::lookup(zone).unwrap_or_else(|| panic!("{zone} unknown to Intl"));
        assert_eq!(z.offset_minutes(utc), want, "{what} ({zone} at {utc})");
    }
}

#[wasm_bindgen_test]
fn unknown_zones_and_fixed_offsets() {
    assert!(Zone::lookup("Mars/Olympus_Mons").is_none());
    assert!(Zone::lookup("../../etc/passwd").is_none());
    assert_eq!(Zone::lookup("UTC+05:30").unwrap().offset_minutes(0), 330);
    // An alias Intl accepts (Asia/Calcutta is Asia/Kolkata).
    assert_eq!(
        Zone::lookup("Asia/Calcutta").unwrap().offset_minutes(0),
        330
    );
}

#[wasm_bindgen_test]
fn every_zone_is_offered() {
    let names = zone_names();
    assert!(names.len() > 300, "{} zones", names.len());
    assert!(names.iter().any(|n| n == "America/Santiago"));
}
