//! Time-of-day windows in a time zone: `{"timeZone": "Europe/Paris", "days": ["mon", …],
//! "start": "09:00", "end": "17:30"}`.
//!
//! `start` is inclusive, `end` exclusive. When `end` ≤ `start` the window runs past
//! midnight: `22:00`–`06:00` on `fri` covers Friday 22:00 to Saturday 06:00 (the day
//! names the day the window *starts*). `days` defaults to every day.

use super::tz::{weekday, Zone};
use serde::{Deserialize, Serialize};

const DAY_NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// A weekly time window in a time zone, as written in a rules document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimeWindow {
    /// An IANA name (any the platform's tz data knows, [`super::tz`]) or a fixed offset
    /// `UTC±HH:MM`.
    pub time_zone: String,
    /// Three-letter lower-case day names (`mon` … `sun`); empty or absent = every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<String>,
    /// `HH:MM`, 24-hour, inclusive.
    pub start: String,
    /// `HH:MM`, 24-hour, exclusive; `24:00` means midnight at the end of the day.
    pub end: String,
}

/// A validated window, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledWindow {
    zone: Zone,
    /// Bit `d` set = window may start on weekday `d` (0 = Sunday).
    days: u8,
    start: u32,
    end: u32,
}

impl TimeWindow {
    /// Validates the window.
    ///
    /// # Errors
    /// `(field, reason)`: the field inside the window (`timeZone`, `days[2]`, `start`, `end`).
    pub fn compile(&self) -> Result<CompiledWindow, (String, String)> {
        let zone = Zone::for_field(&self.time_zone)?;
        let mut days = 0u8;
        for (i, d) in self.days.iter().enumerate() {
            let idx = DAY_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(d))
                .ok_or_else(|| {
                    (
                        format!("days[{i}]"),
                        format!(
                            "unknown day {d:?} (expected one of {})",
                            DAY_NAMES.join(", ")
                        ),
                    )
                })?;
            days |= 1 << idx;
        }
        if days == 0 {
            days = 0x7f;
        }
        let start = parse_hhmm(&self.start, false).map_err(|r| ("start".to_owned(), r))?;
        let end = parse_hhmm(&self.end, true).map_err(|r| ("end".to_owned(), r))?;
        if start == end {
            return Err((
                "end".to_owned(),
                "must differ from start (an empty window never matches)".to_owned(),
            ));
        }
        Ok(CompiledWindow {
            zone,
            days,
            start,
            end,
        })
    }
}

impl CompiledWindow {
    /// The local weekday name (`mon` …) and `HH:MM` of the instant `utc` in the window's zone:
    /// what a dry run shows next to a window that did not hold.
    pub fn local_time(&self, utc: i64) -> (&'static str, String) {
        let (day, minute) = self.local(utc);
        let name = usize::try_from(weekday(day))
            .ok()
            .and_then(|d| DAY_NAMES.get(d).copied())
            .unwrap_or("?");
        (name, format!("{:02}:{:02}", minute / 60, minute % 60))
    }

    /// (local day number, minute of the local day).
    fn local(&self, utc: i64) -> (i64, u32) {
        let local = utc + i64::from(self.zone.offset_minutes(utc)) * 60;
        (
            local.div_euclid(86_400),
            (local.rem_euclid(86_400) / 60) as u32,
        )
    }

    /// True when the instant `utc` (Unix seconds) falls inside the window.
    pub fn contains(&self, utc: i64) -> bool {
        let (day, minute) = self.local(utc);
        let starts_on = |d: i64| self.days & (1 << weekday(d)) != 0;
        if self.start < self.end {
            starts_on(day) && (self.start..self.end).contains(&minute)
        } else {
            (starts_on(day) && minute >= self.start) || (starts_on(day - 1) && minute < self.end)
        }
    }
}

/// Minutes since midnight for `HH:MM`; `24:00` only when `allow_24`.
fn parse_hhmm(s: &str, allow_24: bool) -> Result<u32, String> {
    let bad = || format!("expected HH:MM (24-hour), got {s:?}");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    match (h, m) {
        (24, 0) if allow_24 => Ok(24 * 60),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callsteer::time::days_from_civil;

    fn window(tz: &str, days: &[&str], start: &str, end: &str) -> CompiledWindow {
        TimeWindow {
            time_zone: tz.into(),
            days: days.iter().map(|d| (*d).to_owned()).collect(),
            start: start.into(),
            end: end.into(),
        }
        .compile()
        .unwrap()
    }

    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60
    }

    #[test]
    fn business_hours_in_a_zone() {
        // 2026-11-20 is a Friday; New York is UTC-5 in November.
        let w = window(
            "America/New_York",
            &["mon", "tue", "wed", "thu", "fri"],
            "09:00",
            "17:00",
        );
        assert!(w.contains(utc(2026, 11, 20, 14, 0)));
        assert!(!w.contains(utc(2026, 11, 20, 13, 59)));
        assert!(!w.contains(utc(2026, 11, 20, 22, 0)));
        assert!(!w.contains(utc(2026, 11, 21, 15, 0)), "Saturday");
    }

    #[test]
    fn overnight_window_belongs_to_its_start_day() {
        let w = window("UTC", &["fri"], "22:00", "06:00");
        assert!(w.contains(utc(2026, 11, 20, 23, 0)));
        assert!(
            w.contains(utc(2026, 11, 21, 5, 59)),
            "Saturday early morning, started Friday"
        );
        assert!(!w.contains(utc(2026, 11, 21, 6, 0)));
        assert!(!w.contains(utc(2026, 11, 19, 23, 0)), "Thursday night");
        assert!(window("UTC", &[], "00:00", "24:00").contains(utc(2026, 1, 1, 23, 59)));
    }

    #[test]
    fn local_time_in_the_zone() {
        let w = window("America/New_York", &[], "09:00", "17:00");
        assert_eq!(
            w.local_time(utc(2026, 11, 21, 3, 5)),
            ("fri", "22:05".to_owned())
        );
    }

    #[test]
    fn errors_name_the_field() {
        let err = |tz: &str, days: &[&str], s: &str, e: &str| {
            TimeWindow {
                time_zone: tz.into(),
                days: days.iter().map(|d| (*d).to_owned()).collect(),
                start: s.into(),
                end: e.into(),
            }
            .compile()
            .unwrap_err()
        };
        assert_eq!(err("Mars/Base", &[], "09:00", "10:00").0, "timeZone");
        assert_eq!(
            err("UTC", &["mon", "funday"], "09:00", "10:00").0,
            "days[1]"
        );
        assert_eq!(err("UTC", &[], "9:00", "10:00").0, "start");
        assert_eq!(err("UTC", &[], "24:00", "10:00").0, "start");
        assert_eq!(err("UTC", &[], "09:00", "10:60").0, "end");
        assert_eq!(err("UTC", &[], "09:00", "09:00").0, "end");
    }
}
