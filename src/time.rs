//! Date formatting for `x-ms-date` and `Repeatability-First-Sent` (IMF-fixdate, RFC 7231).
//!
//! The core reads no clock: callers pass Unix seconds.

use crate::text::push_decimal;

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats Unix seconds as IMF-fixdate, e.g. `Wed, 13 Apr 2022 18:09:12 GMT`.
pub fn http_date(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    // Built by hand, not `format!`: see `crate::text`.
    let mut out = String::with_capacity(29);
    out.push_str(DAYS[(days % 7) as usize]);
    out.push_str(", ");
    push_decimal(&mut out, u64::from(d), 2);
    out.push(' ');
    out.push_str(MONTHS[(m - 1) as usize]);
    out.push(' ');
    push_decimal(&mut out, y.unsigned_abs(), 4);
    for (sep, n) in [
        (' ', secs / 3600),
        (':', secs % 3600 / 60),
        (':', secs % 60),
    ] {
        out.push(sep);
        push_decimal(&mut out, n, 2);
    }
    out.push_str(" GMT");
    out
}

/// Parses an IMF-fixdate back to Unix seconds. Returns `None` for anything else,
/// including a weekday that does not match the date and days past the month's end
/// (strict: the result formats back to exactly `s`).
pub fn parse_http_date(s: &str) -> Option<u64> {
    // `get`, not indexing: a multi-byte character must give `None`, not a panic.
    if s.len() != 29 || s.get(3..5)? != ", " || !s.ends_with(" GMT") {
        return None;
    }
    let d: u32 = s.get(5..7)?.parse().ok()?;
    let mon = s.get(8..11)?;
    let m = MONTHS.iter().position(|&x| x == mon)? as u32 + 1;
    let y: i64 = s.get(12..16)?.parse().ok()?;
    let hh: u64 = s.get(17..19)?.parse().ok()?;
    let mm: u64 = s.get(20..22)?.parse().ok()?;
    let ss: u64 = s.get(23..25)?.parse().ok()?;
    if !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 || y < 1970 {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let t = days as u64 * 86_400 + hh * 3600 + mm * 60 + ss;
    (http_date(t) == s).then_some(t)
}

/// Formats Unix seconds as RFC 3339 UTC, e.g. `2022-04-13T18:09:12Z`.
pub fn rfc3339(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

// Howard Hinnant's civil-from-days algorithm (public domain description).
/// Days since 1970-01-01 → (year, month 1–12, day 1–31), proleptic Gregorian.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// (year, month 1–12, day 1–31) → days since 1970-01-01, proleptic Gregorian.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an RFC 3339 timestamp (what events carry in `time` / `eventTime`) (`2025-03-05T08:58:25.0311361+00:00`, `…Z`) to Unix milliseconds.
pub fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let num = |r: core::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        ms = padded.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            sign * (rest.get(1..3)?.parse::<i64>().ok()? * 60
                + rest.get(4..6)?.parse::<i64>().ok()?)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from the Java SDK's HmacDateTimeFormatTests (see tests/fixtures/hmac-vectors.md).
    #[test]
    fn formats_imf_fixdate() {
        assert_eq!(http_date(1_649_873_352), "Wed, 13 Apr 2022 18:09:12 GMT");
        assert_eq!(http_date(1_577_840_460), "Wed, 01 Jan 2020 01:01:00 GMT");
        assert_eq!(http_date(1_578_618_060), "Fri, 10 Jan 2020 01:01:00 GMT");
        assert_eq!(http_date(1_709_168_460), "Thu, 29 Feb 2024 01:01:00 GMT");
        assert_eq!(http_date(1_577_919_660), "Wed, 01 Jan 2020 23:01:00 GMT");
    }

    #[test]
    fn parses_what_it_formats() {
        for t in [
            0u64,
            951_782_400,
            1_649_873_352,
            1_709_168_460,
            4_102_444_799,
        ] {
            assert_eq!(parse_http_date(&http_date(t)), Some(t));
        }
        assert_eq!(parse_http_date("Wed, 13 Apr 2022 18:09:12 UTC"), None);
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn refuses_impossible_dates_and_never_panics() {
        // Wrong weekday, 31 February, a leap second: well-formed but not a real instant.
        assert_eq!(parse_http_date("Thu, 13 Apr 2022 18:09:12 GMT"), None);
        assert_eq!(parse_http_date("Thu, 31 Feb 2022 18:09:12 GMT"), None);
        assert_eq!(parse_http_date("Wed, 13 Apr 2022 18:09:60 GMT"), None);
        // 29 bytes with a multi-byte character across a field boundary.
        assert_eq!(parse_http_date("x\u{20ac} 13 Apr 2022 18:09:12 GMT"), None);
        assert_eq!(parse_http_date("Wed, 13 Apr 2022 18:09:1\u{e9}GMT"), None);
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(rfc3339(1_649_873_352), "2022-04-13T18:09:12Z");
    }
    #[test]
    fn rfc3339_with_fraction_and_offset() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(
            parse_rfc3339_ms("2025-03-05T08:58:25.0311361+00:00"),
            Some(1_741_165_105_031)
        );
        assert_eq!(parse_rfc3339_ms("1970-01-01T01:00:00.5+01:00"), Some(500));
        assert_eq!(parse_rfc3339_ms("1970-01-01 00:00:00"), None);
        assert_eq!(parse_rfc3339_ms("garbage"), None);
    }
}
