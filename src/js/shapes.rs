//! JS shapes ⇄ wire JSON, for the shapes `@azure/communication-call-automation` uses.
//!
//! Pure functions over `serde_json::Value` (no wasm types), so they run in native
//! `cargo test`. Input shapes are the official package's (`{communicationUserId}`,
//! `{kind: "fileSource", url}`, `{kind: "serverCallLocator", id}`, …); output is the
//! 2026-03-12 wire form, field for field what the official package sends. Where the
//! official package maps something oddly (e.g. identifiers in `play` carry no `kind`)
//! the mapping is copied, because byte-compatible requests are the point.

use crate::Error;
use serde_json::{Map, Value};

pub(crate) type Obj = Map<String, Value>;

/// The object at `v`, or an error naming `field`.
pub(crate) fn obj<'a>(v: &'a Value, field: &str) -> Result<&'a Obj, Error> {
    v.as_object()
        .ok_or_else(|| Error::invalid(field, "must be an object"))
}

/// The options bag at `v`: `undefined`/`null` are an empty bag.
pub(crate) fn opts<'a>(v: Option<&'a Value>, field: &str) -> Result<Option<&'a Obj>, Error> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => obj(v, field).map(Some),
    }
}

/// A string field of `o` (absent/null → `None`, other types → error).
pub(crate) fn str_of<'a>(
    o: Option<&'a Obj>,
    key: &str,
    field: &str,
) -> Result<Option<&'a str>, Error> {
    match o.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::invalid(format!("{field}.{key}"), "must be a string")),
    }
}

/// A required string argument.
pub(crate) fn req_str<'a>(v: Option<&'a Value>, field: &str) -> Result<&'a str, Error> {
    match v {
        Some(Value::String(s)) => Ok(s),
        _ => Err(Error::invalid(field, "must be a string")),
    }
}

/// A field copied as-is (absent/null → `None`).
pub(crate) fn get(o: Option<&Obj>, key: &str) -> Option<Value> {
    o.and_then(|o| o.get(key)).filter(|v| !v.is_null()).cloned()
}

/// A JS-truthy field, as the official `x ? x : default` reads it.
pub(crate) fn truthy(o: Option<&Obj>, key: &str) -> Option<Value> {
    get(o, key).filter(|v| match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    })
}

/// Inserts `value` under `key` unless it is `None` (JSON.stringify drops undefined).
pub(crate) fn put(out: &mut Obj, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        set(out, key, v);
    }
}

/// `out[key] = value`. Out of line on purpose: an inlined `Map::insert` (key allocation, drop of
/// the old value) at each of the ~70 call sites was a large share of the wasm.
#[inline(never)]
pub(crate) fn set(out: &mut Obj, key: &str, value: Value) {
    out.insert(key.to_owned(), value);
}

/// A JSON object from `(key, value)` pairs. Used instead of `json!`, whose non-literal values go
/// through `serde_json::to_value` (a second serializer in the wasm).
pub(crate) fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    // Inserts, not `collect()`: `Map: FromIterator` sorts first (a merge sort in the wasm).
    let mut m = Obj::new();
    for (k, v) in pairs {
        set(&mut m, k, v);
    }
    Value::Object(m)
}

pub(crate) fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// `serializeCommunicationIdentifier` of communication-common: `{rawId, <typed>}`;
/// with `with_kind`, also `kind` (what the call-automation converters add).
///
/// # Errors
/// [`Error::InvalidInput`] for `field` when `v` is not an identifier object.
pub(crate) fn identifier_model(v: &Value, field: &str, with_kind: bool) -> Result<Value, Error> {
    let o = obj(v, field)?;
    let text = |k: &str| o.get(k).and_then(Value::as_str);
    let cloud = || {
        o.get("cloud")
            .filter(|c| !c.is_null())
            .cloned()
            .unwrap_or_else(|| s("public"))
    };
    let given_raw = text("rawId").filter(|r| !r.is_empty());
    let mut m = Obj::new();
    let kind;
    if let Some(id) = text("communicationUserId") {
        kind = "communicationUser";
        set(&mut m, "rawId", s(id));
        set(&mut m, "communicationUser", object([("id", s(id))]));
    } else if let Some(number) = text("phoneNumber") {
        kind = "phoneNumber";
        set(
            &mut m,
            "rawId",
            s(given_raw
                .map_or_else(|| format!("4:{number}"), str::to_owned)
                .as_str()),
        );
        let mut p = Obj::new();
        set(&mut p, "value", s(number));
        set(
            &mut p,
            "isAnonymous",
            o.get("isAnonymous")
                .filter(|b| b.is_boolean())
                .cloned()
                .unwrap_or(Value::Bool(false)),
        );
        put(&mut p, "assertedId", get(Some(o), "assertedId"));
        set(&mut m, "phoneNumber", Value::Object(p));
    } else if let Some(user) = text("microsoftTeamsUserId") {
        kind = "microsoftTeamsUser";
        let anonymous = o
            .get("isAnonymous")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let raw =
            given_raw
                .map(str::to_owned)
                .unwrap_or_else(|| match (anonymous, text("cloud")) {
                    (true, _) => format!("8:teamsvisitor:{user}"),
                    (_, Some("dod")) => format!("8:dod:{user}"),
                    (_, Some("gcch")) => format!("8:gcch:{user}"),
                    _ => format!("8:orgid:{user}"),
                });
        set(&mut m, "rawId", s(&raw));
        set(
            &mut m,
            "microsoftTeamsUser",
            object([
                ("userId", s(user)),
                ("isAnonymous", Value::Bool(anonymous)),
                ("cloud", cloud()),
            ]),
        );
    } else if let Some(app) = text("teamsAppId") {
        kind = "microsoftTeamsApp";
        let raw = given_raw
            .map(str::to_owned)
            .unwrap_or_else(|| match text("cloud") {
                Some("dod") => format!("28:dod:{app}"),
                Some("gcch") => format!("28:gcch:{app}"),
                _ => format!("28:orgid:{app}"),
            });
        set(&mut m, "rawId", s(&raw));
        set(
            &mut m,
            "microsoftTeamsApp",
            object([("appId", s(app)), ("cloud", cloud())]),
        );
    } else if let (Some(user), Some(tenant), Some(resource)) =
        (text("userId"), text("tenantId"), text("resourceId"))
    {
        kind = "teamsExtensionUser";
        let prefix = match text("cloud") {
            Some("dod") => "8:dod-acs:",
            Some("gcch") => "8:gcch-acs:",
            _ => "8:acs:",
        };
        let raw = given_raw.map_or_else(
            || format!("{prefix}{resource}_{tenant}_{user}"),
            str::to_owned,
        );
        set(&mut m, "rawId", s(&raw));
        set(
            &mut m,
            "teamsExtensionUser",
            object([
                ("userId", s(user)),
                ("tenantId", s(tenant)),
                ("resourceId", s(resource)),
                ("cloud", cloud()),
            ]),
        );
    } else if let Some(id) = text("id") {
        kind = "unknown";
        set(&mut m, "rawId", s(id));
    } else {
        return Err(Error::invalid(
            field,
            "is not a communication identifier (expected communicationUserId, phoneNumber, \
             microsoftTeamsUserId, teamsAppId, userId+tenantId+resourceId or id)",
        ));
    }
    if with_kind {
        set(&mut m, "kind", s(kind));
    }
    Ok(Value::Object(m))
}

/// The raw id of an identifier (used in participant paths).
///
/// # Errors
/// As [`identifier_model`].
pub(crate) fn raw_id(v: &Value, field: &str) -> Result<String, Error> {
    let m = identifier_model(v, field, false)?;
    Ok(m.get("rawId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned())
}

/// A list of identifiers as models.
///
/// # Errors
/// [`Error::InvalidInput`] when `v` is not an array or an element is not an identifier.
pub(crate) fn identifier_models(
    v: Option<&Value>,
    field: &str,
    with_kind: bool,
) -> Result<Value, Error> {
    let list = v
        .and_then(Value::as_array)
        .ok_or_else(|| Error::invalid(field, "must be an array of identifiers"))?;
    let items = list
        .iter()
        .enumerate()
        .map(|(i, t)| identifier_model(t, &format!("{field}[{i}]"), with_kind))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(items))
}

/// `PhoneNumberIdentifierModelConverter`: `{phoneNumber}` → `{value, isAnonymous, assertedId?}`.
///
/// # Errors
/// [`Error::InvalidInput`] when present but not a phone number identifier.
pub(crate) fn phone_model(v: Option<Value>, field: &str) -> Result<Option<Value>, Error> {
    let Some(v) = v else { return Ok(None) };
    if v.get("phoneNumber").is_none_or(Value::is_null) {
        return Ok(None);
    }
    let m = identifier_model(&v, field, false)?;
    Ok(m.get("phoneNumber").cloned())
}

/// The wire form of a play source (`fileSource`/`textSource`/`ssmlSource`).
///
/// # Errors
/// [`Error::InvalidInput`] for an unknown `kind` or a missing required field.
pub(crate) fn play_source(v: &Value, field: &str) -> Result<Value, Error> {
    let o = Some(obj(v, field)?);
    let mut out = Obj::new();
    let (kind, key, mut inner) = match str_of(o, "kind", field)? {
        Some("fileSource") => {
            let mut f = Obj::new();
            put(&mut f, "uri", get(o, "url"));
            ("file", "file", f)
        }
        Some("textSource") => {
            let mut t = Obj::new();
            for k in [
                "text",
                "sourceLocale",
                "voiceKind",
                "voiceName",
                "customVoiceEndpointId",
            ] {
                put(&mut t, k, get(o, k));
            }
            ("text", "text", t)
        }
        Some("ssmlSource") => {
            let mut t = Obj::new();
            for k in ["ssmlText", "customVoiceEndpointId"] {
                put(&mut t, k, get(o, k));
            }
            ("ssml", "ssml", t)
        }
        _ => {
            return Err(Error::invalid(
                format!("{field}.kind"),
                "must be fileSource, textSource or ssmlSource",
            ))
        }
    };
    let required = match key {
        "file" => "uri",
        "text" => "text",
        _ => "ssmlText",
    };
    if !inner.get(required).is_some_and(Value::is_string) {
        let js_name = if required == "uri" { "url" } else { required };
        return Err(Error::invalid(
            format!("{field}.{js_name}"),
            "must be a string",
        ));
    }
    set(&mut out, "kind", s(kind));
    out.insert(key.into(), Value::Object(core::mem::take(&mut inner)));
    put(
        &mut out,
        "playSourceCacheId",
        truthy(o, "playSourceCacheId").or_else(|| get(o, "playsourcacheid")),
    );
    Ok(Value::Object(out))
}

/// A list of play sources.
///
/// # Errors
/// As [`play_source`], or when `v` is not an array.
pub(crate) fn play_sources(v: Option<&Value>, field: &str) -> Result<Value, Error> {
    let list = v
        .and_then(Value::as_array)
        .ok_or_else(|| Error::invalid(field, "must be an array of play sources"))?;
    let items = list
        .iter()
        .enumerate()
        .map(|(i, p)| play_source(p, &format!("{field}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(items))
}

/// `{id, kind}` → `{serverCallId|groupCallId|roomId, kind}` (unknown kinds → server call).
///
/// # Errors
/// [`Error::InvalidInput`] when `id` is missing.
pub(crate) fn locator(v: &Value, field: &str) -> Result<Value, Error> {
    let o = Some(obj(v, field)?);
    let id = str_of(o, "id", field)?
        .ok_or_else(|| Error::invalid(format!("{field}.id"), "must be a string"))?;
    let (key, kind) = match str_of(o, "kind", field)? {
        Some("groupCallLocator") => ("groupCallId", "groupCallLocator"),
        Some("roomCallLocator") => ("roomId", "roomCallLocator"),
        _ => ("serverCallId", "serverCallLocator"),
    };
    Ok(object([(key, s(id)), ("kind", s(kind))]))
}

/// `CustomCallingContext` (array of voip/sipuui/sipx/TeamsPhoneCallDetails entries) →
/// `{sipHeaders, voipHeaders, teamsPhoneCallDetails?}`, as `createCustomCallingContextInternal`.
///
/// # Errors
/// [`Error::InvalidInput`] when present but not an array of objects.
pub(crate) fn custom_calling_context(v: Option<&Value>, field: &str) -> Result<Value, Error> {
    let mut sip = Obj::new();
    let mut voip = Obj::new();
    let mut teams = None;
    let entries = match v {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(Error::invalid(field, "must be an array")),
    };
    for (i, e) in entries.iter().enumerate() {
        let f = format!("{field}[{i}]");
        let o = Some(obj(e, &f)?);
        let key = str_of(o, "key", &f)?.unwrap_or("undefined");
        let value = get(o, "value").unwrap_or(Value::Null);
        match str_of(o, "kind", &f)? {
            Some("sipuui") => set(&mut sip, "User-To-User", value),
            Some("sipx") if str_of(o, "sipHeaderPrefix", &f)? == Some("X-") => {
                drop(sip.insert(format!("X-{key}"), value))
            }
            Some("sipx") => drop(sip.insert(format!("X-MS-Custom-{key}"), value)),
            Some("voip") => drop(voip.insert(key.to_owned(), value)),
            Some("TeamsPhoneCallDetails") => teams = Some(super::teams::call_details_model(e, &f)?),
            _ => {}
        }
    }
    let mut out = Obj::new();
    set(&mut out, "sipHeaders", Value::Object(sip));
    set(&mut out, "voipHeaders", Value::Object(voip));
    put(&mut out, "teamsPhoneCallDetails", teams);
    Ok(Value::Object(out))
}

/// `communicationIdentifierConverter`: wire model → JS identifier shape.
pub(crate) fn identifier_from_model(m: &Value) -> Value {
    let raw = m.get("rawId").cloned();
    let kind = m
        .get("kind")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            [
                "communicationUser",
                "phoneNumber",
                "microsoftTeamsUser",
                "microsoftTeamsApp",
                "teamsExtensionUser",
            ]
            .into_iter()
            .find(|k| m.get(*k).is_some_and(|v| !v.is_null()))
            .map(str::to_owned)
        });
    let sub = |k: &str| m.get(k).filter(|v| !v.is_null());
    let mut out = Obj::new();
    match (kind.as_deref(), kind.as_deref().and_then(sub)) {
        (Some("communicationUser"), Some(u)) => {
            put(&mut out, "communicationUserId", u.get("id").cloned())
        }
        (Some("phoneNumber"), Some(p)) => {
            put(&mut out, "phoneNumber", p.get("value").cloned());
            put(&mut out, "rawId", raw);
        }
        (Some("microsoftTeamsUser"), Some(t)) => {
            put(&mut out, "rawId", raw);
            put(&mut out, "microsoftTeamsUserId", t.get("userId").cloned());
            put(&mut out, "isAnonymous", t.get("isAnonymous").cloned());
            put(&mut out, "cloud", t.get("cloud").cloned());
        }
        (Some("microsoftTeamsApp"), Some(a)) => {
            put(&mut out, "rawId", raw);
            put(&mut out, "teamsAppId", a.get("appId").cloned());
            put(&mut out, "cloud", a.get("cloud").cloned());
        }
        (Some("teamsExtensionUser"), Some(x)) => {
            put(&mut out, "rawId", raw);
            for k in ["userId", "resourceId", "tenantId", "cloud"] {
                put(&mut out, k, x.get(k).cloned());
            }
        }
        _ => set(
            &mut out,
            "id",
            raw.filter(|r| r.as_str().is_some_and(|s| !s.is_empty()))
                .unwrap_or(s("")),
        ),
    }
    Value::Object(out)
}

#[cfg(test)]
#[path = "shapes_tests.rs"]
mod tests;
