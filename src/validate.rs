//! Every input rule, in one module: what the operations (`crate::api`) and the wire models
//! (`crate::models`) check before anything is sent. Each returns [`Error::InvalidInput`]
//! naming the field and the reason.

use crate::http::{is_loopback_host, Endpoint};
use crate::identifier::PhoneNumberModel;
use crate::{CommunicationIdentifier, Error};

/// Service limit on a custom calling context header key (azure-docs: key ≤ 64 chars).
pub const MAX_CUSTOM_CONTEXT_KEY_CHARS: usize = 64;
/// Service limit on a custom calling context header value (azure-docs: value ≤ 256 chars).
pub const MAX_CUSTOM_CONTEXT_VALUE_CHARS: usize = 256;
/// Spec: `invitationTimeoutInSeconds` minimum 0, maximum 180.
pub const INVITATION_TIMEOUT_RANGE: core::ops::RangeInclusive<i32> = 0..=180;

/// `n` in decimal. The messages here are built by concatenation, without `core::fmt`: they are
/// on the npm engine's path, whose wasm links no formatting machinery.
fn decimal(n: i32) -> String {
    let mut s = String::with_capacity(11);
    if n < 0 {
        s.push('-');
    }
    crate::text::push_decimal(&mut s, n.unsigned_abs().into(), 1);
    s
}

/// `value` must be E.164: `+` then 1–15 digits, the first not `0`.
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn e164(field: &str, value: &str) -> Result<(), Error> {
    let digits = value.strip_prefix('+').ok_or_else(|| {
        Error::invalid(
            field,
            [
                "phone number must be E.164 (start with '+'), got \"",
                value,
                "\"",
            ]
            .concat(),
        )
    })?;
    if digits.is_empty()
        || digits.len() > 15
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || digits.starts_with('0')
    {
        return Err(Error::invalid(
            field,
            [
                "phone number must be E.164 ('+' and 1-15 digits, no leading 0), got \"",
                value,
                "\"",
            ]
            .concat(),
        ));
    }
    Ok(())
}

/// A callback URI must be an absolute `https` URL; `http` only for loopback hosts
/// (local development against the emulator or a tunnel-less dev server).
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn callback_uri(field: &str, value: &str) -> Result<(), Error> {
    if value.contains('#') {
        return Err(Error::invalid(
            field,
            "must not contain a fragment (it is never sent to the server)",
        ));
    }
    // A query is fine (the docs suggest a secret token there); only scheme and host matter here.
    let without_query = value.split_once('?').map_or(value, |(before, _)| before);
    let endpoint = Endpoint::parse(without_query).map_err(|e| match e {
        Error::InvalidInput { reason, .. } => {
            Error::invalid(field, reason.replace("endpoint", "callback URI"))
        }
        other => other,
    })?;
    if endpoint.scheme() == "http" && !is_loopback_host(endpoint.host()) {
        return Err(Error::invalid(
            field,
            "must use https (http is allowed only for localhost/127.0.0.1/[::1])",
        ));
    }
    Ok(())
}

/// `value` must not be empty (or only whitespace).
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(())
}

/// `value` must lie in `range` (inclusive); used for spec `minimum`/`maximum`.
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn in_range(
    field: &str,
    value: i32,
    range: core::ops::RangeInclusive<i32>,
) -> Result<(), Error> {
    if !range.contains(&value) {
        return Err(Error::invalid(
            field,
            [
                "must be between ",
                &decimal(*range.start()),
                " and ",
                &decimal(*range.end()),
                ", got ",
                &decimal(value),
            ]
            .concat(),
        ));
    }
    Ok(())
}

/// A custom calling context header: key 1–64 chars, value ≤ 256 chars, both printable ASCII
/// without `:` in the key (they become SIP/VoIP header names).
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn custom_context_header(field: &str, key: &str, value: &str) -> Result<(), Error> {
    if key.is_empty() || key.chars().count() > MAX_CUSTOM_CONTEXT_KEY_CHARS {
        return Err(Error::invalid(
            field,
            [
                "header key must be 1-",
                &decimal(MAX_CUSTOM_CONTEXT_KEY_CHARS as i32),
                " characters",
            ]
            .concat(),
        ));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
        return Err(Error::invalid(
            field,
            "header key must be printable ASCII without spaces or ':'",
        ));
    }
    if value.chars().count() > MAX_CUSTOM_CONTEXT_VALUE_CHARS {
        return Err(Error::invalid(
            field,
            [
                "header value must be at most ",
                &decimal(MAX_CUSTOM_CONTEXT_VALUE_CHARS as i32),
                " characters",
            ]
            .concat(),
        ));
    }
    if !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(Error::invalid(
            field,
            "header value must be printable ASCII",
        ));
    }
    Ok(())
}

/// A call connection id must be non-empty.
///
/// # Errors
/// [`Error::InvalidInput`] for `callConnectionId`.
pub fn call_connection_id(id: &str) -> Result<(), Error> {
    non_empty("callConnectionId", id)
}

/// Checks an identifier the service will dial or address: phone numbers must be E.164,
/// ids must be non-empty. `field` is the wire path of the identifier (e.g. `targets[1]`);
/// errors name the sub-field (`targets[1].phoneNumber.value`).
///
/// # Errors
/// [`Error::InvalidInput`] naming the sub-field.
pub fn identifier(field: &str, id: &CommunicationIdentifier) -> Result<(), Error> {
    use CommunicationIdentifier::*;
    match id {
        CommunicationUser { id } => non_empty(&[field, ".communicationUser.id"].concat(), id),
        // An anonymous caller (`4:anonymous`) is a real participant that can be removed,
        // muted or moved; it has no number to check.
        PhoneNumber {
            is_anonymous: true, ..
        } => Ok(()),
        PhoneNumber { value, .. } => e164(&[field, ".phoneNumber.value"].concat(), value),
        MicrosoftTeamsUser { user_id, .. } => {
            non_empty(&[field, ".microsoftTeamsUser.userId"].concat(), user_id)
        }
        MicrosoftTeamsApp { app_id, .. } => {
            non_empty(&[field, ".microsoftTeamsApp.appId"].concat(), app_id)
        }
        TeamsExtensionUser {
            user_id,
            tenant_id,
            resource_id,
            ..
        } => {
            non_empty(&[field, ".teamsExtensionUser.userId"].concat(), user_id)?;
            non_empty(&[field, ".teamsExtensionUser.tenantId"].concat(), tenant_id)?;
            non_empty(
                &[field, ".teamsExtensionUser.resourceId"].concat(),
                resource_id,
            )
        }
        Unknown { id } => non_empty(&[field, ".rawId"].concat(), id),
    }
}

/// A caller id (`PhoneNumberIdentifierModel`) must be E.164.
///
/// # Errors
/// [`Error::InvalidInput`] for `{field}.value`.
pub fn caller_id(field: &str, number: Option<&PhoneNumberModel>) -> Result<(), Error> {
    match number {
        Some(n) => e164(&[field, ".value"].concat(), &n.value),
        None => Ok(()),
    }
}

/// Checks `operationCallbackUri` (or any optional callback URI) when it is set.
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn optional_callback(field: &str, uri: Option<&str>) -> Result<(), Error> {
    uri.map_or(Ok(()), |u| callback_uri(field, u))
}

/// Checks an optional free-text field that, when present, must not be blank.
///
/// # Errors
/// [`Error::InvalidInput`] for `field`.
pub fn optional_non_empty(field: &str, value: Option<&str>) -> Result<(), Error> {
    value.map_or(Ok(()), |v| non_empty(field, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<(), Error>) -> String {
        match r {
            Err(Error::InvalidInput { reason, .. }) => reason,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn e164_accepts_and_refuses() {
        assert!(e164("f", "+14255550123").is_ok());
        assert!(reason(e164("f", "14255550123")).contains("start with '+'"));
        assert!(reason(e164("f", "+0123")).contains("E.164"));
        assert!(reason(e164("f", "+1234567890123456")).contains("E.164"));
        assert!(reason(e164("f", "+1-425")).contains("E.164"));
    }

    #[test]
    fn callback_uri_requires_https_except_loopback() {
        assert!(callback_uri("callbackUri", "https://app.example/cb").is_ok());
        assert!(callback_uri("callbackUri", "http://127.0.0.1:8787/cb").is_ok());
        assert!(callback_uri("callbackUri", "http://localhost/cb").is_ok());
        assert!(callback_uri("callbackUri", "https://app.example/cb?token=s3cret&x=1").is_ok());
        assert!(
            reason(callback_uri("callbackUri", "http://app.example/cb?token=1")).contains("https")
        );
        assert!(
            reason(callback_uri("callbackUri", "https://app.example/cb#frag")).contains("fragment")
        );
        assert!(reason(callback_uri("callbackUri", "http://app.example/cb")).contains("https"));
        assert!(reason(callback_uri("callbackUri", "app.example/cb")).contains("absolute URL"));
    }

    #[test]
    fn custom_context_limits() {
        assert!(custom_context_header("h", "k", &"v".repeat(256)).is_ok());
        assert!(reason(custom_context_header("h", "k", &"v".repeat(257))).contains("256"));
        assert!(reason(custom_context_header("h", &"k".repeat(65), "v")).contains("1-64"));
        assert!(reason(custom_context_header("h", "a:b", "v")).contains("':'"));
    }

    #[test]
    fn ranges() {
        assert!(in_range("t", 180, INVITATION_TIMEOUT_RANGE).is_ok());
        assert!(reason(in_range("t", 181, INVITATION_TIMEOUT_RANGE)).contains("between 0 and 180"));
    }

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
        let flagged = CommunicationIdentifier::PhoneNumber {
            value: String::new(),
            is_anonymous: true,
            asserted_id: None,
        };
        assert!(identifier("t", &flagged).is_ok());
        let unknown = CommunicationIdentifier::Unknown { id: String::new() };
        assert_eq!(field_of(identifier("t", &unknown)), "t.rawId");
        assert_eq!(
            field_of(identifier("t", &CommunicationIdentifier::phone("425"))),
            "t.phoneNumber.value"
        );
    }
}
