//! Recording events.

use super::define::call_event;
use crate::models::{RecordingKind, RecordingState};

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
