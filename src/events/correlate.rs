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
//!   success and only failures arrive (see [`OperationId::kinds`]).
//!
//! Which event kinds settle which operation is the operation table's
//! ([`OperationId::settled_by`], `crate::api::routes`), not this module's.

use serde::Serialize;

use super::CallAutomationEvent;
use crate::api::routes::OperationId;

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

/// An operation sent and not yet settled.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingAction {
    /// What was sent.
    pub operation: OperationId,
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
    /// A pending `operation` with nothing to match on yet; add ids with the setters.
    pub fn new(operation: OperationId) -> Self {
        PendingAction {
            operation,
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
        let ended = matches!(event, CallAutomationEvent::CallDisconnected(_))
            && self.call_connection_id.is_some();
        match self.operation.settled_by(event) {
            Some(role) if self.ids_match(event) => role,
            _ if ended => Outcome::CallEnded,
            _ => Outcome::Unrelated,
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
