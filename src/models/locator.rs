//! `CallLocator`: which call to connect to or record.

use serde::{Deserialize, Serialize};

/// A call by server call id, group call id or room id (spec `CallLocator`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallLocator {
    ServerCall(String),
    GroupCall(String),
    Room(String),
}

impl CallLocator {
    /// The locator's id, whatever its kind.
    pub fn id(&self) -> &str {
        match self {
            CallLocator::ServerCall(id) | CallLocator::GroupCall(id) | CallLocator::Room(id) => id,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireLocator {
    #[serde(skip_serializing_if = "Option::is_none")]
    group_call_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_call_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    room_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

impl Serialize for CallLocator {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut w = WireLocator::default();
        match self {
            CallLocator::ServerCall(id) => {
                (w.server_call_id, w.kind) = (Some(id.clone()), Some("serverCallLocator".into()))
            }
            CallLocator::GroupCall(id) => {
                (w.group_call_id, w.kind) = (Some(id.clone()), Some("groupCallLocator".into()))
            }
            CallLocator::Room(id) => {
                (w.room_id, w.kind) = (Some(id.clone()), Some("roomCallLocator".into()))
            }
        }
        w.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CallLocator {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = WireLocator::deserialize(d)?;
        match (
            w.kind.as_deref(),
            w.server_call_id,
            w.group_call_id,
            w.room_id,
        ) {
            (Some("serverCallLocator") | None, Some(id), None, None) => {
                Ok(CallLocator::ServerCall(id))
            }
            (Some("groupCallLocator") | None, None, Some(id), None) => {
                Ok(CallLocator::GroupCall(id))
            }
            (Some("roomCallLocator") | None, None, None, Some(id)) => Ok(CallLocator::Room(id)),
            _ => Err(serde::de::Error::custom(
                "callLocator needs exactly one id matching its kind",
            )),
        }
    }
}
