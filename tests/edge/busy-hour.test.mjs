// Load and faults in workerd against the emulator (issue 20): a busy hour in miniature under the
// emulator's faults with forged traffic beside it, and a crash in the middle of calls. The
// 200-call busy hour is a benchmark (scripts/bench-busy-hour, BENCHMARKS.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { busyHour, IVR_NUMBER, listedCalls } from "./busy-hour.mjs";
import { useStack, waitFor } from "./harness.mjs";

const { stack, adm, emu } = useStack();
const CALLS = Number(process.env.BUSY_HOUR_TEST_CALLS ?? 20);

test("a busy hour under faults, with forged traffic beside it: no event lost or processed twice, no command applied twice, nothing forged stored", async () => {
  const report = await busyHour(stack, { calls: CALLS, faults: true, forgedSeconds: 8 });
  assert.deepEqual(report.problems, []);
  assert.equal(report.completed, CALLS);
  assert.equal(report.lostEvents, 0);
  assert.equal(report.eventsProcessedTwice, 0);
  assert.equal(report.duplicateCommands, 0);
  assert.ok(report.events >= CALLS * 4, `the calls' events were judged (${report.events})`);
  // The faults were on: the service refused requests, and re-deliveries reached the worker.
  assert.ok(report.faultBursts > 0 && report.service.faulted > 0, JSON.stringify(report.service));
  assert.ok(report.webhooks.attempts > report.events, "duplicate deliveries were made");
  // The forged traffic: every request refused, and none of it stored.
  assert.ok(report.forged.requests > 0, "wrk sent requests");
  assert.equal(report.forged.refused, report.forged.requests, "every forged request refused");
  const listed = await listedCalls(stack);
  assert.equal(listed.length, CALLS, "only the genuine calls are listed");
  assert.ok(!listed.some((id) => id.startsWith("forged")));
  assert.equal((await adm("/calls/forged-call-1")).status, 404);
  assert.equal((await adm("/decisions/forged-server-2")).status, 404);
});

test("a crash with commands waiting to be retried: after the restart each is sent once and no event is processed twice", async () => {
  const N = 5;
  const caller = (i) => `+1425557${String(i).padStart(4, "0")}`;
  const ids = [];
  for (let i = 0; i < N; i++) {
    const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: caller(i), to: IVR_NUMBER } });
    assert.equal(placed.status, 201);
    ids.push(await waitFor(`call ${i}'s menu`, async () => {
      const calls = (await emu("/emulator/calls")).body.value;
      const c = calls.find((x) => x.serverCallId === placed.body.serverCallId);
      const applied = c && (await emu("/emulator/requests")).body.calls[c.callConnectionId]?.applied;
      return applied?.some((a) => a.op === "CallMedia_Recognize") && c.callConnectionId;
    }));
  }
  // The service turns everything away; each caller presses 1, so each call's object queues a
  // transfer whose first attempt gets 503 and waits for its retry (an alarm).
  const faults = await emu("/emulator/faults", { method: "POST", body: { errorRate: 1, errorStatus: 503, retryAfterSeconds: 3 } });
  assert.equal(faults.status, 200);
  for (const [i, id] of ids.entries()) {
    const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: caller(i), tones: "1" } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
  }
  for (const id of ids) {
    await waitFor(`${id}'s transfer waiting for a retry`, async () => {
      const t = (await adm(`/calls/${id}`)).body.timeline?.find((e) => e.source === "command" && e.kind === "transfer");
      return t?.status?.startsWith("retrying");
    }, { intervalMs: 300 });
  }
  const before = (await emu("/emulator/requests")).body;
  await stack.crashWorker();
  // While the worker is down the service recovers; the worker comes back on its persisted state.
  assert.equal((await emu("/emulator/faults", { method: "DELETE" })).status, 204);
  await stack.restartWorker();
  // Nothing asks the worker anything: each object's alarm, persisted with its rows, resumes it.
  await waitFor("every transfer applied by the service", async () => {
    const applied = (await emu("/emulator/requests")).body.calls;
    return ids.every((id) => applied[id]?.applied.some((a) => a.op === "CallConnection_TransferToParticipant"));
  }, { timeoutMs: 60_000, intervalMs: 250 });
  for (const id of ids) {
    await waitFor(`${id} transferred after the restart`, async () => {
      const d = (await adm(`/calls/${id}`)).body;
      return d?.status === "transferred" && d.disconnected && d.outbox.length === 0;
    }, { timeoutMs: 60_000, intervalMs: 500 });
  }
  const after = (await emu("/emulator/requests")).body;
  assert.ok(after.faulted > 0 && before.faulted === after.faulted, "the transfers were refused before the crash, not after");
  for (const id of ids) {
    const applied = after.calls[id].applied.map((a) => `${a.op} ${a.status}`);
    assert.deepEqual(applied, ["AnswerCall 200", "CallMedia_Recognize 202", "CallConnection_TransferToParticipant 202"], `${id}: each command applied once`);
    const d = (await adm(`/calls/${id}`)).body;
    const seen = d.timeline.filter((e) => e.source === "event").map((e) => e.id);
    assert.equal(new Set(seen).size, seen.length, `${id}: no event processed twice`);
    const sent = (await emu(`/emulator/calls/${id}`)).body.events.map((e) => e.id);
    assert.deepEqual(sent.filter((e) => !seen.includes(e)), [], `${id}: every event the service sent was processed`);
    assert.deepEqual(d.timeline.filter((e) => e.source === "command").map((e) => [e.kind, e.status]), [["recognize", "sent"], ["transfer", "sent"]]);
  }
});
