//! The official JS shapes of identifiers and callback events, written by the engine from the
//! core's rules: raw ids ([`CommunicationIdentifier::from_raw_id`] /
//! [`CommunicationIdentifier::raw_id`]), identifier models (the core's serde model and
//! [`CommunicationIdentifierModel::typed`]), the callback event kinds
//! ([`callsteer::events::is_callback_kind`]) and which members of an event hold identifiers
//! ([`callsteer::events::identifier_members`]).
//!
//! Text crosses the boundary both ways (`JSON.stringify` in, `JSON.parse` out): the core's
//! [`callsteer::json`] reader borrows the input, and members the package passes through
//! untouched (an event's `data`) are written back byte for byte.
//!
//! The JS shapes are those of `@azure/communication-call-automation` 1.x and
//! `@azure/communication-common` 2.x (names of the package's public API, not wire rules).
//! Known differences, each the core's rule where the official packages disagree with each
//! other (the `identifier` module docs of the core say where each comes from):
//! * a raw id whose suffix contains `:` (`8:orgid:a:b`) keeps its kind (Python's rule);
//!   communication-common calls it unknown. The service issues no such ids.
//! * `4:_x` is the phone number `_x` with no asserted id; communication-common reads an
//!   asserted id `x` of an empty number.
//! * an identifier model the core cannot read (a `cloud` it does not know, a sub-object
//!   missing its id) becomes `{id: rawId}`, as the core's lenient identifier decoding does;
//!   the official converter copies the unreadable fields.
//! * event `data` that is not an object counts as `{}`; a `participants` that is not an array
//!   is passed through (the official parser throws a TypeError on it).

use callsteer::events::{
    identifier_members, is_callback_kind, IdentifierMembers, EVENT_TYPE_PREFIX,
};
use callsteer::identifier::{
    CommunicationIdentifierModel, MicrosoftTeamsAppModel, MicrosoftTeamsUserModel,
    PhoneNumberModel, TeamsExtensionUserModel, TypedModel,
};
use callsteer::json::{self, write_key, write_str, Json};
use callsteer::{CommunicationCloud, CommunicationIdentifier, Error};

/// An object being written.
struct Obj<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Obj<'o> {
    fn open(out: &'o mut String) -> Self {
        out.push('{');
        Obj { out, first: true }
    }

    /// Starts member `k`; the caller writes its value into `self.out`.
    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_key(self.out, k);
        self.out
    }

    fn str(&mut self, k: &str, v: &str) {
        write_str(self.key(k), v);
    }

    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    fn bool(&mut self, k: &str, v: bool) {
        self.key(k).push_str(if v { "true" } else { "false" });
    }

    fn opt_bool(&mut self, k: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.bool(k, v);
        }
    }

    fn close(self) {
        self.out.push('}');
    }
}

// ---- raw ids ----

/// `createIdentifierFromRawId`: the identifier, with `kind`, that a raw id names.
pub fn write_from_raw_id(out: &mut String, raw: &str) {
    use CommunicationIdentifier as I;
    let id = CommunicationIdentifier::from_raw_id(raw);
    let mut o = Obj::open(out);
    o.str("kind", id.kind());
    match &id {
        I::CommunicationUser { id } => o.str("communicationUserId", id),
        I::PhoneNumber {
            is_anonymous,
            asserted_id,
            ..
        } => {
            // The SDK's phone number is everything after the prefix, asserted id included.
            let number = raw.get(2..).unwrap_or_default();
            o.str("phoneNumber", number);
            o.bool("isAnonymous", *is_anonymous);
            o.opt_str("assertedId", asserted_id.as_deref());
        }
        I::MicrosoftTeamsUser {
            user_id,
            is_anonymous,
            cloud,
        } => {
            o.str("microsoftTeamsUserId", user_id);
            o.bool("isAnonymous", *is_anonymous);
            // A visitor's raw id has no cloud, and the SDK gives none.
            if !is_anonymous {
                o.str("cloud", cloud.as_str());
            }
        }
        I::MicrosoftTeamsApp { app_id, cloud } => {
            o.str("teamsAppId", app_id);
            o.str("cloud", cloud.as_str());
        }
        I::TeamsExtensionUser {
            user_id,
            tenant_id,
            resource_id,
            cloud,
        } => {
            o.str("userId", user_id);
            o.str("tenantId", tenant_id);
            o.str("resourceId", resource_id);
            o.str("cloud", cloud.as_str());
        }
        _ => o.str("id", raw),
    }
    o.close();
}

// ---- wire model → identifier ----

/// `communicationIdentifierConverter`: a wire identifier model as the package's identifier.
pub fn write_from_model(out: &mut String, node: &Json<'_>) {
    let model: Option<CommunicationIdentifierModel> = json::from_json(node, "identifier").ok();
    let Some(m) = model else {
        // Unreadable by the core's model: the raw id alone, as the core's lenient decoding.
        let raw = node.get("rawId").and_then(Json::as_str);
        let mut o = Obj::open(out);
        o.str("id", raw.as_deref().unwrap_or_default());
        return o.close();
    };
    let raw = m.raw_id.as_deref();
    let cloud = |c: Option<CommunicationCloud>| c.map(CommunicationCloud::as_str);
    let mut o = Obj::open(out);
    match m.typed() {
        TypedModel::User(u) => o.str("communicationUserId", &u.id),
        TypedModel::Phone(p) => {
            o.str("phoneNumber", &p.value);
            o.opt_str("rawId", raw);
        }
        TypedModel::TeamsUser(t) => {
            o.opt_str("rawId", raw);
            o.str("microsoftTeamsUserId", &t.user_id);
            o.opt_bool("isAnonymous", t.is_anonymous);
            o.opt_str("cloud", cloud(t.cloud));
        }
        TypedModel::TeamsApp(a) => {
            o.opt_str("rawId", raw);
            o.str("teamsAppId", &a.app_id);
            o.opt_str("cloud", cloud(a.cloud));
        }
        TypedModel::TeamsExtensionUser(x) => {
            o.opt_str("rawId", raw);
            o.str("userId", &x.user_id);
            o.str("resourceId", &x.resource_id);
            o.str("tenantId", &x.tenant_id);
            o.opt_str("cloud", cloud(x.cloud));
        }
        _ => o.str("id", raw.unwrap_or_default()),
    }
    o.close();
}

// ---- identifier → wire model (requests) ----

/// What [`model_of`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelForm {
    /// The model with `kind` (most requests).
    WithKind,
    /// The model without `kind` (play, hold, recognize, DTMF targets: the official package
    /// sends none there).
    NoKind,
    /// Only the phone number's sub-object (`sourceCallerIdNumber`); `None` when the value is
    /// absent or has no `phoneNumber`.
    PhoneOnly,
}

fn text<'a>(o: &'a Json<'a>, k: &str) -> Option<std::borrow::Cow<'a, str>> {
    o.get(k).and_then(Json::as_str)
}

/// The wire model of the package's identifier `node` (`serializeCommunicationIdentifier` of
/// communication-common plus the `kind` the official converters add), as JSON text; `None`
/// for [`ModelForm::PhoneOnly`] without a number. Raw ids come from the core; the official
/// package's quirks are kept: a given `rawId` is sent as given (an ACS user's is its id), a
/// phone number or Teams user always carries `isAnonymous`, and a Teams identity without a
/// `cloud` is `public`.
///
/// # Errors
/// [`Error::InvalidInput`] naming `field` when `node` is not an object or not an identifier.
pub fn model_of(node: &Json<'_>, field: &str, form: ModelForm) -> Result<Option<String>, Error> {
    let Some(m) = model_struct(node, field, form)? else {
        return Ok(None);
    };
    if form == ModelForm::PhoneOnly {
        return m
            .phone_number
            .map(|p| json::to_string(&p, field))
            .transpose();
    }
    json::to_string(&m, field).map(Some)
}

/// [`model_of`] before it is written: the core's model of the package's identifier `node`.
///
/// # Errors
/// As [`model_of`].
pub fn model_struct(
    node: &Json<'_>,
    field: &str,
    form: ModelForm,
) -> Result<Option<CommunicationIdentifierModel>, Error> {
    use CommunicationIdentifier as I;
    if form == ModelForm::PhoneOnly
        && (node.is_null() || node.get("phoneNumber").is_none_or(Json::is_null))
    {
        return Ok(None);
    }
    if !matches!(node, Json::Object(_)) {
        return Err(Error::invalid(field, "must be an object"));
    }
    let cloud_name = text(node, "cloud");
    let cloud = CommunicationCloud::from_name(cloud_name.as_deref().unwrap_or("public"));
    let is_anonymous = matches!(node.get("isAnonymous"), Some(Json::Bool(true)));
    let given = text(node, "rawId").filter(|r| !r.is_empty());
    let (id, mut m) = if let Some(user) = text(node, "communicationUserId") {
        let id = I::user(user);
        let m = id.to_model();
        (id, m)
    } else if let Some(number) = text(node, "phoneNumber") {
        let id = I::phone(number.as_ref());
        let mut m = id.to_model();
        m.phone_number = Some(PhoneNumberModel {
            value: number.into_owned(),
            is_anonymous: Some(is_anonymous),
            asserted_id: text(node, "assertedId").map(Into::into),
        });
        (id, m)
    } else if let Some(user) = text(node, "microsoftTeamsUserId") {
        let id = I::MicrosoftTeamsUser {
            user_id: user.into_owned(),
            is_anonymous,
            cloud,
        };
        let mut m = id.to_model();
        if let I::MicrosoftTeamsUser { user_id, .. } = &id {
            m.microsoft_teams_user = Some(MicrosoftTeamsUserModel {
                user_id: user_id.clone(),
                is_anonymous: Some(is_anonymous),
                cloud: Some(cloud),
            });
        }
        (id, m)
    } else if let Some(app) = text(node, "teamsAppId") {
        let id = I::teams_app(app.as_ref(), cloud);
        let mut m = id.to_model();
        m.microsoft_teams_app = Some(MicrosoftTeamsAppModel {
            app_id: app.into_owned(),
            cloud: Some(cloud),
        });
        (id, m)
    } else if let (Some(user_id), Some(tenant_id), Some(resource_id)) = (
        text(node, "userId"),
        text(node, "tenantId"),
        text(node, "resourceId"),
    ) {
        let ext = TeamsExtensionUserModel {
            user_id: user_id.into_owned(),
            tenant_id: tenant_id.into_owned(),
            resource_id: resource_id.into_owned(),
            cloud: Some(cloud),
        };
        let id = I::TeamsExtensionUser {
            user_id: ext.user_id.clone(),
            tenant_id: ext.tenant_id.clone(),
            resource_id: ext.resource_id.clone(),
            cloud,
        };
        let mut m = id.to_model();
        m.teams_extension_user = Some(ext);
        (id, m)
    } else if let Some(raw) = text(node, "id") {
        let id = I::Unknown {
            id: raw.into_owned(),
        };
        let m = CommunicationIdentifierModel {
            kind: Some(id.kind().into()),
            raw_id: Some(id.raw_id()),
            ..Default::default()
        };
        (id, m)
    } else {
        return Err(Error::invalid(
            field,
            "is not a communication identifier (expected communicationUserId, phoneNumber, microsoftTeamsUserId, teamsAppId, userId+tenantId+resourceId or id)",
        ));
    };
    if !matches!(id, I::CommunicationUser { .. } | I::Unknown { .. }) {
        if let Some(raw) = given {
            m.raw_id = Some(raw.into_owned());
        }
    }
    if form == ModelForm::NoKind {
        m.kind = None;
    }
    Ok(Some(m))
}

// ---- callback events ----

/// How the package turns the event of CloudEvent `type` into its result, as a compact plan the
/// shell applies to the event it `JSON.parse`d (`kind;member;form`): `""` when the type is
/// no Call Automation event of the core's list; else the event's `kind`, the `data` member
/// holding identifiers (`participant`, `participants` or empty) and how to convert it
/// ([`convert_member`]'s `form`: 1 an identifier, 2 a roster).
///
/// Why a plan and not the whole event in and out of the engine: the shell's `JSON.parse` is
/// the fastest reader there is, and an event is mostly members the package passes through.
/// Sending every event through the engine as text measured 0.64× the official parser's
/// events/s in Node (BENCHMARKS.md); the rules (which types, which members, how identifiers
/// read) stay the engine's either way.
pub fn event_plan(event_type: &str) -> String {
    let Some(kind) = event_type
        .strip_prefix(EVENT_TYPE_PREFIX)
        .filter(|k| is_callback_kind(k))
    else {
        return String::new();
    };
    let (member, form) = match identifier_members(kind) {
        IdentifierMembers::Participant => ("participant", "1"),
        IdentifierMembers::ParticipantList => ("participants", "2"),
        _ => ("", "0"),
    };
    [kind, ";", member, ";", form].concat()
}

/// The converted value of an event's identifier member (JSON text `value`, `null` when
/// absent): `form` 1 an identifier model → identifier (`{"id":""}` for none, as the official
/// parser), `form` 2 a roster whose entries' `identifier` models become identifiers. `None`:
/// leave the member as it is (a roster that is absent or no array).
///
/// # Errors
/// [`Error::Decode`] when `value` is not JSON.
pub fn convert_member(form: u8, value: &str) -> Result<Option<String>, Error> {
    let node = json::parse(value, "event member")?;
    let mut out = String::with_capacity(value.len() + 16);
    match (form, &node) {
        (1, Json::Object(_)) => write_from_model(&mut out, &node),
        (1, _) => out.push_str("{\"id\":\"\"}"),
        (2, Json::Array(list)) => {
            out.push('[');
            for (i, p) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                call_participant(&mut out, p);
            }
            out.push(']');
        }
        _ => return Ok(None),
    }
    Ok(Some(out))
}

/// A `CallParticipant` with its `identifier` model as the package's identifier, the other
/// members as sent (`callParticipantConverter`). An entry that is no object is `{}`, an
/// `identifier` that is `null` stays `null`.
pub fn call_participant(out: &mut String, p: &Json<'_>) {
    let Json::Object(fields) = p else {
        return out.push_str("{}");
    };
    let mut o = Obj::open(out);
    for (k, v) in fields {
        let value = o.key(&k.value());
        if k.is("identifier") && !v.is_null() {
            write_from_model(value, v);
        } else {
            v.write(value);
        }
    }
    o.close();
}

// ---- responses ----

/// Which official result a response body becomes ([`response`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseShape {
    /// `CallConnectionProperties` (create, answer, connect, get call).
    Properties,
    /// `AddParticipantResult`: the body with its `participant` converted.
    AddParticipant,
    /// `getParticipant`: `{identifier, isMuted, isOnHold}`.
    Participant,
    /// `RecordingStateResult`: `{recordingId, recordingKind, recordingState}`.
    Recording,
    /// `MoveParticipantsResult`: the body with its `participants` converted.
    Move,
}

/// The members of the core's `CallConnectionProperties` that [`response`] renames or converts,
/// for the test that checks them against the core's model.
#[cfg(test)]
const PROPERTIES_CONVERTED: [&str; 6] = [
    "source",
    "answeredBy",
    "answeredFor",
    "targets",
    "sourceCallerIdNumber",
    "callbackUri",
];

/// A phone number's wire model as the package's `{phoneNumber}` (`value` as sent); nothing
/// when there is no `value`.
fn phone(out: &mut Obj<'_>, key: &str, v: &Json<'_>) {
    if let Some(value) = v.get("value").filter(|x| !x.is_null()) {
        out.out.push_str(if out.first { "" } else { "," });
        out.first = false;
        write_key(out.out, key);
        out.out.push('{');
        write_key(out.out, "phoneNumber");
        value.write(out.out);
        out.out.push('}');
    }
}

/// A response body (JSON text; empty counts as `{}`) as the package's result (JSON text).
///
/// # Errors
/// [`Error::Decode`] (what: `response body`) when the body is not JSON.
pub fn response(shape: ResponseShape, text: &str) -> Result<String, Error> {
    let node = json::parse(if text.is_empty() { "{}" } else { text }, "response body")?;
    let empty = Vec::new();
    let fields = match &node {
        Json::Object(f) => f,
        _ => &empty,
    };
    let mut out = String::with_capacity(text.len() + 64);
    let mut o = Obj::open(&mut out);
    match shape {
        ResponseShape::Properties => {
            for (k, v) in fields {
                let name = k.value();
                match name.as_ref() {
                    "source" if matches!(v, Json::Object(_)) => {
                        write_from_model(o.key("source"), v)
                    }
                    "answeredBy" => {
                        // The official key is `answeredby`; only an ACS user's non-empty id.
                        if let Some(id) =
                            v.get("id").and_then(Json::as_str).filter(|i| !i.is_empty())
                        {
                            let value = o.key("answeredby");
                            value.push('{');
                            write_key(value, "communicationUserId");
                            write_str(value, &id);
                            value.push('}');
                        }
                    }
                    "answeredFor" | "sourceCallerIdNumber" => phone(&mut o, &name, v),
                    "targets" => {
                        if let Json::Array(list) = v {
                            let value = o.key("targetParticipants");
                            value.push('[');
                            for (i, t) in list.iter().enumerate() {
                                if i > 0 {
                                    value.push(',');
                                }
                                write_from_model(value, t);
                            }
                            value.push(']');
                        }
                    }
                    "source" => {}
                    "callbackUri" => {
                        // The runtime's `callbackUri` and the typings' `callbackUrl`: both.
                        v.write(o.key("callbackUri"));
                        v.write(o.key("callbackUrl"));
                    }
                    _ => v.write(o.key(&name)),
                }
            }
        }
        ResponseShape::AddParticipant => {
            for (k, v) in fields {
                if !k.is("participant") {
                    v.write(o.key(&k.value()));
                }
            }
            call_participant(
                o.key("participant"),
                node.get("participant").unwrap_or(&Json::Null),
            );
        }
        ResponseShape::Move => {
            for (k, v) in fields {
                let value = o.key(&k.value());
                match v {
                    Json::Array(list) if k.is("participants") => {
                        value.push('[');
                        for (i, p) in list.iter().enumerate() {
                            if i > 0 {
                                value.push(',');
                            }
                            call_participant(value, p);
                        }
                        value.push(']');
                    }
                    _ => v.write(value),
                }
            }
        }
        ResponseShape::Participant => {
            if let Some(id) = node.get("identifier").filter(|i| !i.is_null()) {
                write_from_model(o.key("identifier"), id);
            }
            for key in ["isMuted", "isOnHold"] {
                if let Some(v) = node.get(key) {
                    v.write(o.key(key));
                }
            }
        }
        ResponseShape::Recording => {
            for key in ["recordingId", "recordingKind", "recordingState"] {
                if let Some(v) = node.get(key) {
                    v.write(o.key(key));
                }
            }
        }
    }
    o.close();
    Ok(out)
}

/// A participants page (`GetParticipantsResponse`): its entries converted, and its
/// `nextLink` (when non-empty) as given to `next` (which checks it): `{"values":[…],
/// "next":"…"}`.
///
/// # Errors
/// [`Error::Decode`] for a body that is not JSON; what `next` returns.
pub fn participants_page(
    text: &str,
    next: impl FnOnce(&str) -> Result<String, Error>,
) -> Result<String, Error> {
    let node = json::parse(if text.is_empty() { "{}" } else { text }, "response body")?;
    let mut out = String::with_capacity(text.len() + 32);
    let mut o = Obj::open(&mut out);
    let values = o.key("values");
    values.push('[');
    if let Some(Json::Array(list)) = node.get("value") {
        for (i, p) in list.iter().enumerate() {
            if i > 0 {
                values.push(',');
            }
            call_participant(values, p);
        }
    }
    values.push(']');
    if let Some(link) = node
        .get("nextLink")
        .and_then(Json::as_str)
        .filter(|l| !l.is_empty())
    {
        let path = next(&link)?;
        o.str("next", &path);
    }
    o.close();
    Ok(out)
}

// ---- media streaming and transcription frames ----

/// One WebSocket message of media streaming or transcription (`StreamingData.parse`): the
/// package's result as `{"kind":…,"result":…}`. The wire shapes are those the service sends
/// on the socket (not part of the REST spec; the official package's `streamingData.ts` and
/// the service docs): `{"kind": "AudioData", "audioData": {…}}`, and so on. A kind this
/// engine does not know (the preview's `MarkData`, a future one) does not throw: its payload
/// member (the kind in lower camel case) is the result as sent, `{}` when absent.
///
/// # Errors
/// [`Error::Decode`] for a message that is not JSON.
pub fn streaming_frame(text: &str) -> Result<String, Error> {
    let node = json::parse(text, "streaming message")?;
    let kind = node.get("kind").and_then(Json::as_str).unwrap_or_default();
    let member = lower_camel(&kind);
    let empty = Json::Object(Vec::new());
    let payload = node
        .get(&member)
        .filter(|p| matches!(p, Json::Object(_)))
        .unwrap_or(&empty);
    let mut out = String::with_capacity(text.len() + 48);
    let mut top = Obj::open(&mut out);
    top.str("kind", &kind);
    let result = top.key("result");
    // (wire member, result member) pairs copied as they are.
    let copy = |o: &mut Obj<'_>, pairs: &[(&str, &str)]| {
        for (wire, name) in pairs {
            if let Some(v) = payload.get(wire) {
                v.write(o.key(name));
            }
        }
    };
    let participant = |o: &mut Obj<'_>| {
        if let Some(raw) = payload.get("participantRawID").and_then(Json::as_str) {
            write_from_raw_id(o.key("participant"), &raw);
        }
    };
    let mut o = Obj::open(result);
    match kind.as_ref() {
        "TranscriptionMetadata" => copy(
            &mut o,
            &[
                ("subscriptionId", "subscriptionId"),
                ("locale", "locale"),
                ("callConnectionId", "callConnectionId"),
                ("correlationId", "correlationId"),
                (
                    "speechRecognitionModelEndpointId",
                    "speechRecognitionModelEndpointId",
                ),
            ],
        ),
        "TranscriptionData" => {
            copy(
                &mut o,
                &[
                    ("text", "text"),
                    ("format", "format"),
                    ("confidence", "confidence"),
                    ("offset", "offsetInTicks"),
                    ("duration", "durationInTicks"),
                ],
            );
            if let Some(Json::Array(words)) = payload.get("words") {
                let value = o.key("words");
                value.push('[');
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        value.push(',');
                    }
                    let mut word = Obj::open(value);
                    for (wire, name) in [
                        ("text", "text"),
                        ("offset", "offsetInTicks"),
                        ("duration", "durationInTicks"),
                    ] {
                        if let Some(v) = w.get(wire) {
                            v.write(word.key(name));
                        }
                    }
                    word.close();
                }
                value.push(']');
            }
            participant(&mut o);
            copy(&mut o, &[("resultStatus", "resultState")]);
        }
        "AudioMetadata" => copy(
            &mut o,
            &[
                ("subscriptionId", "subscriptionId"),
                ("encoding", "encoding"),
                ("sampleRate", "sampleRate"),
                ("channels", "channels"),
            ],
        ),
        "AudioData" => {
            copy(
                &mut o,
                &[
                    ("data", "data"),
                    ("timestamp", "timestamp"),
                    ("silent", "isSilent"),
                ],
            );
            participant(&mut o);
        }
        "DtmfData" => copy(&mut o, &[("data", "data")]),
        _ => {
            // Unknown: the payload as sent.
            o.close();
            result.truncate(result.len() - 2);
            payload.write(result);
            top.close();
            return Ok(out);
        }
    }
    o.close();
    top.close();
    Ok(out)
}

/// The outbound (bidirectional streaming) message that plays `data` (base64 PCM), or with
/// `None` the one that stops what is playing, as the official helpers write them.
pub fn outbound_audio(data: Option<&str>) -> String {
    let mut out = String::with_capacity(data.map_or(0, str::len) + 80);
    let mut o = Obj::open(&mut out);
    match data {
        Some(d) => {
            o.str("kind", "audioData");
            let v = o.key("audioData");
            let mut audio = Obj::open(v);
            audio.str("data", d);
            audio.bool("isSilent", false);
            audio.close();
        }
        None => o.str("kind", "stopAudio"),
    }
    o.key("stopAudio").push_str("{}");
    o.close();
    out
}

/// `MarkData` → `markData`.
fn lower_camel(kind: &str) -> String {
    let mut chars = kind.chars();
    chars.next().map_or_else(String::new, |c| {
        let mut s = String::with_capacity(kind.len());
        s.extend(c.to_lowercase());
        s.push_str(chars.as_str());
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_raw(raw: &str) -> String {
        let mut s = String::new();
        write_from_raw_id(&mut s, raw);
        s
    }

    fn from_model(text: &str) -> String {
        let mut s = String::new();
        write_from_model(&mut s, &json::parse(text, "t").unwrap());
        s
    }

    fn model(text: &str, form: ModelForm) -> Result<Option<String>, Error> {
        model_of(&json::parse(text, "t").unwrap(), "target", form)
    }

    #[test]
    fn raw_ids_become_the_common_package_shapes() {
        assert_eq!(
            from_raw("4:+1425_x"),
            r#"{"kind":"phoneNumber","phoneNumber":"+1425_x","isAnonymous":false,"assertedId":"x"}"#
        );
        assert_eq!(
            from_raw("4:anonymous"),
            r#"{"kind":"phoneNumber","phoneNumber":"anonymous","isAnonymous":true}"#
        );
        assert_eq!(
            from_raw("8:teamsvisitor:v"),
            r#"{"kind":"microsoftTeamsUser","microsoftTeamsUserId":"v","isAnonymous":true}"#
        );
        assert_eq!(
            from_raw("8:dod-acs:r_t_u"),
            r#"{"kind":"teamsExtensionUser","userId":"u","tenantId":"t","resourceId":"r","cloud":"dod"}"#
        );
        assert_eq!(from_raw("48:\"x"), r#"{"kind":"unknown","id":"48:\"x"}"#);
    }

    #[test]
    fn models_become_identifiers_as_the_official_converter_reads_them() {
        assert_eq!(
            from_model(r#"{"rawId":"sanitized","communicationUser":{"id":"8:acs:u"}}"#),
            r#"{"communicationUserId":"8:acs:u"}"#
        );
        assert_eq!(
            from_model(r#"{"kind":"phoneNumber","rawId":"4:+1","phoneNumber":{"value":"+1"}}"#),
            r#"{"phoneNumber":"+1","rawId":"4:+1"}"#
        );
        assert_eq!(
            from_model(r#"{"rawId":"28:gcch:a","microsoftTeamsApp":{"appId":"a","cloud":"gcch"}}"#),
            r#"{"rawId":"28:gcch:a","teamsAppId":"a","cloud":"gcch"}"#
        );
        assert_eq!(
            from_model(r#"{"kind":"phoneNumber","rawId":"8:acs:u"}"#),
            r#"{"id":"8:acs:u"}"#
        );
        assert_eq!(
            from_model(r#"{"rawId":"8:x","microsoftTeamsUser":{"userId":"u","cloud":"mars"}}"#),
            r#"{"id":"8:x"}"#
        );
        assert_eq!(from_model("{}"), r#"{"id":""}"#);
    }

    #[test]
    fn identifiers_become_models_with_the_official_quirks() {
        let acs = model(
            r#"{"communicationUserId":"8:acs:a","rawId":"ignored"}"#,
            ModelForm::WithKind,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            acs,
            r#"{"kind":"communicationUser","rawId":"8:acs:a","communicationUser":{"id":"8:acs:a"}}"#
        );
        let phone = model(r#"{"phoneNumber":"+1425"}"#, ModelForm::NoKind)
            .unwrap()
            .unwrap();
        assert_eq!(
            phone,
            r#"{"rawId":"4:+1425","phoneNumber":{"value":"+1425","isAnonymous":false}}"#
        );
        let teams = model(
            r#"{"microsoftTeamsUserId":"o","cloud":"gcch"}"#,
            ModelForm::WithKind,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            teams,
            r#"{"kind":"microsoftTeamsUser","rawId":"8:gcch:o","microsoftTeamsUser":{"userId":"o","isAnonymous":false,"cloud":"gcch"}}"#
        );
        let given = model(
            r#"{"teamsAppId":"a","rawId":"28:orgid:given"}"#,
            ModelForm::WithKind,
        )
        .unwrap()
        .unwrap();
        assert!(given.contains(r#""rawId":"28:orgid:given""#), "{given}");
        assert_eq!(
            model(r#"{"phoneNumber":"+1"}"#, ModelForm::PhoneOnly)
                .unwrap()
                .unwrap(),
            r#"{"value":"+1","isAnonymous":false}"#
        );
        assert_eq!(model("null", ModelForm::PhoneOnly).unwrap(), None);
        assert_eq!(model("{}", ModelForm::PhoneOnly).unwrap(), None);
        let err = model(r#"{"name":"x"}"#, ModelForm::WithKind).unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { ref field, .. } if field == "target"),
            "{err:?}"
        );
        let err = model("5", ModelForm::WithKind).unwrap_err();
        assert_eq!(err, Error::invalid("target", "must be an object"));
    }

    #[test]
    fn event_plans_name_the_kind_and_the_identifier_member() {
        assert_eq!(
            event_plan("Microsoft.Communication.AddParticipantFailed"),
            "AddParticipantFailed;participant;1"
        );
        assert_eq!(
            event_plan("Microsoft.Communication.ParticipantsUpdated"),
            "ParticipantsUpdated;participants;2"
        );
        assert_eq!(
            event_plan("Microsoft.Communication.PlayCompleted"),
            "PlayCompleted;;0"
        );
        assert_eq!(event_plan("Microsoft.Communication.Nope"), "");
        assert_eq!(event_plan("PlayCompleted"), "");
        assert_eq!(event_plan("Microsoft.Communication."), "");
    }

    #[test]
    fn identifier_members_convert_as_the_official_parser() {
        let one = convert_member(1, r#"{"rawId":"4:+1","phoneNumber":{"value":"+1"}}"#).unwrap();
        assert_eq!(
            one.as_deref(),
            Some(r#"{"phoneNumber":"+1","rawId":"4:+1"}"#)
        );
        assert_eq!(
            convert_member(1, "null").unwrap().as_deref(),
            Some(r#"{"id":""}"#)
        );
        let roster = r#"[{"identifier":{"communicationUser":{"id":"8:acs:u"}},"isMuted":true,"n":1.50},{"isMuted":false},7]"#;
        assert_eq!(
            convert_member(2, roster).unwrap().as_deref(),
            Some(
                r#"[{"identifier":{"communicationUserId":"8:acs:u"},"isMuted":true,"n":1.50},{"isMuted":false},{}]"#
            )
        );
        assert_eq!(convert_member(2, "null").unwrap(), None);
        assert_eq!(convert_member(2, r#"{"a":1}"#).unwrap(), None);
        assert!(convert_member(1, "{").is_err());
    }

    #[test]
    fn responses_take_the_official_result_shapes() {
        let props = r#"{"callConnectionId":"c","source":{"rawId":"8:acs:s","communicationUser":{"id":"8:acs:s"}},"answeredBy":{"id":"8:acs:b"},"answeredFor":{"value":"+1"},"targets":[{"rawId":"4:+2","phoneNumber":{"value":"+2"}}],"sourceCallerIdNumber":{"value":null},"callbackUri":"https://cb","extra":[1.0]}"#;
        assert_eq!(
            response(ResponseShape::Properties, props).unwrap(),
            r#"{"callConnectionId":"c","source":{"communicationUserId":"8:acs:s"},"answeredby":{"communicationUserId":"8:acs:b"},"answeredFor":{"phoneNumber":"+1"},"targetParticipants":[{"phoneNumber":"+2","rawId":"4:+2"}],"callbackUri":"https://cb","callbackUrl":"https://cb","extra":[1.0]}"#
        );
        assert_eq!(response(ResponseShape::Properties, "").unwrap(), "{}");
        assert_eq!(
            response(ResponseShape::AddParticipant, r#"{"operationContext":"x"}"#).unwrap(),
            r#"{"operationContext":"x","participant":{}}"#
        );
        assert_eq!(
            response(
                ResponseShape::Participant,
                r#"{"identifier":{"rawId":"8:x"},"isMuted":false,"other":1}"#
            )
            .unwrap(),
            r#"{"identifier":{"id":"8:x"},"isMuted":false}"#
        );
        assert_eq!(
            response(
                ResponseShape::Recording,
                r#"{"recordingId":"r","recordingState":"active","x":1}"#
            )
            .unwrap(),
            r#"{"recordingId":"r","recordingState":"active"}"#
        );
        assert!(matches!(
            response(ResponseShape::Recording, "{"),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn pages_convert_their_entries_and_check_their_link() {
        let page = r#"{"value":[{"identifier":{"communicationUser":{"id":"8:acs:u"}},"isMuted":true},5],"nextLink":"https://x/next"}"#;
        let out = participants_page(page, |l| Ok(["checked:", l].concat())).unwrap();
        assert_eq!(
            out,
            r#"{"values":[{"identifier":{"communicationUserId":"8:acs:u"},"isMuted":true},{}],"next":"checked:https://x/next"}"#
        );
        assert_eq!(
            participants_page("{}", |_| unreachable!()).unwrap(),
            r#"{"values":[]}"#
        );
        let err =
            participants_page(page, |_| Err(Error::invalid("nextLink", "elsewhere"))).unwrap_err();
        assert_eq!(err, Error::invalid("nextLink", "elsewhere"));
    }

    /// The members the package converts are members of the core's model (a rename there
    /// must not leave the engine reading a name the service no longer sends).
    #[test]
    #[allow(clippy::field_reassign_with_default)] // the model is non_exhaustive
    fn converted_property_names_are_the_cores() {
        use callsteer::models::CallConnectionProperties;
        let mut p = CallConnectionProperties::default();
        p.source = Some(CommunicationIdentifier::user("8:acs:s"));
        p.targets = vec![CommunicationIdentifier::user("8:acs:t")];
        p.answered_by = Some(callsteer::identifier::CommunicationUserModel {
            id: "8:acs:b".into(),
        });
        p.answered_for = Some(PhoneNumberModel {
            value: "+1".into(),
            ..Default::default()
        });
        p.source_caller_id_number = Some(PhoneNumberModel {
            value: "+1".into(),
            ..Default::default()
        });
        p.callback_uri = Some("https://cb".into());
        let wire = serde_json::to_value(&p).unwrap();
        for name in PROPERTIES_CONVERTED {
            assert!(
                wire.get(name).is_some(),
                "{name} is not a member of the core's model"
            );
        }
    }

    #[test]
    fn streaming_frames_take_the_official_shapes() {
        let t = r#"{"kind":"TranscriptionData","transcriptionData":{"text":"hi","format":"display","confidence":0.9,"offset":1,"duration":2,"words":[{"text":"hi","offset":1,"duration":2}],"participantRawID":"4:+1425","resultStatus":"final"}}"#;
        assert_eq!(
            streaming_frame(t).unwrap(),
            r#"{"kind":"TranscriptionData","result":{"text":"hi","format":"display","confidence":0.9,"offsetInTicks":1,"durationInTicks":2,"words":[{"text":"hi","offsetInTicks":1,"durationInTicks":2}],"participant":{"kind":"phoneNumber","phoneNumber":"+1425","isAnonymous":false},"resultState":"final"}}"#
        );
        let a = r#"{"kind":"AudioData","audioData":{"data":"AAAA","timestamp":"t","silent":true}}"#;
        assert_eq!(
            streaming_frame(a).unwrap(),
            r#"{"kind":"AudioData","result":{"data":"AAAA","timestamp":"t","isSilent":true}}"#
        );
        let m = r#"{"kind":"MarkData","markData":{"id":"m1","status":"completed"}}"#;
        assert_eq!(
            streaming_frame(m).unwrap(),
            r#"{"kind":"MarkData","result":{"id":"m1","status":"completed"}}"#
        );
        assert_eq!(
            streaming_frame(r#"{"kind":"Nope"}"#).unwrap(),
            r#"{"kind":"Nope","result":{}}"#
        );
        assert_eq!(streaming_frame("{}").unwrap(), r#"{"kind":"","result":{}}"#);
        assert!(streaming_frame("nope").is_err());
        assert_eq!(
            outbound_audio(Some("AA\"")),
            r#"{"kind":"audioData","audioData":{"data":"AA\"","isSilent":false},"stopAudio":{}}"#
        );
        assert_eq!(
            outbound_audio(None),
            r#"{"kind":"stopAudio","stopAudio":{}}"#
        );
    }
}
