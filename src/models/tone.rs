//! `Tone`: one DTMF key (spec `Tone`).

use crate::Error;
use serde::{Deserialize, Serialize};

/// One DTMF key, as the spec's `Tone` enum names it on the wire (`"one"`, `"pound"`, …).
///
/// Used by `SendDtmfTones.tones`, `DtmfOptions.stopTones` and `Choice.tone`. Because the
/// type is closed, a tone outside the enum cannot be put into a request; text from outside
/// (the emulator, the JS face) goes through [`Tone::parse_char`], [`str::parse`] or
/// [`Tone::parse_sequence`], which refuse anything else with [`Error::InvalidInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Tone {
    Zero,
    One,
    Two,
    Three,
    Four,
    Five,
    Six,
    Seven,
    Eight,
    Nine,
    A,
    B,
    C,
    D,
    Pound,
    Asterisk,
}

/// Every tone with its wire name and its key character.
const TONES: [(Tone, &str, char); 16] = [
    (Tone::Zero, "zero", '0'),
    (Tone::One, "one", '1'),
    (Tone::Two, "two", '2'),
    (Tone::Three, "three", '3'),
    (Tone::Four, "four", '4'),
    (Tone::Five, "five", '5'),
    (Tone::Six, "six", '6'),
    (Tone::Seven, "seven", '7'),
    (Tone::Eight, "eight", '8'),
    (Tone::Nine, "nine", '9'),
    (Tone::A, "a", 'A'),
    (Tone::B, "b", 'B'),
    (Tone::C, "c", 'C'),
    (Tone::D, "d", 'D'),
    (Tone::Pound, "pound", '#'),
    (Tone::Asterisk, "asterisk", '*'),
];

const ALLOWED: &str = "one of 0-9, A-D, # or * (or the names zero…nine, a…d, pound, asterisk)";

impl Tone {
    /// All sixteen tones, in keypad order `0-9`, `A-D`, `#`, `*`.
    pub const ALL: [Tone; 16] = [
        Tone::Zero,
        Tone::One,
        Tone::Two,
        Tone::Three,
        Tone::Four,
        Tone::Five,
        Tone::Six,
        Tone::Seven,
        Tone::Eight,
        Tone::Nine,
        Tone::A,
        Tone::B,
        Tone::C,
        Tone::D,
        Tone::Pound,
        Tone::Asterisk,
    ];

    /// The wire name (`"one"`, `"pound"`, …).
    pub fn as_str(self) -> &'static str {
        TONES[self.index()].1
    }

    /// The key character (`'1'`, `'#'`, `'A'`, …).
    pub fn as_char(self) -> char {
        TONES[self.index()].2
    }

    fn index(self) -> usize {
        // The table is in declaration order, so the discriminant is the index.
        self as usize
    }

    /// The tone of one keypad character: `0`-`9`, `A`-`D` (either case), `#`, `*`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `tone`) for any other character, e.g. `'x'`.
    pub fn parse_char(c: char) -> Result<Tone, Error> {
        let upper = c.to_ascii_uppercase();
        TONES
            .iter()
            .find(|(_, _, key)| *key == upper)
            .map(|(tone, _, _)| *tone)
            .ok_or_else(|| {
                Error::invalid(
                    "tone",
                    format!("{c:?} is not a DTMF tone; expected {ALLOWED}"),
                )
            })
    }

    /// Parses a key sequence such as `"123#"` into tones; `field` names the list in errors,
    /// which then point at the offending position (`tones[3]`). Spaces and `,` are not
    /// skipped: every character must be a tone.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for `{field}[i]` at the first character that is not a tone.
    pub fn parse_sequence(field: &str, keys: &str) -> Result<Vec<Tone>, Error> {
        keys.chars()
            .enumerate()
            .map(|(i, c)| {
                Tone::parse_char(c).map_err(|e| match e {
                    Error::InvalidInput { reason, .. } => {
                        Error::invalid(format!("{field}[{i}]"), reason)
                    }
                    other => other,
                })
            })
            .collect()
    }
}

impl core::str::FromStr for Tone {
    type Err = Error;

    /// Accepts a wire name (`"one"`, `"pound"`; case-insensitive) or a single key
    /// character (`"1"`, `"#"`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `tone`) for anything else.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some((tone, _, _)) = TONES
            .iter()
            .find(|(_, name, _)| name.eq_ignore_ascii_case(s))
        {
            return Ok(*tone);
        }
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Tone::parse_char(c),
            _ => Err(Error::invalid(
                "tone",
                format!("{s:?} is not a DTMF tone; expected {ALLOWED}"),
            )),
        }
    }
}

impl core::fmt::Display for Tone {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_declaration_order() {
        for (i, tone) in Tone::ALL.iter().enumerate() {
            assert_eq!(TONES[i].0, *tone);
            assert_eq!(serde_json::to_value(tone).unwrap(), TONES[i].1);
        }
    }

    #[test]
    fn parses_chars_names_and_sequences() {
        assert_eq!(Tone::parse_char('1').unwrap(), Tone::One);
        assert_eq!(Tone::parse_char('b').unwrap(), Tone::B);
        assert_eq!("pound".parse::<Tone>().unwrap(), Tone::Pound);
        assert_eq!("*".parse::<Tone>().unwrap(), Tone::Asterisk);
        assert_eq!(
            Tone::parse_sequence("tones", "9#*0").unwrap(),
            [Tone::Nine, Tone::Pound, Tone::Asterisk, Tone::Zero]
        );
    }

    #[test]
    fn refuses_non_tones_naming_the_position() {
        match Tone::parse_char('x') {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, "tone");
                assert!(reason.contains("'x'"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!("hash".parse::<Tone>().is_err());
        match Tone::parse_sequence("tones", "12e4") {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "tones[2]"),
            other => panic!("{other:?}"),
        }
    }
}
