//! Call recording: the start request and the recording state (spec `StartCallRecordingRequest`,
//! `RecordingStateResponse` and their enums).

use crate::identifier::CommunicationIdentifier;
use crate::models::CallLocator;
use crate::validate::in_range;
use crate::validate::{identifier, optional_callback};
use crate::Error;
use serde::{Deserialize, Serialize};

/// Spec: `channelAffinity[].channel` minimum 0, maximum 4.
pub const CHANNEL_RANGE: core::ops::RangeInclusive<i32> = 0..=4;

/// Spec `StartCallRecordingRequest`. Which call to record is exactly one of
/// `callLocator` / `callConnectionId` (the spec: "only one … to be used"); the operation's
/// constructors set one of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartCallRecordingRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_locator: Option<CallLocator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_state_callback_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_content_type: Option<RecordingContentType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_channel_type: Option<RecordingChannelType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recording_format_type: Option<RecordingFormatType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_channel_participant_ordering: Option<Vec<CommunicationIdentifier>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_affinity: Option<Vec<ChannelAffinity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause_on_start: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_storage: Option<ExternalStorage>,
}

impl StartCallRecordingRequest {
    /// Checks the request before it is sent.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for: neither or both of `callLocator` / `callConnectionId`;
    /// a blank locator id or `callConnectionId`; a room locator (the spec: "not supported for
    /// Start Recording"); a `recordingStateCallbackUri` that is not https (http only for
    /// loopback); an invalid participant in `audioChannelParticipantOrdering[i]` or
    /// `channelAffinity[i].participant`; `channelAffinity[i].channel` outside 0–4 or used
    /// twice; a participant with two channel affinities; a blob container URL that is not
    /// an absolute https URL.
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_target()?;
        optional_callback(
            "recordingStateCallbackUri",
            self.recording_state_callback_uri.as_deref(),
        )?;
        for (i, p) in self
            .audio_channel_participant_ordering
            .iter()
            .flatten()
            .enumerate()
        {
            identifier(&format!("audioChannelParticipantOrdering[{i}]"), p)?;
        }
        if let Some(affinity) = &self.channel_affinity {
            validate_affinity(affinity)?;
        }
        match &self.external_storage {
            Some(ExternalStorage::AzureBlobStorage {
                recording_destination_container_url: url,
            }) => crate::validate::callback_uri(
                "externalStorage.recordingDestinationContainerUrl",
                url,
            ),
            _ => Ok(()),
        }
    }

    fn validate_target(&self) -> Result<(), Error> {
        match (&self.call_locator, &self.call_connection_id) {
            (Some(_), Some(_)) => Err(Error::invalid("callLocator", "set callLocator or callConnectionId, not both")),
            (None, None) => Err(Error::invalid("callLocator", "one of callLocator or callConnectionId is required")),
            (None, Some(id)) => crate::validate::non_empty("callConnectionId", id),
            (Some(CallLocator::Room(_)), None) => Err(Error::invalid(
                "callLocator.roomId",
                "room locators are not supported for start recording; use the room call's serverCallId",
            )),
            (Some(CallLocator::ServerCall(id)), None) => crate::validate::non_empty("callLocator.serverCallId", id),
            (Some(CallLocator::GroupCall(id)), None) => crate::validate::non_empty("callLocator.groupCallId", id),
        }
    }
}

fn validate_affinity(affinity: &[ChannelAffinity]) -> Result<(), Error> {
    let mut channels = Vec::new();
    let mut participants = Vec::new();
    for (i, a) in affinity.iter().enumerate() {
        let f = format!("channelAffinity[{i}]");
        identifier(&format!("{f}.participant"), &a.participant)?;
        let raw = a.participant.raw_id();
        if participants.contains(&raw) {
            return Err(Error::invalid(
                format!("{f}.participant"),
                "already has a channel affinity",
            ));
        }
        participants.push(raw);
        if let Some(c) = a.channel {
            in_range(&format!("{f}.channel"), c, CHANNEL_RANGE)?;
            if channels.contains(&c) {
                return Err(Error::invalid(
                    format!("{f}.channel"),
                    format!("channel {c} is assigned twice"),
                ));
            }
            channels.push(c);
        }
    }
    Ok(())
}

/// Spec `ChannelAffinity`: which unmixed-audio channel a participant is written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelAffinity {
    /// 0–4; the service assigns one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<i32>,
    pub participant: CommunicationIdentifier,
}

impl ChannelAffinity {
    /// `participant` on the channel the service picks.
    pub fn new(participant: CommunicationIdentifier) -> Self {
        ChannelAffinity {
            channel: None,
            participant,
        }
    }
    /// Sets `channel` (0–4).
    #[must_use]
    pub fn channel(mut self, channel: i32) -> Self {
        self.channel = Some(channel);
        self
    }
}

/// Spec `ExternalStorage`: where the service puts the recording. Typed so a blob target
/// always carries its container URL (the JS package's `recordingStorage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "recordingStorageKind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ExternalStorage {
    /// The ACS-managed store (the service's default).
    AzureCommunicationServices,
    /// Your own blob container (`recordingDestinationContainerUrl`, an https URL).
    #[serde(rename_all = "camelCase")]
    AzureBlobStorage {
        recording_destination_container_url: String,
    },
}

/// Spec `RecordingContentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RecordingContentType {
    Audio,
    AudioVideo,
}

/// Spec `RecordingChannelType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RecordingChannelType {
    Mixed,
    Unmixed,
}

/// Spec `RecordingFormatType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RecordingFormatType {
    Wav,
    Mp3,
    Mp4,
}

/// Spec `RecordingStateResponse` (start recording and get recording state). Every field
/// is optional in the spec, so every field is optional here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingStateResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_state: Option<RecordingState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_kind: Option<RecordingKind>,
}

super::lenient_enum! {
    /// Spec `RecordingState` (an extensible enum: unknown values are kept in `Other`).
    RecordingState { Active => "active", Inactive => "inactive" }
}

super::lenient_enum! {
    /// Spec `RecordingKind` (an extensible enum: unknown values are kept in `Other`).
    RecordingKind {
        AzureCommunicationServices => "azureCommunicationServices",
        Teams => "teams",
        TeamsCompliance => "teamsCompliance",
    }
}
