// The IVR flow end to end in workerd against the emulator: IncomingCall → rule "ivr" →
// answer → menu (recognize) → DTMF from the emulator → transfer. Then the same flow
// under delivery faults (duplicates, reordering, events before responses) and under
// 429s from the service.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openLive, useStack, waitFor } from "./harness.mjs";

const CALLER = "+14255550111";
const IVR_NUMBER = "+18005550100";
const { stack, adm, emu } = useStack();

async function placeCall() {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: IVR_NUMBER } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  assert.equal(decision.rule, "ivr");
  assert.ok(decision.callConnectionId, "answered");
  return decision.callConnectionId;
}

const detail = async (id) => (await adm(`/calls/${id}`)).body;

async function menuOffered(id) {
  return waitFor("the menu (recognize pending)", async () => (await detail(id))?.pending?.["menu-1"]);
}

async function pressAndAwaitTransfer(id, tones = "1") {
  const dtmf = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones } });
  assert.equal(dtmf.status, 202, JSON.stringify(dtmf.body));
  return waitFor("the transfer", async () => {
    const d = await detail(id);
    return d?.status === "transferred" && d.disconnected && d.outbox.length === 0 && d;
  });
}

function commands(d) {
  return d.timeline.filter((e) => e.source === "command");
}

async function emulatorEvents(id) {
  const r = await emu(`/emulator/calls/${id}`);
  assert.equal(r.status, 200);
  return r.body.events.map((e) => e.type ?? e.kind ?? e).map((t) => String(t).replace("Microsoft.Communication.", ""));
}

/** Reads a Server-Sent Events stream to its end: [{ event, data }]. */
test("answer → menu → DTMF → transfer completes, with a timeline streamed live", async () => {
  const id = await placeCall();
  await menuOffered(id);
  const live = openLive(stack, id);
  await live.opened;
  await live.next((m) => m.event === "timeline");
  const d = await pressAndAwaitTransfer(id);
  assert.equal(await live.closed, 1000, "the object closes the stream once the call ended");
  const events = live.all;
  assert.equal(events.at(-1).event, "end");
  const streamedKinds = events.filter((e) => e.event === "timeline").map((e) => e.data.kind);
  assert.deepEqual(streamedKinds.toSorted(), d.timeline.map((e) => e.kind).toSorted(), "every entry streamed once");
  const kinds = d.timeline.map((e) => e.kind);
  for (const k of ["IncomingCall", "CallConnected", "recognize", "RecognizeCompleted", "transfer", "CallTransferAccepted", "CallDisconnected"]) {
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  }
  assert.ok(kinds.indexOf("RecognizeCompleted") < kinds.indexOf("transfer"));
  assert.deepEqual(commands(d).map((c) => [c.kind, c.status]), [["recognize", "sent"], ["transfer", "sent"]]);
  assert.equal(d.timeline.find((e) => e.kind === "RecognizeCompleted").detail, "tone 1");
  const list = await adm("/calls");
  assert.ok(list.body.calls.some((c) => c.callConnectionId === id && c.rule === "ivr"));
  const atService = await emulatorEvents(id);
  assert.equal(atService.filter((t) => t === "CallTransferAccepted").length, 1);
});

test("admin actions act on a live call; a refused one is marked failed", async () => {
  const id = await placeCall();
  await menuOffered(id);
  const SUPERVISOR = "8:acs:00000000-0000-4000-8000-000000000042";
  const act = async (body, headers = {}) => {
    const r = await adm(`/calls/${id}/actions`, { method: "POST", body, headers });
    assert.equal(r.status, 202, `${body.action}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.id, /^admin:.+\//);
    return r.body;
  };
  await act({ action: "addParticipant", target: SUPERVISOR });
  await waitFor("the added participant", async () => (await detail(id)).participants.some((p) => p.rawId === SUPERVISOR));
  await act({ action: "mute", target: SUPERVISOR });
  await act({ action: "mute", target: `4:${CALLER}` }); // the service mutes ACS users only
  const play = { action: "play", prompt: { text: "One moment please." } };
  const first = await act(play, { "idempotency-key": `play-${id}` });
  const repeated = await act(play, { "idempotency-key": `play-${id}` }); // a client retry
  assert.equal(repeated.id, first.id, "same request id → same command, queued once");
  await act({ action: "record" });
  const bad = await adm(`/calls/${id}/actions`, { method: "POST", body: { action: "transfer", target: "nobody" } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, "target");
  await act({ action: "hangUp" });
  const d = await waitFor("the hang-up", async () => {
    const x = await detail(id);
    return x.disconnected && x.outbox.length === 0 && x;
  });
  const sent = commands(d).filter((c) => c.id.startsWith("admin:"));
  assert.deepEqual(sent.map((c) => c.kind), ["addParticipant", "mute", "mute", "play", "startRecording", "hangUp"]);
  assert.deepEqual(sent.map((c) => c.status.split(":")[0]), ["sent", "sent", "failed", "sent", "sent", "sent"]);
  assert.match(sent[2].status, /400.*ACS users/);
  assert.equal(d.status, "disconnected");
});

test("duplicate and out-of-order deliveries are processed once and end in the right state", async () => {
  const faults = await emu("/emulator/faults", {
    method: "POST",
    body: { duplicateEvents: true, reorderEvents: true, eventsBeforeResponse: true },
  });
  assert.equal(faults.status, 200, JSON.stringify(faults.body));
  try {
    const id = await placeCall();
    await menuOffered(id);
    const d = await pressAndAwaitTransfer(id);
    assert.ok(d.duplicates > 0, "re-deliveries were seen and dropped");
    const ids = d.timeline.filter((e) => e.source === "event").map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, "each event id once in the timeline");
    assert.deepEqual(commands(d).map((c) => c.kind), ["recognize", "transfer"], "one command each");
    const times = d.timeline.map((e) => e.atMs);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), "timeline in event-time order");
    const events = await emulatorEvents(id);
    assert.equal(events.filter((t) => t === "CallTransferAccepted").length, 1, "one transfer at the service");
  } finally {
    await emu("/emulator/faults", { method: "DELETE" });
  }
});

test("429s from the service are retried to exactly one effect", async () => {
  const id = await placeCall();
  await menuOffered(id);
  const set = await emu("/emulator/faults", { method: "POST", body: { errorRate: 1, errorStatus: 429, retryAfterSeconds: 1 } });
  assert.equal(set.status, 200);
  let cleared = false;
  try {
    const dtmf = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones: "1" } });
    assert.equal(dtmf.status, 202);
    const retrying = await waitFor("a retried transfer", async () => {
      const t = commands(await detail(id)).find((c) => c.kind === "transfer");
      return t?.status?.startsWith("retrying") && t;
    });
    assert.match(retrying.status, /429/);
    await emu("/emulator/faults", { method: "DELETE" });
    cleared = true;
    const d = await waitFor("the transfer", async () => {
      const x = await detail(id);
      return x?.status === "transferred" && x.disconnected && x;
    });
    assert.equal(commands(d).find((c) => c.kind === "transfer").status, "sent");
    const events = await emulatorEvents(id);
    assert.equal(events.filter((t) => t === "CallTransferAccepted").length, 1);
  } finally {
    if (!cleared) await emu("/emulator/faults", { method: "DELETE" });
  }
});
