// Flow tests and a draft's impact, in the worker (workerd via wrangler dev, release build, with
// the emulator), timed from the client:
//   1. POST /admin/flows/test with 1,000 test cases on a 200-rule document (the generator the npm
//      benchmark uses, tests/js/flows/bench-fixture.mjs), BENCH_ROUNDS (5) runs, median;
//   2. the impact of a draft on BENCH_CALLS (500) real calls: each placed through the emulator's
//      Event Grid subscription, answered by the menus fixture's flow, pressing 2 (the support
//      desk) or 1 (sales) at the main menu, then left to time out and end; then
//      POST /admin/rules/drafts/{name}/impact {"calls": 500}, BENCH_ROUNDS runs, median.
//
//   node tests/edge/bench-flows.mjs        (scripts/bench-flows-edge wraps it; results → BENCHMARKS.md)
import { cpus, loadavg } from "node:os";
import { readFileSync } from "node:fs";
import path from "node:path";
import { benchRules, benchTests } from "../js/flows/bench-fixture.mjs";
import { admin, emulator, root, startStack, waitFor } from "./harness.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const AT_ONCE = Number(process.env.BENCH_AT_ONCE ?? 10);

const median = (xs) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
const menus = JSON.parse(readFileSync(path.join(root, "tests/fixtures/flows/menus.json"), "utf8"));

const stack = await startStack({});
const adm = admin(stack);
const emu = emulator(stack);
try {
  const putLive = async (doc) => {
    const tag = (await adm("/rules")).headers.get("etag");
    const r = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": tag } });
    if (r.status !== 200) throw new Error(`PUT /admin/rules: ${r.status} ${JSON.stringify(r.body)}`);
  };

  // 1. 1,000 test cases on a 200-rule document.
  const rules = benchRules(200);
  const tests = benchTests(rules, 1000);
  const body = { rules, tests };
  const bytes = JSON.stringify(body).length;
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const r = await adm("/flows/test", { method: "POST", body });
    const ms = performance.now() - t0;
    if (r.status !== 200 || r.body.passed !== 1000) throw new Error(`flows/test: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
    runs.push(ms);
  }

  // 2. Real calls, then the impact of a draft on them.
  await putLive(menus.rules);
  let placed = 0;
  const place = async (i) => {
    const from = `+1425555${String(1000 + i).padStart(4, "0")}`;
    const p = await emu("/emulator/incoming-calls", { method: "POST", body: { from, to: "+18005550100" } });
    if (p.status !== 201) throw new Error(`incoming call: ${p.status} ${JSON.stringify(p.body)}`);
    const decision = await waitFor("the decision", async () => {
      const r = await adm(`/decisions/${encodeURIComponent(p.body.serverCallId)}`);
      return r.status === 200 && r.body.decisions[0];
    }, { timeoutMs: 60_000, intervalMs: 200 });
    const id = decision.callConnectionId;
    await waitFor("the menu to listen", async () => {
      const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: from, tones: i % 2 ? "1" : "2" } });
      return r.status === 202 && r.body.consumedBy === "recognize";
    }, { timeoutMs: 60_000, intervalMs: 200 });
    placed += 1;
  };
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i += AT_ONCE) {
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, CALLS - i) }, (_, k) => place(i + k)));
  }
  const placing = (performance.now() - t0) / 1000;
  const draft = structuredClone(menus.rules);
  draft.flows.menus.steps.find((s) => s.id === "support").next = "sales";
  const saved = await adm("/rules/drafts/bench", { method: "PUT", body: draft });
  if (saved.status !== 200) throw new Error(`draft: ${saved.status}`);
  const impacts = [];
  let report;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    const r = await adm("/rules/drafts/bench/impact", { method: "POST", body: { calls: CALLS } });
    impacts.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`impact: ${r.status} ${JSON.stringify(r.body)}`);
    report = r.body;
  }

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}; load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`| what | runs | median | all (ms) |`);
  console.log(`|---|---|---|---|`);
  console.log(`| POST /admin/flows/test: 1,000 cases, 200 rules (${(bytes / 1024).toFixed(0)} KiB body), client wall | ${ROUNDS} | ${median(runs).toFixed(0)} ms | ${runs.map((x) => x.toFixed(0)).join(", ")} |`);
  console.log(`| POST /admin/rules/drafts/{name}/impact: ${report.calls} calls, client wall | ${ROUNDS} | ${median(impacts).toFixed(0)} ms | ${impacts.map((x) => x.toFixed(0)).join(", ")} |`);
  console.log(`impact: same ${report.same}, different ${report.different} in ${report.groups.length} groups, unreplayable ${report.unreplayable.calls}; ${placed} calls placed in ${placing.toFixed(0)} s`);
  console.log(JSON.stringify(report.groups.map(({ index, after, live, draft, calls }) => ({ index, after, live, draft, calls }))));
} finally {
  await stack.stop();
}
