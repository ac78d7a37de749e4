//! Media events: play, DTMF sending, continuous DTMF recognition and hold.

use super::define::call_event;
use crate::models::Tone;

call_event!(
    /// `PlayStarted`: playback began.
    PlayStarted {}
);
call_event!(
    /// `PlayCompleted`: playback finished.
    PlayCompleted {}
);
call_event!(
    /// `PlayFailed`: playback failed (e.g. the file could not be downloaded).
    PlayFailed {
        /// `failedPlaySourceIndex`: which of the play sources failed.
        failed_play_source_index: Option<i64>,
    }
);
call_event!(
    /// `PlayCanceled`: playback was cancelled (cancel-all or a barge-in).
    PlayCanceled {}
);
call_event!(
    /// `SendDtmfTonesCompleted`: the tones were sent.
    SendDtmfTonesCompleted {}
);
call_event!(
    /// `SendDtmfTonesFailed`: sending tones failed.
    SendDtmfTonesFailed {}
);
call_event!(
    /// `ContinuousDtmfRecognitionToneReceived`: one tone arrived during continuous recognition.
    ContinuousDtmfRecognitionToneReceived {
        /// `sequenceId`: the tone's position; use it to put tones back in order.
        sequence_id: Option<i64>,
        /// `tone`: the key pressed.
        tone: Option<Tone>,
    }
);
call_event!(
    /// `ContinuousDtmfRecognitionToneFailed`: continuous recognition failed.
    ContinuousDtmfRecognitionToneFailed {}
);
call_event!(
    /// `ContinuousDtmfRecognitionStopped`: continuous recognition stopped.
    ContinuousDtmfRecognitionStopped {}
);
call_event!(
    /// `HoldFailed`: putting a participant on hold failed (hold has no success event).
    HoldFailed {}
);
