// Benchmarks of the worker in workerd (wrangler dev, release build) against the emulator.
//   node tests/edge/bench.mjs            (scripts/bench-edge wraps it; results → BENCHMARKS.md by hand)
//
// CPU time: workerd does not expose CPU time to a worker (its clocks stop while code runs),
// so CPU is read from the outside: utime+stime of the workerd processes in /proc before and
// after a run of N sequential requests, divided by N. That includes workerd's own HTTP and
// Durable Object/storage work for the request, so it is an upper bound on the worker's CPU.
// Per-request p50/p99 are wall-clock latencies measured by the client (an upper bound on the
// CPU of a request that waits on nothing else; the IncomingCall path also waits for the
// emulator's answer).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { call, emulator, entraToken, startStack } from "./harness.mjs";

const N = Number(process.env.BENCH_N ?? 500);
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

function workerdPids(pgid) {
  const out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)]).toString();
  return out.split("\n").map((l) => l.trim().split(/\s+/)).filter(([, c]) => c === "workerd").map(([p]) => Number(p));
}

function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  }
  return ticks * TICK_MS;
}

const pct = (xs, p) => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (x) => x.toFixed(2);

async function measure(name, pids, n, one) {
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

function cloudEvent(callId, i) {
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

async function coldStart() {
  const t0 = performance.now();
  const stack = await startStack({ subscribe: false });
  const ready = performance.now() - t0;
  try {
    // startStack polled /healthz until the first 200; the next request shows warm latency.
    const t = performance.now();
    await call(`${stack.worker}/healthz`);
    return { startToFirst200: ready, warm: performance.now() - t };
  } finally {
    await stack.stop();
  }
}

function wrk(url, seconds, script) {
  const args = ["-t2", "-c16", `-d${seconds}s`, "--latency"];
  if (script) args.push("-s", script);
  const r = spawnSync("wrk", [...args, url], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const out = r.stdout;
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const sockErr = out.match(/Socket errors: (.*)/)?.[1] ?? "none";
  const p99 = out.match(/99%\s+([\d.]+\w+)/)?.[1];
  return { rps, non2xx, sockErr, p99, raw: out };
}

const cold = await coldStart();
console.log(`cold start: wrangler dev launch → first 200 ${fmt(cold.startToFirst200)} ms; next request ${fmt(cold.warm)} ms`);

// The emulator's own bearer tokens are signed with the same key as its callback tokens;
// accepting their audience lets wrk replay one valid token (RS256 verified every request).
// The benchmark build (build-bench/, cargo feature `bench`) has the /admin/bench/… routes; the
// cold start above is the production build's.
const stack = await startStack({ subscribe: false, bench: true, vars: { JWT_AUDIENCE: "https://communication.azure.com" } });
try {
  const emu = emulator(stack);
  const pids = workerdPids(stack.pgid("wrangler"));
  const token = (await emu("/emulator/tokens", { method: "POST" })).body.token;
  const auth = { authorization: `Bearer ${token}` };
  // Event Grid's Entra token for the incoming-call webhook (verified on every delivery).
  const incomingAuth = { authorization: `Bearer ${await entraToken(stack)}` };

  const rows = [];
  const answered = [];
  rows.push(await measure("GET /healthz", pids, N, () => call(`${stack.worker}/healthz`)));
  // IncomingCall → answer: the emulator creates the call (not subscribed, so it tells no one);
  // the benchmark delivers the IncomingCall itself, as Event Grid would.
  rows.push(await measure("IncomingCall → rules → answer", pids, Math.min(N, 300), async (i) => {
    const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550111", to: "+18005550999" } });
    const data = { to: { rawId: "4:+18005550100", phoneNumber: { value: "+18005550100" } }, from: { rawId: "4:+14255550111" },
      serverCallId: placed.body.serverCallId, callerDisplayName: "", incomingCallContext: placed.body.incomingCallContext, correlationId: "c" };
    const ev = [{ id: `ic-${i}-${placed.body.serverCallId}`, eventType: "Microsoft.Communication.IncomingCall", eventTime: new Date().toISOString(),
      subject: "", dataVersion: "1.0", data }];
    const r = await call(`${stack.worker}/api/incoming`, { method: "POST", body: ev, headers: incomingAuth });
    if (r.status !== 200 || !r.body.routed[0].callConnectionId) throw new Error(`answer failed: ${JSON.stringify(r.body)}`);
    answered.push(r.body.routed[0].callConnectionId);
  }));
  // Callback events go to calls this worker answered (another call's events are only held).
  const calls = answered.slice(-50);
  rows.push(await measure("callback event (JWT + Durable Object)", pids, N, (i) =>
    call(`${stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(calls[((i % 50) + 50) % 50], i), headers: auth })));
  // The same event for a call the worker does not know: authenticated, decoded, held (≤ 20 per
  // call, then refused) — what a flood of made-up call ids costs.
  rows.push(await measure("callback event, unknown call (held/refused)", pids, N, (i) =>
    call(`${stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(`unknown-${((i % 50) + 50) % 50}`, i), headers: auth })));

  // A long call: 5,000 events to one call (roster churn), one per request. CPU is read per
  // window of 100 events starting at the event named (workerd's CPU clock ticks every 10 ms, too
  // coarse for one event); bytes are what that event wrote (the object's `bytesWritten`).
  const LONG = Number(process.env.BENCH_LONG ?? 5000);
  const longId = answered[0];
  const marks = [10, 1000, LONG];
  const longCall = { events: LONG, cpuMsPerEvent: {}, bytesPerEvent: {} };
  let windowStart = 0, cpuStart = 0;
  for (let i = 1; i <= LONG; i++) {
    const inWindow = marks.find((m) => (m === LONG ? i === LONG - 99 : i === m));
    if (inWindow) { windowStart = inWindow; cpuStart = cpuMs(pids); }
    const r = await call(`${stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(longId, 100_000 + i), headers: auth });
    if (r.status !== 200 || r.body.applied !== 1) throw new Error(`long call event ${i}: ${r.status} ${JSON.stringify(r.body)}`);
    if (marks.includes(i)) longCall.bytesPerEvent[i] = r.body.bytesWritten;
    if (windowStart && i === (windowStart === LONG ? LONG : windowStart + 99)) {
      longCall.cpuMsPerEvent[windowStart] = +((cpuMs(pids) - cpuStart) / 100).toFixed(3);
      windowStart = 0;
    }
  }
  const view = (await call(`${stack.worker}/admin/calls/${longId}`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).body;
  longCall.stored = view.stored;
  longCall.status = view.status;
  console.log(`long call: ${JSON.stringify(longCall)}`);

  // In-workerd CPU of our code: K requests that each run the path `LOOP` times.
  const K = Number(process.env.BENCH_K ?? 20), LOOP = Number(process.env.BENCH_LOOP ?? 1000);
  const baseline = rows[0].cpuPerRequest;
  const incomingBatch = [{ id: "ic", eventType: "Microsoft.Communication.IncomingCall", eventTime: new Date().toISOString(), subject: "", dataVersion: "1.0",
    data: { to: { rawId: "4:+18005550100", phoneNumber: { value: "+18005550100" } }, from: { rawId: "4:+14255550111" }, serverCallId: "s",
      callerDisplayName: "John Doe", incomingCallContext: "ctx", correlationId: "c", customContext: { sipHeaders: { "X-MS-Custom-Tier": "silver" } } } }];
  const connected = [{ id: "cc", source: "calling/callConnections/bench", type: "Microsoft.Communication.CallConnected", time: new Date().toISOString(),
    specversion: "1.0", data: { callConnectionId: "bench", serverCallId: "s", correlationId: "c", operationContext: "x" } }];
  const inWorkerd = {};
  for (const [kind, body] of [["incoming", incomingBatch], ["callback", connected], ["callback-rust", connected], ["callback-unverified", connected], ["flow-step", []]]) {
    const per = [];
    // One uncounted batch first, as the request rows warm up: the first runs of a path pay for
    // V8 compiling it and, for `callback`, importing the key into WebCrypto (once per key-set
    // fetch) — cold costs, which the cold-start row measures; the batches are the steady state.
    for (let k = -1; k < K; k++) {
      const c0 = cpuMs(pids);
      const headers = { authorization: `Bearer ${stack.adminToken}`, "x-bench-callback-authorization": auth.authorization };
      const r = await call(`${stack.worker}/admin/bench/${kind}?n=${LOOP}`, { method: "POST", body, headers });
      if (r.status !== 200) throw new Error(`bench ${kind}: ${r.status} ${JSON.stringify(r.body)}`);
      if (k >= 0) per.push((cpuMs(pids) - c0 - baseline) / LOOP);
    }
    inWorkerd[kind] = { batches: K, perBatch: LOOP, p50: pct(per, 50), p99: pct(per, 99), max: Math.max(...per), each: per.map((x) => +x.toFixed(3)) };
    console.log(`in workerd, ${kind}: CPU per operation p50 ${fmt(pct(per, 50))} ms, p99 ${fmt(pct(per, 99))} ms (${K} batches of ${LOOP})`);
  }

  const lua = path.join(tmpdir(), "callsteer-wrk-callbacks.lua");
  writeFileSync(lua, `
counter = 0
request = function()
  counter = counter + 1
  local id = "w" .. (counter % 200)
  local body = '[{"id":"wrk-' .. math.random(1, 2147483647) .. '-' .. counter .. '","source":"x","type":"Microsoft.Communication.PlayCompleted","time":"2026-01-01T00:00:00Z","specversion":"1.0","data":{"callConnectionId":"' .. id .. '","operationContext":"x"}}]'
  return wrk.format("POST", "/api/callbacks", {["content-type"] = "application/json", ["authorization"] = "Bearer ${token}"}, body)
end
`);
  const w1 = wrk(`${stack.worker}/healthz`, 10);
  console.log(`wrk GET /healthz: ${w1.rps} req/s, p99 ${w1.p99}, non-2xx ${w1.non2xx}, socket errors ${w1.sockErr}`);
  const w2 = wrk(stack.worker, 10, lua);
  console.log(`wrk POST /api/callbacks: ${w2.rps} req/s, p99 ${w2.p99}, non-2xx ${w2.non2xx}, socket errors ${w2.sockErr}`);
  const machine = `${cpus().length} × ${cpus()[0].model}`;
  console.log(JSON.stringify({ machine, cold, rows, longCall, inWorkerd, wrk: { healthz: { ...w1, raw: undefined }, callbacks: { ...w2, raw: undefined } } }, null, 2));
} finally {
  await stack.stop();
}
