//! A small, fixed table of IANA time zones with their current daylight-saving rules.
//!
//! Decision: a hand-written table instead of `chrono-tz`. The full tz database adds
//! hundreds of KB of tables to a Worker whose compressed size limit is 1 MiB, while call
//! routing only needs "what is the local wall-clock time *now*" in the zones a contact
//! centre uses. The table knows today's rules only (no history): good for deciding
//! whether a call arriving now is within business hours, wrong for dates before a zone's
//! last rule change. Zones not listed can be written as fixed offsets (`UTC+05:30`,
//! `-03:00`). Adding a zone is one line in `ZONES`.

use callsteer::time::days_from_civil;

/// Daylight-saving rule families in use today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    /// No daylight-saving time.
    None,
    /// EU: last Sunday of March 01:00 UTC → last Sunday of October 01:00 UTC.
    Eu,
    /// US/Canada: second Sunday of March 02:00 local → first Sunday of November 02:00 local.
    Us,
    /// Australia (NSW/VIC/ACT/TAS): first Sunday of October 02:00 standard → first Sunday
    /// of April 03:00 daylight (southern hemisphere: DST spans the new year).
    Au,
    /// New Zealand: last Sunday of September 02:00 standard → first Sunday of April 03:00 daylight.
    Nz,
}

/// (IANA name, standard offset from UTC in minutes, DST rule).
const ZONES: &[(&str, i32, Dst)] = &[
    ("UTC", 0, Dst::None),
    ("Etc/UTC", 0, Dst::None),
    ("Europe/London", 0, Dst::Eu),
    ("Europe/Dublin", 0, Dst::Eu),
    ("Europe/Lisbon", 0, Dst::Eu),
    ("Europe/Amsterdam", 60, Dst::Eu),
    ("Europe/Berlin", 60, Dst::Eu),
    ("Europe/Brussels", 60, Dst::Eu),
    ("Europe/Madrid", 60, Dst::Eu),
    ("Europe/Paris", 60, Dst::Eu),
    ("Europe/Rome", 60, Dst::Eu),
    ("Europe/Stockholm", 60, Dst::Eu),
    ("Europe/Vienna", 60, Dst::Eu),
    ("Europe/Warsaw", 60, Dst::Eu),
    ("Europe/Zurich", 60, Dst::Eu),
    ("Europe/Athens", 120, Dst::Eu),
    ("Europe/Helsinki", 120, Dst::Eu),
    ("Europe/Kyiv", 120, Dst::Eu),
    ("America/New_York", -300, Dst::Us),
    ("America/Toronto", -300, Dst::Us),
    ("America/Chicago", -360, Dst::Us),
    ("America/Denver", -420, Dst::Us),
    ("America/Phoenix", -420, Dst::None),
    ("America/Los_Angeles", -480, Dst::Us),
    ("America/Vancouver", -480, Dst::Us),
    ("America/Anchorage", -540, Dst::Us),
    ("Pacific/Honolulu", -600, Dst::None),
    ("America/Sao_Paulo", -180, Dst::None),
    ("America/Mexico_City", -360, Dst::None),
    ("Asia/Dubai", 240, Dst::None),
    ("Asia/Kolkata", 330, Dst::None),
    ("Asia/Singapore", 480, Dst::None),
    ("Asia/Shanghai", 480, Dst::None),
    ("Asia/Hong_Kong", 480, Dst::None),
    ("Asia/Tokyo", 540, Dst::None),
    ("Asia/Seoul", 540, Dst::None),
    ("Australia/Perth", 480, Dst::None),
    ("Australia/Brisbane", 600, Dst::None),
    ("Australia/Sydney", 600, Dst::Au),
    ("Australia/Melbourne", 600, Dst::Au),
    ("Pacific/Auckland", 720, Dst::Nz),
];

/// A resolved time zone: a table entry or a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    standard_minutes: i32,
    dst: Dst,
}

/// The IANA names of the table, in its order (the admin page offers them).
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    ZONES.iter().map(|(name, _, _)| *name)
}

impl Zone {
    /// Resolves an IANA name from the table, or a fixed offset written `UTC±HH:MM`,
    /// `±HH:MM` or `±HH`. Returns `None` for anything else.
    pub fn lookup(name: &str) -> Option<Zone> {
        if let Some(&(_, standard_minutes, dst)) = ZONES.iter().find(|(n, _, _)| *n == name) {
            return Some(Zone {
                standard_minutes,
                dst,
            });
        }
        let rest = name
            .strip_prefix("UTC")
            .or_else(|| name.strip_prefix("GMT"))
            .unwrap_or(name);
        parse_fixed_offset(rest).map(|standard_minutes| Zone {
            standard_minutes,
            dst: Dst::None,
        })
    }

    /// The offset from UTC, in minutes, in force at `utc` (Unix seconds).
    pub fn offset_minutes(self, utc: i64) -> i32 {
        let std_local = utc + i64::from(self.standard_minutes) * 60;
        let year = callsteer::time::civil_from_days(std_local.div_euclid(86_400)).0;
        let dst = match self.dst {
            Dst::None => false,
            Dst::Eu => {
                let start = at_utc(last_sunday(year, 3), 3600);
                let end = at_utc(last_sunday(year, 10), 3600);
                (start..end).contains(&utc)
            }
            Dst::Us => {
                let start = at_utc(nth_sunday(year, 3, 2), 7200) - self.std_secs();
                let end = at_utc(nth_sunday(year, 11, 1), 3600) - self.std_secs();
                (start..end).contains(&utc)
            }
            Dst::Au => !self.within_std(utc, nth_sunday(year, 4, 1), nth_sunday(year, 10, 1)),
            Dst::Nz => !self.within_std(utc, nth_sunday(year, 4, 1), last_sunday(year, 9)),
        };
        self.standard_minutes + if dst { 60 } else { 0 }
    }

    fn std_secs(self) -> i64 {
        i64::from(self.standard_minutes) * 60
    }

    // Southern hemisphere: standard time runs from the April change (03:00 daylight =
    // 02:00 standard) to the spring change (02:00 standard), both on local standard time.
    fn within_std(self, utc: i64, april_day: i64, spring_day: i64) -> bool {
        let std_start = at_utc(april_day, 7200) - self.std_secs();
        let std_end = at_utc(spring_day, 7200) - self.std_secs();
        (std_start..std_end).contains(&utc)
    }
}

fn at_utc(day: i64, secs: i64) -> i64 {
    day * 86_400 + secs
}

/// Day number (since 1970-01-01) of the `n`-th Sunday of `month`.
fn nth_sunday(year: i64, month: u32, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    first + (7 - weekday(first)) % 7 + (n - 1) * 7
}

/// Day number of the last Sunday of `month`.
fn last_sunday(year: i64, month: u32) -> i64 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let last = days_from_civil(y, m, 1) - 1;
    last - weekday(last)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60
    }

    #[test]
    fn eu_switches_at_one_utc_on_last_sundays() {
        let z = Zone::lookup("Europe/Berlin").unwrap();
        // 2026: last Sunday of March is the 29th, of October the 25th.
        assert_eq!(z.offset_minutes(utc(2026, 3, 29, 0, 59)), 60);
        assert_eq!(z.offset_minutes(utc(2026, 3, 29, 1, 0)), 120);
        assert_eq!(z.offset_minutes(utc(2026, 10, 25, 0, 59)), 120);
        assert_eq!(z.offset_minutes(utc(2026, 10, 25, 1, 0)), 60);
    }

    #[test]
    fn us_switches_at_two_local() {
        let z = Zone::lookup("America/New_York").unwrap();
        // 2026: DST from Sunday 8 March 07:00 UTC to Sunday 1 November 06:00 UTC.
        assert_eq!(z.offset_minutes(utc(2026, 3, 8, 6, 59)), -300);
        assert_eq!(z.offset_minutes(utc(2026, 3, 8, 7, 0)), -240);
        assert_eq!(z.offset_minutes(utc(2026, 11, 1, 5, 59)), -240);
        assert_eq!(z.offset_minutes(utc(2026, 11, 1, 6, 0)), -300);
        assert_eq!(
            Zone::lookup("America/Phoenix")
                .unwrap()
                .offset_minutes(utc(2026, 7, 1, 0, 0)),
            -420
        );
    }

    #[test]
    fn southern_hemisphere_dst_spans_new_year() {
        let z = Zone::lookup("Australia/Sydney").unwrap();
        assert_eq!(z.offset_minutes(utc(2026, 1, 15, 0, 0)), 660);
        assert_eq!(z.offset_minutes(utc(2026, 7, 15, 0, 0)), 600);
        // 2026: DST ends Sunday 5 April 03:00 AEDT = 4 April 16:00 UTC.
        assert_eq!(z.offset_minutes(utc(2026, 4, 4, 15, 59)), 660);
        assert_eq!(z.offset_minutes(utc(2026, 4, 4, 16, 0)), 600);
        // Starts Sunday 4 October 02:00 AEST = 3 October 16:00 UTC.
        assert_eq!(z.offset_minutes(utc(2026, 10, 3, 16, 0)), 660);
        let nz = Zone::lookup("Pacific/Auckland").unwrap();
        assert_eq!(nz.offset_minutes(utc(2026, 12, 1, 0, 0)), 780);
        assert_eq!(nz.offset_minutes(utc(2026, 6, 1, 0, 0)), 720);
    }

    #[test]
    fn fixed_offsets_and_unknown_names() {
        assert_eq!(Zone::lookup("UTC+05:30").unwrap().offset_minutes(0), 330);
        assert_eq!(Zone::lookup("-03:00").unwrap().offset_minutes(0), -180);
        assert_eq!(Zone::lookup("+09").unwrap().offset_minutes(0), 540);
        assert!(Zone::lookup("Mars/Olympus_Mons").is_none());
        assert!(Zone::lookup("+5").is_none());
        assert!(Zone::lookup("+15:00").is_none());
    }
}
