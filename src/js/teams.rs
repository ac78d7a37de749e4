//! `TeamsPhoneCallDetails` (a custom calling context entry) → wire model, as
//! `teamsPhoneCallDetailsModelConverter` of the official package.

use super::shapes::{get, identifier_model, obj, put, set, Obj};
use crate::Error;
use serde_json::Value;

fn optional_identifier(o: &Obj, key: &str, field: &str) -> Result<Option<Value>, Error> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => identifier_model(v, &format!("{field}.{key}"), true).map(Some),
    }
}

fn caller_details(v: Option<&Value>, field: &str) -> Result<Option<Value>, Error> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let o = obj(v, field)?;
    let mut out = Obj::new();
    put(&mut out, "caller", optional_identifier(o, "caller", field)?);
    for k in [
        "name",
        "phoneNumber",
        "recordId",
        "screenPopUrl",
        "isAuthenticated",
        "additionalCallerInformation",
    ] {
        put(&mut out, k, get(Some(o), k));
    }
    Ok(Some(Value::Object(out)))
}

fn source_details(v: Option<&Value>, field: &str) -> Result<Option<Value>, Error> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let o = obj(v, field)?;
    let mut out = Obj::new();
    put(&mut out, "source", optional_identifier(o, "source", field)?);
    put(&mut out, "language", get(Some(o), "language"));
    put(&mut out, "status", get(Some(o), "status"));
    if let Some(Value::Object(targets)) = o.get("intendedTargets") {
        let mut mapped = Obj::new();
        for (k, t) in targets {
            mapped.insert(
                k.clone(),
                identifier_model(t, &format!("{field}.intendedTargets.{k}"), true)?,
            );
        }
        if !mapped.is_empty() {
            set(&mut out, "intendedTargets", Value::Object(mapped));
        }
    }
    Ok(Some(Value::Object(out)))
}

/// The wire `teamsPhoneCallDetails` object.
///
/// # Errors
/// [`Error::InvalidInput`] when a nested part has the wrong shape.
pub(crate) fn call_details_model(v: &Value, field: &str) -> Result<Value, Error> {
    let o = obj(v, field)?;
    let mut out = Obj::new();
    put(
        &mut out,
        "teamsPhoneCallerDetails",
        caller_details(o.get("teamsPhoneCallerDetails"), field)?,
    );
    put(
        &mut out,
        "teamsPhoneSourceDetails",
        source_details(o.get("teamsPhoneSourceDetails"), field)?,
    );
    for k in [
        "sessionId",
        "intent",
        "callTopic",
        "callContext",
        "transcriptUrl",
        "callSentiment",
        "suggestedActions",
    ] {
        put(&mut out, k, get(Some(o), k));
    }
    Ok(Value::Object(out))
}
