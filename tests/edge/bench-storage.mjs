// The call's storage before and after it became rows (issue 20), in ONE run: the same rows
// against two worker builds, each in its own workerd (wrangler dev, release build) with its own
// emulator, so both share the machine's load of the moment.
//
//   BENCH_BEFORE=/path/to/old-checkout node tests/edge/bench-storage.mjs   (scripts/bench-storage wraps it)
//
// "after" is this checkout (its build/); "before" is another checkout of the project (a git
// worktree at the commit before the change, ede2f65) with its own release build in its build/:
// wrangler runs it with that checkout's wrangler.toml, whose `main` and `[assets]` are relative to
// it. Both builds must already be built (scripts/bench-storage builds them): SKIP_WORKER_BUILD=1
// is set here, because wrangler runs a config's build command in its own working directory
// (this checkout), so a rebuild would rebuild the "after" worker, never the "before" one. Both
// stacks use this checkout's emulator (the old emulator has no --access-key-file, which the
// harness passes; the emulator's only change between the two commits is that option).
//
// Rows, CPU of each stack's workerd processes from /proc (bench-lib.mjs):
//   1. GET /healthz (the local runtime's per-request floor),
//   2. a ParticipantsUpdated callback event to a call the worker answered (50 answered calls in
//      turn), p50/p99 wall,
// both in BENCH_ROUNDS (5) rounds of BENCH_N (200) requests, alternating before/after (the
// order flips each round) to share the noise; each row reports the median of its rounds and
// the ratio after ÷ before. Then
//   3. a long call on each build (before first): BENCH_LONG (5,000) events posted one per
//      request to one answered call, CPU per event over windows of 100 events starting at event
//      10, 1,000 and the last 100 (bench-lib.mjs `longCall`). A build that fails an event is
//      reported with the event's number and the worker's answer (that is a result too).
// The calls are answered first on both builds: the old build stored every call's events, the
// new one only those of calls it answered (others' are held), so unanswered calls would not
// compare the same work.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { answerCall, callbackAuth, cloudEvent, cpuMs, fmt, longCall, measure, workerdPids } from "./bench-lib.mjs";
import { call, emulator, entraToken, root, startStack } from "./harness.mjs";

const beforeDir = process.env.BENCH_BEFORE;
if (!beforeDir || !existsSync(path.join(beforeDir, "wrangler.toml")) || !existsSync(path.join(beforeDir, "build/index.js"))) {
  console.error(`bench-storage: needs BENCH_BEFORE, a checkout of the project before the row storage, with its release build:
  git worktree add --detach /work/wt-before ede2f65
  (cd /work/wt-before && source scripts/env.sh && npm_deps tests/edge && bash scripts/build-worker)
  BENCH_BEFORE=/work/wt-before bash scripts/bench-storage
${beforeDir ? `(${beforeDir}: ${existsSync(path.join(beforeDir, "wrangler.toml")) ? "no build/index.js" : "no wrangler.toml"})` : "(BENCH_BEFORE is not set)"}`);
  process.exit(2);
}
if (!existsSync(path.join(root, "build/index.js"))) {
  console.error("bench-storage: this checkout has no build/index.js (bash scripts/build-worker)");
  process.exit(2);
}
// Never rebuild from wrangler: see the top of this file.
process.env.SKIP_WORKER_BUILD = "1";

const N = Number(process.env.BENCH_N ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LONG = Number(process.env.BENCH_LONG ?? 5000);
const CALLS = 50;
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 15_000);

const median = (xs) => {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x) => (x === undefined ? undefined : +x.toFixed(3));
const load = () => loadavg().map((x) => +x.toFixed(2));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function commitOf(dir) {
  const head = execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"]).toString().trim();
  const dirty = execFileSync("git", ["-C", dir, "status", "--porcelain", "--untracked-files=no"]).toString().trim();
  return dirty ? `${head} (uncommitted changes)` : head;
}

const started = new Date();
const report = {
  date: started.toISOString(),
  machine: { nproc: cpus().length, model: cpus()[0].model },
  loadavg: { start: load() },
  n: N,
  rounds: ROUNDS,
  builds: {},
  idleCpuMsPerSecond: {},
  rows: {},
  longCall: {},
};

const builds = [
  { name: "before", dir: path.resolve(beforeDir) },
  { name: "after", dir: root },
];
try {
  // One stack at a time (2 cores: their startups would compete), then the calls answered on each.
  for (const b of builds) {
    b.commit = commitOf(b.dir);
    const t0 = performance.now();
    b.stack = await startStack({ subscribe: false, config: path.join(b.dir, "wrangler.toml"), vars: { JWT_AUDIENCE: "https://communication.azure.com" } });
    b.startMs = performance.now() - t0;
    const emu = emulator(b.stack);
    b.pids = workerdPids(b.stack.pgid("wrangler"));
    // Callback tokens (bench-lib's callbackAuth: renewed before each row and between the long
    // call's windows, as they live 5 minutes).
    b.token = await callbackAuth(emu);
    b.auth = b.token.auth;
    const incomingAuth = { authorization: `Bearer ${await entraToken(b.stack)}` };
    b.answered = [];
    for (let i = 0; i <= CALLS; i++) b.answered.push(await answerCall(b.stack, emu, incomingAuth, i));
    report.builds[b.name] = { dir: b.dir, commit: b.commit, worker: path.join(b.dir, "build/index.js"), stackStartMs: Math.round(b.startMs), workerdPids: b.pids };
    console.log(`${b.name}: ${b.dir} at ${b.commit}; stack up in ${fmt(b.startMs)} ms; ${b.answered.length} calls answered`);
  }
  // The answers' own follow-ups (the emulator's deliveries, the flows' first steps) settle
  // first; then each idle stack's CPU is read, the background the rows sit on.
  await sleep(SETTLE_MS);
  for (const b of builds) {
    const c0 = cpuMs(b.pids);
    await sleep(5000);
    report.idleCpuMsPerSecond[b.name] = r3((cpuMs(b.pids) - c0) / 5);
  }
  console.log(`idle workerd CPU (ms/s over 5 s): ${JSON.stringify(report.idleCpuMsPerSecond)}`);

  // Rows 1 and 2, interleaved. Callback events go to answered[1..50] (answered[0] is the long
  // call's); each round's event ids are its own, so no event is a duplicate.
  const rows = {
    healthz: { label: "GET /healthz", one: (b) => () => call(`${b.stack.worker}/healthz`) },
    callback: {
      label: "callback event, answered call",
      one: (b, round) => async (i) => {
        const id = b.answered[1 + (((i % CALLS) + CALLS) % CALLS)];
        const r = await call(`${b.stack.worker}/api/callbacks`, { method: "POST", body: cloudEvent(id, round * 10_000 + i), headers: b.auth });
        if (r.status !== 200 || r.body.applied !== 1) throw new Error(`${b.name}: callback ${round}/${i}: ${r.status} ${JSON.stringify(r.body)}`);
      },
    },
  };
  const seen = Object.fromEntries(Object.keys(rows).map((k) => [k, { before: [], after: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? builds : builds.toReversed();
    for (const [key, row] of Object.entries(rows)) {
      for (const b of order) {
        await b.token.refresh();
        seen[key][b.name].push(await measure(`round ${round + 1} ${b.name}: ${row.label}`, b.pids, N, row.one(b, round)));
      }
    }
  }
  for (const [key, row] of Object.entries(rows)) {
    const out = { name: row.label };
    for (const b of builds) {
      const rs = seen[key][b.name];
      out[b.name] = {
        cpuPerRequest: r3(median(rs.map((x) => x.cpuPerRequest))),
        p50: r3(median(rs.map((x) => x.p50))),
        p99: r3(median(rs.map((x) => x.p99))),
        rounds: rs.map((x) => ({ cpuPerRequest: r3(x.cpuPerRequest), p50: r3(x.p50), p99: r3(x.p99) })),
      };
    }
    out.ratioAfterOverBefore = {
      cpuPerRequest: r3(out.after.cpuPerRequest / out.before.cpuPerRequest),
      p50: r3(out.after.p50 / out.before.p50),
      p99: r3(out.after.p99 / out.before.p99),
    };
    report.rows[key] = out;
    console.log(`${row.label}: median of ${ROUNDS} rounds of ${N} — before ${fmt(out.before.cpuPerRequest)} ms CPU (p50 ${fmt(out.before.p50)}, p99 ${fmt(out.before.p99)} ms), after ${fmt(out.after.cpuPerRequest)} ms CPU (p50 ${fmt(out.after.p50)}, p99 ${fmt(out.after.p99)} ms); after ÷ before CPU ${out.ratioAfterOverBefore.cpuPerRequest}`);
  }
  report.loadavg.afterRows = load();

  // Row 3: the long call, before first, then after.
  for (const b of builds) {
    await b.token.refresh();
    const t0 = performance.now();
    const callId = b.answered[0];
    let result;
    try {
      result = await longCall({
        worker: b.stack.worker, pids: b.pids, auth: b.auth, callId, events: LONG, wall: true, renew: b.token,
        onEvent: (i) => {
          if (i % 500 === 0) console.error(`${b.name} long call: event ${i} after ${fmt((performance.now() - t0) / 1000)} s, load ${load().join(" ")}`);
        },
      });
    } catch (e) {
      if (!e.partial) throw e;
      result = { ...e.partial, failedAt: e.event, error: e.message.slice(0, 2000) };
    }
    result.seconds = r3((performance.now() - t0) / 1000);
    const view = await call(`${b.stack.worker}/admin/calls/${callId}`, { headers: { authorization: `Bearer ${b.stack.adminToken}` } });
    result.view = view.status === 200
      ? { status: view.body.status, stored: view.body.stored, timelineEntries: view.body.timeline?.length }
      : { httpStatus: view.status, body: JSON.stringify(view.body).slice(0, 500) };
    report.longCall[b.name] = result;
    console.log(`${b.name} long call: ${JSON.stringify(result)}`);
  }
  const [lb, la] = [report.longCall.before, report.longCall.after];
  report.longCall.ratioAfterOverBefore = Object.fromEntries(Object.keys(la.cpuMsPerEvent)
    .filter((k) => lb.cpuMsPerEvent[k] !== undefined)
    .map((k) => [k, r3(la.cpuMsPerEvent[k] / lb.cpuMsPerEvent[k])]));
  report.loadavg.end = load();
  console.log(JSON.stringify(report, null, 2));
} finally {
  for (const b of builds) await b.stack?.stop();
}
