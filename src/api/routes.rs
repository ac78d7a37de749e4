//! Which Call Automation operation a method and a path name: the one table of the 34
//! operations' URLs, read in the other direction from the request builders.
//!
//! The emulator serves what [`route`] matches; the edge worker's `/acs/…` proxy forwards
//! only what it matches. Pure: no I/O, no allocation beyond the decoded ids.
//! `tests/api_routes.rs` checks the table against the stable spec (every operation's
//! method and path template, and which operations are repeatable).

use crate::http::Method;

macro_rules! operations {
    ($($op:ident = $id:literal $(, $rep:ident)?;)*) => {
        /// A Call Automation operation, named by the spec's `operationId`.
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

            /// True for the operations that accept `Repeatability-Request-ID` /
            /// `Repeatability-First-Sent` (as the spec marks them).
            pub fn is_repeatable(self) -> bool {
                match self {
                    $(OperationId::$op => operations!(@rep $($rep)?),)*
                }
            }
        }
    };
    (@rep repeatable) => { true };
    (@rep) => { false };
}

operations! {
    CreateCall = "CreateCall", repeatable;
    AnswerCall = "AnswerCall", repeatable;
    RedirectCall = "RedirectCall", repeatable;
    RejectCall = "RejectCall", repeatable;
    Connect = "Connect", repeatable;
    GetCall = "CallConnection_GetCall";
    HangUp = "CallConnection_HangupCall";
    Terminate = "CallConnection_TerminateCall", repeatable;
    Transfer = "CallConnection_TransferToParticipant", repeatable;
    Play = "CallMedia_Play";
    StartTranscription = "CallMedia_StartTranscription";
    StopTranscription = "CallMedia_StopTranscription";
    UpdateTranscription = "CallMedia_UpdateTranscription";
    CancelAllMedia = "CallMedia_CancelAllMediaOperations";
    Recognize = "CallMedia_Recognize";
    StartContinuousDtmf = "CallMedia_StartContinuousDtmfRecognition";
    StopContinuousDtmf = "CallMedia_StopContinuousDtmfRecognition";
    SendDtmf = "CallMedia_SendDtmfTones", repeatable;
    Hold = "CallMedia_Hold";
    Unhold = "CallMedia_Unhold";
    StartMediaStreaming = "CallMedia_StartMediaStreaming";
    StopMediaStreaming = "CallMedia_StopMediaStreaming";
    GetParticipants = "CallConnection_GetParticipants";
    AddParticipant = "CallConnection_AddParticipant", repeatable;
    RemoveParticipant = "CallConnection_RemoveParticipant", repeatable;
    Mute = "CallConnection_Mute", repeatable;
    CancelAddParticipant = "CallConnection_CancelAddParticipant", repeatable;
    MoveParticipants = "CallConnection_MoveParticipants", repeatable;
    GetParticipant = "CallConnection_GetParticipant";
    StartRecording = "CallRecording_StartRecording", repeatable;
    GetRecording = "CallRecording_GetRecordingProperties";
    StopRecording = "CallRecording_StopRecording";
    PauseRecording = "CallRecording_PauseRecording";
    ResumeRecording = "CallRecording_ResumeRecording";
}

impl core::fmt::Display for OperationId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
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

fn match_operation<'a>(method: Method, segs: &[&'a str]) -> Option<Matched<'a>> {
    use Method::{Delete, Get, Post};
    use OperationId as O;
    let op = |op: OperationId, id: Option<&'a str>| Some((op, id, None));
    match (method, segs) {
        (Post, ["calling", s]) => match split_action(s) {
            ("callConnections", None) => op(O::CreateCall, None),
            ("callConnections", Some("answer")) => op(O::AnswerCall, None),
            ("callConnections", Some("redirect")) => op(O::RedirectCall, None),
            ("callConnections", Some("reject")) => op(O::RejectCall, None),
            ("callConnections", Some("connect")) => op(O::Connect, None),
            ("recordings", None) => op(O::StartRecording, None),
            _ => None,
        },
        (Get, ["calling", "callConnections", id]) if plain(id) => op(O::GetCall, Some(id)),
        (Delete, ["calling", "callConnections", id]) if plain(id) => op(O::HangUp, Some(id)),
        (Post, ["calling", "callConnections", s]) => {
            let (id, action) = split_action(s);
            op(call_action(action?)?, Some(id))
        }
        (Get, ["calling", "callConnections", id, "participants"]) if plain(id) => {
            op(O::GetParticipants, Some(id))
        }
        (Post, ["calling", "callConnections", id, s]) if plain(id) => match split_action(s) {
            ("participants", Some(action)) => op(participants_action(action)?, Some(id)),
            _ => None,
        },
        (Get, ["calling", "callConnections", id, "participants", raw]) if plain(id) => {
            Some((O::GetParticipant, Some(id), Some(raw)))
        }
        (Get, ["calling", "recordings", id]) if plain(id) => op(O::GetRecording, Some(id)),
        (Delete, ["calling", "recordings", id]) if plain(id) => op(O::StopRecording, Some(id)),
        (Post, ["calling", "recordings", s]) => match split_action(s) {
            (id, Some("pause")) => op(O::PauseRecording, Some(id)),
            (id, Some("resume")) => op(O::ResumeRecording, Some(id)),
            _ => None,
        },
        _ => None,
    }
}

/// `POST /calling/callConnections/{id}:{action}`.
fn call_action(action: &str) -> Option<OperationId> {
    use OperationId as O;
    Some(match action {
        "terminate" => O::Terminate,
        "transferToParticipant" => O::Transfer,
        "play" => O::Play,
        "startTranscription" => O::StartTranscription,
        "stopTranscription" => O::StopTranscription,
        "updateTranscription" => O::UpdateTranscription,
        "cancelAllMediaOperations" => O::CancelAllMedia,
        "recognize" => O::Recognize,
        "startContinuousDtmfRecognition" => O::StartContinuousDtmf,
        "stopContinuousDtmfRecognition" => O::StopContinuousDtmf,
        "sendDtmfTones" => O::SendDtmf,
        "hold" => O::Hold,
        "unhold" => O::Unhold,
        "startMediaStreaming" => O::StartMediaStreaming,
        "stopMediaStreaming" => O::StopMediaStreaming,
        _ => return None,
    })
}

/// `POST /calling/callConnections/{id}/participants:{action}`.
fn participants_action(action: &str) -> Option<OperationId> {
    use OperationId as O;
    Some(match action {
        "add" => O::AddParticipant,
        "remove" => O::RemoveParticipant,
        "mute" => O::Mute,
        "cancelAddParticipant" => O::CancelAddParticipant,
        "moveHere" => O::MoveParticipants,
        _ => return None,
    })
}

/// An id segment without an action: no literal `:`.
fn plain(id: &str) -> bool {
    !id.contains(':')
}

/// `id:action` → (`id`, `Some(action)`), split at the first literal `:` (an id's own `:`
/// is percent-encoded by every client).
fn split_action(seg: &str) -> (&str, Option<&str>) {
    match seg.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (seg, None),
    }
}

/// Percent-decodes a path segment; a malformed escape is kept as it is.
fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
