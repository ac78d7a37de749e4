// A busy hour on one machine: many concurrent calls through the worker and the emulator, each
// with a routed answer, the IVR rule's menu and a transfer (press 1), optionally under the
// emulator's faults and with forged traffic beside it. Used by busy-hour.test.mjs (a few dozen
// calls, in scripts/test-edge) and by bench-busy-hour.mjs (200 calls, BENCHMARKS.md).
//
// What is judged, from both sides:
//   - the emulator's ledger (GET /emulator/requests): for every call, each command the worker
//     sent (its timeline's commands) was applied exactly once, plus one answer; anything else
//     the service applied is a duplicate;
//   - every event the emulator sent for a call (its event log) is in the worker's timeline
//     (0 lost), and no event id is there twice (none processed twice);
//   - the webhook latency and errors as the sender saw them (GET /emulator/deliveries).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { admin, emulator, entraToken } from "./harness.mjs";

export const IVR_NUMBER = "+18005550100";
/** The operation the emulator logs for each kind of command in the worker's timeline. */
const OP_OF_COMMAND = { recognize: "CallMedia_Recognize", transfer: "CallConnection_TransferToParticipant", play: "CallMedia_Play", hangUp: "CallConnection_HangupCall" };

const pct = (xs, p) => (xs.length ? xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : null);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The emulator's state, refreshed by one poller for all calls (one request per refresh, not
 * one per call): `until(pred)` resolves with the first truthy `pred(snapshot)`.
 */
function watchEmulator(emu, intervalMs) {
  const snap = { calls: new Map(), requests: { calls: {} } };
  let waiters = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [c, r] = await Promise.all([emu("/emulator/calls"), emu("/emulator/requests")]);
      snap.calls = new Map(c.body.value.map((x) => [x.serverCallId, x]));
      snap.requests = r.body;
      waiters = waiters.filter((w) => {
        const v = w.pred(snap);
        if (v) w.resolve(v);
        return !v;
      });
      await sleep(intervalMs);
    }
  })();
  return {
    until(what, pred, timeoutMs) {
      const now = pred(snap);
      if (now) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.resolve !== done);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const done = (v) => {
          clearTimeout(timer);
          resolve(v);
        };
        waiters.push({ pred, resolve: done });
      });
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The caller of call `i`: a distinct E.164 number each. */
const caller = (i) => `+1425556${String(i).padStart(4, "0")}`;

/**
 * The emulator's faults in bursts, until `stop()`: the delivery faults (duplicates,
 * reordering, events before responses) all the time, and from the start every `periodMs` a
 * burst of `burstMs` in which `errorRate` of service requests get 429 or 503 (alternating)
 * with Retry-After 1. `ready` settles once the first burst is on.
 */
function faultBursts(emu, { periodMs = 3000, burstMs = 1000, errorRate = 0.5 } = {}) {
  const delivery = { duplicateEvents: true, reorderEvents: true, eventsBeforeResponse: true };
  let stopped = false;
  let bursts = 0;
  const set = async (body) => {
    const r = await emu("/emulator/faults", { method: "POST", body });
    if (r.status !== 200) throw new Error(`setting faults: ${r.status} ${JSON.stringify(r.body)}`);
  };
  // Started before the calls, so the first burst meets their answers (a test can count on the
  // service having refused some requests), then every `periodMs`.
  let first = true;
  const started = set({ ...delivery, errorRate, errorStatus: 429, retryAfterSeconds: 1 });
  const loop = (async () => {
    while (!stopped) {
      if (first) await started;
      else await set({ ...delivery, errorRate, errorStatus: bursts % 2 ? 503 : 429, retryAfterSeconds: 1 });
      first = false;
      bursts += 1;
      await sleep(burstMs);
      await set(delivery);
      await sleep(periodMs - burstMs);
    }
  })();
  return {
    ready: started,
    async stop() {
      stopped = true;
      await loop;
      await emu("/emulator/faults", { method: "DELETE" });
      return bursts;
    },
  };
}

/** A token whose signature no longer matches: the shape a forger starts from (kid and claims real). */
function corrupt(token) {
  const at = token.lastIndexOf(".") + 10; // a character inside the signature
  return `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
}

/**
 * Forged traffic with wrk while `seconds` last: callbacks with a tampered emulator token
 * (real key id, bad signature) and IncomingCall deliveries with a tampered Entra token, in
 * turn, over 2 connections of 1 thread. Loopback only (the worker's 127.0.0.1 URL); wrk stops
 * by itself. Resolves with { requests, non2xx } from wrk's summary.
 */
export async function forgedTraffic(stack, seconds) {
  const emu = emulator(stack);
  const callbackToken = corrupt((await emu("/emulator/tokens", { method: "POST" })).body.token);
  const entra = corrupt(await entraToken(stack));
  const lua = path.join(stack.dir, "forged.lua");
  writeFileSync(lua, `
counter = 0
request = function()
  counter = counter + 1
  if counter % 2 == 0 then
    local body = '[{"id":"forged-' .. counter .. '","source":"x","type":"Microsoft.Communication.CallDisconnected","time":"2026-01-01T00:00:00Z","specversion":"1.0","data":{"callConnectionId":"forged-call-' .. (counter % 50) .. '"}}]'
    return wrk.format("POST", "/api/callbacks", {["content-type"] = "application/json", ["authorization"] = "Bearer ${callbackToken}"}, body)
  end
  local body = '[{"id":"forged-ic-' .. counter .. '","eventType":"Microsoft.Communication.IncomingCall","eventTime":"2026-01-01T00:00:00Z","subject":"","dataVersion":"1.0","data":{"to":{"rawId":"4:${IVR_NUMBER}","phoneNumber":{"value":"${IVR_NUMBER}"}},"from":{"rawId":"4:+14255550999"},"serverCallId":"forged-server-' .. counter .. '","incomingCallContext":"forged","correlationId":"c"}}]'
  return wrk.format("POST", "/api/incoming", {["content-type"] = "application/json", ["authorization"] = "Bearer ${entra}"}, body)
end
`);
  const out = await new Promise((resolve, reject) => {
    const p = spawn("wrk", ["-t1", "-c2", `-d${seconds}s`, "-s", lua, stack.worker], { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    p.stdout.on("data", (d) => (text += d));
    p.stderr.on("data", (d) => (text += d));
    p.on("error", reject);
    p.on("exit", (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
  });
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? NaN);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return { requests, non2xx, raw: out };
}

/**
 * Runs `calls` calls at once through `stack` (a stack started with the IVR rule, the default
 * wrangler.toml) and judges them. `rampMs`: the calls start evenly over this long instead of
 * all at once. `faults`: the emulator's fault bursts during the calls;
 * `forgedSeconds`: a wrk run of forged traffic started with the calls. Returns the report;
 * `problems` lists every call that broke a rule (empty when all held).
 */
export async function busyHour(stack, { calls = 20, faults = false, forgedSeconds = 0, rampMs = 0, callTimeoutMs = 180_000, log = () => {} } = {}) {
  const emu = emulator(stack);
  const adm = admin(stack);
  const deliveries0 = (await emu("/emulator/deliveries")).body;
  const watch = watchEmulator(emu, 250);
  const bursts = faults ? faultBursts(emu) : null;
  await bursts?.ready;
  const forged = forgedSeconds > 0 ? forgedTraffic(stack, forgedSeconds) : null;
  const started = performance.now();
  const perCall = [];
  const results = await Promise.allSettled(Array.from({ length: calls }, async (_, i) => {
    if (rampMs > 0) await sleep((i * rampMs) / calls);
    const t0 = performance.now();
    const from = caller(i);
    const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from, to: IVR_NUMBER } });
    if (placed.status !== 201) throw new Error(`placing call ${i}: ${placed.status} ${JSON.stringify(placed.body)}`);
    const server = placed.body.serverCallId;
    const recognizing = (s) => {
      const c = s.calls.get(server);
      return c && s.requests.calls[c.callConnectionId]?.applied.some((a) => a.op === "CallMedia_Recognize") && c.callConnectionId;
    };
    const id = await watch.until(`call ${i}'s menu`, recognizing, callTimeoutMs);
    // The caller presses 1 (the emulator refuses a tone with no recognize running: try again).
    for (let attempt = 0; ; attempt++) {
      const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: from, tones: "1" } });
      if (r.status === 202) break;
      if (attempt >= 20) throw new Error(`call ${i}: DTMF refused: ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
    await watch.until(`call ${i}'s transfer`, (s) => s.calls.get(server)?.state === "disconnected", callTimeoutMs);
    perCall.push(performance.now() - t0);
    return id;
  }));
  const wallMs = performance.now() - started;
  const faultBurstCount = bursts ? await bursts.stop() : 0;
  await watch.stop();
  const forgedResult = forged ? await forged : null;
  const problems = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
  const ids = results.filter((r) => r.status === "fulfilled").map((r) => r.value);

  // Judge each call once the worker has settled it (transferred, nothing left to send).
  const requests = (await emu("/emulator/requests")).body;
  let lostEvents = 0, eventsTwice = 0, duplicateCommands = 0, events = 0, commands = 0;
  for (const id of ids) {
    const d = await settled(adm, id);
    if (!d) {
      problems.push(`${id}: the worker did not settle the call`);
      continue;
    }
    const sent = (await emu(`/emulator/calls/${id}`)).body.events.map((e) => e.id);
    const seen = d.timeline.filter((e) => e.source === "event").map((e) => e.id);
    const seenSet = new Set(seen);
    const lost = sent.filter((e) => !seenSet.has(e));
    events += sent.length;
    lostEvents += lost.length;
    eventsTwice += seen.length - seenSet.size;
    if (lost.length) problems.push(`${id}: ${lost.length} event(s) the emulator sent are not in the worker's timeline`);
    if (seen.length !== seenSet.size) problems.push(`${id}: an event id is in the timeline twice`);
    // What the service applied against what the worker sent: one answer, then each command once.
    const applied = (requests.calls[id]?.applied ?? []).map((a) => a.op);
    const expected = ["AnswerCall", ...d.timeline.filter((e) => e.source === "command" && e.status === "sent").map((e) => OP_OF_COMMAND[e.kind] ?? e.kind)];
    commands += expected.length;
    const extra = applied.length - expected.length;
    if (extra > 0) duplicateCommands += extra;
    if (JSON.stringify(applied.toSorted()) !== JSON.stringify(expected.toSorted())) {
      problems.push(`${id}: the service applied ${JSON.stringify(applied)}, the worker sent ${JSON.stringify(expected)}`);
    }
    const bad = (requests.calls[id]?.applied ?? []).filter((a) => a.status >= 300);
    if (bad.length) problems.push(`${id}: refused by the service: ${JSON.stringify(bad)}`);
    if (d.status !== "transferred") problems.push(`${id}: ended ${d.status}, not transferred`);
  }
  // Requests the service applied that name no call (a second answer of a call already
  // answered is refused without one) are judged in total: the service applied exactly what
  // the worker sent.
  if (ids.length === calls && requests.applied !== commands) {
    duplicateCommands += Math.max(0, requests.applied - commands);
    problems.push(`the service applied ${requests.applied} requests; the worker sent ${commands} commands`);
  }
  const deliveries = (await emu("/emulator/deliveries")).body;
  const report = {
    calls,
    rampSeconds: rampMs / 1000,
    completed: ids.length,
    faults,
    faultBursts: faultBurstCount,
    wallSeconds: +(wallMs / 1000).toFixed(1),
    callMs: { p50: round(pct(perCall, 50)), p99: round(pct(perCall, 99)) },
    events,
    lostEvents,
    eventsProcessedTwice: eventsTwice,
    commands,
    duplicateCommands,
    service: { received: requests.received, applied: requests.applied, faulted: requests.faulted, repeated: requests.repeated, refused: requests.refused },
    webhooks: {
      attempts: deliveries.attempts - deliveries0.attempts,
      latencyMs: deliveries.latencyMs,
      byStatus: deliveries.byStatus,
      transportErrors: deliveries.transportErrors,
      redeliveries: deliveries.redeliveries,
      abandoned: deliveries.abandoned,
    },
    forged: forgedResult && { requests: forgedResult.requests, refused: forgedResult.non2xx },
    problems,
  };
  log(JSON.stringify(report));
  return report;
}

const round = (x) => (x == null ? null : +x.toFixed(1));

/** The worker's view of call `id` once it is transferred with nothing left to send (or null). */
async function settled(adm, id) {
  for (let i = 0; i < 120; i++) {
    const r = await adm(`/calls/${encodeURIComponent(id)}`);
    if (r.status === 200 && r.body.disconnected && r.body.outbox.length === 0) return r.body;
    await sleep(500);
  }
  return null;
}

/** The call list's ids (all pages). */
export async function listedCalls(stack) {
  const adm = admin(stack);
  const out = [];
  let cursor = "";
  for (;;) {
    const r = await adm(`/calls?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (r.status !== 200) throw new Error(`call list: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.calls.map((c) => c.callConnectionId));
    if (!r.body.cursor) return out;
    cursor = r.body.cursor;
  }
}
