//! Types shared by many callback events: the result of an operation, DTMF tones and
//! string enums that stay open to values the spec does not list yet.

use serde::{Deserialize, Serialize};

/// Defines a string enum that keeps values it does not know in `Other(String)`, so a new
/// service value never makes a whole event undecodable (decode leniently).
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of callsteer does not know, as sent.
            Other(String),
        }

        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s.as_str(),
                }
            }

            /// Parses a wire string; unknown values become `Other`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    _ => Self::Other(s.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}
pub(crate) use open_enum;

/// Lets one `skip_serializing_if` path serve `Option` and `Vec` fields alike.
pub(crate) trait Absent {
    fn is_absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

/// `resultInformation`: how an operation ended (`code` is HTTP-like, `subCode` the diagnostic).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResultInformation {
    /// Code of the result (200 on success, 4xx/5xx on failure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Sub-code with the diagnostic (e.g. 7000 ended by Call Automation, 8531 max tones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<i64>,
    /// Human-readable detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// SIP diagnostics, when the call leg was SIP/PSTN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_details: Option<SipDiagnosticInfo>,
    /// Q.850 diagnostics, when the call leg was PSTN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q850_details: Option<SipDiagnosticInfo>,
}

impl ResultInformation {
    /// True when `code` is 2xx.
    pub fn is_success(&self) -> bool {
        matches!(self.code, Some(c) if (200..300).contains(&c))
    }
}

/// `SipDiagnosticInfo`: a SIP or Q.850 code with its message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SipDiagnosticInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

open_enum! {
    /// A DTMF tone (`Tone` in the spec).
    Tone {
        Zero = "zero", One = "one", Two = "two", Three = "three", Four = "four",
        Five = "five", Six = "six", Seven = "seven", Eight = "eight", Nine = "nine",
        A = "a", B = "b", C = "c", D = "d", Pound = "pound", Asterisk = "asterisk",
    }
}

impl Tone {
    /// The keypad character (`'0'`–`'9'`, `'A'`–`'D'`, `'#'`, `'*'`), `None` for unknown tones.
    pub fn to_char(&self) -> Option<char> {
        Some(match self {
            Tone::Zero => '0',
            Tone::One => '1',
            Tone::Two => '2',
            Tone::Three => '3',
            Tone::Four => '4',
            Tone::Five => '5',
            Tone::Six => '6',
            Tone::Seven => '7',
            Tone::Eight => '8',
            Tone::Nine => '9',
            Tone::A => 'A',
            Tone::B => 'B',
            Tone::C => 'C',
            Tone::D => 'D',
            Tone::Pound => '#',
            Tone::Asterisk => '*',
            Tone::Other(_) => return None,
        })
    }
}
