// The measuring parts of the edge benchmarks, shared by bench.mjs (one build, every row) and
// bench-storage.mjs (the same rows against two builds in one run).
//
// CPU time: workerd does not expose CPU time to a worker (its clocks stop while code runs),
// so CPU is read from the outside: utime+stime of the workerd processes in /proc before and
// after a run of N sequential requests, divided by N. That includes workerd's own HTTP and
// Durable Object/storage work for the request, so it is an upper bound on the worker's CPU.
// Per-request p50/p99 are wall-clock latencies measured by the client.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { call } from "./harness.mjs";

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

/** The workerd processes of process group `pgid` (a stack's wrangler: `stack.pgid("wrangler")`). */
export function workerdPids(pgid) {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)]).toString();
  return out.split("\n").map((l) => l.trim().split(/\s+/)).filter(([, c]) => c === "workerd").map(([p]) => Number(p));
}

/** CPU time (user + system, ms) the processes `pids` have used so far. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  }
  return ticks * TICK_MS;
}

export const pct = (xs, p) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
export const fmt = (x) => x.toFixed(2);

/**
 * 20 uncounted warm-up calls `one(-1 … -20)`, then `n` counted ones `one(0 … n-1)`, in
 * sequence: wall p50/p99 and the workerd CPU per request of processes `pids`; prints one line.
 */
export async function measure(name, pids, n, one) {
  for (let i = 0; i < 20; i++) await one(-1 - i); // warm-up
  const lat = [];
  const cpu0 = cpuMs(pids);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await one(i);
    lat.push(performance.now() - t);
  }
  const cpu = (cpuMs(pids) - cpu0) / n;
  const row = { name, n, p50: pct(lat, 50), p99: pct(lat, 99), cpuPerRequest: cpu };
  console.log(`${name}: n=${n} wall p50 ${fmt(row.p50)} ms, p99 ${fmt(row.p99)} ms; workerd CPU ${fmt(cpu)} ms/request`);
  return row;
}

/** A ParticipantsUpdated callback batch (one CloudEvent, id from `callId` and `i`) for call `callId`. */
export function cloudEvent(callId, i) {
  return [{
    id: `bench-${callId}-${i}`,
    source: `calling/callConnections/${callId}`,
    type: "Microsoft.Communication.ParticipantsUpdated",
    time: new Date().toISOString(),
    specversion: "1.0",
    data: { callConnectionId: callId, serverCallId: "s", correlationId: "c", sequenceNumber: i,
      participants: [{ identifier: { rawId: "4:+14255550111" }, isMuted: false, isOnHold: false }] },
  }];
}

/**
 * IncomingCall → answer, as Event Grid would deliver it: the emulator places a call to
 * +18005550100 (the ivr rule of wrangler.toml answers it; the emulator is not subscribed, so
 * it tells no one), the IncomingCall goes to the worker's /api/incoming with `incomingAuth`
 * (Event Grid's Entra token). Returns the answered call's connection id.
 */
export async function answerCall(stack, emu, incomingAuth, i) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550111", to: "+18005550999" } });
  const data = { to: { rawId: "4:+18005550100", phoneNumber: { value: "+18005550100" } }, from: { rawId: "4:+14255550111" },
    serverCallId: placed.body.serverCallId, callerDisplayName: "", incomingCallContext: placed.body.incomingCallContext, correlationId: "c" };
  const ev = [{ id: `ic-${i}-${placed.body.serverCallId}`, eventType: "Microsoft.Communication.IncomingCall", eventTime: new Date().toISOString(),
    subject: "", dataVersion: "1.0", data }];
  const r = await call(`${stack.worker}/api/incoming`, { method: "POST", body: ev, headers: incomingAuth });
  if (r.status !== 200 || !r.body.routed[0].callConnectionId) throw new Error(`answer failed: ${JSON.stringify(r.body)}`);
  return r.body.routed[0].callConnectionId;
}

/**
 * A long call: `events` ParticipantsUpdated events to call `callId` (roster churn), one per
 * request, each of which must be applied. CPU is read per window of 100 events starting at the
 * event named — 10, 1,000 and the last 100 (named `events`) — since workerd's CPU clock ticks
 * every 10 ms, too coarse for one event; bytes are what that event wrote (the object's
 * `bytesWritten`, when the build reports it). `wall: true` adds the windows' wall time per
 * event; `onEvent(i)` is called (and awaited) after each event; `renew` (from `callbackAuth`)
 * renews the token between windows. A failed event throws, with `event` (its
 * number) and `partial` (the result so far) on the error.
 */
export async function longCall({ worker, pids, auth, callId, events, wall = false, onEvent, renew }) {
  const marks = [10, 1000, events];
  const measuring = (i) => marks.some((m) => (m === events ? i >= events - 100 : i >= m - 1 && i < m + 100));
  const result = { events, cpuMsPerEvent: {}, bytesPerEvent: {} };
  if (wall) result.wallMsPerEvent = {};
  let windowStart = 0, cpuStart = 0, wallStart = 0;
  for (let i = 1; i <= events; i++) {
    const inWindow = marks.find((m) => (m === events ? i === events - 99 : i === m));
    if (inWindow) { windowStart = inWindow; cpuStart = cpuMs(pids); wallStart = performance.now(); }
    const r = await call(`${worker}/api/callbacks`, { method: "POST", body: cloudEvent(callId, 100_000 + i), headers: auth });
    if (r.status !== 200 || r.body.applied !== 1) {
      throw Object.assign(new Error(`long call event ${i}: ${r.status} ${JSON.stringify(r.body)}`), { event: i, partial: result });
    }
    if (marks.includes(i)) result.bytesPerEvent[i] = r.body.bytesWritten;
    if (windowStart && i === (windowStart === events ? events : windowStart + 99)) {
      result.cpuMsPerEvent[windowStart] = +((cpuMs(pids) - cpuStart) / 100).toFixed(3);
      if (wall) result.wallMsPerEvent[windowStart] = +((performance.now() - wallStart) / 100).toFixed(3);
      windowStart = 0;
    }
    await onEvent?.(i);
    if (renew && !measuring(i)) await renew.ifOld();
  }
  return result;
}

/**
 * Callback authorization from the emulator's own bearer tokens (signed with its callback key;
 * a stack started with JWT_AUDIENCE "https://communication.azure.com" verifies them as callback
 * tokens, RS256 on every request). They live 5 minutes: `auth` is the header object every
 * request reads, `refresh()` mints a new token into it, `ifOld()` does so when it is over 2
 * minutes old (`longCall`'s `renew`, between its CPU windows).
 */
export async function callbackAuth(emu) {
  const a = {
    auth: {},
    at: 0,
    async refresh() {
      a.auth.authorization = `Bearer ${(await emu("/emulator/tokens", { method: "POST" })).body.token}`;
      a.at = performance.now();
    },
    async ifOld() {
      if (performance.now() - a.at > 120_000) await a.refresh();
    },
  };
  await a.refresh();
  return a;
}
