//! `CallAutomationClient` and `CallConnection` methods → requests.

use super::ops::{
    arg_obj, connection_path, options, plan_of, request, with_body, Ctx, Decode, Plan, Uuid,
};
use super::shapes::{
    custom_calling_context, get, identifier_model, identifier_models, locator, phone_model, put,
    raw_id, req_str, set, truthy, Obj,
};
use crate::http::{encode_path_segment, Method};
use crate::Error;
use serde_json::Value;

/// Plans client and call-connection methods; `Ok(None)` for other names.
///
/// # Errors
/// [`Error::InvalidInput`] for arguments of the wrong shape.
pub(crate) fn plan(
    op: &str,
    args: &[Value],
    ctx: &Ctx,
    uuid: Uuid<'_>,
) -> Result<Option<Plan>, Error> {
    let p = match op {
        "createCall" => create_call(args, ctx, false)?,
        "createGroupCall" => create_call(args, ctx, true)?,
        "answerCall" => answer_call(args, ctx)?,
        "redirectCall" => redirect_call(args, ctx)?,
        "rejectCall" => reject_call(args, ctx)?,
        "connectCall" => connect_call(args, ctx)?,
        "conn.getCallConnectionProperties" => plan_of(
            request(Method::Get, &connection_path(args, "")?, ctx),
            false,
            Decode::Properties,
        ),
        "conn.hangUp" => hang_up(args, ctx)?,
        "conn.getParticipant" => {
            let raw = raw_id(args.get(1).unwrap_or(&Value::Null), "targetParticipant")?;
            let path = connection_path(
                args,
                &format!("/participants/{}", encode_path_segment(&raw)),
            )?;
            plan_of(request(Method::Get, &path, ctx), false, Decode::Participant)
        }
        "conn.listParticipants" => plan_of(
            request(Method::Get, &connection_path(args, "/participants")?, ctx),
            false,
            Decode::Participants,
        ),
        "conn.addParticipant" => add_participant(args, ctx)?,
        "conn.transferCallToParticipant" => transfer(args, ctx, uuid)?,
        "conn.removeParticipant" => {
            let o = options(args, 2)?;
            let mut b = Obj::new();
            put(
                &mut b,
                "participantToRemove",
                Some(identifier_model(arg(args, 1), "participant", true)?),
            );
            put(&mut b, "operationContext", Some(context_or_uuid(o, uuid)));
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            post(args, ctx, "/participants:remove", b, Decode::Body)?
        }
        "conn.muteParticipant" => {
            let o = options(args, 2)?;
            let mut b = Obj::new();
            set(
                &mut b,
                "targetParticipants",
                Value::Array(vec![identifier_model(arg(args, 1), "participant", true)?]),
            );
            put(&mut b, "operationContext", get(o, "operationContext"));
            post(args, ctx, "/participants:mute", b, Decode::Body)?
        }
        "conn.cancelAddParticipantOperation" => {
            let o = options(args, 2)?;
            let mut b = Obj::new();
            set(
                &mut b,
                "invitationId",
                Value::String(req_str(args.get(1), "invitationId")?.to_owned()),
            );
            put(&mut b, "operationContext", Some(context_or_uuid(o, uuid)));
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            post(
                args,
                ctx,
                "/participants:cancelAddParticipant",
                b,
                Decode::Body,
            )?
        }
        "conn.moveParticipants" => {
            let o = options(args, 3)?;
            let from = req_str(args.get(2), "fromCall")?.to_owned();
            let mut b = Obj::new();
            set(
                &mut b,
                "targetParticipants",
                identifier_models(args.get(1), "targetParticipants", true)?,
            );
            set(&mut b, "fromCall", Value::String(from.clone()));
            put(&mut b, "operationContext", Some(context_or_uuid(o, uuid)));
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            post(args, ctx, "/participants:moveHere", b, Decode::Move(from))?
        }
        _ => return Ok(None),
    };
    Ok(Some(p))
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// `options.operationContext` when truthy, else a fresh UUID (as the official package).
pub(crate) fn context_or_uuid(o: Option<&Obj>, uuid: Uuid<'_>) -> Value {
    truthy(o, "operationContext").unwrap_or_else(|| Value::String(uuid()))
}

// A repeatable POST on the call connection: `suffix` is `:action` or `/participants:action`.
fn post(args: &[Value], ctx: &Ctx, suffix: &str, body: Obj, decode: Decode) -> Result<Plan, Error> {
    Ok(plan_of(
        with_body(Method::Post, &connection_path(args, suffix)?, ctx, body)?,
        true,
        decode,
    ))
}

fn callback(args: &[Value], i: usize) -> Result<Value, Error> {
    Ok(Value::String(
        req_str(args.get(i), "callbackUrl")?.to_owned(),
    ))
}

fn intelligence_and_streaming(b: &mut Obj, o: Option<&Obj>) {
    for k in [
        "callIntelligenceOptions",
        "mediaStreamingOptions",
        "transcriptionOptions",
    ] {
        put(b, k, get(o, k));
    }
}

fn create_call(args: &[Value], ctx: &Ctx, group: bool) -> Result<Plan, Error> {
    let o = options(args, 2)?;
    let mut b = Obj::new();
    put(&mut b, "source", ctx.source_identity.clone());
    let (caller_id, display_name) = if group {
        set(
            &mut b,
            "targets",
            identifier_models(args.first(), "targetParticipants", true)?,
        );
        (get(o, "sourceCallIdNumber"), get(o, "sourceDisplayName"))
    } else {
        let invite = Some(arg_obj(args, 0, "targetParticipant")?);
        let target = invite
            .and_then(|i| i.get("targetParticipant"))
            .unwrap_or(&Value::Null);
        set(
            &mut b,
            "targets",
            Value::Array(vec![identifier_model(
                target,
                "targetParticipant.targetParticipant",
                true,
            )?]),
        );
        (
            get(invite, "sourceCallIdNumber"),
            get(invite, "sourceDisplayName"),
        )
    };
    set(&mut b, "callbackUri", callback(args, 1)?);
    put(&mut b, "operationContext", get(o, "operationContext"));
    intelligence_and_streaming(&mut b, o);
    put(
        &mut b,
        "sourceCallerIdNumber",
        phone_model(caller_id, "sourceCallIdNumber")?,
    );
    put(&mut b, "sourceDisplayName", display_name);
    let app = get(o, "teamsAppSource")
        .and_then(|a| a.get("teamsAppId").cloned())
        .filter(|id| id.as_str().is_some_and(|s| !s.is_empty()));
    put(
        &mut b,
        "teamsAppSource",
        app.map(|id| super::shapes::object([("appId", id)])),
    );
    Ok(plan_of(
        with_body(Method::Post, "/calling/callConnections", ctx, b)?,
        true,
        Decode::Properties,
    ))
}

fn answer_call(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let o = options(args, 2)?;
    let mut b = Obj::new();
    set(
        &mut b,
        "incomingCallContext",
        Value::String(req_str(args.first(), "incomingCallContext")?.to_owned()),
    );
    intelligence_and_streaming(&mut b, o);
    put(&mut b, "operationContext", get(o, "operationContext"));
    set(&mut b, "callbackUri", callback(args, 1)?);
    put(&mut b, "answeredBy", ctx.source_identity.clone());
    Ok(plan_of(
        with_body(Method::Post, "/calling/callConnections:answer", ctx, b)?,
        true,
        Decode::Properties,
    ))
}

fn redirect_call(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let mut b = Obj::new();
    set(
        &mut b,
        "incomingCallContext",
        Value::String(req_str(args.first(), "incomingCallContext")?.to_owned()),
    );
    let invite = arg_obj(args, 1, "targetParticipant")?;
    let target = invite.get("targetParticipant").unwrap_or(&Value::Null);
    set(
        &mut b,
        "target",
        identifier_model(target, "targetParticipant.targetParticipant", true)?,
    );
    Ok(plan_of(
        with_body(Method::Post, "/calling/callConnections:redirect", ctx, b)?,
        true,
        Decode::Void,
    ))
}

fn reject_call(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let o = options(args, 1)?;
    let mut b = Obj::new();
    set(
        &mut b,
        "incomingCallContext",
        Value::String(req_str(args.first(), "incomingCallContext")?.to_owned()),
    );
    put(&mut b, "callRejectReason", get(o, "callRejectReason"));
    Ok(plan_of(
        with_body(Method::Post, "/calling/callConnections:reject", ctx, b)?,
        true,
        Decode::Void,
    ))
}

fn connect_call(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let o = options(args, 2)?;
    let mut b = Obj::new();
    set(&mut b, "callLocator", locator(arg(args, 0), "callLocator")?);
    set(&mut b, "callbackUri", callback(args, 1)?);
    put(&mut b, "operationContext", get(o, "operationContext"));
    intelligence_and_streaming(&mut b, o);
    Ok(plan_of(
        with_body(Method::Post, "/calling/callConnections:connect", ctx, b)?,
        true,
        Decode::Properties,
    ))
}

fn hang_up(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let everyone = match args.get(1) {
        Some(Value::Bool(b)) => *b,
        _ => return Err(Error::invalid("isForEveryone", "must be a boolean")),
    };
    if everyone {
        let req = request(Method::Post, &connection_path(args, ":terminate")?, ctx);
        Ok(plan_of(req, true, Decode::Void))
    } else {
        Ok(plan_of(
            request(Method::Delete, &connection_path(args, "")?, ctx),
            false,
            Decode::Void,
        ))
    }
}

fn add_participant(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let o = options(args, 2)?;
    let invite = Some(arg_obj(args, 1, "targetParticipant")?);
    let target = invite
        .and_then(|i| i.get("targetParticipant"))
        .unwrap_or(&Value::Null);
    let mut b = Obj::new();
    set(
        &mut b,
        "participantToAdd",
        identifier_model(target, "targetParticipant.targetParticipant", true)?,
    );
    put(
        &mut b,
        "sourceCallerIdNumber",
        phone_model(get(invite, "sourceCallIdNumber"), "sourceCallIdNumber")?,
    );
    put(
        &mut b,
        "sourceDisplayName",
        get(invite, "sourceDisplayName"),
    );
    put(
        &mut b,
        "invitationTimeoutInSeconds",
        get(o, "invitationTimeoutInSeconds"),
    );
    put(&mut b, "operationContext", get(o, "operationContext"));
    put(
        &mut b,
        "operationCallbackUri",
        get(o, "operationCallbackUrl"),
    );
    let context = invite.and_then(|i| i.get("customCallingContext"));
    set(
        &mut b,
        "customCallingContext",
        custom_calling_context(context, "targetParticipant.customCallingContext")?,
    );
    post(args, ctx, "/participants:add", b, Decode::AddParticipant)
}

fn transfer(args: &[Value], ctx: &Ctx, uuid: Uuid<'_>) -> Result<Plan, Error> {
    let o = options(args, 2)?;
    let mut b = Obj::new();
    set(
        &mut b,
        "targetParticipant",
        identifier_model(arg(args, 1), "targetParticipant", true)?,
    );
    put(&mut b, "operationContext", Some(context_or_uuid(o, uuid)));
    put(
        &mut b,
        "operationCallbackUri",
        get(o, "operationCallbackUrl"),
    );
    if let Some(t) = truthy(o, "transferee") {
        set(
            &mut b,
            "transferee",
            identifier_model(&t, "options.transferee", true)?,
        );
    }
    let context = o.and_then(|o| o.get("customCallingContext"));
    set(
        &mut b,
        "customCallingContext",
        custom_calling_context(context, "options.customCallingContext")?,
    );
    put(
        &mut b,
        "sourceCallerIdNumber",
        phone_model(get(o, "sourceCallIdNumber"), "options.sourceCallIdNumber")?,
    );
    post(args, ctx, ":transferToParticipant", b, Decode::Body)
}
