// The official class/method shape over the wasm engine (crates/npm/src/lib.rs).
//
// Split (crates/npm/src/lib.rs explains why): the engine owns the key, parses connection strings and
// endpoints, signs every attempt, makes repeatability ids and UUIDs, decides retries and checks
// recording URLs; this file maps option bags and identifiers to request bodies exactly as the
// official package does, sends them with the global fetch, and maps responses to the official
// result shapes.
// Field names and defaults are pinned by the oracle suite (tests/js/package), which sends every
// method through both packages and compares the wire.
import { Engine, uuid, identifierModel, response, serviceError as serviceErrorOf } from "./engine.js";
import { send } from "./transport.mjs";
import { CallAutomationEventProcessor, withWait, eventResult, fail, invalid, aborted } from "./processor.mjs";
export { CallAutomationEventProcessor };

// Default api-version: the core's DEFAULT_API_VERSION (tests/js_wrapper.rs keeps them equal).
const API_VERSION = "2026-03-12";
const SCOPE = "https://communication.azure.com//.default";

// ---- errors: the shapes crates/npm/src/error.rs documents (fail, invalid, aborted: processor.mjs) ----
// No response at all (refused, reset, DNS): the transport's own error is kept as `cause`.
const sendFailed = (e) => fail("RestError", "REQUEST_SEND_ERROR", `transport failed: ${(e && e.message) || "fetch failed"}`, { cause: e });

// ---- argument readers: null and undefined both mean "absent" ----
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
function obj(v, field) {
  if (!isObj(v)) throw invalid(field, "must be an object");
  return v;
}
const opts = (v, field = "options") => (v == null ? {} : obj(v, field));
const get = (o, k) => (o[k] === null ? undefined : o[k]);
function str(v, field) {
  if (typeof v !== "string") throw invalid(field, "must be a string");
  return v;
}
function nonEmpty(v, field) {
  if (!str(v, field).trim()) throw invalid(field, "must not be empty");
  return v;
}
function optStr(o, k, field) {
  const v = get(o, k);
  if (v !== undefined && typeof v !== "string") throw invalid(`${field}.${k}`, "must be a string");
  return v;
}
const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, get(o, k)]));
const context = (o) => o.operationContext || uuid(); // the official default: a fresh UUID
const callback = (o) => get(o, "operationCallbackUrl");
// RFC 3986 path segment: encodeURIComponent leaves !'()* alone.
const seg = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

// ---- identifiers ----
// Identifier → wire model is the engine's (crates/npm/src/shapes.rs `model_of`: the core's raw
// ids plus the official package's quirks); `withKind` false for play/hold/recognize/DTMF
// targets, where the official package sends no `kind`.
const modelText = (v, field, form) => identifierModel(String(JSON.stringify(v === undefined ? null : v)), field, form);
const model = (v, field, withKind = true) => JSON.parse(modelText(v, field, withKind ? 0 : 1));
function models(v, field, kind = true) {
  if (!Array.isArray(v)) throw invalid(field, "must be an array of identifiers");
  return v.map((t, i) => model(t, `${field}[${i}]`, kind));
}
// PhoneNumberIdentifierModelConverter: {phoneNumber} → the phone number's wire sub-object.
const phoneModel = (v, field) => {
  const t = modelText(v, field, 2);
  return t === undefined ? undefined : JSON.parse(t);
};

// ---- request shapes ----
const SOURCES = {
  fileSource: ["file", "uri", "url"],
  textSource: ["text", "text", "text", "sourceLocale", "voiceKind", "voiceName", "customVoiceEndpointId"],
  ssmlSource: ["ssml", "ssmlText", "ssmlText", "customVoiceEndpointId"],
};
function playSource(v, field) {
  obj(v, field);
  const spec = SOURCES[optStr(v, "kind", field)];
  if (!spec) throw invalid(`${field}.kind`, "must be fileSource, textSource or ssmlSource");
  const [wire, required, jsName, ...more] = spec;
  const inner = { [required]: get(v, jsName), ...pick(v, more) };
  if (typeof inner[required] !== "string") throw invalid(`${field}.${jsName}`, "must be a string");
  return { kind: wire, [wire]: inner, playSourceCacheId: v.playSourceCacheId || get(v, "playsourcacheid") };
}
function playSources(v, field) {
  if (!Array.isArray(v)) throw invalid(field, "must be an array of play sources");
  return v.map((p, i) => playSource(p, `${field}[${i}]`));
}
// {id, kind} → {serverCallId | groupCallId | roomId, kind}; unknown kinds are server calls.
function locator(v, field) {
  obj(v, field);
  const id = optStr(v, "id", field);
  if (id === undefined) throw invalid(`${field}.id`, "must be a string");
  const kind = optStr(v, "kind", field);
  if (kind === "groupCallLocator") return { groupCallId: id, kind };
  if (kind === "roomCallLocator") return { roomId: id, kind };
  return { serverCallId: id, kind: "serverCallLocator" };
}
const streaming = (o) => pick(o, ["callIntelligenceOptions", "mediaStreamingOptions", "transcriptionOptions"]);

// createCustomCallingContextInternal: entries → {sipHeaders, voipHeaders, teamsPhoneCallDetails?}.
function customContext(v, field) {
  const sipHeaders = {};
  const voipHeaders = {};
  let teamsPhoneCallDetails;
  if (v != null && !Array.isArray(v)) throw invalid(field, "must be an array");
  (v || []).forEach((e, i) => {
    const f = `${field}[${i}]`;
    obj(e, f);
    const key = optStr(e, "key", f) ?? "undefined";
    const value = get(e, "value") ?? null;
    const kind = optStr(e, "kind", f);
    if (kind === "sipuui") sipHeaders["User-To-User"] = value;
    else if (kind === "sipx") sipHeaders[(optStr(e, "sipHeaderPrefix", f) === "X-" ? "X-" : "X-MS-Custom-") + key] = value;
    else if (kind === "voip") voipHeaders[key] = value;
    else if (kind === "TeamsPhoneCallDetails") teamsPhoneCallDetails = teamsDetails(e, f);
  });
  return { sipHeaders, voipHeaders, teamsPhoneCallDetails };
}
// teamsPhoneCallDetailsModelConverter.
const optModel = (o, k, field) => (get(o, k) === undefined ? undefined : model(o[k], `${field}.${k}`));
function teamsDetails(e, f) {
  const caller = get(e, "teamsPhoneCallerDetails");
  const source = get(e, "teamsPhoneSourceDetails");
  const out = pick(e, ["sessionId", "intent", "callTopic", "callContext", "transcriptUrl", "callSentiment", "suggestedActions"]);
  if (caller !== undefined) {
    obj(caller, f);
    out.teamsPhoneCallerDetails = {
      caller: optModel(caller, "caller", f),
      ...pick(caller, ["name", "phoneNumber", "recordId", "screenPopUrl", "isAuthenticated", "additionalCallerInformation"]),
    };
  }
  if (source !== undefined) {
    obj(source, f);
    const s = { source: optModel(source, "source", f), ...pick(source, ["language", "status"]) };
    const targets = Object.entries(isObj(source.intendedTargets) ? source.intendedTargets : {});
    if (targets.length) s.intendedTargets = Object.fromEntries(targets.map(([k, t]) => [k, model(t, `${f}.intendedTargets.${k}`)]));
    out.teamsPhoneSourceDetails = s;
  }
  return out;
}

// CallMedia.startRecognizing → RecognizeRequest, with the official defaults.
function recognizeBody(o, target) {
  const r = {
    interruptPrompt: get(o, "interruptPrompt"),
    initialSilenceTimeoutInSeconds: o.initialSilenceTimeoutInSeconds || 5,
    targetParticipant: target,
  };
  const dtmf = () => ({ interToneTimeoutInSeconds: o.interToneTimeoutInSeconds || 2, maxTonesToCollect: get(o, "maxTonesToCollect"), stopTones: get(o, "stopDtmfTones") });
  const silence = o.endSilenceTimeoutInSeconds;
  const speech = () => ({ endSilenceTimeoutInMs: typeof silence === "number" && silence ? silence * 1000 : 2000 });
  const speechModel = () => Object.assign(r, pick(o, ["speechLanguage", "speechRecognitionModelEndpointId"]));
  let type;
  switch (optStr(o, "kind", "options")) {
    case "callMediaRecognizeDtmfOptions":
      r.dtmfOptions = dtmf();
      type = "dtmf";
      break;
    case "callMediaRecognizeChoiceOptions":
      speechModel();
      r.choices = get(o, "choices");
      type = "choices";
      break;
    case "callMediaRecognizeSpeechOptions":
      r.speechOptions = speech();
      speechModel();
      type = "speech";
      break;
    case "callMediaRecognizeSpeechOrDtmfOptions":
      r.speechOptions = speech();
      r.dtmfOptions = dtmf();
      speechModel();
      type = "speechOrDtmf";
      break;
    default:
      throw invalid("options.kind", "Invalid recognizeOptions: unknown kind");
  }
  return {
    recognizeInputType: type,
    playPrompt: o.playPrompt ? playSource(o.playPrompt, "options.playPrompt") : undefined,
    playPrompts: get(o, "playPrompts") === undefined ? undefined : playSources(o.playPrompts, "options.playPrompts"),
    interruptCallMediaOperation: get(o, "interruptCallMediaOperation"),
    recognizeOptions: r,
    operationContext: get(o, "operationContext"),
    operationCallbackUri: callback(o),
  };
}

// ---- response shapes: the engine's (crates/npm/src/shapes.rs `response`) ----
const [PROPERTIES, ADD_RESULT, PARTICIPANT, RECORDING, MOVE_RESULT] = [0, 1, 2, 3, 4];
const shaped = (shape) => (text) => JSON.parse(response(shape, text));
const properties = shaped(PROPERTIES);
const recordingState = shaped(RECORDING);
// A result the package returns as the service sent it.
function asIs(text) {
  try {
    return text ? JSON.parse(text) : {};
  } catch (e) {
    throw fail("DecodeError", "DecodeError", `cannot decode response body: ${e.message}`);
  }
}

// Response headers as the engine reads them (`name\nvalue\n` each): which ones matter (request
// ids, the three retry-after forms) is the engine's rule.
function headerText(h) {
  let text = "";
  h.forEach((value, name) => {
    text += name + "\n" + value + "\n";
  });
  return text;
}

// The package's error for a failed response, decoded by the engine (the core's
// CommunicationErrorResponse rules and message).
async function serviceError(r) {
  let body = "";
  try {
    body = await r.text();
  } catch {}
  const { code, message, ...more } = JSON.parse(serviceErrorOf(r.status, headerText(r.headers), body));
  return fail("RestError", code, message, more);
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(aborted());
    const stop = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      if (signal) signal.removeEventListener("abort", stop);
      resolve();
    }, ms);
    if (signal) signal.addEventListener("abort", stop, { once: true });
  });
}

// The transport: one per client, shared by its CallConnection/CallMedia/CallRecording objects.
class Core {
  constructor(engine, apiVersion, source, credential, processorOptions) {
    this.processor = new CallAutomationEventProcessor(processorOptions);
    this.engine = engine;
    this.api = apiVersion;
    this.source = source;
    this.credential = credential; // a TokenCredential, or undefined (the key is in the engine)
    this.cached = undefined;
  }

  // `result` gains waitForEventProcessor(abortSignal?, timeoutInMs?): the event that settles
  // `operationId` on `callId` with `ctx` (see processor.mjs).
  waitable(result, operationId, callId, ctx) {
    return withWait(result, () => this.processor, (p, signal, ms) => p.settle(operationId, callId, ctx, signal, ms), eventResult);
  }

  // Bearer token for the ACS scope, reused until two minutes before it expires.
  async token() {
    if (!this.credential) return undefined;
    const c = this.cached;
    if (c && c.expiresOnTimestamp - 120_000 > Date.now()) return c.token;
    let t;
    try {
      t = await this.credential.getToken([SCOPE]);
    } catch (e) {
      throw fail("AuthenticationError", "Unauthorized", "unauthorized: credential.getToken rejected", { cause: e });
    }
    if (!t || typeof t.token !== "string") throw fail("AuthenticationError", "Unauthorized", "unauthorized: credential.getToken returned no token");
    this.cached = t;
    return t.token;
  }

  // Sends until a final response: every attempt signed afresh, the same repeatability pair on
  // every retry, waits as the engine's retry policy says, abort honoured at every step.
  async send(method, pathAndQuery, body, repeatable, signal) {
    const headers = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (repeatable) {
      const [id, firstSent] = this.engine.repeatability(Date.now());
      headers["repeatability-request-id"] = id;
      headers["repeatability-first-sent"] = firstSent;
    }
    // `made`: attempts sent so far, counted from 1 as the core's send machine counts them.
    for (let made = 1; ; made++) {
      if (signal && signal.aborted) throw aborted();
      const [url, date, hash, authorization] = this.engine.sign(method, pathAndQuery, body ?? "", Date.now(), await this.token(), false);
      headers["x-ms-date"] = date;
      if (hash) headers["x-ms-content-sha256"] = hash;
      headers.authorization = authorization;
      let r;
      let delay;
      try {
        r = await send(url, { method, headers, body, signal });
      } catch (e) {
        if (signal && signal.aborted) throw aborted();
        delay = this.engine.delay(made, 0, "", Date.now());
        if (delay < 0) throw sendFailed(e);
      }
      if (r) {
        if (r.ok) return r;
        delay = this.engine.delay(made, r.status, headerText(r.headers), Date.now());
        if (delay < 0) throw await serviceError(r);
        await r.arrayBuffer().catch(() => {});
      }
      await sleep(delay, signal);
    }
  }

  // One operation: `path` without the api-version; `decode` maps the JSON answer (none: undefined).
  async run(method, path, body, { repeatable = false, decode, options } = {}) {
    const signal = options && options.abortSignal;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const r = await this.send(method, `${path}?api-version=${encodeURIComponent(this.api)}`, text, repeatable, signal);
    const answer = await r.text();
    return decode ? decode(answer, signal) : undefined;
  }

  // listParticipants: every page. Which links may be followed is the engine's (the core's)
  // rule: only on the client's own endpoint and base path, since the signature or token must
  // never go elsewhere; a link elsewhere throws InvalidInputError naming nextLink.
  async pages(first, signal) {
    const values = [];
    for (let text = first; ; ) {
      const page = JSON.parse(this.engine.page(text, this.api));
      values.push(...page.values);
      if (page.next === undefined) return { values };
      text = await (await this.send("GET", page.next, undefined, false, signal)).text();
    }
  }
}

const isCredential = (c) => !!c && (typeof c.key === "string" || typeof c.getToken === "function");
const connectionResult = (core, operationId, ctx) => (text) => {
  const p = properties(text);
  return core.waitable({ callConnectionProperties: p, callConnection: new CallConnection(core, p.callConnectionId) }, operationId, p.callConnectionId, ctx);
};

export class CallAutomationClient {
  #core;
  #source;
  constructor(connectionStringOrUrl, credentialOrOptions, maybeOptions = {}) {
    const credential = isCredential(credentialOrOptions) ? credentialOrOptions : undefined;
    const options = (credential ? maybeOptions : credentialOrOptions) || {};
    const key = credential && typeof credential.key === "string" ? credential.key : undefined;
    const engine = new Engine(str(connectionStringOrUrl, credential ? "endpoint" : "connectionString"), key, !!credential && key === undefined);
    const retry = options.retryOptions || {};
    engine.retry(retry.maxRetries, retry.retryDelayInMs, retry.maxRetryDelayInMs);
    const { apiVersion, sourceIdentity } = options;
    this.#source = sourceIdentity;
    const id = sourceIdentity && sourceIdentity.communicationUserId;
    const source = typeof id === "string" && id ? { id } : undefined;
    this.#core = new Core(engine, typeof apiVersion === "string" ? apiVersion : API_VERSION, source, key === undefined ? credential : undefined, opts(options.eventProcessorOptions, "options.eventProcessorOptions"));
  }
  /** The client's one event processor: feed it the callback's events (processEvents). */
  getEventProcessor() {
    return this.#core.processor;
  }
  getCallConnection(callConnectionId) {
    return new CallConnection(this.#core, callConnectionId);
  }
  getCallRecording() {
    return new CallRecording(this.#core);
  }
  getSourceIdentity() {
    const id = this.#source && this.#source.communicationUserId;
    return id ? { communicationUserId: id } : undefined;
  }
  #connect(path, body, options, operationId) {
    const decode = connectionResult(this.#core, operationId, body.operationContext);
    return this.#core.run("POST", path, body, { repeatable: true, decode, options });
  }
  #create(targets, invite, callbackUrl, o) {
    const app = get(o, "teamsAppSource") && o.teamsAppSource.teamsAppId;
    return this.#connect("/calling/callConnections", {
      source: this.#core.source,
      targets,
      callbackUri: str(callbackUrl, "callbackUrl"),
      operationContext: get(o, "operationContext"),
      ...streaming(o),
      sourceCallerIdNumber: phoneModel(get(invite, "sourceCallIdNumber"), "sourceCallIdNumber"),
      sourceDisplayName: get(invite, "sourceDisplayName"),
      teamsAppSource: typeof app === "string" && app ? { appId: app } : undefined,
    }, o, "CreateCall");
  }
  async createCall(targetParticipant, callbackUrl, options = {}) {
    const o = opts(options);
    const invite = obj(targetParticipant, "targetParticipant");
    return this.#create([model(invite.targetParticipant, "targetParticipant.targetParticipant")], invite, callbackUrl, o);
  }
  async createGroupCall(targetParticipants, callbackUrl, options = {}) {
    const o = opts(options);
    return this.#create(models(targetParticipants, "targetParticipants"), o, callbackUrl, o);
  }
  async answerCall(incomingCallContext, callbackUrl, options = {}) {
    const o = opts(options);
    return this.#connect("/calling/callConnections:answer", {
      incomingCallContext: str(incomingCallContext, "incomingCallContext"),
      ...streaming(o),
      operationContext: get(o, "operationContext"),
      callbackUri: str(callbackUrl, "callbackUrl"),
      answeredBy: this.#core.source,
    }, o, "AnswerCall");
  }
  async redirectCall(incomingCallContext, targetParticipant, options = {}) {
    const body = {
      incomingCallContext: str(incomingCallContext, "incomingCallContext"),
      target: model(obj(targetParticipant, "targetParticipant").targetParticipant, "targetParticipant.targetParticipant"),
    };
    await this.#core.run("POST", "/calling/callConnections:redirect", body, { repeatable: true, options });
  }
  async rejectCall(incomingCallContext, options = {}) {
    const o = opts(options);
    const body = { incomingCallContext: str(incomingCallContext, "incomingCallContext"), callRejectReason: get(o, "callRejectReason") };
    await this.#core.run("POST", "/calling/callConnections:reject", body, { repeatable: true, options: o });
  }
  async connectCall(callLocator, callbackUrl, options = {}) {
    const o = opts(options);
    return this.#connect("/calling/callConnections:connect", {
      callLocator: locator(callLocator, "callLocator"),
      callbackUri: str(callbackUrl, "callbackUrl"),
      operationContext: get(o, "operationContext"),
      ...streaming(o),
    }, o, "Connect");
  }
}

// `/calling/callConnections/{id}{suffix}`
const connectionPath = (id, suffix = "") => `/calling/callConnections/${seg(nonEmpty(id, "callConnectionId"))}${suffix}`;

export class CallConnection {
  #core;
  #id;
  constructor(core, callConnectionId) {
    this.#core = core;
    this.#id = callConnectionId;
  }
  #post(suffix, body, o, decode = asIs, operationId = undefined) {
    const run = this.#core.run("POST", connectionPath(this.#id, suffix), body, { repeatable: true, decode, options: o });
    if (!operationId) return run;
    return run.then((r) => this.#core.waitable(r, operationId, this.#id, body.operationContext ?? (r && r.operationContext)));
  }
  getCallMedia() {
    return new CallMedia(this.#core, this.#id);
  }
  async getCallConnectionProperties(options = {}) {
    return this.#core.run("GET", connectionPath(this.#id), undefined, { decode: properties, options });
  }
  async hangUp(isForEveryone, options = {}) {
    if (typeof isForEveryone !== "boolean") throw invalid("isForEveryone", "must be a boolean");
    if (isForEveryone) await this.#core.run("POST", connectionPath(this.#id, ":terminate"), undefined, { repeatable: true, options });
    else await this.#core.run("DELETE", connectionPath(this.#id), undefined, { options });
  }
  async getParticipant(targetParticipant, options = {}) {
    const raw = model(targetParticipant, "targetParticipant", false).rawId;
    return this.#core.run("GET", connectionPath(this.#id, `/participants/${seg(raw)}`), undefined, { decode: shaped(PARTICIPANT), options });
  }
  async listParticipants(options = {}) {
    return this.#core.run("GET", connectionPath(this.#id, "/participants"), undefined, { decode: (v, signal) => this.#core.pages(v, signal), options });
  }
  async addParticipant(targetParticipant, options = {}) {
    const o = opts(options);
    const invite = obj(targetParticipant, "targetParticipant");
    const body = {
      participantToAdd: model(invite.targetParticipant, "targetParticipant.targetParticipant"),
      sourceCallerIdNumber: phoneModel(get(invite, "sourceCallIdNumber"), "sourceCallIdNumber"),
      sourceDisplayName: get(invite, "sourceDisplayName"),
      invitationTimeoutInSeconds: get(o, "invitationTimeoutInSeconds"),
      operationContext: get(o, "operationContext"),
      operationCallbackUri: callback(o),
      customCallingContext: customContext(invite.customCallingContext, "targetParticipant.customCallingContext"),
    };
    return this.#post("/participants:add", body, o, shaped(ADD_RESULT), "CallConnection_AddParticipant");
  }
  async transferCallToParticipant(targetParticipant, options = {}) {
    const o = opts(options);
    const body = {
      targetParticipant: model(targetParticipant, "targetParticipant"),
      operationContext: context(o),
      operationCallbackUri: callback(o),
      transferee: o.transferee ? model(o.transferee, "options.transferee") : undefined,
      customCallingContext: customContext(o.customCallingContext, "options.customCallingContext"),
      sourceCallerIdNumber: phoneModel(get(o, "sourceCallIdNumber"), "options.sourceCallIdNumber"),
    };
    return this.#post(":transferToParticipant", body, o, asIs, "CallConnection_TransferToParticipant");
  }
  async removeParticipant(participant, options = {}) {
    const o = opts(options);
    const body = { participantToRemove: model(participant, "participant"), operationContext: context(o), operationCallbackUri: callback(o) };
    return this.#post("/participants:remove", body, o, asIs, "CallConnection_RemoveParticipant");
  }
  async muteParticipant(participant, options = {}) {
    const o = opts(options);
    return this.#post("/participants:mute", { targetParticipants: [model(participant, "participant")], operationContext: get(o, "operationContext") }, o);
  }
  async cancelAddParticipantOperation(invitationId, options = {}) {
    const o = opts(options);
    const body = { invitationId: str(invitationId, "invitationId"), operationContext: context(o), operationCallbackUri: callback(o) };
    return this.#post("/participants:cancelAddParticipant", body, o, asIs, "CallConnection_CancelAddParticipant");
  }
  async moveParticipants(targetParticipants, fromCall, options = {}) {
    const o = opts(options);
    const body = { targetParticipants: models(targetParticipants, "targetParticipants"), fromCall: str(fromCall, "fromCall"), operationContext: context(o), operationCallbackUri: callback(o) };
    return this.#post("/participants:moveHere", body, o, (text) => ({ ...JSON.parse(response(MOVE_RESULT, text)), fromCall }));
  }
}

export class CallMedia {
  #core;
  #id;
  constructor(core, callConnectionId) {
    this.#core = core;
    this.#id = callConnectionId;
  }
  // Media actions carry no Repeatability headers (as the official package), except sendDtmfTones.
  async #post(action, body, o, repeatable = false, decode = undefined) {
    return this.#core.run("POST", connectionPath(this.#id, action), body, { repeatable, decode, options: o });
  }
  // The result of an operation the core's table settles by events: gains waitForEventProcessor.
  async #settled(operationId, action, body, o, repeatable = false, decode = undefined) {
    const r = await this.#post(action, body, o, repeatable, decode);
    return this.#core.waitable(r, operationId, this.#id, (body && body.operationContext) ?? (r && r.operationContext));
  }
  #target(action, targetParticipant, options, withCallback) {
    const o = opts(options);
    const body = { targetParticipant: model(targetParticipant, "targetParticipant", false), operationContext: get(o, "operationContext") };
    if (withCallback) body.operationCallbackUri = callback(o);
    return this.#post(action, body, o);
  }
  #contextOnly(action, options) {
    const o = opts(options);
    return this.#post(action, { operationContext: get(o, "operationContext"), operationCallbackUri: callback(o) }, o);
  }
  #play(sources, playTo, o, toAll) {
    const loop = get(o, "loop");
    if (loop !== undefined && typeof loop !== "boolean") throw invalid("options.loop", "must be a boolean");
    return this.#settled("CallMedia_Play", ":play", {
      playSources: playSources(sources, "playSources"),
      playTo,
      playOptions: { loop: !!loop },
      operationContext: toAll ? context(o) : get(o, "operationContext"),
      operationCallbackUri: callback(o),
      interruptCallMediaOperation: toAll ? get(o, "interruptCallMediaOperation") : undefined,
    }, o);
  }
  async play(sources, playTo, options = {}) {
    const o = opts(options);
    return this.#play(sources, models(playTo, "playTo", false), o, false);
  }
  async playToAll(sources, options = {}) {
    return this.#play(sources, [], opts(options), true);
  }
  async startRecognizing(targetParticipant, maxTonesOrOptions, options) {
    const target = model(targetParticipant, "targetParticipant", false);
    let o;
    if (typeof maxTonesOrOptions === "number" && isObj(options)) {
      // Deprecated (target, maxTones, options): no generated operationContext.
      o = { ...options, maxTonesToCollect: maxTonesOrOptions };
    } else if (isObj(maxTonesOrOptions) && options == null) {
      o = { ...maxTonesOrOptions, operationContext: context(maxTonesOrOptions) };
    } else {
      throw invalid("options", "Invalid params: expected (target, options) or (target, maxTones, options)");
    }
    return this.#settled("CallMedia_Recognize", ":recognize", recognizeBody(o, target), o);
  }
  async cancelAllOperations(options = {}) {
    await this.#post(":cancelAllMediaOperations", undefined, options);
    const core = this.#core;
    const id = this.#id;
    return withWait(undefined, () => core.processor, (p, signal, ms) => p.settleCancel(id, signal, ms), (r) => r);
  }
  async startContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#target(":startContinuousDtmfRecognition", targetParticipant, options, false);
  }
  async stopContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#target(":stopContinuousDtmfRecognition", targetParticipant, options, true);
  }
  async sendDtmfTones(tones, targetParticipant, options = {}) {
    if (!Array.isArray(tones)) throw invalid("tones", "must be an array of DTMF tones");
    const o = opts(options);
    const body = { tones, targetParticipant: model(targetParticipant, "targetParticipant", false), operationContext: get(o, "operationContext"), operationCallbackUri: callback(o) };
    return this.#settled("CallMedia_SendDtmfTones", ":sendDtmfTones", body, o, true, asIs);
  }
  async hold(targetParticipant, options = {}) {
    const o = opts(options);
    const music = get(o, "playSource");
    return this.#settled("CallMedia_Hold", ":hold", {
      targetParticipant: model(targetParticipant, "targetParticipant", false),
      playSourceInfo: music === undefined ? undefined : playSource(music, "options.playSource"),
      operationContext: get(o, "operationContext"),
      operationCallbackUri: callback(o),
    }, o);
  }
  async unhold(targetParticipant, options = {}) {
    await this.#target(":unhold", targetParticipant, options, true);
  }
  async startTranscription(options = {}) {
    const o = opts(options);
    const body = { locale: get(o, "locale"), operationContext: get(o, "operationContext"), speechModelEndpointId: get(o, "speechRecognitionModelEndpointId"), operationCallbackUri: callback(o) };
    await this.#post(":startTranscription", body, o);
  }
  async updateTranscription(locale, options = {}) {
    const o = opts(options);
    const body = { locale: str(locale, "locale"), speechModelEndpointId: get(o, "speechRecognitionModelEndpointId"), operationContext: get(o, "operationContext"), operationCallbackUri: callback(o) };
    await this.#post(":updateTranscription", body, o);
  }
  async stopTranscription(options = {}) {
    await this.#contextOnly(":stopTranscription", options);
  }
  async startMediaStreaming(options = {}) {
    await this.#contextOnly(":startMediaStreaming", options);
  }
  async stopMediaStreaming(options = {}) {
    await this.#contextOnly(":stopMediaStreaming", options);
  }
}

const recordingPath = (id, suffix = "") => `/calling/recordings/${seg(nonEmpty(id, "recordingId"))}${suffix}`;

export class CallRecording {
  #core;
  constructor(core) {
    this.#core = core;
  }
  async start(options) {
    const o = obj(options, "options");
    const body = {
      callLocator: o.callLocator ? locator(o.callLocator, "options.callLocator") : undefined,
      recordingChannelType: get(o, "recordingChannel"),
      recordingContentType: get(o, "recordingContent"),
      recordingFormatType: get(o, "recordingFormat"),
      recordingStateCallbackUri: get(o, "recordingStateCallbackEndpointUrl"),
      pauseOnStart: get(o, "pauseOnStart"),
      externalStorage: get(o, "recordingStorage"),
      callConnectionId: o.callConnectionId || undefined,
    };
    if (Array.isArray(o.channelAffinity)) {
      body.channelAffinity = o.channelAffinity.map((a, i) => {
        const f = `options.channelAffinity[${i}]`;
        obj(a, f);
        return { participant: model(a.targetParticipant, `${f}.targetParticipant`), channel: get(a, "channel") };
      });
    }
    if (get(o, "audioChannelParticipantOrdering") !== undefined) {
      body.audioChannelParticipantOrdering = models(o.audioChannelParticipantOrdering, "options.audioChannelParticipantOrdering");
    }
    return this.#core.run("POST", "/calling/recordings", body, { repeatable: true, decode: recordingState, options: o });
  }
  async getState(recordingId, options = {}) {
    return this.#core.run("GET", recordingPath(recordingId), undefined, { decode: recordingState, options });
  }
  async stop(recordingId, options = {}) {
    await this.#core.run("DELETE", recordingPath(recordingId), undefined, { options });
  }
  async pause(recordingId, options = {}) {
    await this.#core.run("POST", recordingPath(recordingId, ":pause"), undefined, { options });
  }
  async resume(recordingId, options = {}) {
    await this.#core.run("POST", recordingPath(recordingId, ":resume"), undefined, { options });
  }
  // Recording content lives on a recording host: the engine checks the URL and range; the
  // signature covers the endpoint's host (sent as x-ms-host) and the URL's path.
  async #fetch(method, url, options = {}) {
    const core = this.#core;
    const field = method === "DELETE" ? "deleteLocationUrl" : "sourceLocationUrl";
    const [path, range] = core.engine.recording(method === "DELETE", str(url, field), options.offset, options.length);
    const [, date, hash, authorization] = core.engine.sign(method, path, "", Date.now(), await core.token(), true);
    const headers = { "x-ms-host": core.engine.host, accept: "application/json", "x-ms-date": date, authorization };
    if (hash) headers["x-ms-content-sha256"] = hash;
    if (range) headers.range = range;
    let response;
    try {
      response = await fetch(url, { method, headers, signal: options.abortSignal });
    } catch (e) {
      if (options.abortSignal && options.abortSignal.aborted) throw aborted();
      throw sendFailed(e);
    }
    if (!response.ok) throw await serviceError(response);
    return response;
  }
  async delete(recordingLocationUrl, options = {}) {
    const r = await this.#fetch("DELETE", recordingLocationUrl, options);
    await r.arrayBuffer();
  }
  /** A web ReadableStream of the recording (Node users: `Readable.fromWeb(stream)`). */
  async downloadStreaming(sourceLocationUrl, options = {}) {
    const r = await this.#fetch("GET", sourceLocationUrl, options);
    return r.body;
  }
  /** The recording (or the requested range) as bytes. */
  async downloadToBuffer(sourceLocationUrl, options = {}) {
    const r = await this.#fetch("GET", sourceLocationUrl, options);
    return new Uint8Array(await r.arrayBuffer());
  }
  /** Writes to a web WritableStream or a Node Writable. */
  async downloadToStream(sourceLocationUrl, destinationStream, options = {}) {
    const body = await this.downloadStreaming(sourceLocationUrl, options);
    if (typeof destinationStream.getWriter === "function") return body.pipeTo(destinationStream);
    for await (const chunk of body) {
      if (!destinationStream.write(chunk)) {
        await new Promise((resolve) => destinationStream.once("drain", resolve));
      }
    }
    await new Promise((resolve, reject) => {
      destinationStream.once("error", reject);
      destinationStream.end(resolve);
    });
  }
  /** Node only: saves the recording to a file. */
  async downloadToPath(sourceLocationUrl, destinationPath, options = {}) {
    const fsName = "node:fs";
    const fs = await import(/* @vite-ignore */ fsName);
    await this.downloadToStream(sourceLocationUrl, fs.createWriteStream(destinationPath), options);
  }
}
