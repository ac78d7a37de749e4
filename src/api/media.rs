//! Call media: play, cancel, hold and unhold (`/calling/callConnections/{id}:<action>`).
//!
//! Every media operation struct *is* its wire body: `serde_json::to_value(&op)` gives
//! exactly the JSON that [`Operation::to_request`] sends, and a body received by a server
//! (the emulator) deserializes back into the operation with an empty `call_connection_id`
//! (a path parameter, filled in from the URL), ready for `validate()`.

use super::build;
use super::response::expect_status;
use super::routes::OperationId;
use super::Operation;
use crate::http::{Request, Response};
use crate::identifier::CommunicationIdentifier;
use crate::models::{PlayOptions, PlaySource};
use crate::validate::non_empty;
use crate::validate::{identifier as check_identifier, optional_callback};
use crate::Error;
use serde::{Deserialize, Serialize};

/// Operation `op` on call `call_connection_id` (`POST …/callConnections/{id}:{action}`),
/// after checking the id.
pub(crate) fn call_action(
    op: OperationId,
    call_connection_id: &str,
    api_version: &str,
) -> Result<Request, Error> {
    build::call_connection_id(call_connection_id)?;
    build::op(op, &[call_connection_id], api_version)
}

/// [`call_action`] with `body` as JSON (callers validate first).
pub(crate) fn call_action_json<T: Serialize>(
    op: OperationId,
    call_connection_id: &str,
    api_version: &str,
    body: &T,
) -> Result<Request, Error> {
    call_action(op, call_connection_id, api_version)?.json(body)
}

/// Implements the optional `operationContext` / `operationCallbackUri` setters.
macro_rules! operation_setters {
    ($ty:ty) => {
        impl $ty {
            /// Sets `operationContext` (echoed in the events this operation causes).
            #[must_use]
            pub fn operation_context(mut self, v: impl Into<String>) -> Self {
                self.operation_context = Some(v.into());
                self
            }
            /// Sets `operationCallbackUri` (https; http only for loopback), overriding the
            /// call's callback URI for this operation's events.
            #[must_use]
            pub fn operation_callback_uri(mut self, v: impl Into<String>) -> Self {
                self.operation_callback_uri = Some(v.into());
                self
            }
        }
    };
}
pub(crate) use operation_setters;

/// `CallMedia_Play`: play audio to some participants or to everyone (202, no body).
///
/// The JS face fills `operationContext` with a random UUID when the caller gives none
/// (as the official package does); the core sends only what is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Play {
    #[serde(skip)]
    pub call_connection_id: String,
    pub play_sources: Vec<PlaySource>,
    /// Who hears it; absent = everyone in the call (the JS package's `playToAll`).
    /// A received `"playTo": []` (what the official package sends for play-to-all) reads as
    /// `None`, so bodies from the official SDK pass [`Play::validate`] in the emulator.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "empty_list_as_none"
    )]
    pub play_to: Option<Vec<CommunicationIdentifier>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupt_call_media_operation: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub play_options: Option<PlayOptions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_callback_uri: Option<String>,
}

impl Play {
    /// Play `play_sources` (in order) in call `call_connection_id`, to everyone unless
    /// [`Play::play_to`] narrows it.
    pub fn new(call_connection_id: impl Into<String>, play_sources: Vec<PlaySource>) -> Self {
        Play {
            call_connection_id: call_connection_id.into(),
            play_sources,
            play_to: None,
            interrupt_call_media_operation: None,
            play_options: None,
            operation_context: None,
            operation_callback_uri: None,
        }
    }
    /// Sets `playTo`. It must not be empty: leave it unset to play to everyone.
    ///
    /// Decision: the official JS package sends `playTo: []` for `playToAll`, which the
    /// service treats as "everyone". Here an empty list is refused, because a target list
    /// that was filtered down to nothing would otherwise broadcast to the whole call; the JS
    /// face maps `playToAll` and `play(sources, [])` to an unset `playTo` (same effect).
    #[must_use]
    pub fn play_to(mut self, v: Vec<CommunicationIdentifier>) -> Self {
        self.play_to = Some(v);
        self
    }
    /// Sets `interruptCallMediaOperation` (barge in on queued/running media operations).
    #[must_use]
    pub fn interrupt_call_media_operation(mut self, v: bool) -> Self {
        self.interrupt_call_media_operation = Some(v);
        self
    }
    /// Sets `playOptions.loop` (`loop` is a Rust keyword, hence the name).
    #[must_use]
    pub fn play_loop(mut self, v: bool) -> Self {
        self.play_options = Some(PlayOptions { r#loop: v });
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for a blank `callConnectionId`, an empty `playSources` or an
    /// invalid `playSources[i]` (see [`PlaySource::validate`]), an empty `playTo` or an
    /// invalid `playTo[i]`, a non-https `operationCallbackUri`.
    pub fn validate(&self) -> Result<(), Error> {
        non_empty("callConnectionId", &self.call_connection_id)?;
        play_sources("playSources", &self.play_sources)?;
        if let Some(to) = &self.play_to {
            if to.is_empty() {
                return Err(Error::invalid(
                    "playTo",
                    "must not be empty (leave it unset to play to everyone)",
                ));
            }
            for (i, p) in to.iter().enumerate() {
                check_identifier(&format!("playTo[{i}]"), p)?;
            }
        }
        optional_callback(
            "operationCallbackUri",
            self.operation_callback_uri.as_deref(),
        )
    }
}
operation_setters!(Play);

fn empty_list_as_none<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let list = Option::<Vec<T>>::deserialize(d)?;
    Ok(list.filter(|l| !l.is_empty()))
}

/// A non-empty list of valid play sources at wire path `field`.
pub(crate) fn play_sources(field: &str, sources: &[PlaySource]) -> Result<(), Error> {
    if sources.is_empty() {
        return Err(Error::invalid(field, "must list at least one play source"));
    }
    for (i, s) in sources.iter().enumerate() {
        s.validate(&format!("{field}[{i}]"))?;
    }
    Ok(())
}

build::action_operation!(Play, Play, 202);

/// `CallMedia_CancelAllMediaOperations`: stop every queued and running play/recognize
/// (no body; 202).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelAllMediaOperations {
    pub call_connection_id: String,
}

impl CancelAllMediaOperations {
    /// Cancel all media operations in call `call_connection_id`.
    pub fn new(call_connection_id: impl Into<String>) -> Self {
        CancelAllMediaOperations {
            call_connection_id: call_connection_id.into(),
        }
    }
}

impl Operation for CancelAllMediaOperations {
    type Output = ();
    fn id(&self) -> OperationId {
        OperationId::CancelAllMedia
    }
    fn to_request(&self, api_version: &str) -> Result<Request, Error> {
        call_action(self.id(), &self.call_connection_id, api_version)
    }
    fn decode(&self, response: &Response<'_>) -> Result<(), Error> {
        expect_status(response, &[202])
    }
}

/// `CallMedia_Hold`: put a participant on hold, optionally playing music (200, no body).
/// The service sends no success event for hold, only `HoldFailed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    #[serde(skip)]
    pub call_connection_id: String,
    pub target_participant: CommunicationIdentifier,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub play_source_info: Option<PlaySource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_context: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_callback_uri: Option<String>,
}

impl Hold {
    /// Hold `target_participant` in call `call_connection_id`.
    pub fn new(
        call_connection_id: impl Into<String>,
        target_participant: CommunicationIdentifier,
    ) -> Self {
        Hold {
            call_connection_id: call_connection_id.into(),
            target_participant,
            play_source_info: None,
            operation_context: None,
            operation_callback_uri: None,
        }
    }
    /// Sets `playSourceInfo` (what the held participant hears; the JS package's `playSource`).
    #[must_use]
    pub fn play_source_info(mut self, v: PlaySource) -> Self {
        self.play_source_info = Some(v);
        self
    }

    /// # Errors
    /// [`Error::InvalidInput`] for a blank `callConnectionId`, an invalid
    /// `targetParticipant` or `playSourceInfo`, a non-https `operationCallbackUri`.
    pub fn validate(&self) -> Result<(), Error> {
        non_empty("callConnectionId", &self.call_connection_id)?;
        check_identifier("targetParticipant", &self.target_participant)?;
        if let Some(p) = &self.play_source_info {
            p.validate("playSourceInfo")?;
        }
        optional_callback(
            "operationCallbackUri",
            self.operation_callback_uri.as_deref(),
        )
    }
}
operation_setters!(Hold);

build::action_operation!(Hold, Hold, 200);

/// Declares an operation whose body is `targetParticipant` plus `operationContext` /
/// `operationCallbackUri` (unhold, start/stop continuous DTMF): 200, no response body.
macro_rules! participant_only_op {
    ($(#[$meta:meta])* $name:ident, $op:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(skip)]
            pub call_connection_id: String,
            pub target_participant: $crate::identifier::CommunicationIdentifier,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_context: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_callback_uri: Option<String>,
        }

        impl $name {
            /// For `target_participant` in call `call_connection_id`.
            pub fn new(
                call_connection_id: impl Into<String>,
                target_participant: $crate::identifier::CommunicationIdentifier,
            ) -> Self {
                $name {
                    call_connection_id: call_connection_id.into(),
                    target_participant,
                    operation_context: None,
                    operation_callback_uri: None,
                }
            }

            /// # Errors
            /// [`crate::Error::InvalidInput`] for a blank `callConnectionId`, an invalid
            /// `targetParticipant`, a non-https `operationCallbackUri`.
            pub fn validate(&self) -> Result<(), $crate::Error> {
                $crate::validate::non_empty("callConnectionId", &self.call_connection_id)?;
                $crate::validate::identifier("targetParticipant", &self.target_participant)?;
                $crate::validate::optional_callback(
                    "operationCallbackUri",
                    self.operation_callback_uri.as_deref(),
                )
            }
        }
        $crate::api::media::operation_setters!($name);

        $crate::api::build::action_operation!($name, $op, 200);
    };
}
pub(crate) use participant_only_op;

participant_only_op!(
    /// `CallMedia_Unhold`: take a participant off hold (200, no body).
    Unhold,
    Unhold
);

/// Declares an operation whose body is only `operationContext` / `operationCallbackUri`
/// (stop transcription, start/stop media streaming): 202, no response body.
macro_rules! context_only_op {
    ($(#[$meta:meta])* $name:ident, $op:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            #[serde(skip)]
            pub call_connection_id: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_context: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub operation_callback_uri: Option<String>,
        }

        impl $name {
            /// For call `call_connection_id`.
            pub fn new(call_connection_id: impl Into<String>) -> Self {
                $name { call_connection_id: call_connection_id.into(), ..Default::default() }
            }

            /// # Errors
            /// [`crate::Error::InvalidInput`] for a blank `callConnectionId` or a non-https
            /// `operationCallbackUri`.
            pub fn validate(&self) -> Result<(), crate::Error> {
                crate::validate::non_empty("callConnectionId", &self.call_connection_id)?;
                crate::validate::optional_callback("operationCallbackUri", self.operation_callback_uri.as_deref())
            }
        }
        $crate::api::media::operation_setters!($name);

        $crate::api::build::action_operation!($name, $op, 202);
    };
}
pub(crate) use context_only_op;
