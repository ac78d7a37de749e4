//! String building without `core::fmt`.
//!
//! The formatting on the npm package's path (dates, UUIDs, signatures, URLs, ranges) builds
//! fixed-shape strings with these helpers and `[&str]::concat` instead of `format!`: not
//! linking `core::fmt` keeps several kB out of the wasm a browser loads (BENCHMARKS.md,
//! "npm package … Size").

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub fn push_decimal(out: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in (digits.len() - start)..width {
        out.push('0');
    }
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

/// Appends the two lower-case hex digits of `byte`.
pub fn push_hex(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 15)]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_match_format() {
        for (n, w) in [
            (0, 0),
            (0, 2),
            (7, 2),
            (42, 2),
            (2022, 4),
            (999, 4),
            (u64::MAX, 0),
            (u64::MAX, 25),
        ] {
            let mut s = String::new();
            push_decimal(&mut s, n, w);
            assert_eq!(s, format!("{n:0w$}"));
        }
    }

    #[test]
    fn hex_matches_format() {
        let mut s = String::new();
        for b in [0u8, 9, 10, 0xa7, 255] {
            push_hex(&mut s, b);
        }
        assert_eq!(s, "00090aa7ff");
    }
}
