//! The wire form (`common.json` `CommunicationIdentifierModel`) and its conversions.
//!
//! How decoding resolves conflicts is documented on `CommunicationIdentifier::from_model`.

use super::{raw, CommunicationCloud, CommunicationIdentifier};
use crate::Error;
use serde::{Deserialize, Serialize};

pub(super) const KIND_USER: &str = "communicationUser";
pub(super) const KIND_PHONE: &str = "phoneNumber";
pub(super) const KIND_TEAMS_USER: &str = "microsoftTeamsUser";
pub(super) const KIND_TEAMS_APP: &str = "microsoftTeamsApp";
pub(super) const KIND_EXTENSION_USER: &str = "teamsExtensionUser";
pub(super) const KIND_UNKNOWN: &str = "unknown";

/// Wire form of an identifier (`common.json` `CommunicationIdentifierModel`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationIdentifierModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication_user: Option<CommunicationUserModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<PhoneNumberModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microsoft_teams_user: Option<MicrosoftTeamsUserModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub microsoft_teams_app: Option<MicrosoftTeamsAppModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams_extension_user: Option<TeamsExtensionUserModel>,
}

/// `CommunicationUserIdentifierModel`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommunicationUserModel {
    pub id: String,
}

/// `PhoneNumberIdentifierModel`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumberModel {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asserted_id: Option<String>,
}

/// `MicrosoftTeamsUserIdentifierModel`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsUserModel {
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}

/// `MicrosoftTeamsAppIdentifierModel`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsAppModel {
    pub app_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}

/// `TeamsExtensionUserIdentifierModel`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsExtensionUserModel {
    pub user_id: String,
    pub tenant_id: String,
    pub resource_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}

/// The typed sub-object of a model that a reader should use (see
/// [`CommunicationIdentifierModel::typed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TypedModel<'a> {
    /// `communicationUser`.
    User(&'a CommunicationUserModel),
    /// `phoneNumber`.
    Phone(&'a PhoneNumberModel),
    /// `microsoftTeamsUser`.
    TeamsUser(&'a MicrosoftTeamsUserModel),
    /// `microsoftTeamsApp`.
    TeamsApp(&'a MicrosoftTeamsAppModel),
    /// `teamsExtensionUser`.
    TeamsExtensionUser(&'a TeamsExtensionUserModel),
    /// None to use: only the `rawId` speaks.
    None,
}

impl CommunicationIdentifierModel {
    /// The sub-object the official JS converter (`communicationIdentifierConverter` of
    /// `@azure/communication-call-automation`) reads: the one `kind` names, or with no
    /// `kind` the first present in `common.json`'s order; [`TypedModel::None`] when `kind`
    /// names one that is absent or a kind this crate does not know. Unlike
    /// [`CommunicationIdentifier::from_model`] it never fails: several sub-objects are not
    /// an error here, as they are not for that converter.
    pub fn typed(&self) -> TypedModel<'_> {
        let user = self.communication_user.as_ref().map(TypedModel::User);
        let phone = self.phone_number.as_ref().map(TypedModel::Phone);
        let teams = self
            .microsoft_teams_user
            .as_ref()
            .map(TypedModel::TeamsUser);
        let app = self.microsoft_teams_app.as_ref().map(TypedModel::TeamsApp);
        let ext = self
            .teams_extension_user
            .as_ref()
            .map(TypedModel::TeamsExtensionUser);
        let found = match self.kind.as_deref() {
            Some(KIND_USER) => user,
            Some(KIND_PHONE) => phone,
            Some(KIND_TEAMS_USER) => teams,
            Some(KIND_TEAMS_APP) => app,
            Some(KIND_EXTENSION_USER) => ext,
            Some(_) => None,
            None => user.or(phone).or(teams).or(app).or(ext),
        };
        found.unwrap_or(TypedModel::None)
    }

    /// The names of the typed sub-objects that are present.
    fn present_kinds(&self) -> Vec<&'static str> {
        [
            (self.communication_user.is_some(), KIND_USER),
            (self.phone_number.is_some(), KIND_PHONE),
            (self.microsoft_teams_user.is_some(), KIND_TEAMS_USER),
            (self.microsoft_teams_app.is_some(), KIND_TEAMS_APP),
            (self.teams_extension_user.is_some(), KIND_EXTENSION_USER),
        ]
        .into_iter()
        .filter_map(|(present, kind)| present.then_some(kind))
        .collect()
    }
}

impl From<&CommunicationIdentifier> for CommunicationIdentifierModel {
    fn from(id: &CommunicationIdentifier) -> Self {
        id.to_model()
    }
}

impl TryFrom<&CommunicationIdentifierModel> for CommunicationIdentifier {
    type Error = Error;
    fn try_from(m: &CommunicationIdentifierModel) -> Result<Self, Error> {
        Self::from_model(m)
    }
}

impl CommunicationIdentifier {
    /// The wire model, with `rawId` and `kind` always set (as the service sends it).
    pub fn to_model(&self) -> CommunicationIdentifierModel {
        let mut m = CommunicationIdentifierModel {
            kind: Some(self.kind().into()),
            raw_id: Some(self.raw_id()),
            ..Default::default()
        };
        match self {
            Self::CommunicationUser { id } => {
                m.communication_user = Some(CommunicationUserModel { id: id.clone() });
            }
            Self::PhoneNumber {
                value,
                is_anonymous,
                asserted_id,
            } => {
                m.phone_number = Some(PhoneNumberModel {
                    value: if *is_anonymous {
                        raw::ANONYMOUS.into()
                    } else {
                        value.clone()
                    },
                    is_anonymous: is_anonymous.then_some(true),
                    asserted_id: asserted_id.clone().filter(|_| !is_anonymous),
                });
            }
            Self::MicrosoftTeamsUser {
                user_id,
                is_anonymous,
                cloud,
            } => {
                m.microsoft_teams_user = Some(MicrosoftTeamsUserModel {
                    user_id: user_id.clone(),
                    is_anonymous: is_anonymous.then_some(true),
                    cloud: Some(*cloud),
                });
            }
            Self::MicrosoftTeamsApp { app_id, cloud } => {
                m.microsoft_teams_app = Some(MicrosoftTeamsAppModel {
                    app_id: app_id.clone(),
                    cloud: Some(*cloud),
                });
            }
            Self::TeamsExtensionUser {
                user_id,
                tenant_id,
                resource_id,
                cloud,
            } => {
                m.teams_extension_user = Some(TeamsExtensionUserModel {
                    user_id: user_id.clone(),
                    tenant_id: tenant_id.clone(),
                    resource_id: resource_id.clone(),
                    cloud: Some(*cloud),
                });
            }
            Self::Unknown { .. } => {}
        }
        m
    }

    /// From the wire model.
    ///
    /// Decoding follows the official SDKs (JS 2.5.0 `identifierModelSerializer.js`, Python
    /// 1.6.0 `_utils.py` `deserialize_identifier`):
    /// * at most one typed sub-object may be present (the spec says so; JS throws otherwise);
    /// * the typed fields come from the sub-object;
    /// * a `kind` this crate does not know (a future identifier type) gives
    ///   [`CommunicationIdentifier::Unknown`] with the `rawId`, as in JS; so does an
    ///   explicit `"kind": "unknown"` (even when the raw id would parse as something else);
    /// * a model with only a `rawId` (a request shape) is parsed with
    ///   [`CommunicationIdentifier::from_raw_id`] — JS would call it unknown; parsing loses
    ///   nothing and gives the kind.
    ///
    /// **When `rawId` and the sub-object disagree** the SDKs keep both: the typed fields from
    /// the sub-object, and the wire `rawId` verbatim as the identity their `rawId` getter and
    /// equality use (JS `rawId` property, .NET `_rawId`, Python `raw_id`; Python even takes an
    /// ACS user's id from `rawId`). Our enum has no second slot, so the sub-object wins and
    /// the wire `rawId` is used only where the sub-object is silent: a phone number's
    /// `assertedId` and anonymity (Python derives both from the raw id), and models with no
    /// sub-object at all. Keep the [`CommunicationIdentifierModel`] if you need the wire
    /// `rawId` verbatim. (Recorded events carry `"rawId": "sanitized"` next to a real
    /// `communicationUser.id`; preferring `rawId` would turn those into unknowns.)
    ///
    /// # Errors
    /// [`Error::Decode`] (what: `communication identifier`) when more than one typed
    /// sub-object is present, when `kind` names a known kind but a different sub-object
    /// is present, or when a `rawId` is needed (no usable sub-object) and missing.
    /// (Messages are concatenated, not formatted: this is on the npm engine's path.)
    pub fn from_model(m: &CommunicationIdentifierModel) -> Result<Self, Error> {
        let bad = |reason: String| Error::decode("communication identifier", reason);
        let present = m.present_kinds();
        if present.len() > 1 {
            return Err(bad([
                "has more than one typed identifier: ",
                &present.join(", "),
            ]
            .concat()));
        }
        let known = [
            KIND_USER,
            KIND_PHONE,
            KIND_TEAMS_USER,
            KIND_TEAMS_APP,
            KIND_EXTENSION_USER,
        ];
        match (m.kind.as_deref(), present.first()) {
            (Some(kind), _) if !known.contains(&kind) => Ok(Self::Unknown {
                id: require_raw(m)?,
            }),
            (Some(kind), Some(sub)) if kind != *sub => Err(bad([
                "kind \"",
                kind,
                "\" does not match its ",
                sub,
                " object",
            ]
            .concat())),
            (_, Some(_)) => Ok(from_sub_object(m)),
            (_, None) => Ok(Self::from_raw_id(&require_raw(m)?)),
        }
    }
}

fn require_raw(m: &CommunicationIdentifierModel) -> Result<String, Error> {
    m.raw_id.clone().ok_or_else(|| {
        Error::decode(
            "communication identifier",
            "has neither rawId nor a typed identifier",
        )
    })
}

/// Builds the typed value from the one sub-object that is present.
fn from_sub_object(m: &CommunicationIdentifierModel) -> CommunicationIdentifier {
    use CommunicationIdentifier as I;
    if let Some(u) = &m.communication_user {
        return I::CommunicationUser { id: u.id.clone() };
    }
    if let Some(p) = &m.phone_number {
        return phone_from_model(p, m.raw_id.as_deref());
    }
    if let Some(t) = &m.microsoft_teams_user {
        return I::MicrosoftTeamsUser {
            user_id: t.user_id.clone(),
            is_anonymous: t.is_anonymous.unwrap_or(false),
            cloud: t.cloud.unwrap_or_default(),
        };
    }
    if let Some(a) = &m.microsoft_teams_app {
        return I::MicrosoftTeamsApp {
            app_id: a.app_id.clone(),
            cloud: a.cloud.unwrap_or_default(),
        };
    }
    match &m.teams_extension_user {
        Some(x) => I::TeamsExtensionUser {
            user_id: x.user_id.clone(),
            tenant_id: x.tenant_id.clone(),
            resource_id: x.resource_id.clone(),
            cloud: x.cloud.unwrap_or_default(),
        },
        None => I::Unknown {
            id: m.raw_id.clone().unwrap_or_default(),
        },
    }
}

/// A phone number from its sub-object; `assertedId`/anonymity fall back to the raw id.
/// A `value` that still carries the `_assertedId` suffix (the SDKs' form) is trimmed, unless
/// the raw id shows the value is already the number alone.
fn phone_from_model(p: &PhoneNumberModel, raw_id: Option<&str>) -> CommunicationIdentifier {
    let from_raw = raw_id.filter(|r| r.starts_with(raw::PHONE)).map(raw::parse);
    let (raw_anonymous, raw_asserted) = match from_raw {
        Some(CommunicationIdentifier::PhoneNumber {
            is_anonymous,
            asserted_id,
            ..
        }) => (is_anonymous, asserted_id),
        _ => (false, None),
    };
    let is_anonymous = p.is_anonymous.unwrap_or(raw_anonymous) || p.value == raw::ANONYMOUS;
    let asserted_id = p
        .asserted_id
        .clone()
        .or(raw_asserted)
        .filter(|_| !is_anonymous);
    // A rawId of `4:{value}_{assertedId}` says the value is the number alone (our form),
    // even when the number itself ends in `_{assertedId}`: nothing to trim then.
    let ours = |a: &str| raw_id.is_some_and(|r| r == [raw::PHONE, &p.value, "_", a].concat());
    let value = match &asserted_id {
        Some(a) if !ours(a) => p
            .value
            .strip_suffix(a.as_str())
            .and_then(|v| v.strip_suffix('_')),
        _ => None,
    };
    CommunicationIdentifier::PhoneNumber {
        value: value
            .filter(|v| !v.is_empty())
            .unwrap_or(&p.value)
            .to_owned(),
        is_anonymous,
        asserted_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> CommunicationIdentifierModel {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn typed_reads_the_sub_object_kind_names_or_the_first_present() {
        let both = r#""communicationUser":{"id":"8:acs:u"},"phoneNumber":{"value":"+1"}"#;
        let m = model(&["{", both, "}"].concat());
        assert!(matches!(m.typed(), TypedModel::User(u) if u.id == "8:acs:u"));
        let m = model(&[r#"{"kind":"phoneNumber","#, both, "}"].concat());
        assert!(matches!(m.typed(), TypedModel::Phone(p) if p.value == "+1"));
        let m = model(r#"{"kind":"microsoftTeamsApp","communicationUser":{"id":"x"}}"#);
        assert_eq!(m.typed(), TypedModel::None);
        let m = model(r#"{"kind":"futureKind","rawId":"9:x","communicationUser":{"id":"x"}}"#);
        assert_eq!(m.typed(), TypedModel::None);
        let m = model(r#"{"rawId":"8:orgid:o"}"#);
        assert_eq!(m.typed(), TypedModel::None);
        let m = model(r#"{"teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r"}}"#);
        assert!(matches!(m.typed(), TypedModel::TeamsExtensionUser(x) if x.tenant_id == "t"));
    }
}
