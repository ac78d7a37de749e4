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
