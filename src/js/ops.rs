//! Method name + JS arguments → a [`Plan`]: the request to send and how to read the answer.
//!
//! One entry point ([`plan`]) keeps the wasm-bindgen surface to a single function, so the
//! generated glue stays tiny. Every builder is pure (randomness is a closure argument),
//! which lets native tests pin the exact bodies.

use super::shapes::{obj, Obj};
use crate::http::{encode_path_segment, Method, Request};
use crate::Error;
use serde_json::Value;

/// How a successful response body becomes the JS result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decode {
    /// `undefined`.
    Void,
    /// `CallConnectionProperties` (create/answer/connect/get).
    Properties,
    /// `{identifier, isMuted, isOnHold}`.
    Participant,
    /// `{values: CallParticipant[]}`, following `nextLink`.
    Participants,
    /// `AddParticipantResult`.
    AddParticipant,
    /// `MoveParticipantsResult`, with the caller's `fromCall`.
    Move(String),
    /// `{recordingId, recordingKind, recordingState}`.
    RecordingState,
    /// The body as-is (`{operationContext}`-style results).
    Body,
}

/// What to send and how to decode it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub request: Request,
    /// Needs `Repeatability-Request-ID`/`-First-Sent` (generated once, kept across retries).
    pub repeatable: bool,
    pub decode: Decode,
}

/// Client-wide settings the builders need.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ctx {
    pub api_version: String,
    /// `options.sourceIdentity` of the client, as `{id}` (wire `CommunicationUserIdentifierModel`).
    pub source_identity: Option<Value>,
}

/// Random UUID source (a face passes `crypto.getRandomValues`; tests pass a counter).
pub(crate) type Uuid<'a> = &'a mut dyn FnMut() -> String;

/// Builds the plan for `op` (`"createCall"`, `"conn.addParticipant"`, `"media.play"`, …).
///
/// # Errors
/// [`Error::InvalidInput`] for an unknown method or an argument of the wrong shape.
pub(crate) fn plan(op: &str, args: &[Value], ctx: &Ctx, uuid: Uuid<'_>) -> Result<Plan, Error> {
    if let Some(p) = super::ops_call::plan(op, args, ctx, uuid)? {
        return Ok(p);
    }
    if let Some(p) = super::ops_media::plan(op, args, ctx, uuid)? {
        return Ok(p);
    }
    Err(Error::invalid("method", format!("unknown method \"{op}\"")))
}

/// A request for `path` (already encoded) with `api-version`.
pub(crate) fn request(method: Method, path: &str, ctx: &Ctx) -> Request {
    Request::new(method, path)
        .query("api-version", &ctx.api_version)
        .header("accept", "application/json")
}

/// [`request`] with a JSON body.
///
/// # Errors
/// [`Error::InvalidInput`] if the body cannot be serialized.
pub(crate) fn with_body(
    method: Method,
    path: &str,
    ctx: &Ctx,
    body: Obj,
) -> Result<Request, Error> {
    request(method, path, ctx).json(&Value::Object(body))
}

/// `/calling/callConnections/{id}{suffix}`, the id taken from `args[0]`.
///
/// # Errors
/// [`Error::InvalidInput`] when the id is not a non-empty string.
pub(crate) fn connection_path(args: &[Value], suffix: &str) -> Result<String, Error> {
    let id = super::shapes::req_str(args.first(), "callConnectionId")?;
    crate::validate::non_empty("callConnectionId", id)?;
    Ok(format!(
        "/calling/callConnections/{}{suffix}",
        encode_path_segment(id)
    ))
}

/// `args[i]` as an options bag.
///
/// # Errors
/// [`Error::InvalidInput`] when present but not an object.
pub(crate) fn options(args: &[Value], i: usize) -> Result<Option<&Obj>, Error> {
    super::shapes::opts(args.get(i), "options")
}

/// `args[i]`, required to be an object.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field`.
pub(crate) fn arg_obj<'a>(args: &'a [Value], i: usize, field: &str) -> Result<&'a Obj, Error> {
    obj(args.get(i).unwrap_or(&Value::Null), field)
}

/// A plan with no special decoding needs.
pub(crate) fn plan_of(request: Request, repeatable: bool, decode: Decode) -> Plan {
    Plan {
        request,
        repeatable,
        decode,
    }
}
