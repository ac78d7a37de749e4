// The busy hour as a benchmark (issue 20): BUSY_HOUR_CALLS (200) concurrent calls through
// `wrangler dev` (release build) and the emulator, each a routed answer, the IVR menu and a
// transfer, in three scenarios, each on a fresh stack:
//   1. clean: no faults;
//   2. faults: 429/503 bursts, duplicate and reordered deliveries, events before responses;
//   3. faults + forged: as 2, with wrk sending forged callbacks and IncomingCall deliveries
//      for BUSY_HOUR_FORGED_SECONDS (60; bounded, loopback).
// Prints a JSON report per scenario (results → BENCHMARKS.md by hand); exits 1 when any
// call broke a rule (an event lost or processed twice, a command applied twice).
//   bash scripts/bench-busy-hour      (builds first)
import { cpus, loadavg } from "node:os";
import { cpuMs, workerdPids } from "./bench-lib.mjs";
import { busyHour } from "./busy-hour.mjs";
import { startStack } from "./harness.mjs";

const CALLS = Number(process.env.BUSY_HOUR_CALLS ?? 200);
const FORGED_SECONDS = Number(process.env.BUSY_HOUR_FORGED_SECONDS ?? 60);
// The calls start all at once (a burst, harder than an hour's arrivals) unless
// BUSY_HOUR_RAMP_SECONDS spreads them.
const rampMs = Number(process.env.BUSY_HOUR_RAMP_SECONDS ?? 0) * 1000;
const scenarios = [
  ["clean", { faults: false, rampMs }],
  ["faults", { faults: true, rampMs }],
  ["faults + forged", { faults: true, forgedSeconds: FORGED_SECONDS, rampMs }],
];
const only = process.env.BUSY_HOUR_SCENARIO;
const out = { machine: `${cpus().length} × ${cpus()[0].model}`, calls: CALLS, runs: {} };
let failed = false;
for (const [name, opts] of scenarios) {
  if (only && only !== name) continue;
  const stack = await startStack();
  try {
    const load0 = loadavg()[0];
    const pids = workerdPids(stack.pgid("wrangler"));
    const emulatorPid = [stack.pgid("emulator")];
    const cpu0 = cpuMs(pids);
    const emu0 = cpuMs(emulatorPid);
    const t0 = performance.now();
    const r = await busyHour(stack, { calls: CALLS, ...opts, callTimeoutMs: 600_000 });
    r.loadAverage = { before: +load0.toFixed(2), after: +loadavg()[0].toFixed(2) };
    // The local runtime runs the stack's isolates on one thread: its CPU over the time taken
    // (the calls and their judging) says how close to saturated it was (1.0 = a core, always).
    const elapsedS = (performance.now() - t0) / 1000;
    const cpuS = (cpuMs(pids) - cpu0) / 1000;
    const emuS = (cpuMs(emulatorPid) - emu0) / 1000;
    r.workerd = { cpuSeconds: +cpuS.toFixed(1), busyShareOfOneCore: +(cpuS / elapsedS).toFixed(2) };
    // The sender's own cost (it signs a token for every delivery): it must not be the bottleneck.
    r.emulatorCpu = { cpuSeconds: +emuS.toFixed(1), shareOfOneCore: +(emuS / elapsedS).toFixed(2) };
    out.runs[name] = r;
    console.log(`${name}: ${r.completed}/${CALLS} calls in ${r.wallSeconds} s; webhook latency p50 ${r.webhooks.latencyMs.p50} ms, p99 ${r.webhooks.latencyMs.p99} ms; ` +
      `workerd ${r.workerd.cpuSeconds} s CPU (${r.workerd.busyShareOfOneCore} of a core), emulator ${r.emulatorCpu.cpuSeconds} s (${r.emulatorCpu.shareOfOneCore}); ` +
      `lost events ${r.lostEvents}, processed twice ${r.eventsProcessedTwice}, duplicate commands ${r.duplicateCommands}; problems ${r.problems.length}`);
    if (r.problems.length) failed = true;
  } finally {
    await stack.stop();
  }
}
console.log(JSON.stringify(out, null, 2));
process.exit(failed ? 1 : 0);
