//! Communication identifiers: who is in a call.
//!
//! [`CommunicationIdentifier`] is the typed form; [`CommunicationIdentifierModel`] is the
//! wire form of `common.json` (`rawId`, `kind`, one typed sub-object). Both convert to and
//! from the *raw id* string (`8:acs:…`, `4:+1…`, `8:orgid:…`, `28:orgid:…`).

use serde::{Deserialize, Serialize};

/// The cloud a Teams identity belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommunicationCloud {
    #[default]
    Public,
    Dod,
    Gcch,
}

/// A participant identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CommunicationIdentifier {
    /// An ACS user; `id` is the full raw id (`8:acs:…`, `8:spool:…`, `8:dod-acs:…`, `8:gcch-acs:…`).
    CommunicationUser { id: String },
    /// A phone number in E.164 (or `anonymous`).
    PhoneNumber { value: String, is_anonymous: bool, asserted_id: Option<String> },
    /// A Microsoft Teams user (Entra object id), or an anonymous Teams visitor.
    MicrosoftTeamsUser { user_id: String, is_anonymous: bool, cloud: CommunicationCloud },
    /// A Microsoft Teams application (bot, voice app).
    MicrosoftTeamsApp { app_id: String, cloud: CommunicationCloud },
    /// A Teams Phone user extended through an ACS resource.
    TeamsExtensionUser { user_id: String, tenant_id: String, resource_id: String, cloud: CommunicationCloud },
    /// Anything else; `id` is the raw id as given.
    Unknown { id: String },
}

impl CommunicationIdentifier {
    /// An ACS user from its raw id.
    pub fn user(id: impl Into<String>) -> Self {
        CommunicationIdentifier::CommunicationUser { id: id.into() }
    }

    /// A phone number (E.164, e.g. `+14255550123`).
    pub fn phone(number: impl Into<String>) -> Self {
        CommunicationIdentifier::PhoneNumber { value: number.into(), is_anonymous: false, asserted_id: None }
    }

    /// The raw id string.
    pub fn raw_id(&self) -> String {
        use CommunicationCloud::*;
        match self {
            Self::CommunicationUser { id } | Self::Unknown { id } => id.clone(),
            Self::PhoneNumber { value, is_anonymous: true, .. } if value == "anonymous" => "4:anonymous".into(),
            Self::PhoneNumber { value, asserted_id, .. } => match asserted_id {
                Some(a) => format!("4:{value}_{a}"),
                None => format!("4:{value}"),
            },
            Self::MicrosoftTeamsUser { user_id, is_anonymous: true, .. } => format!("8:teamsvisitor:{user_id}"),
            Self::MicrosoftTeamsUser { user_id, cloud, .. } => match cloud {
                Public => format!("8:orgid:{user_id}"),
                Dod => format!("8:dod:{user_id}"),
                Gcch => format!("8:gcch:{user_id}"),
            },
            Self::MicrosoftTeamsApp { app_id, cloud } => match cloud {
                Public => format!("28:orgid:{app_id}"),
                Dod => format!("28:dod:{app_id}"),
                Gcch => format!("28:gcch:{app_id}"),
            },
            Self::TeamsExtensionUser { user_id, tenant_id, resource_id, cloud } => {
                let prefix = match cloud {
                    Public => "8:acs:",
                    Dod => "8:dod-acs:",
                    Gcch => "8:gcch-acs:",
                };
                format!("{prefix}{resource_id}_{tenant_id}_{user_id}")
            }
        }
    }

    /// Parses a raw id. Never fails: unrecognised forms become [`Self::Unknown`].
    pub fn from_raw_id(raw: &str) -> Self {
        use CommunicationCloud::*;
        if let Some(rest) = raw.strip_prefix("4:") {
            if rest == "anonymous" {
                return Self::PhoneNumber { value: rest.into(), is_anonymous: true, asserted_id: None };
            }
            return match rest.rsplit_once('_') {
                Some((v, a)) if !a.is_empty() && !v.is_empty() => {
                    Self::PhoneNumber { value: v.into(), is_anonymous: false, asserted_id: Some(a.into()) }
                }
                _ => Self::PhoneNumber { value: rest.into(), is_anonymous: false, asserted_id: None },
            };
        }
        for (prefix, cloud) in [("8:acs:", Public), ("8:dod-acs:", Dod), ("8:gcch-acs:", Gcch)] {
            if let Some(rest) = raw.strip_prefix(prefix) {
                let parts: Vec<&str> = rest.split('_').collect();
                if let [resource_id, tenant_id, user_id] = parts[..] {
                    if !resource_id.is_empty() && !tenant_id.is_empty() && !user_id.is_empty() {
                        return Self::TeamsExtensionUser {
                            user_id: user_id.into(),
                            tenant_id: tenant_id.into(),
                            resource_id: resource_id.into(),
                            cloud,
                        };
                    }
                }
                return Self::CommunicationUser { id: raw.into() };
            }
        }
        if raw.starts_with("8:spool:") {
            return Self::CommunicationUser { id: raw.into() };
        }
        for (prefix, cloud, anon) in
            [("8:teamsvisitor:", Public, true), ("8:orgid:", Public, false), ("8:dod:", Dod, false), ("8:gcch:", Gcch, false)]
        {
            if let Some(rest) = raw.strip_prefix(prefix) {
                if !rest.is_empty() {
                    return Self::MicrosoftTeamsUser { user_id: rest.into(), is_anonymous: anon, cloud };
                }
            }
        }
        for (prefix, cloud) in [("28:orgid:", Public), ("28:dod:", Dod), ("28:gcch:", Gcch)] {
            if let Some(rest) = raw.strip_prefix(prefix) {
                if !rest.is_empty() {
                    return Self::MicrosoftTeamsApp { app_id: rest.into(), cloud };
                }
            }
        }
        Self::Unknown { id: raw.into() }
    }

    /// The wire model, with `rawId` and `kind` always set.
    pub fn to_model(&self) -> CommunicationIdentifierModel {
        let mut m = CommunicationIdentifierModel { raw_id: Some(self.raw_id()), ..Default::default() };
        match self {
            Self::CommunicationUser { id } => {
                m.kind = Some("communicationUser".into());
                m.communication_user = Some(CommunicationUserModel { id: id.clone() });
            }
            Self::PhoneNumber { value, is_anonymous, asserted_id } => {
                m.kind = Some("phoneNumber".into());
                m.phone_number = Some(PhoneNumberModel {
                    value: value.clone(),
                    is_anonymous: is_anonymous.then_some(true),
                    asserted_id: asserted_id.clone(),
                });
            }
            Self::MicrosoftTeamsUser { user_id, is_anonymous, cloud } => {
                m.kind = Some("microsoftTeamsUser".into());
                m.microsoft_teams_user = Some(MicrosoftTeamsUserModel {
                    user_id: user_id.clone(),
                    is_anonymous: is_anonymous.then_some(true),
                    cloud: Some(*cloud),
                });
            }
            Self::MicrosoftTeamsApp { app_id, cloud } => {
                m.kind = Some("microsoftTeamsApp".into());
                m.microsoft_teams_app = Some(MicrosoftTeamsAppModel { app_id: app_id.clone(), cloud: Some(*cloud) });
            }
            Self::TeamsExtensionUser { user_id, tenant_id, resource_id, cloud } => {
                m.kind = Some("teamsExtensionUser".into());
                m.teams_extension_user = Some(TeamsExtensionUserModel {
                    user_id: user_id.clone(),
                    tenant_id: tenant_id.clone(),
                    resource_id: resource_id.clone(),
                    cloud: Some(*cloud),
                });
            }
            Self::Unknown { .. } => m.kind = Some("unknown".into()),
        }
        m
    }

    /// From the wire model: the typed sub-object wins; otherwise the raw id is parsed.
    ///
    /// # Errors
    /// [`crate::Error::Decode`] when the model has neither a typed sub-object nor a raw id.
    pub fn from_model(m: &CommunicationIdentifierModel) -> Result<Self, crate::Error> {
        if let Some(u) = &m.communication_user {
            return Ok(Self::CommunicationUser { id: u.id.clone() });
        }
        if let Some(p) = &m.phone_number {
            return Ok(Self::PhoneNumber {
                value: p.value.clone(),
                is_anonymous: p.is_anonymous.unwrap_or(false),
                asserted_id: p.asserted_id.clone(),
            });
        }
        if let Some(t) = &m.microsoft_teams_user {
            return Ok(Self::MicrosoftTeamsUser {
                user_id: t.user_id.clone(),
                is_anonymous: t.is_anonymous.unwrap_or(false),
                cloud: t.cloud.unwrap_or_default(),
            });
        }
        if let Some(a) = &m.microsoft_teams_app {
            return Ok(Self::MicrosoftTeamsApp { app_id: a.app_id.clone(), cloud: a.cloud.unwrap_or_default() });
        }
        if let Some(x) = &m.teams_extension_user {
            return Ok(Self::TeamsExtensionUser {
                user_id: x.user_id.clone(),
                tenant_id: x.tenant_id.clone(),
                resource_id: x.resource_id.clone(),
                cloud: x.cloud.unwrap_or_default(),
            });
        }
        match &m.raw_id {
            Some(raw) => Ok(Self::from_raw_id(raw)),
            None => Err(crate::Error::decode("communication identifier", "has neither rawId nor a typed identifier")),
        }
    }
}

impl Serialize for CommunicationIdentifier {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_model().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CommunicationIdentifier {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = CommunicationIdentifierModel::deserialize(d)?;
        Self::from_model(&m).map_err(serde::de::Error::custom)
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CommunicationUserModel {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumberModel {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asserted_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsUserModel {
    pub user_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsAppModel {
    pub app_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsExtensionUserModel {
    pub user_id: String,
    pub tenant_id: String,
    pub resource_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<CommunicationCloud>,
}
