//! Which event settles an action you sent.
//!
//! Most Call Automation actions answer HTTP 202 and report their outcome later as a callback.
//! A [`PendingAction`] remembers what was sent (the action, its `callConnectionId`,
//! `operationContext`, and for some actions an `invitationId` or `recordingId`);
//! [`PendingAction::classify`] then says, for each incoming event, whether it is that
//! action's success, failure, cancellation, only progress, or unrelated.
//!
//! Rules:
//! * `callConnectionId` must be equal when the pending action has one.
//! * `operationContext` must be equal when the pending action has one, except for the two
//!   kinds that carry none (`ParticipantsUpdated`, `RecordingStateChanged`).
//! * `invitationId` / `recordingId` must be equal when both sides have one.
//! * `CallDisconnected` on the same call connection settles every action as
//!   [`Outcome::CallEnded`] (nothing more will arrive), whatever its context: the service
//!   stamps `CallDisconnected` with the context of the call's creation, not of your action.
//! * Some actions have no success event (hold, continuous DTMF start): their HTTP 2xx is the
//!   success and only failures arrive (see [`Action::success_kinds`]).

use serde::Serialize;

use super::CallAutomationEvent;

/// An action whose outcome arrives as an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Action {
    CreateCall,
    AnswerCall,
    ConnectCall,
    HangUp,
    AddParticipant,
    RemoveParticipant,
    MoveParticipants,
    CancelAddParticipant,
    TransferCall,
    Play,
    Recognize,
    SendDtmfTones,
    StartContinuousDtmfRecognition,
    StopContinuousDtmfRecognition,
    Hold,
    StartRecording,
    StartTranscription,
    StopTranscription,
    UpdateTranscription,
    StartMediaStreaming,
    StopMediaStreaming,
}

/// What an event means for a pending action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Outcome {
    /// Not about this action.
    Unrelated,
    /// About this action, but not its end (e.g. `PlayStarted` for a play).
    Progress,
    /// The action succeeded.
    Succeeded,
    /// The action failed; `resultInformation` says why.
    Failed,
    /// The action was cancelled or stopped before it finished.
    Canceled,
    /// The call ended; no outcome will follow.
    CallEnded,
}

impl Outcome {
    /// True for outcomes after which no more events about the action are expected.
    pub fn is_final(self) -> bool {
        !matches!(self, Outcome::Unrelated | Outcome::Progress)
    }
}

/// Event kinds that settle an action, by role.
struct Expect {
    success: &'static [&'static str],
    failure: &'static [&'static str],
    canceled: &'static [&'static str],
    progress: &'static [&'static str],
}

const fn expect(
    success: &'static [&'static str],
    failure: &'static [&'static str],
    canceled: &'static [&'static str],
    progress: &'static [&'static str],
) -> Expect {
    Expect {
        success,
        failure,
        canceled,
        progress,
    }
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: &'static [Action] = &[
        Action::CreateCall,
        Action::AnswerCall,
        Action::ConnectCall,
        Action::HangUp,
        Action::AddParticipant,
        Action::RemoveParticipant,
        Action::MoveParticipants,
        Action::CancelAddParticipant,
        Action::TransferCall,
        Action::Play,
        Action::Recognize,
        Action::SendDtmfTones,
        Action::StartContinuousDtmfRecognition,
        Action::StopContinuousDtmfRecognition,
        Action::Hold,
        Action::StartRecording,
        Action::StartTranscription,
        Action::StopTranscription,
        Action::UpdateTranscription,
        Action::StartMediaStreaming,
        Action::StopMediaStreaming,
    ];

    fn expect(self) -> Expect {
        use Action::*;
        match self {
            CreateCall => expect(&["CallConnected"], &["CreateCallFailed"], &[], &[]),
            AnswerCall => expect(&["CallConnected"], &["AnswerFailed"], &[], &[]),
            ConnectCall => expect(&["CallConnected"], &["ConnectFailed"], &[], &[]),
            HangUp => expect(&["CallDisconnected"], &[], &[], &[]),
            AddParticipant => expect(
                &["AddParticipantSucceeded"],
                &["AddParticipantFailed"],
                &[],
                &[],
            ),
            RemoveParticipant => expect(
                &["RemoveParticipantSucceeded"],
                &["RemoveParticipantFailed"],
                &[],
                &[],
            ),
            MoveParticipants => expect(
                &["MoveParticipantSucceeded"],
                &["MoveParticipantFailed"],
                &[],
                &[],
            ),
            CancelAddParticipant => expect(
                &["CancelAddParticipantSucceeded"],
                &["CancelAddParticipantFailed"],
                &[],
                &[],
            ),
            TransferCall => expect(&["CallTransferAccepted"], &["CallTransferFailed"], &[], &[]),
            Play => expect(
                &["PlayCompleted"],
                &["PlayFailed"],
                &["PlayCanceled"],
                &["PlayStarted"],
            ),
            Recognize => expect(
                &["RecognizeCompleted"],
                &["RecognizeFailed"],
                &["RecognizeCanceled"],
                &["PlayStarted", "PlayCompleted"],
            ),
            SendDtmfTones => expect(
                &["SendDtmfTonesCompleted"],
                &["SendDtmfTonesFailed"],
                &[],
                &[],
            ),
            StartContinuousDtmfRecognition => expect(
                &[],
                &["ContinuousDtmfRecognitionToneFailed"],
                &["ContinuousDtmfRecognitionStopped"],
                &["ContinuousDtmfRecognitionToneReceived"],
            ),
            StopContinuousDtmfRecognition => expect(
                &["ContinuousDtmfRecognitionStopped"],
                &["ContinuousDtmfRecognitionToneFailed"],
                &[],
                &[],
            ),
            Hold => expect(&[], &["HoldFailed"], &[], &[]),
            StartRecording => expect(
                &["RecordingStateChanged"],
                &["StartRecordingFailed"],
                &[],
                &[],
            ),
            StartTranscription => expect(
                &["TranscriptionStarted"],
                &["TranscriptionFailed"],
                &[],
                &[],
            ),
            StopTranscription => expect(
                &["TranscriptionStopped"],
                &["TranscriptionFailed"],
                &[],
                &[],
            ),
            UpdateTranscription => expect(
                &["TranscriptionUpdated"],
                &["TranscriptionFailed"],
                &[],
                &[],
            ),
            StartMediaStreaming => expect(
                &["MediaStreamingStarted"],
                &["MediaStreamingFailed"],
                &[],
                &[],
            ),
            StopMediaStreaming => expect(
                &["MediaStreamingStopped"],
                &["MediaStreamingFailed"],
                &[],
                &[],
            ),
        }
    }

    /// Event kinds meaning success. Empty when the action has none (its HTTP 2xx is the
    /// success): [`Action::Hold`], [`Action::StartContinuousDtmfRecognition`].
    pub fn success_kinds(self) -> &'static [&'static str] {
        self.expect().success
    }

    /// Event kinds meaning failure.
    pub fn failure_kinds(self) -> &'static [&'static str] {
        self.expect().failure
    }

    /// Event kinds meaning cancelled/stopped.
    pub fn canceled_kinds(self) -> &'static [&'static str] {
        self.expect().canceled
    }

    /// Event kinds that only report progress.
    pub fn progress_kinds(self) -> &'static [&'static str] {
        self.expect().progress
    }
}

/// An action sent and not yet settled.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingAction {
    /// What was sent.
    pub action: Action,
    /// The call connection it was sent on (from the create/answer/connect result for those).
    pub call_connection_id: Option<String>,
    /// The `operationContext` it was sent with.
    pub operation_context: Option<String>,
    /// The `invitationId` (add participant result; cancel-add request).
    pub invitation_id: Option<String>,
    /// The `recordingId` (start recording result).
    pub recording_id: Option<String>,
}

impl PendingAction {
    /// A pending `action` with nothing to match on yet; add ids with the setters.
    pub fn new(action: Action) -> Self {
        PendingAction {
            action,
            call_connection_id: None,
            operation_context: None,
            invitation_id: None,
            recording_id: None,
        }
    }

    /// Match only events of this call connection.
    pub fn call_connection_id(mut self, id: impl Into<String>) -> Self {
        self.call_connection_id = Some(id.into());
        self
    }

    /// Match only events carrying this `operationContext`.
    pub fn operation_context(mut self, context: impl Into<String>) -> Self {
        self.operation_context = Some(context.into());
        self
    }

    /// Match only events about this invitation.
    pub fn invitation_id(mut self, id: impl Into<String>) -> Self {
        self.invitation_id = Some(id.into());
        self
    }

    /// Match only events about this recording.
    pub fn recording_id(mut self, id: impl Into<String>) -> Self {
        self.recording_id = Some(id.into());
        self
    }

    /// What `event` means for this action (rules in the module docs).
    pub fn classify(&self, event: &CallAutomationEvent) -> Outcome {
        if !same(
            self.call_connection_id.as_deref(),
            event.call_connection_id(),
            true,
        ) {
            return Outcome::Unrelated;
        }
        let kind = event.kind_name();
        let e = self.action.expect();
        let role = if e.success.contains(&kind) {
            Outcome::Succeeded
        } else if e.failure.contains(&kind) {
            Outcome::Failed
        } else if e.canceled.contains(&kind) {
            Outcome::Canceled
        } else if e.progress.contains(&kind) {
            Outcome::Progress
        } else if kind == "CallDisconnected" && self.call_connection_id.is_some() {
            return Outcome::CallEnded;
        } else {
            return Outcome::Unrelated;
        };
        if self.ids_match(event) {
            role
        } else if kind == "CallDisconnected" && self.call_connection_id.is_some() {
            Outcome::CallEnded
        } else {
            Outcome::Unrelated
        }
    }

    fn ids_match(&self, event: &CallAutomationEvent) -> bool {
        let has_context = !matches!(
            event,
            CallAutomationEvent::ParticipantsUpdated(_)
                | CallAutomationEvent::RecordingStateChanged(_)
        );
        let context_ok = !has_context
            || same(
                self.operation_context.as_deref(),
                event.operation_context(),
                true,
            );
        context_ok
            && same(self.invitation_id.as_deref(), event.invitation_id(), false)
            && same(self.recording_id.as_deref(), recording_id(event), false)
    }
}

/// `want` unset matches anything; set, it must equal `got`. A missing `got` matches only
/// when `missing_fails` is false.
fn same(want: Option<&str>, got: Option<&str>, missing_fails: bool) -> bool {
    match (want, got) {
        (None, _) => true,
        (Some(w), Some(g)) => w == g,
        (Some(_), None) => !missing_fails,
    }
}

fn recording_id(event: &CallAutomationEvent) -> Option<&str> {
    match event {
        CallAutomationEvent::RecordingStateChanged(e) => e.recording_id.as_deref(),
        CallAutomationEvent::StartRecordingFailed(e) => e.recording_id.as_deref(),
        _ => None,
    }
}
