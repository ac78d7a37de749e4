//! Call connection lifecycle events: connected, disconnected, create/answer/connect failed,
//! and transfer.

use super::define::call_event;
use crate::CommunicationIdentifier;

call_event!(
    /// `CallConnected`: the call connection is established (after create, answer or connect).
    CallConnected {}
);
call_event!(
    /// `CallDisconnected`: the call connection ended; `resultInformation.subCode` says why.
    CallDisconnected {}
);
call_event!(
    /// `CreateCallFailed`: an outbound call could not be established.
    CreateCallFailed {}
);
call_event!(
    /// `AnswerFailed`: answering an incoming call failed.
    AnswerFailed {}
);
call_event!(
    /// `ConnectFailed`: connecting to an existing call (server call, group, room) failed.
    ConnectFailed {}
);
call_event!(
    /// `CallTransferAccepted`: the transfer target accepted the call.
    CallTransferAccepted {
        /// `transferTarget`: who the call was transferred to.
        transfer_target: Option<CommunicationIdentifier>,
        /// `transferee`: the participant that was transferred.
        transferee: Option<CommunicationIdentifier>,
    }
);
call_event!(
    /// `CallTransferFailed`: the transfer did not happen.
    CallTransferFailed {}
);
