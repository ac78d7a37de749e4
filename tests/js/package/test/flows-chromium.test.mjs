// callsteer/flows in real headless Chromium (pkg/flows/index.mjs as plain ESM + wasm), and one
// result everywhere: the same cases through Node, Chromium and the command line give the same
// JSON report.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flows from "../../../../pkg/flows/node.mjs";
import { openHarness } from "../lib/browser.mjs";
import { cli, fixtures, wrongCase, wrongRules, wrongFailure } from "../lib/flows-cases.mjs";

let h;
before(async () => {
  h = await openHarness();
});
after(() => h && h.close());

/** Calls `callsteer/flows`'s `name` in the page; a throw comes back as {thrown: {name, code, field, message}}. */
const inPage = (name, ...args) =>
  h.page.evaluate(
    async ({ name, args }) => {
      const flows = await import("/pkg/flows/index.mjs");
      try {
        return { value: flows[name](...args) };
      } catch (e) {
        return { thrown: { name: e.name, code: e.code, field: e.field, message: e.message, isError: e instanceof Error } };
      }
    },
    { name, args },
  );

// The cases of every worked example, and the deliberately wrong one with account.json's.
const runs = fixtures.map(({ path, file, rules, cases }) => ({ path, file, rules, tests: rules === wrongRules ? [...cases, wrongCase] : cases }));

test("one result everywhere: Node, Chromium and the CLI give the same report", () => {
  const dir = mkdtempSync(join(tmpdir(), "callsteer-flows-everywhere-"));
  return Promise.all(
    runs.map(async ({ path, file, rules, tests }, i) => {
      const node = flows.runTests(rules, tests);
      const chromium = await inPage("runTests", rules, tests);
      const testsFile = join(dir, `${i}.json`);
      writeFileSync(testsFile, JSON.stringify(tests));
      const run = cli("test", file, testsFile, "--json");
      assert.equal(run.status, node.failed ? 1 : 0, run.stderr);
      assert.deepEqual(chromium, { value: node }, path);
      assert.deepEqual(JSON.parse(run.stdout), node, path);
      assert.equal(node.failed, rules === wrongRules ? 1 : 0, path);
      assert.equal(node.passed, tests.length - node.failed, path);
    }),
  );
});

test("Chromium: the wrong case's first difference, its text and JUnit (well-formed for DOMParser)", async () => {
  const { value: report } = await inPage("runTests", wrongRules, [wrongCase]);
  assert.deepEqual(report.results[0].failure, wrongFailure);
  assert.deepEqual(await inPage("reportText", report), { value: flows.reportText(report) });
  const counts = await h.page.evaluate(async (report) => {
    const flows = await import("/pkg/flows/index.mjs");
    const doc = new DOMParser().parseFromString(flows.reportJunit(report, { suite: "s" }), "application/xml");
    if (doc.querySelector("parsererror")) return "not XML";
    return [doc.querySelectorAll("testsuite[name=s] > testcase").length, doc.querySelectorAll("testcase > failure").length];
  }, report);
  assert.deepEqual(counts, [1, 1]);
  assert.deepEqual(h.errors, []);
});

test("Chromium: bad input throws an InvalidInputError naming the field; validate and simulate", async () => {
  const [c0] = fixtures[0].cases;
  const bad = await inPage("runTests", fixtures[0].rules, [{ ...c0, expect: { end: "vanished" } }]);
  assert.deepEqual(
    { ...bad.thrown, message: bad.thrown.message.split(":")[0] },
    { name: "InvalidInputError", code: "InvalidInput", field: "tests[0].expect.end", message: "invalid tests[0].expect.end", isError: true },
  );
  assert.deepEqual(await inPage("validate", fixtures[0].rules), { value: flows.validate(fixtures[0].rules) });
  const now = { now: Date.parse("2026-12-07T10:00:00Z") };
  assert.deepEqual(await inPage("simulate", fixtures[0].rules, c0.call, c0.script, now), { value: flows.simulate(fixtures[0].rules, c0.call, c0.script, now) });
});
