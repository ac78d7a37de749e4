// The IVR flow end to end in workerd against the emulator: IncomingCall → rule "ivr" →
// answer → menu (recognize) → DTMF from the emulator → transfer. Then the same flow
// under delivery faults (duplicates, reordering, events before responses) and under
// 429s from the service.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { admin, emulator, startStack, waitFor } from "./harness.mjs";

const CALLER = "+14255550111";
const IVR_NUMBER = "+18005550100";
let stack, adm, emu;

before(async () => {
  stack = await startStack();
  adm = admin(stack);
  emu = emulator(stack);
});

after(async () => {
  await stack?.stop();
});

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

test("answer → menu → DTMF → transfer completes, with a timeline", async () => {
  const id = await placeCall();
  await menuOffered(id);
  const d = await pressAndAwaitTransfer(id);
  const kinds = d.timeline.map((e) => e.kind);
  for (const k of ["IncomingCall", "CallConnected", "recognize", "RecognizeCompleted", "transfer", "CallTransferAccepted", "CallDisconnected"]) {
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  }
  assert.ok(kinds.indexOf("RecognizeCompleted") < kinds.indexOf("transfer"));
  assert.deepEqual(commands(d).map((c) => [c.kind, c.status]), [["recognize", "sent"], ["transfer", "sent"]]);
  assert.equal(d.timeline.find((e) => e.kind === "RecognizeCompleted").detail, "tone 1");
  const list = await adm("/calls");
  assert.ok(list.body.calls.some((c) => c.callConnectionId === id && c.rule === "ivr"));
  const events = await emulatorEvents(id);
  assert.equal(events.filter((t) => t === "CallTransferAccepted").length, 1);
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
