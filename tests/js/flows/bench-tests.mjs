// 1,000 test cases on a 200-rule document (bench-fixture.mjs) through callsteer/flows'
// runTests in this Node process and through the callsteer-flows command line; medians of
// several runs, as a markdown table. scripts/bench-flows-tests runs it; BENCHMARKS.md,
// "Flow test cases", has the results.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchRules, benchTests } from "./bench-fixture.mjs";

const RUNS = Number(process.env.RUNS ?? 9);
const pkg = fileURLToPath(new URL("../../../pkg/flows/", import.meta.url));
const started = performance.now();
const flows = await import(join(pkg, "node.mjs"));
const loadMs = performance.now() - started;

const rules = benchRules(200);
const tests = benchTests(rules, 1000);
const dir = mkdtempSync(join(tmpdir(), "callsteer-flows-bench-"));
const rulesFile = join(dir, "rules.json");
const testsFile = join(dir, "tests.json");
writeFileSync(rulesFile, JSON.stringify(rules));
writeFileSync(testsFile, JSON.stringify(tests));

const time = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};
const passes = (report) => {
  if (report.passed !== tests.length || report.failed !== 0) throw new Error(`${report.failed} of the bench's tests failed`);
};

let first;
const api = stats(
  Array.from({ length: RUNS }, (_, i) => {
    const ms = time(() => passes(flows.runTests(rules, tests)));
    if (i === 0) first = ms;
    return ms;
  }),
);
const text = stats(
  Array.from({ length: RUNS }, () =>
    time(() => {
      const report = flows.runTests(rules, tests);
      passes(report);
      flows.reportText(report);
    }),
  ),
);
const cli = (...extra) =>
  stats(
    Array.from({ length: RUNS }, () =>
      time(() => {
        const run = spawnSync(process.execPath, [join(pkg, "cli.mjs"), "test", rulesFile, testsFile, ...extra], { encoding: "utf8" });
        if (run.status !== 0 || !run.stdout.includes("1000 passed, 0 failed")) throw new Error(`the command line failed: ${run.stderr}`);
      }),
    ),
  );
const cliText = cli();
const cliJunit = cli("--junit", join(dir, "results.xml"));
const nodeOnly = stats(Array.from({ length: RUNS }, () => time(() => execFileSync(process.execPath, ["-e", "0"]))));

const cpu = (execFileSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: "utf8" }).trim());
const f = (ms) => `${ms.toFixed(0)} ms`;
console.log(`machine: ${execFileSync("nproc", { encoding: "utf8" }).trim()} cores (nproc), ${cpu}; Node ${process.version}; load average ${execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ").slice(0, 3).join(" ")}`);
console.log(`input: ${rules.rules.length} rules (${JSON.stringify(rules).length} bytes of JSON), ${tests.length} test cases (${JSON.stringify(tests).length} bytes); ${RUNS} runs each, all passing`);
console.log();
console.log("| what | median | min | max |");
console.log("|---|---:|---:|---:|");
console.log(`| \`runTests(rules, tests)\` in Node (npm function; objects in, report out) | **${f(api.median)}** | ${f(api.min)} | ${f(api.max)} |`);
console.log(`| the same + \`reportText\` | ${f(text.median)} | ${f(text.min)} | ${f(text.max)} |`);
console.log(`| \`callsteer-flows test rules.json tests.json\` (\`node pkg/flows/cli.mjs\`, what the npm bin runs: a new Node process starts, loads the wasm, reads both files, runs, prints the report) | **${f(cliText.median)}** | ${f(cliText.min)} | ${f(cliText.max)} |`);
console.log(`| the same with \`--junit results.xml\` | ${f(cliJunit.median)} | ${f(cliJunit.min)} | ${f(cliJunit.max)} |`);
console.log(`| for scale: \`node -e 0\` (Node's own start) | ${f(nodeOnly.median)} | ${f(nodeOnly.min)} | ${f(nodeOnly.max)} |`);
console.log();
console.log(`first runTests in this process: ${f(first)}; importing callsteer/flows (compile + instantiate the wasm): ${f(loadMs)}`);
