// Benchmarks of the worker in workerd (wrangler dev, release build) against the emulator.
//   node tests/edge/bench.mjs            (scripts/bench-edge wraps it; results → BENCHMARKS.md by hand)
//
// CPU time is read from /proc (bench-lib.mjs): utime+stime of the workerd processes before and
// after a run of N sequential requests, divided by N — an upper bound on the worker's CPU.
// Per-request p50/p99 are wall-clock latencies measured by the client (an upper bound on the
// CPU of a request that waits on nothing else; the IncomingCall path also waits for the
// emulator's answer).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { answerCall, callbackAuth, cloudEvent, cpuMs, fmt, longCall as runLongCall, measure, pct, workerdPids } from "./bench-lib.mjs";
import { call, emulator, entraToken, startStack } from "./harness.mjs";

const N = Number(process.env.BENCH_N ?? 500);

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
  // Callback tokens live 5 minutes: renewed before each row and between the long call's windows.
  const token = await callbackAuth(emu);
  const auth = token.auth;
  // Event Grid's Entra token for the incoming-call webhook (verified on every delivery).
  const incomingAuth = { authorization: `Bearer ${await entraToken(stack)}` };

  const rows = [];
  const answered = [];
  rows.push(await measure("GET /healthz", pids, N, () => call(`${stack.worker}/healthz`)));
  // IncomingCall → answer: the emulator creates the call (not subscribed, so it tells no one);
  // the benchmark delivers the IncomingCall itself, as Event Grid would.
  rows.push(await measure("IncomingCall → rules → answer", pids, Math.min(N, 300), async (i) => {
    answered.push(await answerCall(stack, emu, incomingAuth, i));
  }));
  // Callback events go to calls this worker answered (another call's events are only held).
  const calls = answered.slice(-50);
  await token.refresh();
  rows.push(await measure("callback event (JWT + Durable Object)", pids, N, (i) =>
    call(`${stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(calls[((i % 50) + 50) % 50], i), headers: auth })));
  // The same event for a call the worker does not know: authenticated, decoded, held (≤ 20 per
  // call, then refused) — what a flood of made-up call ids costs.
  await token.refresh();
  rows.push(await measure("callback event, unknown call (held/refused)", pids, N, (i) =>
    call(`${stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(`unknown-${((i % 50) + 50) % 50}`, i), headers: auth })));

  // A long call: 5,000 events to one call (roster churn), one per request. CPU is read per
  // window of 100 events starting at the event named (workerd's CPU clock ticks every 10 ms, too
  // coarse for one event); bytes are what that event wrote (the object's `bytesWritten`).
  const LONG = Number(process.env.BENCH_LONG ?? 5000);
  const longId = answered[0];
  await token.refresh();
  const longCall = await runLongCall({ worker: stack.worker, pids, auth, callId: longId, events: LONG, renew: token });
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
  await token.refresh();
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

  await token.refresh(); // wrk's 10 s replay one token
  const lua = path.join(tmpdir(), "callsteer-wrk-callbacks.lua");
  writeFileSync(lua, `
counter = 0
request = function()
  counter = counter + 1
  local id = "w" .. (counter % 200)
  local body = '[{"id":"wrk-' .. math.random(1, 2147483647) .. '-' .. counter .. '","source":"x","type":"Microsoft.Communication.PlayCompleted","time":"2026-01-01T00:00:00Z","specversion":"1.0","data":{"callConnectionId":"' .. id .. '","operationContext":"x"}}]'
  return wrk.format("POST", "/api/callbacks", {["content-type"] = "application/json", ["authorization"] = "${auth.authorization}"}, body)
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
