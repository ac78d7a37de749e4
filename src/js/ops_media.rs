//! `CallMedia` and `CallRecording` methods → requests.

use super::ops::{connection_path, options, plan_of, request, with_body, Ctx, Decode, Plan, Uuid};
use super::ops_call::context_or_uuid;
use super::shapes::{
    get, identifier_model, identifier_models, locator, obj, play_source, play_sources, put,
    req_str, set, truthy, Obj,
};
use crate::http::{encode_path_segment, Method};
use crate::Error;
use serde_json::Value;

/// Plans media and recording methods; `Ok(None)` for other names.
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
        "media.play" => play(args, ctx, false, uuid)?,
        "media.playToAll" => play(args, ctx, true, uuid)?,
        "media.startRecognizing" => super::recognize::plan(args, ctx, uuid)?,
        "media.cancelAllOperations" => plan_of(
            request(
                Method::Post,
                &connection_path(args, ":cancelAllMediaOperations")?,
                ctx,
            ),
            false,
            Decode::Void,
        ),
        "media.startContinuousDtmfRecognition" => {
            let b = target_body(args, 2, false)?;
            media_post(
                args,
                ctx,
                ":startContinuousDtmfRecognition",
                b,
                false,
                Decode::Void,
            )?
        }
        "media.stopContinuousDtmfRecognition" => {
            let b = target_body(args, 2, true)?;
            media_post(
                args,
                ctx,
                ":stopContinuousDtmfRecognition",
                b,
                false,
                Decode::Void,
            )?
        }
        "media.sendDtmfTones" => {
            let mut b = Obj::new();
            match args.get(1) {
                Some(t @ Value::Array(_)) => set(&mut b, "tones", t.clone()),
                _ => return Err(Error::invalid("tones", "must be an array of DTMF tones")),
            };
            let rest = target_body(args.get(1..).unwrap_or(&[]), 2, true)?;
            b.extend(rest);
            media_post(args, ctx, ":sendDtmfTones", b, true, Decode::Body)?
        }
        "media.hold" => {
            let o = options(args, 2)?;
            let mut b = Obj::new();
            set(
                &mut b,
                "targetParticipant",
                identifier_model(arg(args, 1), "targetParticipant", false)?,
            );
            if let Some(p) = get(o, "playSource") {
                set(
                    &mut b,
                    "playSourceInfo",
                    play_source(&p, "options.playSource")?,
                );
            }
            put(&mut b, "operationContext", get(o, "operationContext"));
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            media_post(args, ctx, ":hold", b, false, Decode::Void)?
        }
        "media.unhold" => media_post(
            args,
            ctx,
            ":unhold",
            target_body(args, 2, true)?,
            false,
            Decode::Void,
        )?,
        "media.startTranscription" => {
            let o = options(args, 1)?;
            let mut b = Obj::new();
            put(&mut b, "locale", get(o, "locale"));
            put(&mut b, "operationContext", get(o, "operationContext"));
            put(
                &mut b,
                "speechModelEndpointId",
                get(o, "speechRecognitionModelEndpointId"),
            );
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            media_post(args, ctx, ":startTranscription", b, false, Decode::Void)?
        }
        "media.updateTranscription" => {
            let o = options(args, 2)?;
            let mut b = Obj::new();
            set(
                &mut b,
                "locale",
                Value::String(req_str(args.get(1), "locale")?.to_owned()),
            );
            put(
                &mut b,
                "speechModelEndpointId",
                get(o, "speechRecognitionModelEndpointId"),
            );
            put(&mut b, "operationContext", get(o, "operationContext"));
            put(
                &mut b,
                "operationCallbackUri",
                get(o, "operationCallbackUrl"),
            );
            media_post(args, ctx, ":updateTranscription", b, false, Decode::Void)?
        }
        "media.stopTranscription" => media_post(
            args,
            ctx,
            ":stopTranscription",
            context_body(args)?,
            false,
            Decode::Void,
        )?,
        "media.startMediaStreaming" => media_post(
            args,
            ctx,
            ":startMediaStreaming",
            context_body(args)?,
            false,
            Decode::Void,
        )?,
        "media.stopMediaStreaming" => media_post(
            args,
            ctx,
            ":stopMediaStreaming",
            context_body(args)?,
            false,
            Decode::Void,
        )?,
        "rec.start" => start_recording(args, ctx)?,
        "rec.getState" => plan_of(
            request(Method::Get, &recording_path(args, "")?, ctx),
            false,
            Decode::RecordingState,
        ),
        "rec.stop" => plan_of(
            request(Method::Delete, &recording_path(args, "")?, ctx),
            false,
            Decode::Void,
        ),
        "rec.pause" => plan_of(
            request(Method::Post, &recording_path(args, ":pause")?, ctx),
            false,
            Decode::Void,
        ),
        "rec.resume" => plan_of(
            request(Method::Post, &recording_path(args, ":resume")?, ctx),
            false,
            Decode::Void,
        ),
        _ => return Ok(None),
    };
    Ok(Some(p))
}

fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

fn media_post(
    args: &[Value],
    ctx: &Ctx,
    suffix: &str,
    b: Obj,
    repeatable: bool,
    decode: Decode,
) -> Result<Plan, Error> {
    Ok(plan_of(
        with_body(Method::Post, &connection_path(args, suffix)?, ctx, b)?,
        repeatable,
        decode,
    ))
}

// `{targetParticipant, operationContext, operationCallbackUri?}` from args[1] and options args[opt].
fn target_body(args: &[Value], opt: usize, with_callback: bool) -> Result<Obj, Error> {
    let o = options(args, opt)?;
    let mut b = Obj::new();
    set(
        &mut b,
        "targetParticipant",
        identifier_model(arg(args, 1), "targetParticipant", false)?,
    );
    put(&mut b, "operationContext", get(o, "operationContext"));
    if with_callback {
        put(
            &mut b,
            "operationCallbackUri",
            get(o, "operationCallbackUrl"),
        );
    }
    Ok(b)
}

fn context_body(args: &[Value]) -> Result<Obj, Error> {
    let o = options(args, 1)?;
    let mut b = Obj::new();
    put(&mut b, "operationContext", get(o, "operationContext"));
    put(
        &mut b,
        "operationCallbackUri",
        get(o, "operationCallbackUrl"),
    );
    Ok(b)
}

fn play(args: &[Value], ctx: &Ctx, to_all: bool, uuid: Uuid<'_>) -> Result<Plan, Error> {
    let o = options(args, if to_all { 2 } else { 3 })?;
    let mut b = Obj::new();
    set(
        &mut b,
        "playSources",
        play_sources(args.get(1), "playSources")?,
    );
    let play_to = if to_all {
        Value::Array(vec![])
    } else {
        identifier_models(args.get(2), "playTo", false)?
    };
    set(&mut b, "playTo", play_to);
    let looped = match o.and_then(|o| o.get("loop")) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(l)) => *l,
        Some(_) => return Err(Error::invalid("options.loop", "must be a boolean")),
    };
    set(
        &mut b,
        "playOptions",
        super::shapes::object([("loop", Value::Bool(looped))]),
    );
    let context = if to_all {
        Some(context_or_uuid(o, uuid))
    } else {
        get(o, "operationContext")
    };
    put(&mut b, "operationContext", context);
    put(
        &mut b,
        "operationCallbackUri",
        get(o, "operationCallbackUrl"),
    );
    if to_all {
        put(
            &mut b,
            "interruptCallMediaOperation",
            get(o, "interruptCallMediaOperation"),
        );
    }
    media_post(args, ctx, ":play", b, false, Decode::Void)
}

fn recording_path(args: &[Value], suffix: &str) -> Result<String, Error> {
    let id = req_str(args.first(), "recordingId")?;
    crate::validate::non_empty("recordingId", id)?;
    Ok(format!(
        "/calling/recordings/{}{suffix}",
        encode_path_segment(id)
    ))
}

fn start_recording(args: &[Value], ctx: &Ctx) -> Result<Plan, Error> {
    let o = Some(obj(arg(args, 0), "options")?);
    let mut b = Obj::new();
    if let Some(l) = truthy(o, "callLocator") {
        set(&mut b, "callLocator", locator(&l, "options.callLocator")?);
    }
    put(&mut b, "recordingChannelType", get(o, "recordingChannel"));
    put(&mut b, "recordingContentType", get(o, "recordingContent"));
    put(&mut b, "recordingFormatType", get(o, "recordingFormat"));
    put(
        &mut b,
        "recordingStateCallbackUri",
        get(o, "recordingStateCallbackEndpointUrl"),
    );
    put(&mut b, "pauseOnStart", get(o, "pauseOnStart"));
    put(&mut b, "externalStorage", get(o, "recordingStorage"));
    put(&mut b, "callConnectionId", truthy(o, "callConnectionId"));
    if let Some(Value::Array(list)) = get(o, "channelAffinity") {
        let mut out = Vec::with_capacity(list.len());
        for (i, a) in list.iter().enumerate() {
            let f = format!("options.channelAffinity[{i}]");
            let ao = Some(obj(a, &f)?);
            let mut m = Obj::new();
            let target = ao
                .and_then(|a| a.get("targetParticipant"))
                .unwrap_or(&Value::Null);
            set(
                &mut m,
                "participant",
                identifier_model(target, &format!("{f}.targetParticipant"), true)?,
            );
            put(&mut m, "channel", get(ao, "channel"));
            out.push(Value::Object(m));
        }
        set(&mut b, "channelAffinity", Value::Array(out));
    }
    if let Some(list) = get(o, "audioChannelParticipantOrdering") {
        let models =
            identifier_models(Some(&list), "options.audioChannelParticipantOrdering", true)?;
        set(&mut b, "audioChannelParticipantOrdering", models);
    }
    Ok(plan_of(
        with_body(Method::Post, "/calling/recordings", ctx, b)?,
        true,
        Decode::RecordingState,
    ))
}
