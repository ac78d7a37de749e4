//! Wire response bodies → the official package's result shapes.

use super::ops::Decode;
use super::shapes::{identifier_from_model, object, put, set, Obj};
use crate::Error;
use serde_json::Value;

/// Decodes a 2xx body for `decode`. `Ok(None)` means `undefined`.
///
/// # Errors
/// [`Error::Decode`] when a body that must be JSON is not.
pub(crate) fn decode(decode: &Decode, body: &[u8]) -> Result<Option<Value>, Error> {
    if *decode == Decode::Void {
        return Ok(None);
    }
    let v: Value = if body.is_empty() {
        Value::Object(Obj::new())
    } else {
        serde_json::from_slice(body).map_err(|e| Error::decode("response body", e.to_string()))?
    };
    let out = match decode {
        Decode::Void => return Ok(None),
        Decode::Properties => properties(&v),
        Decode::Participant => {
            let mut o = Obj::new();
            put(
                &mut o,
                "identifier",
                v.get("identifier")
                    .filter(|i| !i.is_null())
                    .map(identifier_from_model),
            );
            put(&mut o, "isMuted", v.get("isMuted").cloned());
            put(&mut o, "isOnHold", v.get("isOnHold").cloned());
            Value::Object(o)
        }
        Decode::Participants => object([("values", participants(v.get("value")))]),
        Decode::AddParticipant => {
            let mut o = v.as_object().cloned().unwrap_or_default();
            let mut p = v
                .get("participant")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            match p
                .get("identifier")
                .filter(|i| !i.is_null())
                .map(identifier_from_model)
            {
                Some(id) => set(&mut p, "identifier", id),
                None => drop(p.remove("identifier")),
            };
            set(&mut o, "participant", Value::Object(p));
            Value::Object(o)
        }
        Decode::Move(from) => {
            let mut o = v.as_object().cloned().unwrap_or_default();
            match v.get("participants").filter(|p| p.is_array()) {
                Some(list) => set(&mut o, "participants", participants(Some(list))),
                None => drop(o.remove("participants")),
            };
            set(&mut o, "fromCall", Value::String(from.clone()));
            Value::Object(o)
        }
        Decode::RecordingState => {
            let mut o = Obj::new();
            for k in ["recordingId", "recordingKind", "recordingState"] {
                put(&mut o, k, v.get(k).cloned());
            }
            Value::Object(o)
        }
        Decode::Body => v,
    };
    Ok(Some(out))
}

/// `callParticipantConverter` over a list.
pub(crate) fn participants(list: Option<&Value>) -> Value {
    let items = list
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|p| {
                let mut o = p.as_object().cloned().unwrap_or_default();
                match p
                    .get("identifier")
                    .filter(|i| !i.is_null())
                    .map(identifier_from_model)
                {
                    Some(id) => set(&mut o, "identifier", id),
                    None => drop(o.remove("identifier")),
                };
                Value::Object(o)
            })
            .collect(),
    )
}

/// `CallConnectionProperties` from the wire `CallConnectionProperties`.
pub(crate) fn properties(v: &Value) -> Value {
    let mut o = v.as_object().cloned().unwrap_or_default();
    let source = o.remove("source");
    let answered_by = o.remove("answeredBy");
    let answered_for = o.remove("answeredFor");
    let targets = o.remove("targets");
    let caller_id = o.remove("sourceCallerIdNumber");
    put(
        &mut o,
        "source",
        source
            .filter(|s| s.is_object())
            .map(|s| identifier_from_model(&s)),
    );
    let user = answered_by.and_then(|a| {
        a.get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    });
    put(
        &mut o,
        "answeredby",
        user.map(|id| object([("communicationUserId", Value::String(id))])),
    );
    put(&mut o, "answeredFor", answered_for.as_ref().and_then(phone));
    put(
        &mut o,
        "targetParticipants",
        targets.and_then(|t| {
            t.as_array()
                .map(|l| l.iter().map(identifier_from_model).collect())
        }),
    );
    put(
        &mut o,
        "sourceCallerIdNumber",
        caller_id.as_ref().and_then(phone),
    );
    // The official runtime returns `callbackUri` while its typings declare `callbackUrl`:
    // both are set, so code written against either keeps working.
    if let Some(uri) = o.get("callbackUri").cloned() {
        set(&mut o, "callbackUrl", uri);
    }
    Value::Object(o)
}

// `phoneNumberIdentifierConverter`: `{value}` → `{phoneNumber}`.
fn phone(v: &Value) -> Option<Value> {
    let value = v.get("value").filter(|x| !x.is_null())?;
    Some(object([("phoneNumber", value.clone())]))
}
