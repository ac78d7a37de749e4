//! Participant events: add, remove, move, cancel-add and the roster update.

use super::define::call_event;
use crate::models::CallParticipant;
use crate::CommunicationIdentifier;

call_event!(
    /// `AddParticipantSucceeded`: the invited participant joined.
    AddParticipantSucceeded {
        /// `participant`: who was added.
        participant: Option<CommunicationIdentifier>,
    }
);
call_event!(
    /// `AddParticipantFailed`: the invitation was declined, timed out or failed.
    AddParticipantFailed {
        /// `participant`: who could not be added.
        participant: Option<CommunicationIdentifier>,
    }
);
call_event!(
    /// `RemoveParticipantSucceeded`: the participant was removed.
    RemoveParticipantSucceeded {
        /// `participant`: who was removed.
        participant: Option<CommunicationIdentifier>,
    }
);
call_event!(
    /// `RemoveParticipantFailed`: the participant could not be removed.
    RemoveParticipantFailed {
        /// `participant`: who could not be removed.
        participant: Option<CommunicationIdentifier>,
    }
);
call_event!(
    /// `MoveParticipantSucceeded`: a participant was moved in from another call.
    MoveParticipantSucceeded {
        /// `participant`: who was moved.
        participant: Option<CommunicationIdentifier>,
        /// `fromCall`: the call connection id the participant was moved from.
        from_call: Option<String>,
    }
);
call_event!(
    /// `MoveParticipantFailed`: moving a participant in from another call failed.
    MoveParticipantFailed {
        /// `participant`: who could not be moved.
        participant: Option<CommunicationIdentifier>,
        /// `fromCall`: the call connection id the participant was to be moved from.
        from_call: Option<String>,
    }
);
call_event!(
    /// `CancelAddParticipantSucceeded`: a pending invitation was cancelled.
    CancelAddParticipantSucceeded {
        /// `invitationId`: the invitation that was cancelled (from `AddParticipant`'s result).
        invitation_id: Option<String>,
    }
);
call_event!(
    /// `CancelAddParticipantFailed`: cancelling a pending invitation failed.
    CancelAddParticipantFailed {
        /// `invitationId`: the invitation that could not be cancelled.
        invitation_id: Option<String>,
    }
);
call_event!(no_context
    /// `ParticipantsUpdated`: the full roster after a change. Apply only rosters with a
    /// higher `sequenceNumber` than the last one seen: deliveries may arrive out of order.
    ParticipantsUpdated {
        /// `sequenceNumber`: increases with each roster change of the call.
        sequence_number: Option<i64>,
        /// `participants`: everyone in the call now.
        participants: Vec<CallParticipant>,
    }
);
