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
            let mut o = without(&v, &[]);
            set(&mut o, "participant", participant(v.get("participant")));
            Value::Object(o)
        }
        Decode::Move(from) => {
            let mut o = without(&v, &["participants"]);
            if let Some(list) = v.get("participants").filter(|p| p.is_array()) {
                set(&mut o, "participants", participants(Some(list)));
            }
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
    Value::Array(items.iter().map(|p| participant(Some(p))).collect())
}

/// `callParticipantConverter` of one participant: the identifier mapped back, the rest as-is.
fn participant(p: Option<&Value>) -> Value {
    let p = p.unwrap_or(&Value::Null);
    let mut o = without(p, &["identifier"]);
    put(
        &mut o,
        "identifier",
        p.get("identifier")
            .filter(|i| !i.is_null())
            .map(identifier_from_model),
    );
    Value::Object(o)
}

/// A copy of object `v` (empty when `v` is not one) without the `skip` keys. Copying instead
/// of `Map::remove` keeps B-tree removal (node merging and stealing) out of the wasm.
fn without(v: &Value, skip: &[&str]) -> Obj {
    let mut o = Obj::new();
    for (k, x) in v.as_object().into_iter().flatten() {
        if !skip.contains(&k.as_str()) {
            set(&mut o, k, x.clone());
        }
    }
    o
}

/// `CallConnectionProperties` from the wire `CallConnectionProperties`.
pub(crate) fn properties(v: &Value) -> Value {
    let mut o = without(
        v,
        &[
            "source",
            "answeredBy",
            "answeredFor",
            "targets",
            "sourceCallerIdNumber",
        ],
    );
    let answered_by = v.get("answeredBy");
    let targets = v.get("targets");
    put(
        &mut o,
        "source",
        v.get("source")
            .filter(|s| s.is_object())
            .map(identifier_from_model),
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
    put(&mut o, "answeredFor", v.get("answeredFor").and_then(phone));
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
        v.get("sourceCallerIdNumber").and_then(phone),
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
