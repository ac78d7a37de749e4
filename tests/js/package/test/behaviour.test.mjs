// Behaviour beyond wire equality: retries, cancellation, errors, credentials, downloads.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as ours from "../../../../pkg/node.mjs";
import { startServer, TOKEN, ACCESS_KEY, verifyAuth } from "../lib/server.mjs";

let server;
let client;
before(async () => {
  server = await startServer();
  client = new ours.CallAutomationClient(server.connectionString, { retryOptions: { retryDelayInMs: 5 } });
});
after(() => server.close());

const callee = { targetParticipant: { communicationUserId: "8:acs:x" } };

test("retries 503/429/408 honouring Retry-After, resending the same repeatability headers", async () => {
  server.take();
  server.script([503, { "retry-after": "0" }], [429, { "retry-after-ms": "20" }], [408, {}]);
  const started = Date.now();
  const r = await client.createCall(callee, "https://app.example/cb");
  const sent = server.take();
  assert.equal(sent.length, 4);
  assert.equal(r.callConnectionProperties.callConnectionId, "conn-1");
  const ids = new Set(sent.map((s) => s.headers["repeatability-request-id"]));
  const firstSent = new Set(sent.map((s) => s.headers["repeatability-first-sent"]));
  assert.equal(ids.size, 1, "one repeatability id across attempts");
  assert.equal(firstSent.size, 1, "one first-sent date across attempts");
  assert.ok(sent.every((s) => s.authOk), "every attempt is signed");
  assert.ok(Date.now() - started >= 20, "waited for retry-after-ms");
});

test("gives up after maxRetries and surfaces the last status", async () => {
  server.take();
  const failing = [503, { "retry-after": "0" }, { error: { code: "ServiceUnavailable", message: "busy" } }];
  server.script(failing, failing, failing, failing);
  await assert.rejects(client.getCallConnection("c").getCallConnectionProperties(), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "RestError");
    assert.equal(e.statusCode, 503);
    assert.equal(e.code, "ServiceUnavailable");
    return true;
  });
  assert.equal(server.take().length, 4, "1 attempt + 3 retries");
});

test("service errors carry name, statusCode, code, subCode and requestId; 400 is not retried", async () => {
  server.take();
  server.script([400, { "x-ms-request-id": "req-42" }, { error: { code: "BadRequest", message: "Invalid callback", innererror: { code: "8523" } } }]);
  await assert.rejects(client.answerCall("ctx", "https://app.example/cb"), (e) => {
    assert.equal(e.name, "RestError");
    assert.equal(e.statusCode, 400);
    assert.equal(e.code, "BadRequest");
    assert.equal(e.subCode, 8523);
    assert.equal(e.requestId, "req-42");
    assert.match(e.message, /Invalid callback/);
    return true;
  });
  assert.equal(server.take().length, 1);
});

test("an aborted signal rejects with AbortError without sending", async () => {
  server.take();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(client.createCall(callee, "https://app.example/cb", { abortSignal: ac.signal }), { name: "AbortError" });
  assert.equal(server.take().length, 0);
});

test("abort during a Retry-After wait stops at once", async () => {
  server.take();
  server.script([503, { "retry-after": "30" }]);
  const ac = new AbortController();
  const started = Date.now();
  const pending = client.createCall(callee, "https://app.example/cb", { abortSignal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(pending, { name: "AbortError" });
  assert.ok(Date.now() - started < 5000);
  assert.equal(server.take().length, 1);
});

test("invalid input is refused before sending, naming the field", async () => {
  server.take();
  await assert.rejects(client.getCallConnection("c").getCallMedia().play([{ kind: "fileSource" }], []), (e) => {
    assert.equal(e.name, "InvalidInputError");
    assert.equal(e.code, "InvalidInput");
    assert.equal(e.field, "playSources[0].url");
    return true;
  });
  assert.throws(() => new ours.CallAutomationClient("endpoint=https://x/;accesskey=%%%"), { name: "InvalidInputError" });
  assert.equal(server.take().length, 0);
});

test("bad identifiers, ids and option shapes are refused naming the field", async () => {
  server.take();
  const conn = client.getCallConnection("c");
  const refused = [
    [() => client.createGroupCall([{ communicationUserId: "8:acs:a" }, { userId: "u", tenantId: "t" }], "https://app.example/cb"), "targetParticipants[1]"],
    [() => client.createCall({ targetParticipant: "8:acs:x" }, "https://app.example/cb"), "targetParticipant.targetParticipant"],
    [() => client.createCall({ targetParticipant: { phoneNumber: "+1425" } }, 42), "callbackUrl"],
    [() => conn.addParticipant({ targetParticipant: { phoneNumber: "+1425" }, customCallingContext: [{ kind: "voip", key: 7 }] }), "targetParticipant.customCallingContext[0].key"],
    [() => conn.getCallMedia().playToAll([{ kind: "textSource", text: "hi" }], { loop: "yes" }), "options.loop"],
    [() => conn.getCallMedia().startRecognizing({ phoneNumber: "+1425" }, { kind: "nope" }), "options.kind"],
    [() => client.getCallConnection(" ").hangUp(true), "callConnectionId"],
    [() => conn.hangUp("yes"), "isForEveryone"],
    [() => client.getCallRecording().getState(""), "recordingId"],
    [() => client.connectCall({ kind: "groupCallLocator" }, "https://app.example/cb"), "callLocator.id"],
  ];
  for (const [call, field] of refused) {
    // Every method is async: bad input rejects the promise, it never throws synchronously.
    const pending = call();
    assert.ok(pending instanceof Promise, field);
    await assert.rejects(pending, (e) => {
      assert.equal(e.name, "InvalidInputError", field);
      assert.equal(e.code, "InvalidInput");
      assert.equal(e.field, field);
      assert.ok(e.message.startsWith(`invalid ${field}: `), e.message);
      return true;
    });
  }
  assert.equal(server.take().length, 0, "nothing was sent");
});

test("the core's input rules apply before anything is sent (issue 12): each refusal names its field", async () => {
  server.take();
  const conn = client.getCallConnection("conn-1");
  const acs = { communicationUserId: "8:acs:x" };
  const cb = "https://app.example/cb";
  const refused = [
    // validate::identifier: a number the service dials is E.164; ids are not empty.
    [() => client.createCall({ targetParticipant: { phoneNumber: "4255550123" } }, cb), "targetParticipant.targetParticipant.phoneNumber.value"],
    [() => client.createGroupCall([acs, { communicationUserId: "" }], cb), "targetParticipants[1].communicationUser.id"],
    [() => conn.getCallMedia().play([{ kind: "fileSource", url: "https://m.example/a.wav" }], [{ teamsAppId: "" }]), "playTo[0].microsoftTeamsApp.appId"],
    // validate::callback_uri: https (http only for loopback), no fragment.
    [() => client.createCall({ targetParticipant: acs }, "http://app.example/cb"), "callbackUrl"],
    [() => client.answerCall("ctx", "https://app.example/cb#secret"), "callbackUrl"],
    [() => conn.removeParticipant(acs, { operationCallbackUrl: "ftp://app.example/op" }), "options.operationCallbackUrl"],
    [() => client.getCallRecording().start({ callConnectionId: "c", recordingStateCallbackEndpointUrl: "http://app.example/rec" }), "options.recordingStateCallbackEndpointUrl"],
    // validate::e164 for a caller id.
    [() => conn.addParticipant({ targetParticipant: acs, sourceCallIdNumber: { phoneNumber: "+0425" } }), "sourceCallIdNumber.phoneNumber"],
    // The spec's range for invitationTimeoutInSeconds (0..180).
    [() => conn.addParticipant({ targetParticipant: acs }, { invitationTimeoutInSeconds: 181 }), "options.invitationTimeoutInSeconds"],
    // validate::custom_context_header: value at most 256 characters.
    [() => conn.addParticipant({ targetParticipant: acs, customCallingContext: [{ kind: "voip", key: "k", value: "v".repeat(257) }] }), "targetParticipant.customCallingContext[0]"],
  ];
  for (const [call, field] of refused) {
    await assert.rejects(call(), (e) => {
      assert.equal(e.name, "InvalidInputError", field);
      assert.equal(e.field, field, e.message);
      assert.ok(e.message.startsWith(`invalid ${field}: `), e.message);
      return true;
    });
  }
  assert.equal(server.take().length, 0, "nothing was sent");
  // Loopback http stays allowed (the emulator, a local dev server).
  await client.createCall({ targetParticipant: acs }, "http://127.0.0.1:9/cb");
  assert.equal(server.take().length, 1);
});

test("no server: a RestError REQUEST_SEND_ERROR once the retry budget is spent", async () => {
  const probe = await import("node:net").then((net) => new Promise((ok) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  }));
  const c = new ours.CallAutomationClient(`endpoint=http://127.0.0.1:${probe}/;accesskey=${ACCESS_KEY}`, { retryOptions: { maxRetries: 1, retryDelayInMs: 1 } });
  await assert.rejects(c.getCallConnection("c").hangUp(false), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "RestError");
    assert.equal(e.code, "REQUEST_SEND_ERROR");
    assert.match(e.message, /^transport failed: /);
    return true;
  });
});

test("TokenCredential: bearer token for the ACS scope, fetched once and cached", async () => {
  const scopes = [];
  const credential = {
    getToken: async (s) => {
      scopes.push(s);
      return { token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
  const c = new ours.CallAutomationClient(server.origin, credential);
  server.take();
  await c.getCallConnection("c1").getCallConnectionProperties();
  await c.getCallConnection("c1").hangUp(false);
  const sent = server.take();
  assert.deepEqual(scopes, [["https://communication.azure.com//.default"]]);
  assert.ok(sent.every((s) => s.headers.authorization === `Bearer ${TOKEN}`));
});

test("an endpoint with a base path and a TokenCredential over loopback http (a same-origin proxy)", async () => {
  const credential = { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3600_000 }) };
  const c = new ours.CallAutomationClient(`${server.origin}/acs`, credential);
  server.take();
  const { values } = await c.getCallConnection("c1").listParticipants();
  assert.deepEqual(values.map((p) => p.identifier.communicationUserId), ["8:acs:p1", "8:acs:p2", "8:acs:p3"]);
  const sent = server.take();
  assert.deepEqual(sent.map((s) => s.pathAndQuery), [
    "/acs/calling/callConnections/c1/participants?api-version=2026-03-12",
    "/acs/calling/callConnections/c1/participants?api-version=2026-03-12&page=2",
  ], "both pages under the base path, the second at its nextLink");
  assert.ok(sent.every((s) => s.headers.authorization === `Bearer ${TOKEN}`));

  // A nextLink that leaves the endpoint's base path is not followed with the token.
  for (const link of [`${server.origin}/calling/callConnections/c1/participants?page=2`, "https://evil.example/acs/calling/x"]) {
    server.script([200, {}, { value: [], nextLink: link }]);
    await assert.rejects(c.getCallConnection("c1").listParticipants(), (e) => {
      assert.equal(e.name, "InvalidInputError");
      assert.equal(e.field, "nextLink");
      return true;
    }, link);
    assert.equal(server.take().length, 1, `${link}: only the first page was requested`);
  }
});

test("KeyCredential ({key}) with an endpoint signs like a connection string", async () => {
  const c = new ours.CallAutomationClient(server.origin, { key: ACCESS_KEY });
  server.take();
  await c.getCallRecording().pause("rec-1");
  const [sent] = server.take();
  assert.equal(sent.path, "/calling/recordings/rec-1:pause");
  assert.ok(sent.authOk);
});

test("recording download: bytes, ranges, web streams, signed for the endpoint host", async () => {
  const rec = client.getCallRecording();
  const url = `${server.origin}/recordings/r1/content?x=1`;
  server.take();
  const all = await rec.downloadToBuffer(url);
  assert.equal(all.length, 256);
  assert.equal(all[255], 255);
  const part = await rec.downloadToBuffer(url, { offset: 10, length: 5 });
  assert.deepEqual([...part], [10, 11, 12, 13, 14]);
  const stream = await rec.downloadStreaming(url, { offset: 250 });
  const chunks = [];
  for await (const c of stream) chunks.push(...c);
  assert.deepEqual(chunks, [250, 251, 252, 253, 254, 255]);
  await rec.delete(url);
  const sent = server.take();
  assert.deepEqual(sent.map((s) => [s.method, s.headers.range]), [["GET", undefined], ["GET", "bytes=10-14"], ["GET", "bytes=250-"], ["DELETE", undefined]]);
  for (const s of sent) {
    assert.equal(s.headers["x-ms-host"], new URL(server.origin).host);
    assert.ok(verifyAuth(s.method, "/recordings/r1/content", s.headers, s.body), "signature covers the path only");
  }
});

test("recording download refuses hosts that are not recording endpoints", async () => {
  const rec = client.getCallRecording();
  await assert.rejects(rec.downloadToBuffer("https://evil.example/r"), { name: "InvalidInputError" });
  await assert.rejects(rec.downloadToBuffer("http://x.asm.skype.com/r"), /HTTPS/);
  await assert.rejects(rec.downloadToBuffer(`${server.origin}/recordings/r1`, { length: 5 }), /offset/);
});
