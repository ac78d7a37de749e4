//! JS identifier objects (`{communicationUserId}`, `{phoneNumber}`, …) → wire
//! `CommunicationIdentifierModel`, as `serializeCommunicationIdentifier` of
//! `@azure/communication-common` plus the `kind` the call-automation converters add.
//!
//! Raw ids come from the core ([`CommunicationIdentifier::raw_id`]) unless the caller gave
//! one. Official quirks kept for byte-compatible bodies: a phone number always carries
//! `isAnonymous` (default `false`), clouds default to `"public"`, and some operations
//! (`play`, `hold`, recognize, DTMF) send no `kind`.
//!
//! [`wire`] is pure (native tests below); [`identifier_model`] is the thin bridge that reads
//! the JS object and writes the model object with `Reflect`.

use super::error::throw;
use crate::identifier::{CommunicationCloud, CommunicationIdentifier};
use crate::Error;
use wasm_bindgen::prelude::*;

/// The identifier fields of a JS object (strings only; other types count as absent).
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pub communication_user_id: Option<String>,
    pub phone_number: Option<String>,
    pub microsoft_teams_user_id: Option<String>,
    pub teams_app_id: Option<String>,
    pub user_id: Option<String>,
    pub tenant_id: Option<String>,
    pub resource_id: Option<String>,
    pub id: Option<String>,
    pub raw_id: Option<String>,
    pub cloud: Option<String>,
    pub asserted_id: Option<String>,
    /// `isAnonymous` when it is a boolean.
    pub is_anonymous: Option<bool>,
}

/// The typed part of a wire model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Typed {
    User,
    Phone {
        value: String,
        is_anonymous: bool,
        asserted_id: Option<String>,
    },
    TeamsUser {
        user_id: String,
        is_anonymous: bool,
        cloud: String,
    },
    App {
        app_id: String,
        cloud: String,
    },
    Extension {
        user_id: String,
        tenant_id: String,
        resource_id: String,
        cloud: String,
    },
    Unknown,
}

/// A wire `CommunicationIdentifierModel`: `kind`, `rawId` and the typed sub-object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wire {
    pub kind: &'static str,
    pub raw_id: String,
    pub typed: Typed,
}

fn cloud_of(name: Option<&str>) -> CommunicationCloud {
    match name {
        Some("dod") => CommunicationCloud::Dod,
        Some("gcch") => CommunicationCloud::Gcch,
        _ => CommunicationCloud::Public,
    }
}

/// The wire model of `f`, checked: exactly the first matching shape wins, in
/// communication-common's order (user, phone, Teams user, Teams app, extension user, id).
///
/// # Errors
/// [`Error::InvalidInput`] for `field` when no identifier shape matches.
pub(crate) fn wire(f: Fields, field: &str) -> Result<Wire, Error> {
    let cloud_name = f.cloud.clone().unwrap_or_else(|| "public".into());
    let cloud = cloud_of(f.cloud.as_deref());
    let given = f.raw_id.filter(|r| !r.is_empty());
    let core;
    let (kind, typed) = if let Some(id) = f.communication_user_id {
        core = CommunicationIdentifier::user(id);
        ("communicationUser", Typed::User)
    } else if let Some(value) = f.phone_number {
        core = CommunicationIdentifier::phone(value.clone());
        let typed = Typed::Phone {
            value,
            is_anonymous: f.is_anonymous.unwrap_or(false),
            asserted_id: f.asserted_id,
        };
        ("phoneNumber", typed)
    } else if let Some(user_id) = f.microsoft_teams_user_id {
        let is_anonymous = f.is_anonymous.unwrap_or(false);
        core = CommunicationIdentifier::MicrosoftTeamsUser {
            user_id: user_id.clone(),
            is_anonymous,
            cloud,
        };
        let typed = Typed::TeamsUser {
            user_id,
            is_anonymous,
            cloud: cloud_name,
        };
        ("microsoftTeamsUser", typed)
    } else if let Some(app_id) = f.teams_app_id {
        core = CommunicationIdentifier::teams_app(app_id.clone(), cloud);
        ("microsoftTeamsApp", Typed::App { app_id, cloud: cloud_name })
    } else if let (Some(user_id), Some(tenant_id), Some(resource_id)) =
        (f.user_id, f.tenant_id, f.resource_id)
    {
        core = CommunicationIdentifier::TeamsExtensionUser {
            user_id: user_id.clone(),
            tenant_id: tenant_id.clone(),
            resource_id: resource_id.clone(),
            cloud,
        };
        let typed = Typed::Extension {
            user_id,
            tenant_id,
            resource_id,
            cloud: cloud_name,
        };
        ("teamsExtensionUser", typed)
    } else if let Some(id) = f.id {
        core = CommunicationIdentifier::Unknown { id };
        ("unknown", Typed::Unknown)
    } else {
        return Err(Error::invalid(
            field,
            "is not a communication identifier (expected communicationUserId, phoneNumber, \
             microsoftTeamsUserId, teamsAppId, userId+tenantId+resourceId or id)",
        ));
    };
    // An ACS user's raw id is always its id (communication-common ignores a given rawId).
    let raw_id = match (&typed, given) {
        (Typed::User | Typed::Unknown, _) | (_, None) => core.raw_id(),
        (_, Some(r)) => r,
    };
    Ok(Wire {
        kind,
        raw_id,
        typed,
    })
}

fn text(o: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(o, &key.into()).ok()?.as_string()
}

fn put(o: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(o, &key.into(), value);
}

fn object(pairs: &[(&str, &JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        put(&o, k, v);
    }
    o.into()
}

/// `identifierModel(identifier, field, withKind)`: the wire model object of a JS identifier.
///
/// # Errors
/// Throws an `InvalidInputError` naming `field` when `v` is not an identifier object.
#[wasm_bindgen(js_name = identifierModel)]
pub fn identifier_model(v: &JsValue, field: &str, with_kind: bool) -> Result<JsValue, JsValue> {
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(throw(Error::invalid(field, "must be an object")));
    }
    let fields = Fields {
        communication_user_id: text(v, "communicationUserId"),
        phone_number: text(v, "phoneNumber"),
        microsoft_teams_user_id: text(v, "microsoftTeamsUserId"),
        teams_app_id: text(v, "teamsAppId"),
        user_id: text(v, "userId"),
        tenant_id: text(v, "tenantId"),
        resource_id: text(v, "resourceId"),
        id: text(v, "id"),
        raw_id: text(v, "rawId"),
        cloud: text(v, "cloud"),
        asserted_id: text(v, "assertedId"),
        is_anonymous: js_sys::Reflect::get(v, &"isAnonymous".into())
            .ok()
            .and_then(|b| b.as_bool()),
    };
    let w = wire(fields, field).map_err(throw)?;
    let s = |x: &str| JsValue::from_str(x);
    let out = js_sys::Object::new();
    put(&out, "rawId", &s(&w.raw_id));
    let (key, sub) = match &w.typed {
        Typed::User => ("communicationUser", object(&[("id", &s(&w.raw_id))])),
        Typed::Phone {
            value,
            is_anonymous,
            asserted_id,
        } => {
            let p = js_sys::Object::new();
            put(&p, "value", &s(value));
            put(&p, "isAnonymous", &JsValue::from_bool(*is_anonymous));
            if let Some(a) = asserted_id {
                put(&p, "assertedId", &s(a));
            }
            ("phoneNumber", p.into())
        }
        Typed::TeamsUser {
            user_id,
            is_anonymous,
            cloud,
        } => (
            "microsoftTeamsUser",
            object(&[
                ("userId", &s(user_id)),
                ("isAnonymous", &JsValue::from_bool(*is_anonymous)),
                ("cloud", &s(cloud)),
            ]),
        ),
        Typed::App { app_id, cloud } => (
            "microsoftTeamsApp",
            object(&[("appId", &s(app_id)), ("cloud", &s(cloud))]),
        ),
        Typed::Extension {
            user_id,
            tenant_id,
            resource_id,
            cloud,
        } => (
            "teamsExtensionUser",
            object(&[
                ("userId", &s(user_id)),
                ("tenantId", &s(tenant_id)),
                ("resourceId", &s(resource_id)),
                ("cloud", &s(cloud)),
            ]),
        ),
        Typed::Unknown => ("", JsValue::UNDEFINED),
    };
    if !key.is_empty() {
        put(&out, key, &sub);
    }
    if with_kind {
        put(&out, "kind", &s(w.kind));
    }
    Ok(out.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(f: Fields) -> Wire {
        wire(f, "t").unwrap()
    }

    #[test]
    fn raw_ids_follow_communication_common() {
        let user = of(Fields { communication_user_id: Some("8:acs:a".into()), raw_id: Some("ignored".into()), ..Fields::default() });
        assert_eq!((user.kind, user.raw_id.as_str(), user.typed), ("communicationUser", "8:acs:a", Typed::User));
        let phone = of(Fields { phone_number: Some("+1425".into()), ..Fields::default() });
        assert_eq!(phone.raw_id, "4:+1425");
        assert_eq!(phone.typed, Typed::Phone { value: "+1425".into(), is_anonymous: false, asserted_id: None });
        let given = of(Fields { phone_number: Some("+1425".into()), raw_id: Some("4:+1425_a1".into()), ..Fields::default() });
        assert_eq!(given.raw_id, "4:+1425_a1", "a given rawId is kept");
        let gcch = of(Fields { microsoft_teams_user_id: Some("u".into()), cloud: Some("gcch".into()), ..Fields::default() });
        assert_eq!(gcch.raw_id, "8:gcch:u");
        let visitor = of(Fields { microsoft_teams_user_id: Some("u".into()), is_anonymous: Some(true), ..Fields::default() });
        assert_eq!(visitor.raw_id, "8:teamsvisitor:u");
        assert_eq!(visitor.typed, Typed::TeamsUser { user_id: "u".into(), is_anonymous: true, cloud: "public".into() });
        let app = of(Fields { teams_app_id: Some("a".into()), cloud: Some("dod".into()), ..Fields::default() });
        assert_eq!((app.kind, app.raw_id.as_str()), ("microsoftTeamsApp", "28:dod:a"));
        let ext = of(Fields { user_id: Some("u".into()), tenant_id: Some("t".into()), resource_id: Some("r".into()), cloud: Some("dod".into()), ..Fields::default() });
        assert_eq!((ext.kind, ext.raw_id.as_str()), ("teamsExtensionUser", "8:dod-acs:r_t_u"));
        let unknown = of(Fields { id: Some("48:x".into()), ..Fields::default() });
        assert_eq!((unknown.kind, unknown.raw_id.as_str(), unknown.typed), ("unknown", "48:x", Typed::Unknown));
    }

    #[test]
    fn the_first_matching_shape_wins() {
        let both = of(Fields { communication_user_id: Some("8:acs:a".into()), phone_number: Some("+1".into()), ..Fields::default() });
        assert_eq!(both.kind, "communicationUser");
        let partial_extension = wire(Fields { user_id: Some("u".into()), tenant_id: Some("t".into()), ..Fields::default() }, "targets[2]");
        match partial_extension {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, "targets[2]");
                assert!(reason.contains("userId+tenantId+resourceId"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}
