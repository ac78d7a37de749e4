// The official class/method shape over the wasm engine (crates/npm/src/lib.rs).
//
// The engine owns every wire rule: it builds each request from the method's arguments (option
// bags and identifiers → the official body, the core's input rules and operation table:
// crates/npm/src/requests.rs), signs every attempt, decides retries, decodes responses, service
// errors, events and streaming frames. This file is the shell: the official classes and
// signatures, async, the transport (fetch / node:http), AbortSignal, timers, token credentials
// and the JSON codec. The oracle suite (tests/js/package) sends every method through both
// packages and compares the wire.
import { Engine, response, serviceError as serviceErrorOf } from "./engine.js";
import { send } from "./transport.mjs";
import { CallAutomationEventProcessor, withWait, eventResult, fail, invalid, aborted } from "./processor.mjs";
export { CallAutomationEventProcessor };

const SCOPE = "https://communication.azure.com//.default";

// ---- errors: the shapes crates/npm/src/error.rs documents (fail, invalid, aborted: processor.mjs) ----
// No response at all (refused, reset, DNS): the transport's own error is kept as `cause`.
const sendFailed = (e) => fail("RestError", "REQUEST_SEND_ERROR", `transport failed: ${(e && e.message) || "fetch failed"}`, { cause: e });

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

// Headers the engine gives as [first, name, value, name, value, …] (`from` 1) or [name, value,
// …] (`from` 0): set on `headers`; returns the list's first item.
function setPairs(headers, list, from) {
  for (let i = from; i < list.length; i += 2) headers[list[i]] = list[i + 1];
  return list[0];
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
  constructor(engine, credential, processorOptions) {
    this.processor = new CallAutomationEventProcessor(processorOptions);
    this.engine = engine;
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
    const headers = {};
    if (repeatable) setPairs(headers, this.engine.repeatability(Date.now()), 0);
    // `made`: attempts sent so far, counted from 1 as the core's send machine counts them.
    for (let made = 1; ; made++) {
      if (signal && signal.aborted) throw aborted();
      const signed = this.engine.sign(method, pathAndQuery, body ?? "", Date.now(), await this.token(), false);
      const url = setPairs(headers, signed, 1);
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

  // One method call: the engine builds the request from `args` (JSON, ids first for the
  // connection, media and recording classes); `decode` maps the answer's text. A result whose
  // operation the core's table settles by events gains waitForEventProcessor, on `callId` (or
  // the answer's callConnectionId) with the context sent (or the answer's).
  async call(method, args, options, decode, callId) {
    const [verb, path, repeatable, waitOn, ctx, body] = JSON.parse(this.engine.request(method, JSON.stringify(args)));
    const signal = options && typeof options === "object" ? options.abortSignal : undefined;
    const r = await this.send(verb, path, body ?? undefined, repeatable, signal);
    const text = await r.text();
    const result = decode ? decode(text, signal) : undefined;
    if (!waitOn) return result;
    const id = callId ?? (result && result.callConnectionProperties ? result.callConnectionProperties.callConnectionId : undefined);
    return this.waitable(result, waitOn, id, ctx ?? (result && result.operationContext));
  }

  // listParticipants: every page. Which links may be followed is the engine's (the core's)
  // rule: only on the client's own endpoint and base path, since the signature or token must
  // never go elsewhere; a link elsewhere throws InvalidInputError naming nextLink.
  async pages(first, signal) {
    const values = [];
    for (let text = first; ; ) {
      const page = JSON.parse(this.engine.page(text));
      values.push(...page.values);
      if (page.next === undefined) return { values };
      text = await (await this.send("GET", page.next, undefined, false, signal)).text();
    }
  }
}

const isCredential = (c) => !!c && (typeof c.key === "string" || typeof c.getToken === "function");
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
// The result of create/answer/connect: the properties and the connection object.
const connected = (core) => (text) => {
  const p = properties(text);
  return { callConnectionProperties: p, callConnection: new CallConnection(core, p.callConnectionId) };
};

export class CallAutomationClient {
  #core;
  #source;
  constructor(connectionStringOrUrl, credentialOrOptions, maybeOptions = {}) {
    const credential = isCredential(credentialOrOptions) ? credentialOrOptions : undefined;
    const options = (credential ? maybeOptions : credentialOrOptions) || {};
    const key = credential && typeof credential.key === "string" ? credential.key : undefined;
    const first = credential ? "endpoint" : "connectionString";
    if (typeof connectionStringOrUrl !== "string") throw invalid(first, "must be a string");
    const engine = new Engine(connectionStringOrUrl, key, !!credential && key === undefined);
    const retry = options.retryOptions || {};
    engine.retry(retry.maxRetries, retry.retryDelayInMs, retry.maxRetryDelayInMs);
    const { apiVersion, sourceIdentity } = options;
    this.#source = sourceIdentity;
    const id = sourceIdentity && sourceIdentity.communicationUserId;
    engine.configure(typeof apiVersion === "string" ? apiVersion : undefined, typeof id === "string" ? id : undefined);
    const processorOptions = options.eventProcessorOptions;
    if (processorOptions != null && !isObj(processorOptions)) throw invalid("options.eventProcessorOptions", "must be an object");
    this.#core = new Core(engine, key === undefined ? credential : undefined, processorOptions || {});
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
  async createCall(targetParticipant, callbackUrl, options = {}) {
    return this.#core.call("createCall", [targetParticipant, callbackUrl, options], options, connected(this.#core));
  }
  async createGroupCall(targetParticipants, callbackUrl, options = {}) {
    return this.#core.call("createGroupCall", [targetParticipants, callbackUrl, options], options, connected(this.#core));
  }
  async answerCall(incomingCallContext, callbackUrl, options = {}) {
    return this.#core.call("answerCall", [incomingCallContext, callbackUrl, options], options, connected(this.#core));
  }
  async redirectCall(incomingCallContext, targetParticipant, options = {}) {
    await this.#core.call("redirectCall", [incomingCallContext, targetParticipant, options], options);
  }
  async rejectCall(incomingCallContext, options = {}) {
    await this.#core.call("rejectCall", [incomingCallContext, options], options);
  }
  async connectCall(callLocator, callbackUrl, options = {}) {
    return this.#core.call("connectCall", [callLocator, callbackUrl, options], options, connected(this.#core));
  }
}

export class CallConnection {
  #core;
  #id;
  constructor(core, callConnectionId) {
    this.#core = core;
    this.#id = callConnectionId;
  }
  #call(method, args, options, decode) {
    return this.#core.call(method, [this.#id, ...args], options, decode, this.#id);
  }
  getCallMedia() {
    return new CallMedia(this.#core, this.#id);
  }
  async getCallConnectionProperties(options = {}) {
    return this.#call("getCallConnectionProperties", [], options, properties);
  }
  async hangUp(isForEveryone, options = {}) {
    await this.#call("hangUp", [isForEveryone], options);
  }
  async getParticipant(targetParticipant, options = {}) {
    return this.#call("getParticipant", [targetParticipant], options, shaped(PARTICIPANT));
  }
  async listParticipants(options = {}) {
    return this.#call("listParticipants", [], options, (text, signal) => this.#core.pages(text, signal));
  }
  async addParticipant(targetParticipant, options = {}) {
    return this.#call("addParticipant", [targetParticipant, options], options, shaped(ADD_RESULT));
  }
  async transferCallToParticipant(targetParticipant, options = {}) {
    return this.#call("transferCallToParticipant", [targetParticipant, options], options, asIs);
  }
  async removeParticipant(participant, options = {}) {
    return this.#call("removeParticipant", [participant, options], options, asIs);
  }
  async muteParticipant(participant, options = {}) {
    return this.#call("muteParticipant", [participant, options], options, asIs);
  }
  async cancelAddParticipantOperation(invitationId, options = {}) {
    return this.#call("cancelAddParticipantOperation", [invitationId, options], options, asIs);
  }
  async moveParticipants(targetParticipants, fromCall, options = {}) {
    return this.#call("moveParticipants", [targetParticipants, fromCall, options], options, (text) => ({ ...JSON.parse(response(MOVE_RESULT, text)), fromCall }));
  }
}

export class CallMedia {
  #core;
  #id;
  constructor(core, callConnectionId) {
    this.#core = core;
    this.#id = callConnectionId;
  }
  #call(method, args, options, decode) {
    return this.#core.call(method, [this.#id, ...args], options, decode, this.#id);
  }
  async play(sources, playTo, options = {}) {
    return this.#call("play", [sources, playTo, options], options);
  }
  async playToAll(sources, options = {}) {
    return this.#call("playToAll", [sources, options], options);
  }
  async startRecognizing(targetParticipant, maxTonesOrOptions, options) {
    const bag = typeof maxTonesOrOptions === "number" ? options : maxTonesOrOptions;
    return this.#call("startRecognizing", [targetParticipant, maxTonesOrOptions, options], bag);
  }
  async cancelAllOperations(options = {}) {
    await this.#call("cancelAllOperations", [], options);
    const core = this.#core;
    const id = this.#id;
    return withWait(undefined, () => core.processor, (p, signal, ms) => p.settleCancel(id, signal, ms), (r) => r);
  }
  async startContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#call("startContinuousDtmfRecognition", [targetParticipant, options], options);
  }
  async stopContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#call("stopContinuousDtmfRecognition", [targetParticipant, options], options);
  }
  async sendDtmfTones(tones, targetParticipant, options = {}) {
    return this.#call("sendDtmfTones", [tones, targetParticipant, options], options, asIs);
  }
  async hold(targetParticipant, options = {}) {
    return this.#call("hold", [targetParticipant, options], options);
  }
  async unhold(targetParticipant, options = {}) {
    await this.#call("unhold", [targetParticipant, options], options);
  }
  async startTranscription(options = {}) {
    await this.#call("startTranscription", [options], options);
  }
  async updateTranscription(locale, options = {}) {
    await this.#call("updateTranscription", [locale, options], options);
  }
  async stopTranscription(options = {}) {
    await this.#call("stopTranscription", [options], options);
  }
  async startMediaStreaming(options = {}) {
    await this.#call("startMediaStreaming", [options], options);
  }
  async stopMediaStreaming(options = {}) {
    await this.#call("stopMediaStreaming", [options], options);
  }
}

export class CallRecording {
  #core;
  constructor(core) {
    this.#core = core;
  }
  async start(options) {
    return this.#core.call("startRecording", [options], options, recordingState);
  }
  async getState(recordingId, options = {}) {
    return this.#core.call("getRecordingState", [recordingId], options, recordingState);
  }
  async stop(recordingId, options = {}) {
    await this.#core.call("stopRecording", [recordingId], options);
  }
  async pause(recordingId, options = {}) {
    await this.#core.call("pauseRecording", [recordingId], options);
  }
  async resume(recordingId, options = {}) {
    await this.#core.call("resumeRecording", [recordingId], options);
  }
  // Recording content lives on a recording host: the engine checks the URL and range; the
  // signature covers the endpoint's host (sent as x-ms-host) and the URL's path.
  async #fetch(method, url, options = {}) {
    const core = this.#core;
    const field = method === "DELETE" ? "deleteLocationUrl" : "sourceLocationUrl";
    if (typeof url !== "string") throw invalid(field, "must be a string");
    const headers = {};
    const path = setPairs(headers, core.engine.recording(method === "DELETE", url, options.offset, options.length), 1);
    setPairs(headers, core.engine.sign(method, path, "", Date.now(), await core.token(), true), 1);
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
