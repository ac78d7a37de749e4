//! Small validation helpers shared by the media and recording models and operations.
//!
//! They sit next to the models rather than in `crate::validate` because they are about
//! these request shapes (identifiers as targets, optional per-operation callback URIs).

use crate::identifier::CommunicationIdentifier;
use crate::validate::{callback_uri, non_empty};
use crate::Error;

/// A participant named in a request must carry a non-empty id; a phone number must
/// look like E.164 (or be the anonymous number: an anonymous caller can still be held or
/// sent tones). Error fields name the sub-field as `crate::api::build::identifier` does
/// (`targetParticipant.communicationUser.id`). The two differ on one edge case: that one
/// accepts any phone number flagged anonymous, this one only the literal `anonymous`
/// value. Unifying them changes what input is accepted, so it is left as a decision.
pub(crate) fn identifier(field: &str, id: &CommunicationIdentifier) -> Result<(), Error> {
    use CommunicationIdentifier as C;
    match id {
        C::CommunicationUser { id } => non_empty(&format!("{field}.communicationUser.id"), id),
        C::Unknown { id } => non_empty(&format!("{field}.rawId"), id),
        C::PhoneNumber {
            value,
            is_anonymous: true,
            ..
        } if value == "anonymous" => Ok(()),
        C::PhoneNumber { value, .. } => {
            crate::validate::e164(&format!("{field}.phoneNumber.value"), value)
        }
        C::MicrosoftTeamsUser { user_id, .. } => {
            non_empty(&format!("{field}.microsoftTeamsUser.userId"), user_id)
        }
        C::MicrosoftTeamsApp { app_id, .. } => {
            non_empty(&format!("{field}.microsoftTeamsApp.appId"), app_id)
        }
        C::TeamsExtensionUser {
            user_id,
            tenant_id,
            resource_id,
            ..
        } => {
            let f = format!("{field}.teamsExtensionUser");
            non_empty(&format!("{f}.userId"), user_id)?;
            non_empty(&format!("{f}.tenantId"), tenant_id)?;
            non_empty(&format!("{f}.resourceId"), resource_id)
        }
    }
}

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
        let unknown = CommunicationIdentifier::Unknown { id: String::new() };
        assert_eq!(field_of(identifier("t", &unknown)), "t.rawId");
        assert_eq!(
            field_of(identifier("t", &CommunicationIdentifier::phone("425"))),
            "t.phoneNumber.value"
        );
    }
}
