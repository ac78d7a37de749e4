// The official class/method shape over the wasm engine (src/js/mod.rs `Client`).
// Arguments cross as JSON text; the engine checks them, builds, signs, sends and retries
// the request and decodes the answer. This file only routes calls and adds JS objects
// (CallConnection in results, ReadableStream downloads).
import { Client } from "./engine.js";

const isCredential = (c) =>
  !!c && (typeof c.key === "string" || typeof c.getToken === "function");

function run(engine, op, args, options) {
  const signal = options && options.abortSignal;
  return engine
    .call(op, JSON.stringify(args), signal)
    .then((text) => (text === undefined ? undefined : JSON.parse(text)));
}

function withConnection(engine, result) {
  const id = result.callConnectionId;
  return { callConnectionProperties: result, callConnection: new CallConnection(engine, id) };
}

export class CallAutomationClient {
  #engine;
  #source;
  constructor(connectionStringOrUrl, credentialOrOptions, maybeOptions = {}) {
    const credential = isCredential(credentialOrOptions) ? credentialOrOptions : undefined;
    const options = (credential ? maybeOptions : credentialOrOptions) || {};
    const { apiVersion, sourceIdentity, retryOptions } = options;
    this.#engine = new Client(
      connectionStringOrUrl,
      credential,
      JSON.stringify({ apiVersion, sourceIdentity, retryOptions }),
    );
    this.#source = sourceIdentity;
  }
  getCallConnection(callConnectionId) {
    return new CallConnection(this.#engine, callConnectionId);
  }
  getCallRecording() {
    return new CallRecording(this.#engine);
  }
  getSourceIdentity() {
    const id = this.#source && this.#source.communicationUserId;
    return id ? { communicationUserId: id } : undefined;
  }
  async createCall(targetParticipant, callbackUrl, options = {}) {
    const r = await run(this.#engine, "createCall", [targetParticipant, callbackUrl, options], options);
    return withConnection(this.#engine, r);
  }
  async createGroupCall(targetParticipants, callbackUrl, options = {}) {
    const r = await run(this.#engine, "createGroupCall", [targetParticipants, callbackUrl, options], options);
    return withConnection(this.#engine, r);
  }
  async answerCall(incomingCallContext, callbackUrl, options = {}) {
    const r = await run(this.#engine, "answerCall", [incomingCallContext, callbackUrl, options], options);
    return withConnection(this.#engine, r);
  }
  async redirectCall(incomingCallContext, targetParticipant, options = {}) {
    await run(this.#engine, "redirectCall", [incomingCallContext, targetParticipant, options], options);
  }
  async rejectCall(incomingCallContext, options = {}) {
    await run(this.#engine, "rejectCall", [incomingCallContext, options], options);
  }
  async connectCall(callLocator, callbackUrl, options = {}) {
    const r = await run(this.#engine, "connectCall", [callLocator, callbackUrl, options], options);
    return withConnection(this.#engine, r);
  }
}

export class CallConnection {
  #engine;
  #id;
  constructor(engine, callConnectionId) {
    this.#engine = engine;
    this.#id = callConnectionId;
  }
  #run(method, args, options) {
    return run(this.#engine, "conn." + method, [this.#id, ...args], options);
  }
  getCallMedia() {
    return new CallMedia(this.#engine, this.#id);
  }
  getCallConnectionProperties(options = {}) {
    return this.#run("getCallConnectionProperties", [], options);
  }
  async hangUp(isForEveryone, options = {}) {
    await this.#run("hangUp", [isForEveryone, options], options);
  }
  getParticipant(targetParticipant, options = {}) {
    return this.#run("getParticipant", [targetParticipant, options], options);
  }
  listParticipants(options = {}) {
    return this.#run("listParticipants", [options], options);
  }
  addParticipant(targetParticipant, options = {}) {
    return this.#run("addParticipant", [targetParticipant, options], options);
  }
  transferCallToParticipant(targetParticipant, options = {}) {
    return this.#run("transferCallToParticipant", [targetParticipant, options], options);
  }
  removeParticipant(participant, options = {}) {
    return this.#run("removeParticipant", [participant, options], options);
  }
  muteParticipant(participant, options = {}) {
    return this.#run("muteParticipant", [participant, options], options);
  }
  cancelAddParticipantOperation(invitationId, options = {}) {
    return this.#run("cancelAddParticipantOperation", [invitationId, options], options);
  }
  moveParticipants(targetParticipants, fromCall, options = {}) {
    return this.#run("moveParticipants", [targetParticipants, fromCall, options], options);
  }
}

export class CallMedia {
  #engine;
  #id;
  constructor(engine, callConnectionId) {
    this.#engine = engine;
    this.#id = callConnectionId;
  }
  async #run(method, args, options) {
    return run(this.#engine, "media." + method, [this.#id, ...args], options);
  }
  async play(playSources, playTo, options = {}) {
    await this.#run("play", [playSources, playTo, options], options);
  }
  async playToAll(playSources, options = {}) {
    await this.#run("playToAll", [playSources, options], options);
  }
  async startRecognizing(targetParticipant, maxTonesOrOptions, options) {
    const opts = typeof maxTonesOrOptions === "number" ? options : maxTonesOrOptions;
    await this.#run("startRecognizing", [targetParticipant, maxTonesOrOptions, options], opts);
  }
  async cancelAllOperations(options = {}) {
    await this.#run("cancelAllOperations", [], options);
  }
  async startContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#run("startContinuousDtmfRecognition", [targetParticipant, options], options);
  }
  async stopContinuousDtmfRecognition(targetParticipant, options = {}) {
    await this.#run("stopContinuousDtmfRecognition", [targetParticipant, options], options);
  }
  sendDtmfTones(tones, targetParticipant, options = {}) {
    return this.#run("sendDtmfTones", [tones, targetParticipant, options], options);
  }
  async hold(targetParticipant, options = {}) {
    await this.#run("hold", [targetParticipant, options], options);
  }
  async unhold(targetParticipant, options = {}) {
    await this.#run("unhold", [targetParticipant, options], options);
  }
  async startTranscription(options = {}) {
    await this.#run("startTranscription", [options], options);
  }
  async stopTranscription(options = {}) {
    await this.#run("stopTranscription", [options], options);
  }
  async updateTranscription(locale, options = {}) {
    await this.#run("updateTranscription", [locale, options], options);
  }
  async startMediaStreaming(options = {}) {
    await this.#run("startMediaStreaming", [options], options);
  }
  async stopMediaStreaming(options = {}) {
    await this.#run("stopMediaStreaming", [options], options);
  }
}

async function restError(response) {
  const text = await response.text().catch(() => "");
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const inner = (body && body.error) || body || {};
  const err = new Error(inner.message || `HTTP ${response.status}`);
  err.name = "RestError";
  err.statusCode = response.status;
  err.code = inner.code || "ServiceError";
  const requestId = response.headers.get("x-ms-request-id");
  if (requestId) err.requestId = requestId;
  return err;
}

export class CallRecording {
  #engine;
  constructor(engine) {
    this.#engine = engine;
  }
  #run(method, args, options) {
    return run(this.#engine, "rec." + method, args, options);
  }
  start(options) {
    return this.#run("start", [options], options);
  }
  getState(recordingId, options = {}) {
    return this.#run("getState", [recordingId], options);
  }
  async stop(recordingId, options = {}) {
    await this.#run("stop", [recordingId], options);
  }
  async pause(recordingId, options = {}) {
    await this.#run("pause", [recordingId], options);
  }
  async resume(recordingId, options = {}) {
    await this.#run("resume", [recordingId], options);
  }
  async #fetch(method, url, options = {}) {
    const req = await this.#engine.recording_request(method, url, options.offset, options.length);
    const response = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      signal: options.abortSignal,
    });
    if (!response.ok) throw await restError(response);
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
