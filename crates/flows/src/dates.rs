//! Dates in a time zone — holidays and other exceptions: `{"timeZone": "Europe/London",
//! "dates": ["2026-12-25", "2026-12-24..2026-12-31", "--01-01", "--12-24..--12-26"]}`.
//!
//! Each entry is a date (`YYYY-MM-DD`), a range of dates (`first..last`, both included), a
//! yearly date (`--MM-DD`, ISO 8601's form for a month and day of every year) or a yearly range
//! (`--12-24..--01-02` runs over the new year). The set holds when the call's **local date** in
//! the zone is one of them. Usable in a rule's `match.dates` and a branch condition's `dates`;
//! beside `time` windows, both must hold.

use super::tz::Zone;
use callsteer::time::{civil_from_days, days_from_civil};
use serde::{Deserialize, Serialize};

/// The most entries one set holds.
pub const MAX_DATES: usize = 500;

/// A set of dates in a time zone, as written in a rules document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DateSet {
    /// An IANA name or a fixed offset (as a time window's).
    pub time_zone: String,
    pub dates: Vec<String>,
}

/// One entry, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// Day numbers since 1970-01-01, both included.
    Days(i64, i64),
    /// (month, day) to (month, day), both included; wraps over the new year when the end is
    /// before the start.
    Yearly((u32, u32), (u32, u32)),
}

/// A validated set, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledDates {
    zone: Zone,
    entries: Vec<Entry>,
}

impl DateSet {
    /// Validates the set.
    ///
    /// # Errors
    /// `(field, reason)` inside the set: `timeZone`, `dates`, `dates[i]`.
    pub fn compile(&self) -> Result<CompiledDates, (String, String)> {
        let zone = Zone::for_field(&self.time_zone)?;
        if self.dates.is_empty() || self.dates.len() > MAX_DATES {
            return Err((
                "dates".to_owned(),
                format!("1 to {MAX_DATES} dates, got {}", self.dates.len()),
            ));
        }
        let entries = self
            .dates
            .iter()
            .enumerate()
            .map(|(i, d)| parse_entry(d).map_err(|r| (format!("dates[{i}]"), r)))
            .collect::<Result<_, _>>()?;
        Ok(CompiledDates { zone, entries })
    }

    /// `2026-12-25, --01-01 in Europe/London`.
    pub fn describe(&self) -> String {
        format!("{} in {}", self.dates.join(", "), self.time_zone)
    }
}

/// Checks the time conditions of a rule's `match` or a branch condition: each window of `time`
/// and the `dates`.
///
/// # Errors
/// `(field, reason)`: `time[i].…` or `dates.…`.
pub fn check_when(
    time: &[crate::window::TimeWindow],
    dates: Option<&DateSet>,
) -> Result<(), (String, String)> {
    for (i, w) in time.iter().enumerate() {
        w.compile()
            .map_err(|(f, r)| (format!("time[{i}].{f}"), r))?;
    }
    if let Some(d) = dates {
        d.compile().map_err(|(f, r)| (format!("dates.{f}"), r))?;
    }
    Ok(())
}

impl CompiledDates {
    /// The local date (`YYYY-MM-DD`) of the instant `utc` in the set's zone.
    pub fn local_date(&self, utc: i64) -> String {
        let (y, m, d) = civil_from_days(self.local_day(utc));
        format!("{y:04}-{m:02}-{d:02}")
    }

    fn local_day(&self, utc: i64) -> i64 {
        (utc + i64::from(self.zone.offset_minutes(utc)) * 60).div_euclid(86_400)
    }

    /// True when the local date of the instant `utc` is one of the set's.
    pub fn contains(&self, utc: i64) -> bool {
        let day = self.local_day(utc);
        let (_, m, d) = civil_from_days(day);
        self.entries.iter().any(|e| match *e {
            Entry::Days(a, b) => (a..=b).contains(&day),
            Entry::Yearly(a, b) if a <= b => (a..=b).contains(&(m, d)),
            Entry::Yearly(a, b) => (m, d) >= a || (m, d) <= b,
        })
    }
}

fn parse_entry(s: &str) -> Result<Entry, String> {
    let bad = || {
        format!("{s:?} is not a date (YYYY-MM-DD), a yearly date (--MM-DD), or a range of one of them (first..last)")
    };
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    match (parse_one(a), parse_one(b)) {
        (Some(One::Date(x)), Some(One::Date(y))) if x <= y => Ok(Entry::Days(x, y)),
        (Some(One::Date(_)), Some(One::Date(_))) => {
            Err(format!("{s:?}: the range ends before it starts"))
        }
        (Some(One::Yearly(x)), Some(One::Yearly(y))) => Ok(Entry::Yearly(x, y)),
        (Some(_), Some(_)) => Err(format!(
            "{s:?}: a range is of two dates or of two yearly dates"
        )),
        _ => Err(bad()),
    }
}

enum One {
    Date(i64),
    Yearly((u32, u32)),
}

fn parse_one(s: &str) -> Option<One> {
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if let Some(md) = s.strip_prefix("--") {
        let (m, d) = md.split_once('-')?;
        if m.len() != 2 || d.len() != 2 || !digits(m) || !digits(d) {
            return None;
        }
        let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
        // A yearly date may be 29 February (it then holds in leap years only).
        return ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(2000, m))
            .then_some(One::Yearly((m, d)));
    }
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    if !(digits(y) && digits(m) && digits(d)) {
        return None;
    }
    let (y, m, d): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m))
        .then(|| One::Date(days_from_civil(y, m, d)))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(zone: &str, dates: &[&str]) -> Result<CompiledDates, (String, String)> {
        DateSet {
            time_zone: zone.into(),
            dates: dates.iter().map(|d| (*d).to_owned()).collect(),
        }
        .compile()
    }

    fn utc(y: i64, mo: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3600
    }

    #[test]
    fn dates_ranges_and_yearly_dates_hold_on_the_local_date() {
        let s = set(
            "America/New_York",
            &[
                "2026-11-26",
                "2026-12-24..2026-12-26",
                "--01-01",
                "--12-31..--01-02",
            ],
        )
        .unwrap();
        // 26 November 2026 in New York: 05:00 UTC is 00:00 local.
        assert!(s.contains(utc(2026, 11, 26, 5)));
        assert!(
            !s.contains(utc(2026, 11, 26, 4)),
            "still the 25th in New York"
        );
        assert!(s.contains(utc(2026, 12, 25, 15)));
        assert!(s.contains(utc(2026, 12, 27, 4)), "23:00 on the 26th local");
        assert!(!s.contains(utc(2026, 12, 27, 6)));
        // Yearly, any year, and a range over the new year.
        assert!(s.contains(utc(2031, 1, 1, 12)));
        assert!(s.contains(utc(2030, 12, 31, 12)));
        assert!(s.contains(utc(2031, 1, 2, 12)));
        assert!(!s.contains(utc(2031, 1, 3, 12)));
        assert!(!s.contains(utc(2031, 6, 1, 12)));
        assert_eq!(s.local_date(utc(2026, 11, 26, 4)), "2026-11-25");
    }

    #[test]
    fn bad_entries_are_refused_naming_the_entry() {
        let field = |dates: &[&str]| set("UTC", dates).unwrap_err().0;
        assert_eq!(field(&["2026-12-25", "2026-13-01"]), "dates[1]");
        assert_eq!(
            field(&["2026-02-29"]),
            "dates[0]",
            "2026 is not a leap year"
        );
        assert_eq!(field(&["2026-12-26..2026-12-24"]), "dates[0]");
        assert_eq!(field(&["2026-12-24..--12-26"]), "dates[0]");
        assert_eq!(field(&["--02-30"]), "dates[0]");
        assert_eq!(field(&["12/25/2026"]), "dates[0]");
        assert_eq!(field(&["2026-1-5"]), "dates[0]");
        assert_eq!(field(&[]), "dates");
        assert_eq!(set("Mars/Base", &["2026-12-25"]).unwrap_err().0, "timeZone");
        assert!(set("UTC", &["--02-29"]).is_ok(), "a leap day, yearly");
    }
}
