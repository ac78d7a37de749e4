//! Communication identifiers: who is in a call.
//!
//! [`CommunicationIdentifier`] is the typed form; [`CommunicationIdentifierModel`] is the
//! wire form of `common.json` (`rawId`, `kind`, one typed sub-object). Both convert to and
//! from the *raw id* string (`8:acs:…`, `4:+1…`, `8:orgid:…`, `28:orgid:…`).
//!
//! The raw-id rules follow the official SDKs (`@azure/communication-common` 2.5.0
//! `identifierModels.js`, .NET `Azure.Communication.Common` `CommunicationIdentifier.cs`,
//! Python `azure-communication-callautomation` 1.6.0 `_shared/models.py`); where they
//! differ from each other or where we differ from them, the rule says so.
//!
//! Rules:
//! * **Phone** — raw id is `4:` + the number *verbatim*: all three SDKs neither add nor
//!   strip `+` (older JS releases stripped `+` when formatting and re-added it when
//!   parsing; 2.5.0 does neither), so `4:14255550123` parses to the value `14255550123`.
//!   `4:anonymous` is the anonymous caller. The asserted id is the text after the
//!   *last* `_`, present only when that `_` is not the last character (JS/Python rule).
//!   We differ in one respect: the SDKs keep the suffix inside the phone-number value
//!   (`+1425…_abc`); our `value` is the number alone and `asserted_id` holds `abc`,
//!   so the raw id is `4:{value}_{asserted_id}`. E.164 numbers never contain `_`, so
//!   this is lossless.
//! * **ACS user** — `8:acs:`, `8:spool:`, `8:dod-acs:`, `8:gcch-acs:`: the whole raw id
//!   is the user id. For `8:acs:`, `8:dod-acs:` and `8:gcch-acs:` a suffix of exactly
//!   three `_`-separated parts is a **Teams extension user** (`resource_tenant_user`);
//!   one with any other count (a normal ACS user is `resource_user`) is an ACS user.
//!   `8:spool:` is always an ACS user. (All three SDKs.)
//! * **Teams user** — `8:orgid:` (public), `8:dod:`, `8:gcch:`, and `8:teamsvisitor:`
//!   (anonymous visitor, cloud public). **Teams app** — `28:orgid:`, `28:dod:`,
//!   `28:gcch:`. The older bot forms (`28:<id>`, `28:dod-global:`, `28:gcch-global:`)
//!   are still declared as constants in the Python package but no current SDK parses
//!   them: they are [`CommunicationIdentifier::Unknown`].
//! * **Colons in the suffix** — JS and .NET split on every `:` and call anything that is
//!   not exactly three segments unknown; Python splits at most twice and keeps the rest
//!   as the suffix. We take Python's rule (prefix match), so a Teams id containing `:`
//!   still round-trips; the two forms agree on every id the service issues (GUIDs).
//! * **Empty suffix** — `8:orgid:` parses to a Teams user with an empty id, as in JS and
//!   Python (.NET throws instead; this parser never fails).
//!
//! How the wire model is decoded (and what wins when `rawId` and the typed sub-object
//! disagree) is described on [`CommunicationIdentifier::from_model`].

mod model;
mod raw;

pub use raw::RAW_ID_PREFIXES;

pub use model::{
    CommunicationIdentifierModel, CommunicationUserModel, MicrosoftTeamsAppModel,
    MicrosoftTeamsUserModel, PhoneNumberModel, TeamsExtensionUserModel, TypedModel,
};

use core::fmt;
use serde::{Deserialize, Serialize};

/// The cloud a Teams identity belongs to (`CommunicationCloudEnvironmentModel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum CommunicationCloud {
    /// The public (commercial) cloud; the default when `cloud` is missing.
    #[default]
    Public,
    /// US Department of Defense.
    Dod,
    /// US Government Community Cloud High.
    Gcch,
}

impl CommunicationCloud {
    /// The wire name (`public`, `dod`, `gcch`).
    pub fn as_str(self) -> &'static str {
        match self {
            CommunicationCloud::Public => "public",
            CommunicationCloud::Dod => "dod",
            CommunicationCloud::Gcch => "gcch",
        }
    }

    /// The cloud a wire name names; anything else is the public cloud (the default the SDKs
    /// and the raw-id prefixes use for an unknown name).
    pub fn from_name(name: &str) -> Self {
        match name {
            "dod" => CommunicationCloud::Dod,
            "gcch" => CommunicationCloud::Gcch,
            _ => CommunicationCloud::Public,
        }
    }
}

/// A participant identity.
///
/// `Debug`/`Display` show ids, which are not secrets. Equality is structural; two values
/// that format to the same raw id compare equal when they were built the same way (see
/// [`CommunicationIdentifier::from_raw_id`] for the canonical form).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommunicationIdentifier {
    /// An ACS user; `id` is the full raw id (`8:acs:…`, `8:spool:…`, `8:dod-acs:…`, `8:gcch-acs:…`).
    CommunicationUser { id: String },
    /// A phone number: `value` in E.164 (or `anonymous` for a hidden caller id), plus the
    /// asserted id the service adds when the same number is in a call more than once.
    PhoneNumber {
        value: String,
        is_anonymous: bool,
        asserted_id: Option<String>,
    },
    /// A Microsoft Teams user (Entra object id), or an anonymous Teams visitor.
    MicrosoftTeamsUser {
        user_id: String,
        is_anonymous: bool,
        cloud: CommunicationCloud,
    },
    /// A Microsoft Teams application (bot, voice app).
    MicrosoftTeamsApp {
        app_id: String,
        cloud: CommunicationCloud,
    },
    /// A Teams Phone user extended through an ACS resource.
    TeamsExtensionUser {
        user_id: String,
        tenant_id: String,
        resource_id: String,
        cloud: CommunicationCloud,
    },
    /// Anything else; `id` is the raw id as given.
    Unknown { id: String },
}

impl CommunicationIdentifier {
    /// An ACS user from its raw id (`8:acs:…`).
    pub fn user(id: impl Into<String>) -> Self {
        CommunicationIdentifier::CommunicationUser { id: id.into() }
    }

    /// A phone number (E.164, e.g. `+14255550123`).
    pub fn phone(number: impl Into<String>) -> Self {
        CommunicationIdentifier::PhoneNumber {
            value: number.into(),
            is_anonymous: false,
            asserted_id: None,
        }
    }

    /// The anonymous phone number (hidden caller id), raw id `4:anonymous`.
    pub fn anonymous_phone() -> Self {
        CommunicationIdentifier::PhoneNumber {
            value: raw::ANONYMOUS.into(),
            is_anonymous: true,
            asserted_id: None,
        }
    }

    /// A (non-anonymous) Teams user by Entra object id.
    pub fn teams_user(user_id: impl Into<String>, cloud: CommunicationCloud) -> Self {
        CommunicationIdentifier::MicrosoftTeamsUser {
            user_id: user_id.into(),
            is_anonymous: false,
            cloud,
        }
    }

    /// A Teams application by app id.
    pub fn teams_app(app_id: impl Into<String>, cloud: CommunicationCloud) -> Self {
        CommunicationIdentifier::MicrosoftTeamsApp {
            app_id: app_id.into(),
            cloud,
        }
    }

    /// The raw id string: the identity the service uses in paths and events.
    pub fn raw_id(&self) -> String {
        raw::format(self)
    }

    /// Parses a raw id. Never fails: unrecognised forms become [`Self::Unknown`].
    ///
    /// For every identifier this crate builds with ids that contain no `:` (and, for
    /// Teams extension users, no `_`), `from_raw_id(&id.raw_id()) == id` — the property
    /// test in `tests/identifiers.rs` checks it.
    pub fn from_raw_id(raw: &str) -> Self {
        raw::parse(raw)
    }

    /// The `kind` value of `common.json` (`communicationUser`, `phoneNumber`, …, `unknown`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CommunicationUser { .. } => model::KIND_USER,
            Self::PhoneNumber { .. } => model::KIND_PHONE,
            Self::MicrosoftTeamsUser { .. } => model::KIND_TEAMS_USER,
            Self::MicrosoftTeamsApp { .. } => model::KIND_TEAMS_APP,
            Self::TeamsExtensionUser { .. } => model::KIND_EXTENSION_USER,
            Self::Unknown { .. } => model::KIND_UNKNOWN,
        }
    }
}

impl fmt::Display for CommunicationIdentifier {
    /// Writes the raw id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw_id())
    }
}

impl Serialize for CommunicationIdentifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_model().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CommunicationIdentifier {
    /// Lenient: a model this crate cannot fully read (a future `cloud`, a sub-object
    /// missing a required field) still decodes to [`Self::Unknown`] when it has a `rawId`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        match CommunicationIdentifierModel::deserialize(&value) {
            Ok(m) => Self::from_model(&m).map_err(serde::de::Error::custom),
            Err(e) => match value.get("rawId").and_then(serde_json::Value::as_str) {
                Some(raw) => Ok(Self::Unknown { id: raw.to_owned() }),
                None => Err(serde::de::Error::custom(format!(
                    "communication identifier has no rawId and cannot be read: {e}"
                ))),
            },
        }
    }
}
