//! Small validation helpers shared by the media and recording models and operations.
//!
//! They sit next to the models rather than in `crate::validate` because they are about
//! these request shapes (identifiers as targets, optional per-operation callback URIs).

use crate::validate::{callback_uri, non_empty};
use crate::Error;

/// A participant named in a request must carry a non-empty id; a phone number must be
/// E.164 unless it is flagged anonymous (an anonymous caller can still be held or sent
/// tones; its wire value is always `anonymous`, see `CommunicationIdentifier::to_model`).
/// The same check as the call-connection operations use: errors name the sub-field
/// (`targetParticipant.communicationUser.id`).
pub(crate) use crate::api::build::identifier;

/// Checks `operationCallbackUri` (or any optional callback URI) when it is set.
pub(crate) fn optional_callback(field: &str, uri: Option<&str>) -> Result<(), Error> {
    uri.map_or(Ok(()), |u| callback_uri(field, u))
}

/// Checks an optional free-text field that, when present, must not be blank.
pub(crate) fn optional_non_empty(field: &str, value: Option<&str>) -> Result<(), Error> {
    value.map_or(Ok(()), |v| non_empty(field, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identifier::CommunicationIdentifier;

    fn field_of(r: Result<(), Error>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn identifiers() {
        assert!(identifier("t", &CommunicationIdentifier::user("8:acs:x")).is_ok());
        assert!(identifier("t", &CommunicationIdentifier::phone("+14255550123")).is_ok());
        assert_eq!(
            field_of(identifier("t", &CommunicationIdentifier::user(""))),
            "t.communicationUser.id"
        );
        let anonymous = CommunicationIdentifier::from_raw_id("4:anonymous");
        assert!(identifier("t", &anonymous).is_ok());
        // Flagged anonymous with another value: goes on the wire as `anonymous`, so accepted.
        let flagged = CommunicationIdentifier::PhoneNumber { value: String::new(), is_anonymous: true, asserted_id: None };
        assert!(identifier("t", &flagged).is_ok());
        let unknown = CommunicationIdentifier::Unknown { id: String::new() };
        assert_eq!(field_of(identifier("t", &unknown)), "t.rawId");
        assert_eq!(
            field_of(identifier("t", &CommunicationIdentifier::phone("425"))),
            "t.phoneNumber.value"
        );
    }
}
