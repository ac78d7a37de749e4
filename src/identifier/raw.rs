//! Raw id strings: format and parse.
//!
//! Facts checked against the official SDKs (read, not copied):
//! * JS `@azure/communication-common` 2.5.0, `dist/commonjs/identifierModels.js`
//!   (`getIdentifierRawId`, `createIdentifierFromRawId`);
//! * .NET `sdk/communication/Azure.Communication.Common/src/CommunicationIdentifier.cs`
//!   (`FromRawId`), `PhoneNumberIdentifier.cs`, `TeamsExtensionUserIdentifier.cs`;
//! * Python `azure-communication-callautomation` 1.6.0, `_shared/models.py`
//!   (`identifier_from_raw_id`, `PhoneNumberIdentifier`).
//!
//! The rules and where they come from are in the `identifier` module docs.

use super::{CommunicationCloud, CommunicationIdentifier};
use CommunicationCloud::{Dod, Gcch, Public};

pub(super) const PHONE: &str = "4:";
pub(super) const ANONYMOUS: &str = "anonymous";

const ACS_PREFIXES: [(&str, CommunicationCloud); 3] = [
    ("8:acs:", Public),
    ("8:dod-acs:", Dod),
    ("8:gcch-acs:", Gcch),
];
const SPOOL: &str = "8:spool:";
const TEAMS_VISITOR: &str = "8:teamsvisitor:";
const TEAMS_USER_PREFIXES: [(&str, CommunicationCloud); 3] =
    [("8:orgid:", Public), ("8:dod:", Dod), ("8:gcch:", Gcch)];
const TEAMS_APP_PREFIXES: [(&str, CommunicationCloud); 3] =
    [("28:orgid:", Public), ("28:dod:", Dod), ("28:gcch:", Gcch)];

/// Every prefix a raw id can start with that gives it a kind other than unknown (for
/// checks that no other code keeps a copy of these rules, e.g. the npm package's JS).
pub const RAW_ID_PREFIXES: [&str; 12] = [
    PHONE,
    ACS_PREFIXES[0].0,
    ACS_PREFIXES[1].0,
    ACS_PREFIXES[2].0,
    SPOOL,
    TEAMS_VISITOR,
    TEAMS_USER_PREFIXES[0].0,
    TEAMS_USER_PREFIXES[1].0,
    TEAMS_USER_PREFIXES[2].0,
    TEAMS_APP_PREFIXES[0].0,
    TEAMS_APP_PREFIXES[1].0,
    TEAMS_APP_PREFIXES[2].0,
];

fn prefix_for(
    table: &[(&'static str, CommunicationCloud); 3],
    cloud: CommunicationCloud,
) -> &'static str {
    table
        .iter()
        .find(|(_, c)| *c == cloud)
        .map_or(table[0].0, |(p, _)| p)
}

/// The raw id of `id` (by concatenation: no `core::fmt` on the npm engine's path).
pub(super) fn format(id: &CommunicationIdentifier) -> String {
    use CommunicationIdentifier as I;
    match id {
        I::CommunicationUser { id } | I::Unknown { id } => id.clone(),
        // The spec: "If the phone number is anonymous, the value will be the string 'anonymous'".
        I::PhoneNumber {
            is_anonymous: true, ..
        } => [PHONE, ANONYMOUS].concat(),
        I::PhoneNumber {
            value,
            asserted_id: Some(a),
            ..
        } => [PHONE, value, "_", a].concat(),
        I::PhoneNumber { value, .. } => [PHONE, value].concat(),
        // Anonymous visitors have no cloud in their raw id (JS, .NET, Python).
        I::MicrosoftTeamsUser {
            user_id,
            is_anonymous: true,
            ..
        } => [TEAMS_VISITOR, user_id].concat(),
        I::MicrosoftTeamsUser { user_id, cloud, .. } => {
            [prefix_for(&TEAMS_USER_PREFIXES, *cloud), user_id].concat()
        }
        I::MicrosoftTeamsApp { app_id, cloud } => {
            [prefix_for(&TEAMS_APP_PREFIXES, *cloud), app_id].concat()
        }
        I::TeamsExtensionUser {
            user_id,
            tenant_id,
            resource_id,
            cloud,
        } => {
            let prefix = prefix_for(&ACS_PREFIXES, *cloud);
            [prefix, resource_id, "_", tenant_id, "_", user_id].concat()
        }
    }
}

/// Parses a raw id; never fails.
pub(super) fn parse(raw: &str) -> CommunicationIdentifier {
    if let Some(rest) = raw.strip_prefix(PHONE) {
        return parse_phone(rest);
    }
    if let Some(found) = parse_acs(raw) {
        return found;
    }
    if raw.starts_with(SPOOL) {
        return CommunicationIdentifier::CommunicationUser { id: raw.into() };
    }
    if let Some(user_id) = raw.strip_prefix(TEAMS_VISITOR) {
        return CommunicationIdentifier::MicrosoftTeamsUser {
            user_id: user_id.into(),
            is_anonymous: true,
            cloud: Public,
        };
    }
    for (prefix, cloud) in TEAMS_USER_PREFIXES {
        if let Some(user_id) = raw.strip_prefix(prefix) {
            return CommunicationIdentifier::teams_user(user_id, cloud);
        }
    }
    for (prefix, cloud) in TEAMS_APP_PREFIXES {
        if let Some(app_id) = raw.strip_prefix(prefix) {
            return CommunicationIdentifier::teams_app(app_id, cloud);
        }
    }
    CommunicationIdentifier::Unknown { id: raw.into() }
}

/// `rest` is everything after `4:`.
fn parse_phone(rest: &str) -> CommunicationIdentifier {
    if rest == ANONYMOUS {
        return CommunicationIdentifier::anonymous_phone();
    }
    match rest.rsplit_once('_') {
        // A leading `_` would leave no number: keep the text whole.
        Some((number, asserted)) if !number.is_empty() && !asserted.is_empty() => {
            CommunicationIdentifier::PhoneNumber {
                value: number.into(),
                is_anonymous: false,
                asserted_id: Some(asserted.into()),
            }
        }
        _ => CommunicationIdentifier::phone(rest),
    }
}

/// ACS user or Teams extension user, for the three `…acs:` prefixes.
fn parse_acs(raw: &str) -> Option<CommunicationIdentifier> {
    let (rest, cloud) = ACS_PREFIXES
        .iter()
        .find_map(|(p, c)| raw.strip_prefix(p).map(|r| (r, *c)))?;
    let mut parts = rest.split('_');
    Some(
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(resource_id), Some(tenant_id), Some(user_id), None) => {
                CommunicationIdentifier::TeamsExtensionUser {
                    user_id: user_id.into(),
                    tenant_id: tenant_id.into(),
                    resource_id: resource_id.into(),
                    cloud,
                }
            }
            _ => CommunicationIdentifier::CommunicationUser { id: raw.into() },
        },
    )
}
