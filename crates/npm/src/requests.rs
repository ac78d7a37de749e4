//! Option bags → requests: every method of the official classes, as the engine builds it.
//!
//! The shell passes a method's name and its arguments (`JSON.stringify([...arguments])`); the
//! engine checks them, applies the core's input rules (`callsteer::validate`: E.164 numbers,
//! callback URLs, identifiers the service will dial, ranges and header limits), writes the
//! body the official package sends — its field names, defaults and quirks, pinned by the
//! oracle suite (`tests/js/package`) — and the path from the core's operation table
//! ([`OperationId::path`]). Path and query, whether the request carries repeatability
//! headers, the operation a result waits on and its `operationContext` come back with the body
//! ([`Built::to_json`]).
//!
//! Argument checks keep the order in which the official package (and this package's former
//! JS) evaluated them, so the first bad argument is the one named.

use crate::shapes::{model_of, model_struct, ModelForm};
use callsteer::api::routes::OperationId;
use callsteer::identifier::CommunicationIdentifierModel;
use callsteer::json::{self, write_key, write_str, Json};
use callsteer::{validate, CommunicationIdentifier, Error};

/// A request the shell sends: see [`Built::to_json`].
#[derive(Debug)]
pub struct Built {
    op: OperationId,
    ids: Vec<String>,
    body: Option<String>,
    repeatable: bool,
    /// The operation whose settling event a result waits for, and the context sent.
    wait: Option<OperationId>,
    context: Option<String>,
}

impl Built {
    fn new(op: OperationId, ids: &[&str]) -> Self {
        Built {
            op,
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            body: None,
            // The core's operation table says which operations carry the repeatability
            // headers (the same ones the official package sends them for).
            repeatable: op.is_repeatable(),
            wait: None,
            context: None,
        }
    }

    /// `[method, pathAndQuery, repeatable, waitOperationId|null, operationContext|null,
    /// body|null]` (the body as a JSON string, ready to send).
    pub fn to_json(&self, api_version: &str) -> String {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        let mut path = self.op.path(&ids);
        path.push_str("?api-version=");
        path.push_str(&callsteer::http::encode_query_value(api_version));
        let mut out =
            String::with_capacity(path.len() + self.body.as_ref().map_or(0, |b| b.len() + 16) + 64);
        out.push('[');
        write_str(&mut out, self.op.method().as_str());
        out.push(',');
        write_str(&mut out, &path);
        out.push_str(if self.repeatable { ",true," } else { ",false," });
        match self.wait {
            Some(op) => write_str(&mut out, op.as_str()),
            None => out.push_str("null"),
        }
        out.push(',');
        match &self.context {
            Some(c) => out.push_str(c),
            None => out.push_str("null"),
        }
        out.push(',');
        match &self.body {
            Some(b) => write_str(&mut out, b),
            None => out.push_str("null"),
        }
        out.push(']');
        out
    }
}

// ---- reading arguments as the official package does ----

const NULL: Json<'static> = Json::Null;

/// `o[k]`, with `null` as absent (`get` of the former shell).
fn get<'a, 'j>(o: &'a Json<'j>, k: &str) -> Option<&'a Json<'j>> {
    o.get(k).filter(|v| !v.is_null())
}

/// JS truthiness of a JSON value.
fn truthy(v: &Json<'_>) -> bool {
    match v {
        Json::Null | Json::Bool(false) => false,
        Json::String(s) => !s.raw().is_empty(),
        Json::Number(n) => !is_zero(n),
        _ => true,
    }
}

/// `0`, `-0`, `0.0`, `0e5`: a zero whatever the digits after an exponent.
fn is_zero(n: &str) -> bool {
    let mantissa = n.split(['e', 'E']).next().unwrap_or(n);
    mantissa.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'))
}

fn obj<'a, 'j>(v: &'a Json<'j>, field: &str) -> Result<&'a Json<'j>, Error> {
    if matches!(v, Json::Object(_)) {
        Ok(v)
    } else {
        Err(Error::invalid(field, "must be an object"))
    }
}

/// An options bag: absent is `{}`.
fn opts<'a, 'j>(v: &'a Json<'j>, field: &str) -> Result<&'a Json<'j>, Error> {
    if v.is_null() {
        Ok(&EMPTY)
    } else {
        obj(v, field)
    }
}

static EMPTY: Json<'static> = Json::Object(Vec::new());

fn string<'j>(v: &Json<'j>, field: &str) -> Result<std::borrow::Cow<'j, str>, Error> {
    v.as_str()
        .ok_or_else(|| Error::invalid(field, "must be a string"))
}

fn non_empty<'j>(v: &Json<'j>, field: &str) -> Result<std::borrow::Cow<'j, str>, Error> {
    let s = string(v, field)?;
    if s.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    Ok(s)
}

/// `o[k]` as an optional string; another type is refused naming `field.k`.
fn opt_str<'j>(
    o: &Json<'j>,
    k: &str,
    field: &str,
) -> Result<Option<std::borrow::Cow<'j, str>>, Error> {
    match get(o, k) {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| Error::invalid([field, ".", k].concat(), "must be a string")),
    }
}

/// An object being written, dropping absent members as `JSON.stringify` drops `undefined`.
struct Body {
    out: String,
    first: bool,
}

impl Body {
    fn new() -> Self {
        let mut out = String::with_capacity(256);
        out.push('{');
        Body { out, first: true }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_key(&mut self.out, k);
        &mut self.out
    }

    /// `k: v` when `v` is present (raw, as the caller wrote it).
    fn raw(&mut self, k: &str, v: Option<&Json<'_>>) {
        if let Some(v) = v {
            v.write(self.key(k));
        }
    }

    /// `k: o[k']` for each pair, absent and `null` dropped (`pick`).
    fn pick(&mut self, o: &Json<'_>, keys: &[(&str, &str)]) {
        for (wire, name) in keys {
            self.raw(wire, get(o, name));
        }
    }

    fn text(&mut self, k: &str, v: &str) {
        write_str(self.key(k), v);
    }

    /// `k`: the wire model of the identifier `v` (see [`model`]).
    fn identifier(
        &mut self,
        k: &str,
        v: &Json<'_>,
        field: &str,
        form: ModelForm,
    ) -> Result<(), Error> {
        let m = model(v, field, form)?;
        self.key(k).push_str(&m);
        Ok(())
    }

    fn json(&mut self, k: &str, v: Option<String>) {
        if let Some(v) = v {
            self.key(k).push_str(&v);
        }
    }

    fn done(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

// ---- identifiers, with the core's rules for what the service dials ----

/// The core's identifier of a model written by [`model_of`], for its checks and raw id.
fn typed(model: &CommunicationIdentifierModel) -> CommunicationIdentifier {
    CommunicationIdentifier::from_model(model).unwrap_or_else(|_| {
        CommunicationIdentifier::Unknown {
            id: model.raw_id.clone().unwrap_or_default(),
        }
    })
}

/// An identifier's wire model (`withKind`), checked by the core's rule for identifiers the
/// service dials or addresses (`validate::identifier`: phone numbers E.164, ids non-empty).
fn model(v: &Json<'_>, field: &str, form: ModelForm) -> Result<String, Error> {
    let m = model_struct(v, field, form)?.unwrap_or_default();
    validate::identifier(field, &typed(&m))?;
    json::to_string(&m, field)
}

/// The raw id of an identifier the package was given (for a participant's path).
fn raw_id(v: &Json<'_>, field: &str) -> Result<String, Error> {
    let m = model_struct(v, field, ModelForm::NoKind)?.unwrap_or_default();
    Ok(m.raw_id.unwrap_or_default())
}

fn models(v: &Json<'_>, field: &str, form: ModelForm) -> Result<String, Error> {
    let Json::Array(list) = v else {
        return Err(Error::invalid(field, "must be an array of identifiers"));
    };
    let mut out = String::from("[");
    for (i, t) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&model(t, &indexed(field, i), form)?);
    }
    out.push(']');
    Ok(out)
}

fn indexed(field: &str, i: usize) -> String {
    let mut f = String::with_capacity(field.len() + 6);
    f.push_str(field);
    f.push('[');
    callsteer::text::push_decimal(&mut f, i as u64, 1);
    f.push(']');
    f
}

/// A caller id (`PhoneNumberIdentifierModelConverter`), E.164 by the core's rule.
fn phone(v: Option<&Json<'_>>, field: &str) -> Result<Option<String>, Error> {
    let Some(v) = v else { return Ok(None) };
    let Some(text) = model_of(v, field, ModelForm::PhoneOnly)? else {
        return Ok(None);
    };
    if let Some(number) = v.get("phoneNumber").and_then(Json::as_str) {
        validate::e164(&[field, ".phoneNumber"].concat(), &number)?;
    }
    Ok(Some(text))
}

// ---- shared shapes ----

/// `operationCallbackUrl`, an https URL by the core's rule (http for loopback).
fn callback(body: &mut Body, o: &Json<'_>) -> Result<(), Error> {
    if let Some(v) = get(o, "operationCallbackUrl") {
        if let Some(url) = v.as_str() {
            validate::callback_uri("options.operationCallbackUrl", &url)?;
        }
        body.raw("operationCallbackUri", Some(v));
    }
    Ok(())
}

/// `callbackUrl`: a string, an https URL by the core's rule.
fn callback_url(v: &Json<'_>) -> Result<String, Error> {
    let url = string(v, "callbackUrl")?;
    validate::callback_uri("callbackUrl", &url)?;
    Ok(url.into_owned())
}

/// `operationContext`, or the official default: a fresh UUID. Returns what was written.
fn context(body: &mut Body, o: &Json<'_>, uuid: fn() -> String) -> String {
    let mut written = String::new();
    match o.get("operationContext").filter(|v| truthy(v)) {
        Some(v) => v.write(&mut written),
        None => write_str(&mut written, &uuid()),
    }
    body.key("operationContext").push_str(&written);
    written
}

/// `operationContext` when given. Returns what was written.
fn given_context(body: &mut Body, o: &Json<'_>) -> Option<String> {
    let v = get(o, "operationContext")?;
    let mut written = String::new();
    v.write(&mut written);
    body.key("operationContext").push_str(&written);
    Some(written)
}

const STREAMING: [(&str, &str); 3] = [
    ("callIntelligenceOptions", "callIntelligenceOptions"),
    ("mediaStreamingOptions", "mediaStreamingOptions"),
    ("transcriptionOptions", "transcriptionOptions"),
];

/// A play source: `{kind: "file"|"text"|"ssml", <kind>: {…}, playSourceCacheId}`.
fn play_source(v: &Json<'_>, field: &str) -> Result<String, Error> {
    obj(v, field)?;
    let kind = opt_str(v, "kind", field)?;
    let (wire, required, js_name, more): (&str, &str, &str, &[(&str, &str)]) = match kind.as_deref()
    {
        Some("fileSource") => ("file", "uri", "url", &[]),
        Some("textSource") => (
            "text",
            "text",
            "text",
            &[
                ("sourceLocale", "sourceLocale"),
                ("voiceKind", "voiceKind"),
                ("voiceName", "voiceName"),
                ("customVoiceEndpointId", "customVoiceEndpointId"),
            ],
        ),
        Some("ssmlSource") => (
            "ssml",
            "ssmlText",
            "ssmlText",
            &[("customVoiceEndpointId", "customVoiceEndpointId")],
        ),
        _ => {
            return Err(Error::invalid(
                [field, ".kind"].concat(),
                "must be fileSource, textSource or ssmlSource",
            ))
        }
    };
    let main = get(v, js_name);
    if !matches!(main, Some(Json::String(_))) {
        return Err(Error::invalid(
            [field, ".", js_name].concat(),
            "must be a string",
        ));
    }
    let mut inner = Body::new();
    inner.raw(required, main);
    inner.pick(v, more);
    let mut b = Body::new();
    b.text("kind", wire);
    b.key(wire).push_str(&inner.done());
    let cache = v
        .get("playSourceCacheId")
        .filter(|c| truthy(c))
        .or_else(|| get(v, "playsourcacheid"));
    b.raw("playSourceCacheId", cache);
    Ok(b.done())
}

fn play_sources(v: &Json<'_>, field: &str) -> Result<String, Error> {
    let Json::Array(list) = v else {
        return Err(Error::invalid(field, "must be an array of play sources"));
    };
    let mut out = String::from("[");
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&play_source(p, &indexed(field, i))?);
    }
    out.push(']');
    Ok(out)
}

/// `{id, kind}` → `{serverCallId | groupCallId | roomId, kind}`; other kinds are server calls.
fn locator(v: &Json<'_>, field: &str) -> Result<String, Error> {
    obj(v, field)?;
    let Some(id) = opt_str(v, "id", field)? else {
        return Err(Error::invalid([field, ".id"].concat(), "must be a string"));
    };
    let kind = opt_str(v, "kind", field)?;
    let mut b = Body::new();
    match kind.as_deref() {
        Some("groupCallLocator") => {
            b.text("groupCallId", &id);
            b.text("kind", "groupCallLocator");
        }
        Some("roomCallLocator") => {
            b.text("roomId", &id);
            b.text("kind", "roomCallLocator");
        }
        _ => {
            b.text("serverCallId", &id);
            b.text("kind", "serverCallLocator");
        }
    }
    Ok(b.done())
}

/// An ordered string-keyed object where a later key replaces an earlier one in place (a JS
/// object's assignment).
#[derive(Default)]
struct Headers(Vec<(String, String)>);

impl Headers {
    fn set(&mut self, k: String, v: String) {
        match self.0.iter_mut().find(|(key, _)| *key == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k, v)),
        }
    }

    fn write(&self, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_key(out, k);
            out.push_str(v);
        }
        out.push('}');
    }
}

/// `createCustomCallingContextInternal`: entries → `{sipHeaders, voipHeaders,
/// teamsPhoneCallDetails?}`, each header checked by the core's limits.
fn custom_context(v: &Json<'_>, field: &str) -> Result<String, Error> {
    let list: &[Json<'_>] = match v {
        Json::Null => &[],
        Json::Array(list) => list,
        _ => return Err(Error::invalid(field, "must be an array")),
    };
    let (mut sip, mut voip) = (Headers::default(), Headers::default());
    let mut teams = None;
    for (i, e) in list.iter().enumerate() {
        let f = indexed(field, i);
        obj(e, &f)?;
        let key = opt_str(e, "key", &f)?.map_or_else(|| "undefined".to_owned(), |k| k.into_owned());
        let mut value = String::new();
        match get(e, "value") {
            Some(v) => v.write(&mut value),
            None => value.push_str("null"),
        }
        let header_value = get(e, "value").and_then(Json::as_str).unwrap_or_default();
        match opt_str(e, "kind", &f)?.as_deref() {
            Some("sipuui") => {
                validate::custom_context_header(&f, "User-To-User", &header_value)?;
                sip.set("User-To-User".into(), value);
            }
            Some("sipx") => {
                let prefix = if opt_str(e, "sipHeaderPrefix", &f)?.as_deref() == Some("X-") {
                    "X-"
                } else {
                    "X-MS-Custom-"
                };
                let name = [prefix, &key].concat();
                validate::custom_context_header(&f, &name, &header_value)?;
                sip.set(name, value);
            }
            Some("voip") => {
                validate::custom_context_header(&f, &key, &header_value)?;
                voip.set(key, value);
            }
            Some("TeamsPhoneCallDetails") => teams = Some(teams_details(e, &f)?),
            _ => {}
        }
    }
    let mut out = String::from("{");
    write_key(&mut out, "sipHeaders");
    sip.write(&mut out);
    out.push(',');
    write_key(&mut out, "voipHeaders");
    voip.write(&mut out);
    if let Some(t) = teams {
        out.push(',');
        write_key(&mut out, "teamsPhoneCallDetails");
        out.push_str(&t);
    }
    out.push('}');
    Ok(out)
}

/// `teamsPhoneCallDetailsModelConverter`.
fn teams_details(e: &Json<'_>, f: &str) -> Result<String, Error> {
    let opt_model = |o: &Json<'_>, k: &str| -> Result<Option<String>, Error> {
        match get(o, k) {
            None => Ok(None),
            Some(v) => model(v, &[f, ".", k].concat(), ModelForm::WithKind).map(Some),
        }
    };
    let mut b = Body::new();
    b.pick(
        e,
        &[
            ("sessionId", "sessionId"),
            ("intent", "intent"),
            ("callTopic", "callTopic"),
            ("callContext", "callContext"),
            ("transcriptUrl", "transcriptUrl"),
            ("callSentiment", "callSentiment"),
            ("suggestedActions", "suggestedActions"),
        ],
    );
    if let Some(caller) = get(e, "teamsPhoneCallerDetails") {
        obj(caller, f)?;
        let mut c = Body::new();
        c.json("caller", opt_model(caller, "caller")?);
        c.pick(
            caller,
            &[
                ("name", "name"),
                ("phoneNumber", "phoneNumber"),
                ("recordId", "recordId"),
                ("screenPopUrl", "screenPopUrl"),
                ("isAuthenticated", "isAuthenticated"),
                ("additionalCallerInformation", "additionalCallerInformation"),
            ],
        );
        b.key("teamsPhoneCallerDetails").push_str(&c.done());
    }
    if let Some(source) = get(e, "teamsPhoneSourceDetails") {
        obj(source, f)?;
        let mut s = Body::new();
        s.json("source", opt_model(source, "source")?);
        s.pick(source, &[("language", "language"), ("status", "status")]);
        if let Some(Json::Object(targets)) = source.get("intendedTargets") {
            if !targets.is_empty() {
                let mut t = Body::new();
                for (k, v) in targets {
                    let name = k.value();
                    let m = model(
                        v,
                        &[f, ".intendedTargets.", &name].concat(),
                        ModelForm::WithKind,
                    )?;
                    t.key(&name).push_str(&m);
                }
                s.key("intendedTargets").push_str(&t.done());
            }
        }
        b.key("teamsPhoneSourceDetails").push_str(&s.done());
    }
    Ok(b.done())
}

/// `seconds × 1000` for a JSON number written in decimal, by moving the decimal point (no
/// float arithmetic in the engine; JS's `x * 1000` may differ in the last binary digit for
/// fractions such as 1.1 — the service takes whole milliseconds).
fn times_thousand(n: &str) -> String {
    let (mantissa, exp) = match n.find(['e', 'E']) {
        Some(i) => (&n[..i], Some(&n[i + 1..])),
        None => (n, None),
    };
    match exp {
        // `1e3` → `1e6`-style: bump the exponent (JSON.parse reads the same number).
        Some(e) => {
            let value: i64 = e.trim_start_matches('+').parse().unwrap_or(0);
            let mut out = String::from(mantissa);
            out.push('e');
            let shifted = value + 3;
            if shifted < 0 {
                out.push('-');
            }
            callsteer::text::push_decimal(&mut out, shifted.unsigned_abs(), 1);
            out
        }
        None => {
            let (sign, digits) = mantissa
                .strip_prefix('-')
                .map_or(("", mantissa), |d| ("-", d));
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let mut frac = frac.to_owned();
            while frac.len() < 3 {
                frac.push('0');
            }
            let (moved, rest) = frac.split_at(3);
            let whole = [int, moved].concat();
            let whole = whole.trim_start_matches('0');
            let whole = if whole.is_empty() { "0" } else { whole };
            let rest = rest.trim_end_matches('0');
            if rest.is_empty() {
                [sign, whole].concat()
            } else {
                [sign, whole, ".", rest].concat()
            }
        }
    }
}

/// `CallMedia.startRecognizing` → `RecognizeRequest`, with the official defaults.
fn recognize_body(
    o: &Json<'_>,
    target: String,
    ctx: Option<String>,
) -> Result<(String, Option<String>), Error> {
    let mut r = Body::new();
    r.raw("interruptPrompt", get(o, "interruptPrompt"));
    match o
        .get("initialSilenceTimeoutInSeconds")
        .filter(|v| truthy(v))
    {
        Some(v) => r.raw("initialSilenceTimeoutInSeconds", Some(v)),
        None => r.key("initialSilenceTimeoutInSeconds").push('5'),
    }
    r.key("targetParticipant").push_str(&target);
    let dtmf = || {
        let mut d = Body::new();
        match o.get("interToneTimeoutInSeconds").filter(|v| truthy(v)) {
            Some(v) => d.raw("interToneTimeoutInSeconds", Some(v)),
            None => d.key("interToneTimeoutInSeconds").push('2'),
        }
        d.raw("maxTonesToCollect", get(o, "maxTonesToCollect"));
        d.raw("stopTones", get(o, "stopDtmfTones"));
        d.done()
    };
    let speech = || {
        let mut s = Body::new();
        let ms = match o.get("endSilenceTimeoutInSeconds") {
            Some(Json::Number(n)) if !is_zero(n) => times_thousand(n),
            _ => "2000".to_owned(),
        };
        s.key("endSilenceTimeoutInMs").push_str(&ms);
        s.done()
    };
    let speech_model = [
        ("speechLanguage", "speechLanguage"),
        (
            "speechRecognitionModelEndpointId",
            "speechRecognitionModelEndpointId",
        ),
    ];
    let kind = opt_str(o, "kind", "options")?;
    let input = match kind.as_deref() {
        Some("callMediaRecognizeDtmfOptions") => {
            r.key("dtmfOptions").push_str(&dtmf());
            "dtmf"
        }
        Some("callMediaRecognizeChoiceOptions") => {
            r.pick(o, &speech_model);
            r.raw("choices", get(o, "choices"));
            "choices"
        }
        Some("callMediaRecognizeSpeechOptions") => {
            r.key("speechOptions").push_str(&speech());
            r.pick(o, &speech_model);
            "speech"
        }
        Some("callMediaRecognizeSpeechOrDtmfOptions") => {
            r.key("speechOptions").push_str(&speech());
            r.key("dtmfOptions").push_str(&dtmf());
            r.pick(o, &speech_model);
            "speechOrDtmf"
        }
        _ => {
            return Err(Error::invalid(
                "options.kind",
                "Invalid recognizeOptions: unknown kind",
            ))
        }
    };
    let mut b = Body::new();
    b.text("recognizeInputType", input);
    if let Some(p) = o.get("playPrompt").filter(|p| truthy(p)) {
        b.key("playPrompt")
            .push_str(&play_source(p, "options.playPrompt")?);
    }
    if let Some(p) = get(o, "playPrompts") {
        b.key("playPrompts")
            .push_str(&play_sources(p, "options.playPrompts")?);
    }
    b.raw(
        "interruptCallMediaOperation",
        get(o, "interruptCallMediaOperation"),
    );
    b.key("recognizeOptions").push_str(&r.done());
    let written = match ctx {
        Some(c) => {
            b.key("operationContext").push_str(&c);
            Some(c)
        }
        None => given_context(&mut b, o),
    };
    callback(&mut b, o)?;
    Ok((b.done(), written))
}

// ---- the methods ----

/// What the client knows that a request needs: its `sourceIdentity`'s ACS user id.
#[derive(Debug)]
pub struct Client {
    /// `{id}` of the source identity, when one is set.
    pub source: Option<String>,
    /// A fresh v4 UUID, for the official default `operationContext`s (the engine's
    /// `crypto.getRandomValues`; tests give their own).
    pub uuid: fn() -> String,
}

impl Client {
    fn source(&self, b: &mut Body, key: &str) {
        if let Some(id) = &self.source {
            let v = b.key(key);
            v.push('{');
            write_key(v, "id");
            write_str(v, id);
            v.push('}');
        }
    }

    fn create(
        &self,
        targets: String,
        invite: &Json<'_>,
        callback: &Json<'_>,
        o: &Json<'_>,
    ) -> Result<Built, Error> {
        let mut b = Body::new();
        self.source(&mut b, "source");
        b.key("targets").push_str(&targets);
        b.text("callbackUri", &callback_url(callback)?);
        let ctx = given_context(&mut b, o);
        b.pick(o, &STREAMING);
        b.json(
            "sourceCallerIdNumber",
            phone(get(invite, "sourceCallIdNumber"), "sourceCallIdNumber")?,
        );
        b.raw("sourceDisplayName", get(invite, "sourceDisplayName"));
        let app = get(o, "teamsAppSource")
            .and_then(|a| a.get("teamsAppId"))
            .and_then(Json::as_str);
        if let Some(app) = app.filter(|a| !a.is_empty()) {
            let v = b.key("teamsAppSource");
            v.push('{');
            write_key(v, "appId");
            write_str(v, &app);
            v.push('}');
        }
        Ok(with_body(
            Built::new(OperationId::CreateCall, &[]),
            b,
            Some(OperationId::CreateCall),
            ctx,
        ))
    }

    /// The request of `method` (the official method name, `Class.method`) with `args`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first bad argument; [`Error::Decode`] when `args` is
    /// not a JSON array (the shell always sends one).
    pub fn request(&self, method: &str, args: &str) -> Result<Built, Error> {
        let node = json::parse(args, "arguments")?;
        let Json::Array(list) = &node else {
            return Err(Error::decode("arguments", "not an array"));
        };
        let arg = |i: usize| list.get(i).unwrap_or(&NULL);
        use OperationId as Op;
        let conn = |i: usize| -> Result<String, Error> {
            Ok(non_empty(arg(i), "callConnectionId")?.into_owned())
        };
        let on_call = |op: Op, b: Body, ctx: Option<String>, wait: bool| -> Result<Built, Error> {
            let id = conn(0)?;
            Ok(with_body(
                Built::new(op, &[&id]),
                b,
                wait.then_some(op),
                ctx,
            ))
        };
        Ok(match method {
            "createCall" => {
                let o = opts(arg(2), "options")?;
                let invite = obj(arg(0), "targetParticipant")?;
                let target = model(
                    invite.get("targetParticipant").unwrap_or(&NULL),
                    "targetParticipant.targetParticipant",
                    ModelForm::WithKind,
                )?;
                self.create(["[", &target, "]"].concat(), invite, arg(1), o)?
            }
            "createGroupCall" => {
                let o = opts(arg(2), "options")?;
                let targets = models(arg(0), "targetParticipants", ModelForm::WithKind)?;
                self.create(targets, o, arg(1), o)?
            }
            "answerCall" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.text(
                    "incomingCallContext",
                    &string(arg(0), "incomingCallContext")?,
                );
                b.pick(o, &STREAMING);
                let ctx = given_context(&mut b, o);
                b.text("callbackUri", &callback_url(arg(1))?);
                self.source(&mut b, "answeredBy");
                with_body(
                    Built::new(Op::AnswerCall, &[]),
                    b,
                    Some(Op::AnswerCall),
                    ctx,
                )
            }
            "redirectCall" => {
                let mut b = Body::new();
                b.text(
                    "incomingCallContext",
                    &string(arg(0), "incomingCallContext")?,
                );
                let invite = obj(arg(1), "targetParticipant")?;
                let target = model(
                    invite.get("targetParticipant").unwrap_or(&NULL),
                    "targetParticipant.targetParticipant",
                    ModelForm::WithKind,
                )?;
                b.key("target").push_str(&target);
                with_body(Built::new(Op::RedirectCall, &[]), b, None, None)
            }
            "rejectCall" => {
                let o = opts(arg(1), "options")?;
                let mut b = Body::new();
                b.text(
                    "incomingCallContext",
                    &string(arg(0), "incomingCallContext")?,
                );
                b.raw("callRejectReason", get(o, "callRejectReason"));
                with_body(Built::new(Op::RejectCall, &[]), b, None, None)
            }
            "connectCall" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.key("callLocator")
                    .push_str(&locator(arg(0), "callLocator")?);
                b.text("callbackUri", &callback_url(arg(1))?);
                let ctx = given_context(&mut b, o);
                b.pick(o, &STREAMING);
                with_body(Built::new(Op::Connect, &[]), b, Some(Op::Connect), ctx)
            }
            // CallConnection: argument 0 is the connection id.
            "getCallConnectionProperties" => Built::new(Op::GetCall, &[&conn(0)?]),
            "hangUp" => match arg(1) {
                Json::Bool(true) => Built::new(Op::Terminate, &[&conn(0)?]),
                Json::Bool(false) => Built::new(Op::HangUp, &[&conn(0)?]),
                _ => return Err(Error::invalid("isForEveryone", "must be a boolean")),
            },
            "getParticipant" => {
                let raw = raw_id(arg(1), "targetParticipant")?;
                Built::new(Op::GetParticipant, &[&conn(0)?, &raw])
            }
            "listParticipants" => Built::new(Op::GetParticipants, &[&conn(0)?]),
            "addParticipant" => {
                let o = opts(arg(2), "options")?;
                let invite = obj(arg(1), "targetParticipant")?;
                let mut b = Body::new();
                let target = model(
                    invite.get("targetParticipant").unwrap_or(&NULL),
                    "targetParticipant.targetParticipant",
                    ModelForm::WithKind,
                )?;
                b.key("participantToAdd").push_str(&target);
                b.json(
                    "sourceCallerIdNumber",
                    phone(get(invite, "sourceCallIdNumber"), "sourceCallIdNumber")?,
                );
                b.raw("sourceDisplayName", get(invite, "sourceDisplayName"));
                if let Some(Json::Number(n)) = get(o, "invitationTimeoutInSeconds") {
                    // The spec's range (0..=180); the core's rule.
                    let secs: i32 = n.parse().unwrap_or(-1);
                    validate::in_range("options.invitationTimeoutInSeconds", secs, 0..=180)?;
                }
                b.raw(
                    "invitationTimeoutInSeconds",
                    get(o, "invitationTimeoutInSeconds"),
                );
                let ctx = given_context(&mut b, o);
                callback(&mut b, o)?;
                let ccc = custom_context(
                    invite.get("customCallingContext").unwrap_or(&NULL),
                    "targetParticipant.customCallingContext",
                )?;
                b.key("customCallingContext").push_str(&ccc);
                on_call(Op::AddParticipant, b, ctx, true)?
            }
            "transferCallToParticipant" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.identifier(
                    "targetParticipant",
                    arg(1),
                    "targetParticipant",
                    ModelForm::WithKind,
                )?;
                let ctx = Some(context(&mut b, o, self.uuid));
                callback(&mut b, o)?;
                if let Some(t) = o.get("transferee").filter(|t| truthy(t)) {
                    b.identifier("transferee", t, "options.transferee", ModelForm::WithKind)?;
                }
                let ccc = custom_context(
                    o.get("customCallingContext").unwrap_or(&NULL),
                    "options.customCallingContext",
                )?;
                b.key("customCallingContext").push_str(&ccc);
                b.json(
                    "sourceCallerIdNumber",
                    phone(get(o, "sourceCallIdNumber"), "options.sourceCallIdNumber")?,
                );
                on_call(Op::Transfer, b, ctx, true)?
            }
            "removeParticipant" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.identifier(
                    "participantToRemove",
                    arg(1),
                    "participant",
                    ModelForm::WithKind,
                )?;
                let ctx = Some(context(&mut b, o, self.uuid));
                callback(&mut b, o)?;
                on_call(Op::RemoveParticipant, b, ctx, true)?
            }
            "muteParticipant" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                let m = model(arg(1), "participant", ModelForm::WithKind)?;
                b.key("targetParticipants")
                    .push_str(&["[", &m, "]"].concat());
                given_context(&mut b, o);
                on_call(Op::Mute, b, None, false)?
            }
            "cancelAddParticipantOperation" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.text("invitationId", &string(arg(1), "invitationId")?);
                let ctx = Some(context(&mut b, o, self.uuid));
                callback(&mut b, o)?;
                on_call(Op::CancelAddParticipant, b, ctx, true)?
            }
            "moveParticipants" => {
                let o = opts(arg(3), "options")?;
                let mut b = Body::new();
                b.key("targetParticipants").push_str(&models(
                    arg(1),
                    "targetParticipants",
                    ModelForm::WithKind,
                )?);
                b.text("fromCall", &string(arg(2), "fromCall")?);
                context(&mut b, o, self.uuid);
                callback(&mut b, o)?;
                on_call(Op::MoveParticipants, b, None, false)?
            }
            // CallMedia: argument 0 is the connection id too.
            "play" | "playToAll" => {
                let to_all = method == "playToAll";
                let (sources, o) = if to_all {
                    (arg(1), opts(arg(2), "options")?)
                } else {
                    (arg(1), opts(arg(3), "options")?)
                };
                let play_to = if to_all {
                    "[]".to_owned()
                } else {
                    models(arg(2), "playTo", ModelForm::NoKind)?
                };
                let looped = match get(o, "loop") {
                    None => false,
                    Some(Json::Bool(l)) => *l,
                    Some(_) => return Err(Error::invalid("options.loop", "must be a boolean")),
                };
                let mut b = Body::new();
                b.key("playSources")
                    .push_str(&play_sources(sources, "playSources")?);
                b.key("playTo").push_str(&play_to);
                b.key("playOptions").push_str(if looped {
                    "{\"loop\":true}"
                } else {
                    "{\"loop\":false}"
                });
                let ctx = if to_all {
                    Some(context(&mut b, o, self.uuid))
                } else {
                    given_context(&mut b, o)
                };
                callback(&mut b, o)?;
                if to_all {
                    b.raw(
                        "interruptCallMediaOperation",
                        get(o, "interruptCallMediaOperation"),
                    );
                }
                on_call(Op::Play, b, ctx, true)?
            }
            "startRecognizing" => {
                let target = model(arg(1), "targetParticipant", ModelForm::NoKind)?;
                let (o, ctx): (Json<'_>, Option<String>) = match (arg(2), arg(3)) {
                    // Deprecated (target, maxTones, options): no generated operationContext.
                    (Json::Number(n), Json::Object(members)) => {
                        let mut m = members.clone();
                        m.retain(|(k, _)| !k.is("maxTonesToCollect"));
                        m.push((json::JsonStr::plain("maxTonesToCollect"), Json::Number(n)));
                        (Json::Object(m), None)
                    }
                    (options @ Json::Object(_), Json::Null) => {
                        let mut b = Body::new();
                        let written = context(&mut b, options, self.uuid);
                        (options.clone(), Some(written))
                    }
                    _ => return Err(Error::invalid(
                        "options",
                        "Invalid params: expected (target, options) or (target, maxTones, options)",
                    )),
                };
                let (body, written) = recognize_body(&o, target, ctx)?;
                let id = conn(0)?;
                let mut built = Built::new(Op::Recognize, &[&id]);
                built.body = Some(body);
                built.wait = Some(Op::Recognize);
                built.context = written;
                built
            }
            "cancelAllOperations" => Built::new(Op::CancelAllMedia, &[&conn(0)?]),
            "startContinuousDtmfRecognition" | "stopContinuousDtmfRecognition" => {
                let start = method.starts_with("start");
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.identifier(
                    "targetParticipant",
                    arg(1),
                    "targetParticipant",
                    ModelForm::NoKind,
                )?;
                given_context(&mut b, o);
                if !start {
                    callback(&mut b, o)?;
                }
                let op = if start {
                    Op::StartContinuousDtmf
                } else {
                    Op::StopContinuousDtmf
                };
                on_call(op, b, None, false)?
            }
            "sendDtmfTones" => {
                if !matches!(arg(1), Json::Array(_)) {
                    return Err(Error::invalid("tones", "must be an array of DTMF tones"));
                }
                let o = opts(arg(3), "options")?;
                let mut b = Body::new();
                b.raw("tones", Some(arg(1)));
                b.identifier(
                    "targetParticipant",
                    arg(2),
                    "targetParticipant",
                    ModelForm::NoKind,
                )?;
                let ctx = given_context(&mut b, o);
                callback(&mut b, o)?;
                on_call(Op::SendDtmf, b, ctx, true)?
            }
            "hold" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.identifier(
                    "targetParticipant",
                    arg(1),
                    "targetParticipant",
                    ModelForm::NoKind,
                )?;
                if let Some(music) = get(o, "playSource") {
                    b.key("playSourceInfo")
                        .push_str(&play_source(music, "options.playSource")?);
                }
                let ctx = given_context(&mut b, o);
                callback(&mut b, o)?;
                on_call(Op::Hold, b, ctx, true)?
            }
            "unhold" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.identifier(
                    "targetParticipant",
                    arg(1),
                    "targetParticipant",
                    ModelForm::NoKind,
                )?;
                given_context(&mut b, o);
                callback(&mut b, o)?;
                on_call(Op::Unhold, b, None, false)?
            }
            "startTranscription" => {
                let o = opts(arg(1), "options")?;
                let mut b = Body::new();
                b.raw("locale", get(o, "locale"));
                given_context(&mut b, o);
                b.raw(
                    "speechModelEndpointId",
                    get(o, "speechRecognitionModelEndpointId"),
                );
                callback(&mut b, o)?;
                on_call(Op::StartTranscription, b, None, false)?
            }
            "updateTranscription" => {
                let o = opts(arg(2), "options")?;
                let mut b = Body::new();
                b.text("locale", &string(arg(1), "locale")?);
                b.raw(
                    "speechModelEndpointId",
                    get(o, "speechRecognitionModelEndpointId"),
                );
                given_context(&mut b, o);
                callback(&mut b, o)?;
                on_call(Op::UpdateTranscription, b, None, false)?
            }
            "stopTranscription" | "startMediaStreaming" | "stopMediaStreaming" => {
                let o = opts(arg(1), "options")?;
                let mut b = Body::new();
                given_context(&mut b, o);
                callback(&mut b, o)?;
                let op = match method {
                    "stopTranscription" => Op::StopTranscription,
                    "startMediaStreaming" => Op::StartMediaStreaming,
                    _ => Op::StopMediaStreaming,
                };
                on_call(op, b, None, false)?
            }
            // CallRecording.
            "startRecording" => {
                let o = obj(arg(0), "options")?;
                let mut b = Body::new();
                if let Some(l) = o.get("callLocator").filter(|l| truthy(l)) {
                    b.key("callLocator")
                        .push_str(&locator(l, "options.callLocator")?);
                }
                b.pick(
                    o,
                    &[
                        ("recordingChannelType", "recordingChannel"),
                        ("recordingContentType", "recordingContent"),
                        ("recordingFormatType", "recordingFormat"),
                        (
                            "recordingStateCallbackUri",
                            "recordingStateCallbackEndpointUrl",
                        ),
                        ("pauseOnStart", "pauseOnStart"),
                        ("externalStorage", "recordingStorage"),
                    ],
                );
                if let Some(url) =
                    get(o, "recordingStateCallbackEndpointUrl").and_then(Json::as_str)
                {
                    validate::callback_uri("options.recordingStateCallbackEndpointUrl", &url)?;
                }
                b.raw(
                    "callConnectionId",
                    o.get("callConnectionId").filter(|c| truthy(c)),
                );
                if let Some(Json::Array(list)) = o.get("channelAffinity") {
                    let mut out = String::from("[");
                    for (i, a) in list.iter().enumerate() {
                        let f = indexed("options.channelAffinity", i);
                        obj(a, &f)?;
                        if i > 0 {
                            out.push(',');
                        }
                        let mut entry = Body::new();
                        let m = model(
                            a.get("targetParticipant").unwrap_or(&NULL),
                            &[&f, ".targetParticipant"].concat(),
                            ModelForm::WithKind,
                        )?;
                        entry.key("participant").push_str(&m);
                        entry.raw("channel", get(a, "channel"));
                        out.push_str(&entry.done());
                    }
                    out.push(']');
                    b.key("channelAffinity").push_str(&out);
                }
                if let Some(list) = get(o, "audioChannelParticipantOrdering") {
                    let m = models(
                        list,
                        "options.audioChannelParticipantOrdering",
                        ModelForm::WithKind,
                    )?;
                    b.key("audioChannelParticipantOrdering").push_str(&m);
                }
                with_body(Built::new(Op::StartRecording, &[]), b, None, None)
            }
            "getRecordingState" | "stopRecording" | "pauseRecording" | "resumeRecording" => {
                let id = non_empty(arg(0), "recordingId")?;
                let op = match method {
                    "getRecordingState" => Op::GetRecording,
                    "stopRecording" => Op::StopRecording,
                    "pauseRecording" => Op::PauseRecording,
                    _ => Op::ResumeRecording,
                };
                Built::new(op, &[&id])
            }
            _ => return Err(Error::invalid("method", "is not a method of the package")),
        })
    }
}

fn with_body(
    mut built: Built,
    body: Body,
    wait: Option<OperationId>,
    context: Option<String>,
) -> Built {
    built.body = Some(body.done());
    built.wait = wait;
    built.context = context;
    built
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Client {
        Client {
            source: Some("8:acs:me".into()),
            uuid: || "u-u-i-d".into(),
        }
    }

    #[test]
    fn seconds_become_milliseconds_without_float_arithmetic() {
        for (s, ms) in [
            ("1.5", "1500"),
            ("2", "2000"),
            ("0.0015", "1.5"),
            ("12.3456", "12345.6"),
            ("1e3", "1e6"),
            ("5E-4", "5e-1"),
            ("0.5", "500"),
        ] {
            assert_eq!(times_thousand(s), ms, "{s}");
        }
    }

    #[test]
    fn truthiness_is_javascripts() {
        for (v, t) in [
            ("0", false),
            ("-0", false),
            ("0.0", false),
            ("0e9", false),
            ("\"\"", false),
            ("null", false),
            ("false", false),
            ("1", true),
            ("0.1", true),
            ("\"0\"", true),
            ("[]", true),
            ("{}", true),
        ] {
            assert_eq!(truthy(&json::parse(v, "t").unwrap()), t, "{v}");
        }
    }

    #[test]
    fn a_play_to_all_is_the_official_request() {
        let built = client()
            .request("playToAll", r#"["c 1",[{"kind":"fileSource","url":"https://m.example/a.wav"}],{"interruptCallMediaOperation":true}]"#)
            .unwrap();
        assert_eq!(
            built.to_json("2026-03-12"),
            r#"["POST","/calling/callConnections/c%201:play?api-version=2026-03-12",false,"CallMedia_Play","u-u-i-d","{\"playSources\":[{\"kind\":\"file\",\"file\":{\"uri\":\"https://m.example/a.wav\"}}],\"playTo\":[],\"playOptions\":{\"loop\":false},\"operationContext\":\"u-u-i-d\",\"interruptCallMediaOperation\":true}"]"#
        );
    }

    #[test]
    fn answering_sends_the_source_and_the_repeatability_the_table_gives() {
        let built = client()
            .request("answerCall", r#"["ctx","https://a.example/cb",null]"#)
            .unwrap();
        let text = built.to_json("v");
        assert!(
            text.starts_with(
                r#"["POST","/calling/callConnections:answer?api-version=v",true,"AnswerCall",null,"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"\"answeredBy\":{\"id\":\"8:acs:me\"}"#),
            "{text}"
        );
    }

    #[test]
    fn refusals_name_the_argument_in_the_official_order() {
        let err = |m: &str, a: &str| match client().request(m, a) {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{m}: {other:?}"),
        };
        assert_eq!(
            err(
                "createCall",
                r#"[{"targetParticipant":{"phoneNumber":"+1"}},5,7]"#
            ),
            "options"
        );
        assert_eq!(
            err(
                "createCall",
                r#"[{"targetParticipant":{"phoneNumber":"+1"}},5]"#
            ),
            "callbackUrl"
        );
        assert_eq!(err("hangUp", r#"["c","yes"]"#), "isForEveryone");
        assert_eq!(err("hangUp", r#"[" ",true]"#), "callConnectionId");
        assert_eq!(err("sendDtmfTones", r#"["c","1"]"#), "tones");
        assert_eq!(
            err("startRecognizing", r#"["c",{"phoneNumber":"+1"},"x"]"#),
            "options"
        );
        assert_eq!(err("nope", "[]"), "method");
        assert!(matches!(
            client().request("play", "{}"),
            Err(Error::Decode { .. })
        ));
    }
}
