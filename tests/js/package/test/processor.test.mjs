// The event processor (client.getEventProcessor()): waits, backlog, timeouts, abort, ongoing
// handlers, CallDisconnected clean-up, and every operation result's waitForEventProcessor,
// against the loopback server. Timeouts run on node:test's mock timers (no wall-clock sleeps).
import { test, before, after, mock } from "node:test";
import assert from "node:assert/strict";
import * as ours from "../../../../pkg/node.mjs";
import { startServer } from "../lib/server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const fresh = (options) => new ours.CallAutomationClient(server.connectionString, options);
const cloud = (kind, data) => ({ id: "e", source: "calling/callConnections/conn-1", type: `Microsoft.Communication.${kind}`, data, specversion: "1.0" });
const batch = (...events) => JSON.stringify(events);
const ev = (kind, call = "conn-1", operationContext = undefined, extra = {}) => cloud(kind, { callConnectionId: call, operationContext, ...extra });
// Settles within the test or fails it (a wrong implementation must not hang the suite).
const pending = (promise) => {
  let state = "pending";
  promise.then(() => (state = "resolved"), () => (state = "rejected"));
  return () => state;
};
const ticks = () => new Promise((resolve) => setImmediate(resolve));
// Under mock timers a wait that never settles would hang the suite: this fails instead.
const settlesNow = async (promise) => {
  const state = pending(promise);
  await ticks();
  assert.notEqual(state(), "pending", "settles without more time passing");
  return promise;
};
const sentContext = () => {
  const sent = server.take();
  return JSON.parse(sent[sent.length - 1].body).operationContext;
};

test("getEventProcessor: one per client", () => {
  const a = fresh();
  assert.equal(a.getEventProcessor(), a.getEventProcessor());
  assert.notEqual(a.getEventProcessor(), fresh().getEventProcessor());
  assert.equal(a.getEventProcessor().backlogTimeoutInMs, 5000);
  assert.equal(fresh({ eventProcessorOptions: { backlogTimeoutInMs: 20 } }).getEventProcessor().backlogTimeoutInMs, 20);
  assert.throws(() => fresh({ eventProcessorOptions: { backlogTimeoutInMs: -1 } }), { name: "InvalidInputError", field: "backlogTimeoutInMs" });
});

test("wait, then the event arrives", async () => {
  const p = fresh().getEventProcessor();
  const wait = p.waitForEventProcessor((e) => e.kind === "PlayCompleted" && e.operationContext === "x");
  const state = pending(wait);
  p.processEvents(batch(ev("PlayStarted", "conn-1", "x"), ev("PlayCompleted", "conn-1", "y")));
  await ticks();
  assert.equal(state(), "pending", "no matching event yet");
  p.processEvents(batch(ev("PlayCompleted", "conn-1", "x")));
  const got = await wait;
  assert.equal(got.kind, "PlayCompleted");
  assert.equal(got.operationContext, "x");
});

test("the event arrives first: the backlog answers the wait, once", async () => {
  const p = fresh().getEventProcessor();
  p.processEvents(batch(ev("CallConnected", "c-7")));
  const got = await p.waitForEventProcessor((e) => e.kind === "CallConnected" && e.callConnectionId === "c-7", undefined, 1000);
  assert.equal(got.callConnectionId, "c-7");
  // Taken out of the backlog: a second wait does not see it again.
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const again = p.waitForEventProcessor((e) => e.kind === "CallConnected", undefined, 50);
    mock.timers.tick(50);
    await assert.rejects(settlesNow(again), { name: "TimeoutError" });
  } finally {
    mock.timers.reset();
  }
});

test("processEvents takes a string batch, parsed JSON, one CloudEvent or a parsed event", async () => {
  const p = fresh().getEventProcessor();
  p.processEvents([ev("PlayCompleted", "a")]);
  p.processEvents(ev("PlayCompleted", "b"));
  p.processEvents(ours.parseCallAutomationEvent(batch(ev("PlayCompleted", "c"))));
  p.processEvents(batch(ev("PlayCompleted", "d"), cloud("SomethingNew", { callConnectionId: "d" })));
  for (const call of ["a", "b", "c", "d"]) {
    const e = await p.waitForEventProcessor((x) => x.callConnectionId === call && x.kind === "PlayCompleted", undefined, 10);
    assert.equal(e.callConnectionId, call);
  }
  const unknown = await p.waitForEventProcessor((x) => x.kind === "Unknown", undefined, 10);
  assert.equal(unknown.type, "Microsoft.Communication.SomethingNew");
});

test("bad input is refused naming the field", async () => {
  const p = fresh().getEventProcessor();
  assert.throws(() => p.processEvents("{not json"), { name: "InvalidInputError", field: "events" });
  assert.throws(() => p.processEvents(42), { name: "InvalidInputError", field: "events" });
  await assert.rejects(p.waitForEventProcessor("PlayCompleted"), { name: "InvalidInputError", field: "predicate" });
  await assert.rejects(p.waitForEventProcessor(() => true, undefined, -5), { name: "InvalidInputError", field: "timeoutInMs" });
  await assert.rejects(p.waitForEventProcessor(() => true, "signal"), { name: "InvalidInputError", field: "abortSignal" });
  assert.throws(() => p.attachOngoingEventProcessor("", "PlayCompleted", () => {}), { field: "callConnectionId" });
  assert.throws(() => p.attachOngoingEventProcessor("c", "PlayCompleted", "handler"), { field: "handler" });
});

test("timeout: rejects with the official message at timeoutInMs, not before", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const p = fresh().getEventProcessor();
    const wait = p.waitForEventProcessor((e) => e.kind === "PlayCompleted", undefined, 3000);
    const state = pending(wait);
    mock.timers.tick(2999);
    await ticks();
    assert.equal(state(), "pending");
    mock.timers.tick(1);
    await assert.rejects(settlesNow(wait), (e) => {
      assert.equal(e.message, "Timeout: Matching event did not arrive within timeout.");
      assert.equal(e.name, "TimeoutError");
      return true;
    });
    // The default is 240 s.
    const long = p.waitForEventProcessor(() => false);
    const longState = pending(long);
    mock.timers.tick(239_999);
    await ticks();
    assert.equal(longState(), "pending");
    mock.timers.tick(1);
    await assert.rejects(settlesNow(long), { name: "TimeoutError" });
  } finally {
    mock.timers.reset();
  }
});

test("abort: rejects with AbortError, and the event then goes to the backlog", async () => {
  const p = fresh().getEventProcessor();
  const ac = new AbortController();
  const wait = p.waitForEventProcessor((e) => e.kind === "RecognizeCompleted", ac.signal);
  ac.abort();
  await assert.rejects(wait, { name: "AbortError" });
  await assert.rejects(p.waitForEventProcessor(() => true, ac.signal), { name: "AbortError" }, "already aborted");
  p.processEvents(batch(ev("RecognizeCompleted")));
  // The aborted wait is gone: the event was not consumed by it.
  const got = await p.waitForEventProcessor((e) => e.kind === "RecognizeCompleted", undefined, 10);
  assert.equal(got.kind, "RecognizeCompleted");
});

test("many events: each wait gets its own, the rest stay in the backlog", async () => {
  const p = fresh().getEventProcessor();
  const events = [];
  for (let i = 0; i < 50; i++) events.push(ev(i % 2 ? "PlayCompleted" : "PlayFailed", `call-${i % 5}`, `ctx-${i}`));
  const w37 = p.waitForEventProcessor((e) => e.operationContext === "ctx-37");
  p.processEvents(JSON.stringify(events));
  const got = await w37;
  assert.deepEqual([got.kind, got.callConnectionId, got.operationContext], ["PlayCompleted", "call-2", "ctx-37"]);
  for (const i of [0, 12, 49]) {
    const e = await p.waitForEventProcessor((x) => x.operationContext === `ctx-${i}`, undefined, 10);
    assert.equal(e.callConnectionId, `call-${i % 5}`);
  }
});

test("backlog clean-up: each event expires on its own, unrelated events stay", async () => {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  try {
    const p = fresh({ eventProcessorOptions: { backlogTimeoutInMs: 5000 } }).getEventProcessor();
    p.processEvents(batch(ev("PlayCompleted", "old")));
    mock.timers.tick(3000);
    p.processEvents(batch(ev("PlayCompleted", "new"))); // the clean-up here keeps "old" (2 s left)
    mock.timers.tick(1000);
    assert.equal((await settlesNow(p.waitForEventProcessor((e) => e.callConnectionId === "old", undefined, 1))).callConnectionId, "old");
    p.processEvents(batch(ev("PlayCompleted", "old2")));
    mock.timers.tick(4500); // t = 8.5 s: "new" (from 3 s) has expired; "old2" (from 4 s) has not
    const gone = p.waitForEventProcessor((e) => e.callConnectionId === "new", undefined, 10);
    mock.timers.tick(10);
    await assert.rejects(settlesNow(gone), { name: "TimeoutError" });
    assert.equal((await settlesNow(p.waitForEventProcessor((e) => e.callConnectionId === "old2", undefined, 1))).callConnectionId, "old2");
  } finally {
    mock.timers.reset();
  }
});

test("ongoing handlers: per call and kind, until detached", () => {
  const p = fresh().getEventProcessor();
  const seen = [];
  p.attachOngoingEventProcessor("conn-1", "ParticipantsUpdated", (e) => seen.push(["a", e.callConnectionId, e.sequenceNumber]));
  p.attachOngoingEventProcessor("conn-2", "ParticipantsUpdated", (e) => seen.push(["b", e.callConnectionId, e.sequenceNumber]));
  p.processEvents(batch(
    ev("ParticipantsUpdated", "conn-1", undefined, { sequenceNumber: 1, participants: [] }),
    ev("PlayCompleted", "conn-1"),
    ev("ParticipantsUpdated", "conn-2", undefined, { sequenceNumber: 2, participants: [] }),
    ev("ParticipantsUpdated", "conn-3", undefined, { sequenceNumber: 3, participants: [] }),
  ));
  assert.deepEqual(seen, [["a", "conn-1", 1], ["b", "conn-2", 2]]);
  p.detachOngoingEventProcessor("conn-1", "ParticipantsUpdated");
  p.detachOngoingEventProcessor("conn-9", "ParticipantsUpdated"); // nothing attached: no-op
  p.processEvents(batch(ev("ParticipantsUpdated", "conn-1", undefined, { sequenceNumber: 4 }), ev("ParticipantsUpdated", "conn-2", undefined, { sequenceNumber: 5 })));
  assert.deepEqual(seen.slice(2), [["b", "conn-2", 5]]);
});

test("a throwing ongoing handler does not stop the batch; its error surfaces after it", async () => {
  const p = fresh().getEventProcessor();
  p.attachOngoingEventProcessor("conn-1", "PlayStarted", () => {
    throw new Error("handler bug");
  });
  const wait = p.waitForEventProcessor((e) => e.kind === "PlayCompleted");
  assert.throws(() => p.processEvents(batch(ev("PlayStarted"), ev("PlayCompleted"))), /handler bug/);
  assert.equal((await wait).kind, "PlayCompleted");
});

test("CallDisconnected: the call's ongoing handlers go, its operation waits reject, others stay", async () => {
  const client = fresh();
  const p = client.getEventProcessor();
  const seen = [];
  p.attachOngoingEventProcessor("conn-1", "CallDisconnected", (e) => seen.push(`last:${e.callConnectionId}`));
  p.attachOngoingEventProcessor("conn-1", "ParticipantsUpdated", () => seen.push("conn-1"));
  p.attachOngoingEventProcessor("conn-2", "ParticipantsUpdated", () => seen.push("conn-2"));
  server.take();
  const play = await client.getCallConnection("conn-1").getCallMedia().playToAll([{ kind: "fileSource", url: "https://m.example/a.wav" }]);
  const opWait = play.waitForEventProcessor();
  const predicateWait = p.waitForEventProcessor((e) => e.kind === "PlayCompleted" && e.callConnectionId === "conn-1");
  const predicateState = pending(predicateWait);
  p.processEvents(batch(ev("CallDisconnected", "conn-1")));
  await assert.rejects(opWait, (e) => {
    assert.equal(e.name, "CallDisconnectedError");
    assert.equal(e.event.kind, "CallDisconnected");
    return true;
  });
  p.processEvents(batch(ev("ParticipantsUpdated", "conn-1"), ev("ParticipantsUpdated", "conn-2")));
  assert.deepEqual(seen, ["last:conn-1", "conn-2"], "the disconnected call's handlers are gone after their last event");
  // A predicate wait does not say which call it concerns: it keeps waiting.
  await ticks();
  assert.equal(predicateState(), "pending");
  p.processEvents(batch(ev("PlayCompleted", "conn-1")));
  assert.equal((await predicateWait).kind, "PlayCompleted");
  // A result waited for after the call ended (CallDisconnected in the backlog) rejects at once.
  const late = await client.getCallConnection("conn-1").getCallMedia().playToAll([{ kind: "fileSource", url: "https://m.example/a.wav" }]);
  await assert.rejects(late.waitForEventProcessor(undefined, 1000), { name: "CallDisconnectedError" });
});

// Per-operation results: [name, start(client) → result, success kind, failure kind, the
// operationContext the request sent (read from the request when generated)].
const acs = { communicationUserId: "8:acs:x" };
const phone = { phoneNumber: "+14255550123" };
const file = { kind: "fileSource", url: "https://m.example/a.wav" };
const conn = (c) => c.getCallConnection("conn-1");
const operations = [
  ["createCall", (c) => c.createCall({ targetParticipant: acs }, "https://app.example/cb", { operationContext: "op-create" }), "CallConnected", "CreateCallFailed"],
  ["answerCall", (c) => c.answerCall("incoming", "https://app.example/cb", { operationContext: "op-answer" }), "CallConnected", "AnswerFailed"],
  ["addParticipant", (c) => conn(c).addParticipant({ targetParticipant: phone }, { operationContext: "op-add" }), "AddParticipantSucceeded", "AddParticipantFailed"],
  ["removeParticipant", (c) => conn(c).removeParticipant(acs), "RemoveParticipantSucceeded", "RemoveParticipantFailed"],
  ["transferCallToParticipant", (c) => conn(c).transferCallToParticipant(phone), "CallTransferAccepted", "CallTransferFailed"],
  ["cancelAddParticipantOperation", (c) => conn(c).cancelAddParticipantOperation("inv-1"), "CancelAddParticipantSucceeded", "CancelAddParticipantFailed"],
  ["play", (c) => conn(c).getCallMedia().play([file], [acs], { operationContext: "op-play" }), "PlayCompleted", "PlayFailed"],
  ["playToAll", (c) => conn(c).getCallMedia().playToAll([file]), "PlayCompleted", "PlayFailed"],
  ["startRecognizing", (c) => conn(c).getCallMedia().startRecognizing(phone, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 1 }), "RecognizeCompleted", "RecognizeFailed"],
  ["sendDtmfTones", (c) => conn(c).getCallMedia().sendDtmfTones(["one"], phone, { operationContext: "op-dtmf" }), "SendDtmfTonesCompleted", "SendDtmfTonesFailed"],
];

for (const [name, start, successKind, failureKind] of operations) {
  for (const success of [true, false]) {
    test(`${name}().waitForEventProcessor(): ${success ? successKind : failureKind} on its call and context`, async () => {
      const client = fresh();
      server.take();
      const result = await start(client);
      const ctx = sentContext();
      assert.ok(ctx, "the request carried an operationContext");
      assert.ok(!Object.keys(result).includes("waitForEventProcessor"), "not enumerable: results compare as before");
      const wait = result.waitForEventProcessor(undefined, 5000);
      const kind = success ? successKind : failureKind;
      // Decoys: the right kind on another call or with another context, and a progress event.
      client.getEventProcessor().processEvents(batch(
        ev(kind, "conn-2", ctx),
        ev(kind, "conn-1", `not-${ctx}`),
        ev("ParticipantsUpdated", "conn-1", ctx),
        ev(kind, "conn-1", ctx, { marker: "right" }),
      ));
      const got = await wait;
      assert.equal(got.isSuccess, success);
      const event = success ? got.successResult : got.failureResult;
      assert.equal(event.kind, kind);
      assert.equal(event.marker, "right");
      assert.equal(success ? got.failureResult : got.successResult, undefined);
    });
  }
}

test("play: PlayCanceled settles the wait as not a success, with canceledResult", async () => {
  const client = fresh();
  server.take();
  const r = await client.getCallConnection("conn-1").getCallMedia().playToAll([file]);
  const ctx = sentContext();
  client.getEventProcessor().processEvents(batch(ev("PlayStarted", "conn-1", ctx), ev("PlayCanceled", "conn-1", ctx)));
  const got = await r.waitForEventProcessor(undefined, 1000);
  assert.equal(got.isSuccess, false);
  assert.equal(got.canceledResult.kind, "PlayCanceled");
});

test("cancelAllOperations: {isSuccess, playCanceledSuccessResult | recognizeCanceledSuccessResult}", async () => {
  const client = fresh();
  const media = client.getCallConnection("conn-1").getCallMedia();
  const p = client.getEventProcessor();
  const first = await media.cancelAllOperations();
  const wait = first.waitForEventProcessor(undefined, 1000);
  p.processEvents(batch(ev("PlayCanceled", "conn-2", "p"), ev("PlayCanceled", "conn-1", "p")));
  const got = await wait;
  assert.equal(got.isSuccess, true);
  assert.equal(got.playCanceledSuccessResult.callConnectionId, "conn-1");
  assert.equal(got.recognizeCanceledSuccessResult, undefined);
  const second = await media.cancelAllOperations();
  p.processEvents(batch(ev("RecognizeCanceled", "conn-1", "r")));
  const got2 = await second.waitForEventProcessor(undefined, 1000);
  assert.equal(got2.recognizeCanceledSuccessResult.kind, "RecognizeCanceled");
  assert.equal(got2.playCanceledSuccessResult, undefined);
});

test("hold (no success event): HoldFailed fails it; no HoldFailed within the backlog window is success", async () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const client = fresh({ eventProcessorOptions: { backlogTimeoutInMs: 5000 } });
    const media = client.getCallConnection("conn-1").getCallMedia();
    const failed = await media.hold(phone, { operationContext: "h1" });
    client.getEventProcessor().processEvents(batch(ev("HoldFailed", "conn-1", "h1")));
    assert.deepEqual(await settlesNow(failed.waitForEventProcessor()), { isSuccess: false, failureResult: (await parse(ev("HoldFailed", "conn-1", "h1"))) });
    const held = await media.hold(phone, { operationContext: "h2" });
    const wait = held.waitForEventProcessor();
    const state = pending(wait);
    mock.timers.tick(4999);
    await ticks();
    assert.equal(state(), "pending", "still listening for HoldFailed");
    mock.timers.tick(1);
    assert.deepEqual(await settlesNow(wait), { isSuccess: true });
    // A timeout shorter than the window: not enough quiet time to call it a success.
    const short = (await media.hold(phone, { operationContext: "h3" })).waitForEventProcessor(undefined, 100);
    mock.timers.tick(100);
    await assert.rejects(settlesNow(short), { name: "TimeoutError" });
  } finally {
    mock.timers.reset();
  }
});
const parse = async (e) => ours.parseCallAutomationEvent(JSON.stringify(e));

test("an event that beats the HTTP response still settles the operation (backlog)", async () => {
  const client = fresh();
  const p = client.getEventProcessor();
  server.take();
  // The server holds its answer until the callback's event has been processed.
  server.gate(async (request) => {
    const ctx = JSON.parse(request.body).operationContext;
    p.processEvents(batch(ev("PlayCompleted", "conn-1", ctx)));
  });
  const r = await client.getCallConnection("conn-1").getCallMedia().playToAll([file]);
  const got = await r.waitForEventProcessor(undefined, 1000);
  assert.equal(got.isSuccess, true);
  assert.equal(got.successResult.operationContext, sentContext());
  // The same for createCall, whose call id is known only from the response.
  server.gate(async () => p.processEvents(batch(ev("CallConnected", "conn-1", "early"))));
  const call = await client.createCall({ targetParticipant: acs }, "https://app.example/cb", { operationContext: "early" });
  assert.equal((await call.waitForEventProcessor(undefined, 1000)).successResult.kind, "CallConnected");
});
