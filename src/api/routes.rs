//! The one table of Call Automation's operations: for each of the 34, its spec
//! `operationId`, HTTP method, path template, whether it takes the repeatability headers, and
//! the callback events that settle it. Everything else reads it:
//!
//! * the request builders ([`super::Operation::id`]; their method and path come from
//!   [`OperationId::method`] and [`OperationId::path`]);
//! * [`route`], which the emulator serves from and the edge worker's `/acs/…` proxy forwards
//!   by (matching the same templates);
//! * [`crate::events::PendingAction`], which asks [`OperationId::settled_by`] which event ends
//!   an operation.
//!
//! Operations and event kinds are identifiers here, so a misspelled one is a compile error.
//! `tests/api_routes.rs` checks the table against the stable spec. Adding an operation:
//! `docs/adding-an-operation.md`.

use crate::events::{CallAutomationEvent, Outcome};
use crate::http::{encode_path_segment, Method};

macro_rules! operations {
    ($($op:ident = $id:literal, $method:ident $path:literal, $rep:ident,
        { $($role:ident: [$($kind:ident),*]),* $(,)? };)*) => {
        /// A Call Automation operation, named after the spec's `operationId`.
        ///
        /// Deliberately exhaustive (no `#[non_exhaustive]`): a face that serves or maps every
        /// operation (the emulator) must get a compile error when one is added.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OperationId {
            $(#[doc = $id] $op,)*
        }

        impl OperationId {
            /// Every operation of the stable spec, in the spec's order.
            pub const ALL: &'static [OperationId] = &[$(OperationId::$op,)*];

            /// The spec's `operationId` (`CreateCall`, `CallMedia_Play`, …).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(OperationId::$op => $id,)*
                }
            }

            /// The HTTP method.
            pub fn method(self) -> Method {
                match self {
                    $(OperationId::$op => Method::$method,)*
                }
            }

            /// The spec's path template (`/calling/callConnections/{callConnectionId}:play`).
            pub fn template(self) -> &'static str {
                match self {
                    $(OperationId::$op => $path,)*
                }
            }

            /// True for the operations that accept `Repeatability-Request-ID` /
            /// `Repeatability-First-Sent` (as the spec marks them).
            pub fn is_repeatable(self) -> bool {
                match self {
                    $(OperationId::$op => operations!(@rep $rep),)*
                }
            }

            /// What `event` means for this operation by its kind alone: `Succeeded`,
            /// `Failed`, `Canceled`, `Progress`, or `None` when the kind does not settle it
            /// (ids and contexts are [`crate::events::PendingAction`]'s to compare).
            pub fn settled_by(self, event: &CallAutomationEvent) -> Option<Outcome> {
                match self {
                    $(OperationId::$op => {
                        $(if false $(|| matches!(event, CallAutomationEvent::$kind(_)))* {
                            return Some(Outcome::$role);
                        })*
                        None
                    })*
                }
            }

            /// The event kinds (JS SDK `kind` names) that settle this operation as `outcome`.
            /// Empty for success when the operation has no success event (hold, continuous
            /// DTMF start): its HTTP 2xx is the success and only failures arrive.
            pub fn kinds(self, outcome: Outcome) -> &'static [&'static str] {
                match self {
                    $(OperationId::$op => operations!(@kinds outcome; $($role: [$($kind),*]),*),)*
                }
            }
        }
    };
    (@rep repeatable) => { true };
    (@rep once) => { false };
    (@kinds $outcome:ident; $($role:ident: [$($kind:ident),*]),*) => {
        match $outcome {
            $(Outcome::$role => &[$(stringify!($kind)),*],)*
            _ => &[],
        }
    };
}

// `repeatable` / `once`: takes the repeatability headers or not. Then the events that settle
// the operation, by outcome (what `PendingAction::classify` reports). No entry: the HTTP
// response is the whole outcome (get, list, hang-up leg, recording control, …).
operations! {
    CreateCall = "CreateCall", Post "/calling/callConnections", repeatable,
        { Succeeded: [CallConnected], Failed: [CreateCallFailed] };
    AnswerCall = "AnswerCall", Post "/calling/callConnections:answer", repeatable,
        { Succeeded: [CallConnected], Failed: [AnswerFailed] };
    RedirectCall = "RedirectCall", Post "/calling/callConnections:redirect", repeatable, {};
    RejectCall = "RejectCall", Post "/calling/callConnections:reject", repeatable, {};
    Connect = "Connect", Post "/calling/callConnections:connect", repeatable,
        { Succeeded: [CallConnected], Failed: [ConnectFailed] };
    GetCall = "CallConnection_GetCall", Get "/calling/callConnections/{callConnectionId}", once, {};
    HangUp = "CallConnection_HangupCall", Delete "/calling/callConnections/{callConnectionId}", once,
        { Succeeded: [CallDisconnected] };
    Terminate = "CallConnection_TerminateCall", Post "/calling/callConnections/{callConnectionId}:terminate", repeatable,
        { Succeeded: [CallDisconnected] };
    Transfer = "CallConnection_TransferToParticipant", Post "/calling/callConnections/{callConnectionId}:transferToParticipant", repeatable,
        { Succeeded: [CallTransferAccepted], Failed: [CallTransferFailed] };
    Play = "CallMedia_Play", Post "/calling/callConnections/{callConnectionId}:play", once,
        { Succeeded: [PlayCompleted], Failed: [PlayFailed], Canceled: [PlayCanceled], Progress: [PlayStarted] };
    StartTranscription = "CallMedia_StartTranscription", Post "/calling/callConnections/{callConnectionId}:startTranscription", once,
        { Succeeded: [TranscriptionStarted], Failed: [TranscriptionFailed] };
    StopTranscription = "CallMedia_StopTranscription", Post "/calling/callConnections/{callConnectionId}:stopTranscription", once,
        { Succeeded: [TranscriptionStopped], Failed: [TranscriptionFailed] };
    UpdateTranscription = "CallMedia_UpdateTranscription", Post "/calling/callConnections/{callConnectionId}:updateTranscription", once,
        { Succeeded: [TranscriptionUpdated], Failed: [TranscriptionFailed] };
    CancelAllMedia = "CallMedia_CancelAllMediaOperations", Post "/calling/callConnections/{callConnectionId}:cancelAllMediaOperations", once, {};
    Recognize = "CallMedia_Recognize", Post "/calling/callConnections/{callConnectionId}:recognize", once,
        { Succeeded: [RecognizeCompleted], Failed: [RecognizeFailed], Canceled: [RecognizeCanceled], Progress: [PlayStarted, PlayCompleted] };
    StartContinuousDtmf = "CallMedia_StartContinuousDtmfRecognition", Post "/calling/callConnections/{callConnectionId}:startContinuousDtmfRecognition", once,
        { Failed: [ContinuousDtmfRecognitionToneFailed], Canceled: [ContinuousDtmfRecognitionStopped], Progress: [ContinuousDtmfRecognitionToneReceived] };
    StopContinuousDtmf = "CallMedia_StopContinuousDtmfRecognition", Post "/calling/callConnections/{callConnectionId}:stopContinuousDtmfRecognition", once,
        { Succeeded: [ContinuousDtmfRecognitionStopped], Failed: [ContinuousDtmfRecognitionToneFailed] };
    SendDtmf = "CallMedia_SendDtmfTones", Post "/calling/callConnections/{callConnectionId}:sendDtmfTones", repeatable,
        { Succeeded: [SendDtmfTonesCompleted], Failed: [SendDtmfTonesFailed] };
    Hold = "CallMedia_Hold", Post "/calling/callConnections/{callConnectionId}:hold", once,
        { Failed: [HoldFailed] };
    Unhold = "CallMedia_Unhold", Post "/calling/callConnections/{callConnectionId}:unhold", once, {};
    StartMediaStreaming = "CallMedia_StartMediaStreaming", Post "/calling/callConnections/{callConnectionId}:startMediaStreaming", once,
        { Succeeded: [MediaStreamingStarted], Failed: [MediaStreamingFailed] };
    StopMediaStreaming = "CallMedia_StopMediaStreaming", Post "/calling/callConnections/{callConnectionId}:stopMediaStreaming", once,
        { Succeeded: [MediaStreamingStopped], Failed: [MediaStreamingFailed] };
    GetParticipants = "CallConnection_GetParticipants", Get "/calling/callConnections/{callConnectionId}/participants", once, {};
    AddParticipant = "CallConnection_AddParticipant", Post "/calling/callConnections/{callConnectionId}/participants:add", repeatable,
        { Succeeded: [AddParticipantSucceeded], Failed: [AddParticipantFailed] };
    RemoveParticipant = "CallConnection_RemoveParticipant", Post "/calling/callConnections/{callConnectionId}/participants:remove", repeatable,
        { Succeeded: [RemoveParticipantSucceeded], Failed: [RemoveParticipantFailed] };
    Mute = "CallConnection_Mute", Post "/calling/callConnections/{callConnectionId}/participants:mute", repeatable, {};
    CancelAddParticipant = "CallConnection_CancelAddParticipant", Post "/calling/callConnections/{callConnectionId}/participants:cancelAddParticipant", repeatable,
        { Succeeded: [CancelAddParticipantSucceeded], Failed: [CancelAddParticipantFailed] };
    MoveParticipants = "CallConnection_MoveParticipants", Post "/calling/callConnections/{callConnectionId}/participants:moveHere", repeatable,
        { Succeeded: [MoveParticipantSucceeded], Failed: [MoveParticipantFailed] };
    GetParticipant = "CallConnection_GetParticipant", Get "/calling/callConnections/{callConnectionId}/participants/{participantRawId}", once, {};
    StartRecording = "CallRecording_StartRecording", Post "/calling/recordings", repeatable,
        { Succeeded: [RecordingStateChanged], Failed: [StartRecordingFailed] };
    GetRecording = "CallRecording_GetRecordingProperties", Get "/calling/recordings/{recordingId}", once, {};
    StopRecording = "CallRecording_StopRecording", Delete "/calling/recordings/{recordingId}", once, {};
    PauseRecording = "CallRecording_PauseRecording", Post "/calling/recordings/{recordingId}:pause", once, {};
    ResumeRecording = "CallRecording_ResumeRecording", Post "/calling/recordings/{recordingId}:resume", once, {};
}

impl core::fmt::Display for OperationId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for OperationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl OperationId {
    /// The path of this operation with its parameters (`ids`, in template order), each
    /// percent-encoded as one segment; the id of an action segment (`{id}:play`) too.
    pub fn path(self, ids: &[&str]) -> String {
        let mut out = String::with_capacity(self.template().len() + 32);
        let mut ids = ids.iter();
        let mut rest = self.template();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            if let Some(id) = ids.next() {
                out.push_str(&encode_path_segment(id));
            }
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }

    /// The operation whose spec `operationId` is `id` (`"CallMedia_Play"`), as
    /// [`OperationId::as_str`] writes it; `None` for any other string.
    pub fn from_id(id: &str) -> Option<OperationId> {
        OperationId::ALL
            .iter()
            .copied()
            .find(|op| op.as_str() == id)
    }

    /// The final outcome event `kind` reports for every operation it settles, when they all
    /// agree: `PlayCompleted` → `Succeeded` (Play's success; for Recognize only progress),
    /// `PlayCanceled` → `Canceled`. `None` when the kind settles no operation or ends
    /// different operations differently (`ContinuousDtmfRecognitionStopped`: the start's
    /// cancellation, the stop's success) — then only the operation it is paired with can say.
    pub fn final_outcome_of_kind(kind: &str) -> Option<Outcome> {
        let mut found = None;
        for op in OperationId::ALL {
            for outcome in [Outcome::Succeeded, Outcome::Failed, Outcome::Canceled] {
                if op.kinds(outcome).contains(&kind) {
                    match found {
                        Some(seen) if seen != outcome => return None,
                        _ => found = Some(outcome),
                    }
                }
            }
        }
        found
    }

    /// The operations an event kind can settle (the reverse of [`OperationId::settled_by`]).
    pub fn settled_by_kind(kind: &str) -> impl Iterator<Item = OperationId> + '_ {
        OperationId::ALL.iter().copied().filter(move |op| {
            [
                Outcome::Succeeded,
                Outcome::Failed,
                Outcome::Canceled,
                Outcome::Progress,
            ]
            .into_iter()
            .any(|o| op.kinds(o).contains(&kind))
        })
    }
}

/// A matched request: the operation and its path parameters, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: Method,
    pub op: OperationId,
    /// The call connection id, or the recording id for recording operations.
    pub id: Option<String>,
    /// The participant's raw id (`GetParticipant`).
    pub raw_id: Option<String>,
}

/// The methods of the service API.
pub const METHODS: [Method; 3] = [Method::Get, Method::Post, Method::Delete];

/// Finds the operation for `method` (upper case, as on the wire) and `path` (the request's
/// path without query, relative to the endpoint: `/calling/…`, percent-encoded as sent).
/// A trailing `/` is ignored; an empty segment anywhere else is no match.
///
/// A literal `:` separates an id from its action (`{callConnectionId}:play`), so an id in
/// that position that contains `:` must be percent-encoded (`%3A`, as every client sends
/// it); `GET /calling/callConnections/c-1:play` is no route rather than `GetCall` of
/// `c-1:play`. Ids come back decoded.
///
/// `None` when nothing matches (the service answers 404 "No HTTP resource was found…").
pub fn route(method: &str, path: &str) -> Option<Route> {
    let method = METHODS.into_iter().find(|m| m.as_str() == method)?;
    let rest = path.strip_prefix('/')?;
    let segs: Vec<&str> = rest.strip_suffix('/').unwrap_or(rest).split('/').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return None;
    }
    let (op, id, raw_id) = match_operation(method, &segs)?;
    Some(Route {
        method,
        op,
        id: id.map(decode_segment),
        raw_id: raw_id.map(decode_segment),
    })
}

/// The methods for which `path` names an operation (empty: `path` is no resource of the
/// service API). What an `Allow` header lists for a 405.
pub fn allowed_methods(path: &str) -> Vec<Method> {
    METHODS
        .into_iter()
        .filter(|m| route(m.as_str(), path).is_some())
        .collect()
}

type Matched<'a> = (OperationId, Option<&'a str>, Option<&'a str>);

/// Matches the path segments against every template of `method`. A template segment is a
/// literal (`participants:add`), a parameter (`{callConnectionId}`: any segment without a
/// literal `:`), or a parameter with an action (`{callConnectionId}:play`).
fn match_operation<'a>(method: Method, segs: &[&'a str]) -> Option<Matched<'a>> {
    OperationId::ALL
        .iter()
        .filter(|op| op.method() == method)
        .find_map(|&op| {
            let template: Vec<&str> = op.template().trim_start_matches('/').split('/').collect();
            if template.len() != segs.len() {
                return None;
            }
            let mut ids = Vec::with_capacity(2);
            for (t, s) in template.iter().zip(segs) {
                match t.strip_prefix('{') {
                    None if t == s => {}
                    None => return None,
                    Some(param) => {
                        let action = param.split_once("}:").map(|(_, a)| a);
                        let id = match action {
                            Some(action) => s.strip_suffix(action)?.strip_suffix(':')?,
                            None => s,
                        };
                        if id.is_empty() || id.contains(':') {
                            return None;
                        }
                        ids.push(id);
                    }
                }
            }
            Some((op, ids.first().copied(), ids.get(1).copied()))
        })
}

/// Percent-decodes a path segment with the core's decoder; a segment that does not decode
/// (a malformed escape, not UTF-8) stays as sent, and then names no existing call.
fn decode_segment(s: &str) -> String {
    crate::http::decode_component(s, false).unwrap_or_else(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_decoded() {
        let r = route(
            "GET",
            "/calling/callConnections/c%201/participants/8%3Aacs%3Ax",
        )
        .unwrap();
        assert_eq!(r.op, OperationId::GetParticipant);
        assert_eq!(r.id.as_deref(), Some("c 1"));
        assert_eq!(r.raw_id.as_deref(), Some("8:acs:x"));
    }

    #[test]
    fn near_misses_are_no_route() {
        for (m, p) in [
            ("POST", "/calling/callConnections/c1:fly"),
            ("PUT", "/calling/callConnections/c1"),
            ("GET", "/calling/callConnections"),
            ("GET", "calling/callConnections/c1"),
            ("GET", "/calling//callConnections/c1"),
            ("GET", "/calling/callConnections/"),
            ("GET", "/calling/callConnections/c1:play"),
            ("DELETE", "/calling/recordings/r1:pause"),
            ("POST", "/calling/callConnections/c%3A1"),
            ("POST", "/calling/callConnections/c1/participants"),
            ("POST", "/calling/callConnections/c1/participants:add/x"),
            ("GET", "/calling/keys"),
            ("GET", "/"),
            ("GET", ""),
            ("post", "/calling/callConnections"),
        ] {
            assert_eq!(route(m, p), None, "{m} {p}");
        }
        assert!(route("GET", "/calling/callConnections/c1/").is_some());
        // An encoded `:` is part of the id, a literal one starts the action.
        let r = route("POST", "/calling/callConnections/c%3A1:play").unwrap();
        assert_eq!((r.op, r.id.as_deref()), (OperationId::Play, Some("c:1")));
    }

    #[test]
    fn allowed_methods_list_what_the_path_serves() {
        let ms = |p| allowed_methods(p);
        assert_eq!(
            ms("/calling/callConnections/c1"),
            [Method::Get, Method::Delete]
        );
        assert_eq!(ms("/calling/recordings"), [Method::Post]);
        assert_eq!(ms("/calling/nothing"), []);
    }
}
