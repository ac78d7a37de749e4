//! Scripted endpoints: how a dialled party behaves is decided by its id.
//!
//! | identity | behaviour |
//! |---|---|
//! | phone `+1555000xxxx` (and any other number, any ACS/Teams id without a suffix below) | answers at once |
//! | phone `+1555001xxxx`, ACS/Teams id ending `_busy` | busy: fails after 200 ms (486, subCode 560486) |
//! | phone `+1555002xxxx`, id ending `_noanswer` | rings until the invitation times out (408, subCode 10004) |
//! | phone `+1555003xxxx`, id ending `_reject` | declines after 500 ms (603, subCode 560603) |
//! | phone `+1555004xxxx`, id ending `_voicemail` | a machine answers after 2 s: the leg connects (a success, as with the real service) |
//! | phone `+15551DDxxxx`, id ending `_delayNNNN` | answers after DD × 100 ms / NNNN ms |
//!
//! These rules are the emulator's own convention (the real service has no scripted numbers).

use callsteer::CommunicationIdentifier;

/// What a dialled party does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Picks up after this many milliseconds.
    Answer { after_ms: u64 },
    /// Answering machine: connects after 2 s.
    Voicemail,
    /// Busy signal.
    Busy,
    /// Never answers; the invitation times out.
    NoAnswer,
    /// Declines the call.
    Reject,
}

/// How long a voicemail box takes to pick up.
pub const VOICEMAIL_AFTER_MS: u64 = 2_000;
/// How long a busy party takes to refuse.
pub const BUSY_AFTER_MS: u64 = 200;
/// How long a rejecting party takes to decline.
pub const REJECT_AFTER_MS: u64 = 500;

/// The behaviour scripted for `who`.
pub fn behaviour_of(who: &CommunicationIdentifier) -> Behaviour {
    match who {
        CommunicationIdentifier::PhoneNumber { value, .. } => phone_behaviour(value),
        other => suffix_behaviour(&other.raw_id()),
    }
}

fn phone_behaviour(number: &str) -> Behaviour {
    let Some(rest) = number.strip_prefix("+1555") else {
        return Behaviour::Answer { after_ms: 0 };
    };
    let code = rest.get(..3).unwrap_or("");
    match code {
        "001" => Behaviour::Busy,
        "002" => Behaviour::NoAnswer,
        "003" => Behaviour::Reject,
        "004" => Behaviour::Voicemail,
        c if c.len() == 3 && c.starts_with('1') => match c[1..].parse::<u64>() {
            Ok(tenths) => Behaviour::Answer {
                after_ms: tenths * 100,
            },
            Err(_) => Behaviour::Answer { after_ms: 0 },
        },
        _ => Behaviour::Answer { after_ms: 0 },
    }
}

fn suffix_behaviour(raw_id: &str) -> Behaviour {
    let lower = raw_id.to_ascii_lowercase();
    let suffix = lower.rsplit('_').next().unwrap_or("");
    match suffix {
        "busy" => Behaviour::Busy,
        "noanswer" => Behaviour::NoAnswer,
        "reject" => Behaviour::Reject,
        "voicemail" => Behaviour::Voicemail,
        s => match s
            .strip_prefix("delay")
            .and_then(|ms| ms.parse::<u64>().ok())
        {
            Some(ms) => Behaviour::Answer {
                after_ms: ms.min(600_000),
            },
            None => Behaviour::Answer { after_ms: 0 },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommunicationIdentifier as Id;

    #[test]
    fn phone_numbers_select_behaviour() {
        assert_eq!(
            behaviour_of(&Id::phone("+15550001234")),
            Behaviour::Answer { after_ms: 0 }
        );
        assert_eq!(behaviour_of(&Id::phone("+15550011234")), Behaviour::Busy);
        assert_eq!(
            behaviour_of(&Id::phone("+15550021234")),
            Behaviour::NoAnswer
        );
        assert_eq!(behaviour_of(&Id::phone("+15550031234")), Behaviour::Reject);
        assert_eq!(
            behaviour_of(&Id::phone("+15550041234")),
            Behaviour::Voicemail
        );
        assert_eq!(
            behaviour_of(&Id::phone("+15551151234")),
            Behaviour::Answer { after_ms: 1_500 }
        );
        assert_eq!(
            behaviour_of(&Id::phone("+442071234567")),
            Behaviour::Answer { after_ms: 0 }
        );
    }

    #[test]
    fn acs_suffixes_select_behaviour() {
        assert_eq!(behaviour_of(&Id::user("8:acs:r_u1_busy")), Behaviour::Busy);
        assert_eq!(
            behaviour_of(&Id::user("8:acs:r_u1_NoAnswer")),
            Behaviour::NoAnswer
        );
        assert_eq!(
            behaviour_of(&Id::user("8:acs:r_u1_reject")),
            Behaviour::Reject
        );
        assert_eq!(
            behaviour_of(&Id::user("8:acs:r_u1_voicemail")),
            Behaviour::Voicemail
        );
        assert_eq!(
            behaviour_of(&Id::user("8:acs:r_u1_delay250")),
            Behaviour::Answer { after_ms: 250 }
        );
        assert_eq!(
            behaviour_of(&Id::user("8:acs:r_u1")),
            Behaviour::Answer { after_ms: 0 }
        );
    }
}
