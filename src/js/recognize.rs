//! `CallMedia.startRecognizing` → `RecognizeRequest`, with the official defaults:
//! `interToneTimeoutInSeconds` 2, `initialSilenceTimeoutInSeconds` 5,
//! `endSilenceTimeoutInMs` 2000 (seconds × 1000), and a random `operationContext`
//! when the (non-deprecated) two-argument form omits it.

use super::ops::{connection_path, plan_of, with_body, Ctx, Decode, Plan, Uuid};
use super::ops_call::context_or_uuid;
use super::shapes::{
    get, identifier_model, obj, play_source, play_sources, put, set, str_of, truthy, Obj,
};
use crate::http::Method;
use crate::Error;
use serde_json::Value;

/// `args`: `[callConnectionId, target, options]` or the deprecated
/// `[callConnectionId, target, maxTonesToCollect, options]`.
///
/// # Errors
/// [`Error::InvalidInput`] for an unknown `kind` or a bad argument list.
pub(crate) fn plan(args: &[Value], ctx: &Ctx, uuid: Uuid<'_>) -> Result<Plan, Error> {
    let target = identifier_model(
        args.get(1).unwrap_or(&Value::Null),
        "targetParticipant",
        false,
    )?;
    let (mut o, context) = match (args.get(2), args.get(3)) {
        (Some(Value::Number(max)), Some(opts @ Value::Object(_))) => {
            let mut o = obj(opts, "options")?.clone();
            set(&mut o, "maxTonesToCollect", Value::Number(max.clone()));
            let ctx = get(Some(&o), "operationContext");
            (o, ctx)
        }
        (Some(opts @ Value::Object(_)), None | Some(Value::Null)) => {
            let o = obj(opts, "options")?.clone();
            let ctx = Some(context_or_uuid(Some(&o), uuid));
            (o, ctx)
        }
        _ => {
            return Err(Error::invalid(
                "options",
                "Invalid params: expected (target, options) or (target, maxTones, options)",
            ))
        }
    };
    if let Some(c) = &context {
        set(&mut o, "operationContext", c.clone());
    }
    let body = request_body(target, &o)?;
    let path = connection_path(args, ":recognize")?;
    Ok(plan_of(
        with_body(Method::Post, &path, ctx, body)?,
        false,
        Decode::Void,
    ))
}

fn or_default(o: &Obj, key: &str, default: i64) -> Value {
    truthy(Some(o), key).unwrap_or_else(|| Value::from(default))
}

fn dtmf_options(o: &Obj) -> Value {
    let mut d = Obj::new();
    set(
        &mut d,
        "interToneTimeoutInSeconds",
        or_default(o, "interToneTimeoutInSeconds", 2),
    );
    put(
        &mut d,
        "maxTonesToCollect",
        get(Some(o), "maxTonesToCollect"),
    );
    put(&mut d, "stopTones", get(Some(o), "stopDtmfTones"));
    Value::Object(d)
}

fn speech_options(o: &Obj) -> Value {
    let ms = match truthy(Some(o), "endSilenceTimeoutInSeconds") {
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Value::from(i.saturating_mul(1000)),
            None => Value::from(n.as_f64().unwrap_or(2.0) * 1000.0),
        },
        _ => Value::from(2000),
    };
    super::shapes::object([("endSilenceTimeoutInMs", ms)])
}

fn request_body(target: Value, o: &Obj) -> Result<Obj, Error> {
    let kind = str_of(Some(o), "kind", "options")?;
    let mut r = Obj::new();
    put(&mut r, "interruptPrompt", get(Some(o), "interruptPrompt"));
    set(
        &mut r,
        "initialSilenceTimeoutInSeconds",
        or_default(o, "initialSilenceTimeoutInSeconds", 5),
    );
    set(&mut r, "targetParticipant", target);
    let input_type = match kind {
        Some("callMediaRecognizeDtmfOptions") => {
            set(&mut r, "dtmfOptions", dtmf_options(o));
            "dtmf"
        }
        Some("callMediaRecognizeChoiceOptions") => {
            speech_model(&mut r, o);
            put(&mut r, "choices", get(Some(o), "choices"));
            "choices"
        }
        Some("callMediaRecognizeSpeechOptions") => {
            set(&mut r, "speechOptions", speech_options(o));
            speech_model(&mut r, o);
            "speech"
        }
        Some("callMediaRecognizeSpeechOrDtmfOptions") => {
            set(&mut r, "speechOptions", speech_options(o));
            set(&mut r, "dtmfOptions", dtmf_options(o));
            speech_model(&mut r, o);
            "speechOrDtmf"
        }
        _ => {
            return Err(Error::invalid(
                "options.kind",
                "Invalid recognizeOptions: unknown kind",
            ))
        }
    };
    let mut b = Obj::new();
    set(
        &mut b,
        "recognizeInputType",
        Value::String(input_type.into()),
    );
    if let Some(p) = truthy(Some(o), "playPrompt") {
        set(&mut b, "playPrompt", play_source(&p, "options.playPrompt")?);
    }
    if o.get("playPrompts").is_some_and(|p| !p.is_null()) {
        set(
            &mut b,
            "playPrompts",
            play_sources(o.get("playPrompts"), "options.playPrompts")?,
        );
    }
    put(
        &mut b,
        "interruptCallMediaOperation",
        get(Some(o), "interruptCallMediaOperation"),
    );
    set(&mut b, "recognizeOptions", Value::Object(r));
    put(&mut b, "operationContext", get(Some(o), "operationContext"));
    put(
        &mut b,
        "operationCallbackUri",
        get(Some(o), "operationCallbackUrl"),
    );
    Ok(b)
}

fn speech_model(r: &mut Obj, o: &Obj) {
    put(r, "speechLanguage", get(Some(o), "speechLanguage"));
    put(
        r,
        "speechRecognitionModelEndpointId",
        get(Some(o), "speechRecognitionModelEndpointId"),
    );
}
