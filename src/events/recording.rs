//! Recording events.

use super::common::open_enum;
use super::define::call_event;

call_event!(no_context
    /// `RecordingStateChanged`: a recording became active or inactive.
    RecordingStateChanged {
        /// `recordingId`.
        recording_id: Option<String>,
        /// `state`: `active` or `inactive`.
        state: Option<RecordingState>,
        /// `startDateTime` (RFC 3339, as sent).
        start_date_time: Option<String>,
        /// `recordingKind`.
        recording_kind: Option<RecordingKind>,
    }
);
call_event!(
    /// `StartRecordingFailed`: a recording could not be started.
    StartRecordingFailed {
        /// `recordingId`.
        recording_id: Option<String>,
    }
);

open_enum! {
    /// `RecordingState`.
    RecordingState { Active = "active", Inactive = "inactive" }
}

open_enum! {
    /// `RecordingKind`: who records.
    RecordingKind {
        AzureCommunicationServices = "azureCommunicationServices",
        Teams = "teams",
        TeamsCompliance = "teamsCompliance",
    }
}
