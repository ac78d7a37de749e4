//! `Microsoft.Communication.IncomingCall`: delivered by Event Grid, answered with
//! `answerCall(incomingCallContext, …)`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::models::CustomCallingContext;
use crate::CommunicationIdentifier;

/// `IncomingCall` event data.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct IncomingCall {
    /// `to`: who is being called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<CommunicationIdentifier>,
    /// `from`: the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<CommunicationIdentifier>,
    /// `callerDisplayName` (may be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_display_name: Option<String>,
    /// `serverCallId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_call_id: Option<String>,
    /// `incomingCallContext`: the opaque token that answers, redirects or rejects the call.
    /// A bearer secret: its `Debug` is redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incoming_call_context: Option<IncomingCallContext>,
    /// `customContext`: SIP and VoIP headers the caller attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_context: Option<CustomCallingContext>,
    /// `onBehalfOfCallee`: the original callee when the call was forwarded (e.g. a Teams
    /// resource account), when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of_callee: Option<CommunicationIdentifier>,
    /// `correlationId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// The `incomingCallContext` token. Whoever holds it can answer the call, so it never
/// appears in `Debug` output; read it with [`IncomingCallContext::expose`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IncomingCallContext(String);

impl IncomingCallContext {
    /// Wraps a context string.
    pub fn new(context: impl Into<String>) -> Self {
        IncomingCallContext(context.into())
    }

    /// The token itself, to put into an answer/redirect/reject request.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IncomingCallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IncomingCallContext(<redacted, {} chars>)", self.0.len())
    }
}
