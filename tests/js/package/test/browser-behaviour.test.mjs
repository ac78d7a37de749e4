// In headless Chromium: downloads (bytes, ranges, web streams), cancellation, error shape and
// events, with callsteer loaded as plain ESM + wasm.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openHarness } from "../lib/browser.mjs";
import { verifyAuth } from "../lib/server.mjs";

let h;
before(async () => {
  h = await openHarness();
});
after(() => h && h.close());

test("recording download in the browser: bytes, range and ReadableStream", async () => {
  h.server.take();
  const out = await h.page.evaluate(async ({ cs, origin }) => {
    const client = new window.harness.ours.CallAutomationClient(cs);
    const rec = client.getCallRecording();
    const url = `${origin}/recordings/r9`;
    const all = await rec.downloadToBuffer(url);
    const part = await rec.downloadToBuffer(url, { offset: 3, length: 2 });
    const stream = await rec.downloadStreaming(url, { offset: 254 });
    const chunks = [];
    for (const reader = stream.getReader(); ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(...value);
    }
    return { all: all.length, part: [...part], tail: chunks, isStream: stream instanceof ReadableStream };
  }, { cs: h.server.connectionString, origin: h.server.origin });
  assert.deepEqual(out, { all: 256, part: [3, 4], tail: [254, 255], isStream: true });
  const sent = h.server.take();
  assert.equal(sent.length, 3);
  assert.ok(sent.every((s) => verifyAuth(s.method, "/recordings/r9", s.headers, s.body)));
});

test("errors in the browser are Error instances with name, statusCode, code", async () => {
  h.server.script([404, { "x-ms-request-id": "rid-7" }, { error: { code: "CallNotFound", message: "gone" } }]);
  const e = await h.page.evaluate(async (cs) => {
    const client = new window.harness.ours.CallAutomationClient(cs);
    try {
      await client.getCallConnection("x").getCallConnectionProperties();
      return null;
    } catch (err) {
      return { isError: err instanceof Error, name: err.name, statusCode: err.statusCode, code: err.code, requestId: err.requestId };
    }
  }, h.server.connectionString);
  assert.deepEqual(e, { isError: true, name: "RestError", statusCode: 404, code: "CallNotFound", requestId: "rid-7" });
  h.server.take();
});

test("abortSignal cancels a call in the browser", async () => {
  h.server.script([503, { "retry-after": "30" }]);
  const name = await h.page.evaluate(async (cs) => {
    const client = new window.harness.ours.CallAutomationClient(cs);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    try {
      await client.getCallConnection("x").hangUp(true, { abortSignal: ac.signal });
      return "resolved";
    } catch (err) {
      return err.name;
    }
  }, h.server.connectionString);
  assert.equal(name, "AbortError");
  assert.equal(h.server.take().length, 1);
});

test("parseCallAutomationEvents in the browser", async () => {
  const kinds = await h.page.evaluate(() =>
    window.harness.ours
      .parseCallAutomationEvents(JSON.stringify([{ type: "Microsoft.Communication.PlayCompleted", data: {} }, { type: "X", data: {} }]))
      .map((e) => e.kind),
  );
  assert.deepEqual(kinds, ["PlayCompleted", "Unknown"]);
});

test("event processor in the browser: per-operation wait, backlog, timeout, abort, ongoing, CallDisconnected", async () => {
  h.server.take();
  const out = await h.page.evaluate(async (cs) => {
    const { CallAutomationClient } = window.harness.ours;
    const client = new CallAutomationClient(cs);
    const p = client.getEventProcessor();
    const ev = (kind, call, operationContext) => ({ type: `Microsoft.Communication.${kind}`, data: { callConnectionId: call, operationContext } });
    const media = client.getCallConnection("conn-1").getCallMedia();
    const r = {};
    const play = await media.playToAll([{ kind: "fileSource", url: "https://m.example/a.wav" }], { operationContext: "p1" });
    const waiting = play.waitForEventProcessor(undefined, 2000);
    p.processEvents(JSON.stringify([ev("PlayCompleted", "conn-1", "other"), ev("PlayFailed", "conn-1", "p1")]));
    const settled = await waiting;
    r.play = [settled.isSuccess, settled.failureResult.kind, settled.failureResult.operationContext];
    r.keys = Object.keys(play);
    r.backlog = (await p.waitForEventProcessor((e) => e.operationContext === "other", undefined, 10)).kind;
    r.timeout = await p.waitForEventProcessor(() => false, undefined, 20).catch((e) => [e.name, e.message]);
    const ac = new AbortController();
    const aborted = p.waitForEventProcessor(() => false, ac.signal).catch((e) => e.name);
    ac.abort();
    r.abort = await aborted;
    const seen = [];
    p.attachOngoingEventProcessor("conn-1", "ParticipantsUpdated", (e) => seen.push(e.callConnectionId));
    const hold = await media.hold({ phoneNumber: "+14255550123" }, { operationContext: "h" });
    const holdWait = hold.waitForEventProcessor().catch((e) => [e.name, e.event.kind]);
    p.processEvents(JSON.stringify([ev("ParticipantsUpdated", "conn-1"), ev("CallDisconnected", "conn-1"), ev("ParticipantsUpdated", "conn-1")]));
    r.seen = seen;
    r.hold = await holdWait;
    return r;
  }, h.server.connectionString);
  assert.deepEqual(out, {
    play: [false, "PlayFailed", "p1"],
    keys: [],
    backlog: "PlayCompleted",
    timeout: ["TimeoutError", "Timeout: Matching event did not arrive within timeout."],
    abort: "AbortError",
    seen: ["conn-1"],
    hold: ["CallDisconnectedError", "CallDisconnected"],
  });
  assert.deepEqual(h.errors, []);
  h.server.take();
});

test("event processor in the browser: an event that beats the HTTP response", async () => {
  h.server.take();
  // The server holds its answer until the page has processed the callback's event.
  h.server.gate((request) => h.page.evaluate((ctx) => {
    window.harness.early.getEventProcessor().processEvents([{ type: "Microsoft.Communication.RecognizeCompleted", data: { callConnectionId: "conn-1", operationContext: ctx, recognitionType: "dtmf" } }]);
  }, JSON.parse(request.body).operationContext));
  const out = await h.page.evaluate(async (cs) => {
    const client = (window.harness.early = new window.harness.ours.CallAutomationClient(cs));
    const result = await client.getCallConnection("conn-1").getCallMedia().startRecognizing({ phoneNumber: "+14255550123" }, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 1 });
    const got = await result.waitForEventProcessor(undefined, 2000);
    return [got.isSuccess, got.successResult.kind, got.successResult.recognitionType];
  }, h.server.connectionString);
  assert.deepEqual(out, [true, "RecognizeCompleted", "dtmf"]);
  h.server.take();
});
