// The callsteer-flows command line (pkg/flows/cli.mjs, run by Node as npx would): what it
// accepts, what it prints (the engine's report), its JUnit file and its exit status.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flows from "../../../../pkg/flows/node.mjs";
import { cli, fixtures, wrongCase, wrongRules, wrongFailure } from "../lib/flows-cases.mjs";
import { parseXml } from "../lib/xml.mjs";

const account = fixtures.find((f) => f.rules === wrongRules);
let dir;
const put = (name, value) => {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
};
before(() => {
  dir = mkdtempSync(join(tmpdir(), "callsteer-flows-cli-"));
  mkdirSync(join(dir, "tests/sub"), { recursive: true });
  put("rules.json", account.rules);
  put("fixture.json", { rules: account.rules, cases: account.cases });
  // Every form a tests file may take, in a directory tree: read in name order.
  const [c0, c1, c2, c3] = account.cases;
  put("tests/one.json", c0);
  put("tests/list.json", [c1]);
  put("tests/sub/wrapped.json", { tests: [c2] });
  put("tests/a-fixture.json", { description: "x", rules: account.rules, cases: [c3] });
  put("tests/notes.txt", "not a test");
});

for (const { path, file, rules, cases } of fixtures) {
  test(`test ${path}: its own cases pass, exit 0, the engine's report`, () => {
    const run = cli("test", file);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, flows.reportText(flows.runTests(rules, cases)));
    assert.match(run.stdout, new RegExp(`^${cases.length} passed, 0 failed, ${cases.length} in all$`, "m"));
  });
}

test("a directory of tests files in every form, beside a bare rules document", () => {
  const run = cli("test", join(dir, "rules.json"), join(dir, "tests"));
  assert.equal(run.status, 0, run.stderr);
  const [c0, c1, c2, c3] = account.cases;
  assert.equal(run.stdout, flows.reportText(flows.runTests(account.rules, [c3, c1, c0, c2])));
});

test("a failing case: exit 1, the difference in words, JUnit and JSON reports", () => {
  const wrong = put("wrong.json", wrongCase);
  const junit = join(dir, "results.xml");
  const run = cli("test", join(dir, "fixture.json"), join(dir, "fixture.json"), wrong, "--junit", junit);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, new RegExp(`^  FAIL  ${wrongCase.name}\n {10}expect\\.commands\\[2\\]: ${wrongFailure.reason}\n {10}at step "billing", command 3$`, "m"));
  assert.match(run.stdout, /^4 passed, 1 failed, 5 in all$/m);
  const suite = parseXml(readFileSync(junit, "utf8")).children[0];
  assert.deepEqual([suite.attrs.name, suite.attrs.tests, suite.attrs.failures], ["fixture.json", "5", "1"]);
  assert.equal(suite.children.filter((c) => c.name === "testcase").length, 5);
  assert.deepEqual(suite.children.filter((c) => c.children.some((f) => f.name === "failure")).map((c) => c.attrs.name), [wrongCase.name]);
  const json = cli("test", join(dir, "fixture.json"), join(dir, "fixture.json"), wrong, "--json");
  assert.equal(json.status, 1);
  assert.deepEqual(JSON.parse(json.stdout), flows.runTests(account.rules, [...account.cases, wrongCase]));
});

test("bad input: exit 2 and an error naming the field (and the file)", () => {
  const bad = put("bad.json", [account.cases[0], { ...account.cases[1], expect: { end: "vanished" } }]);
  const cases = [
    [["test", join(dir, "rules.json"), bad], /^callsteer-flows: invalid tests\[1\]\.expect\.end: one of hungUp, .*\(.*bad\.json, test 2\)$/m],
    [["test", join(dir, "rules.json"), join(dir, "absent.json")], /invalid .*absent\.json: no such file or directory/],
    [["test", put("broken.json", "{ nope")], /invalid .*broken\.json: not valid JSON/],
    [["test", put("bad-rules.json", { version: 2, rules: [{ match: {} }] }), bad], /invalid rules\.rules\[0\]\(\): missing field `name` \(.*bad-rules\.json\)/],
    [["test", join(dir, "rules.json")], /invalid tests: no test cases found/],
    [["test", join(dir, "rules.json"), join(dir, "tests"), "--junit"], /invalid --junit: needs a file name/],
    [["test", join(dir, "rules.json"), "--fast"], /unknown option --fast/],
    [[], /invalid command: one of test, validate, simulate\nusage:/],
    [["simulate", join(dir, "rules.json"), put("no-call.json", { script: [] })], /invalid call: /],
  ];
  for (const [args, message] of cases) {
    const run = cli(...args);
    assert.equal(run.status, 2, `${args.join(" ")}: ${run.stdout}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace for refused input");
  }
});

test("validate: the engine's verdict; exit 0 valid, 1 invalid", () => {
  const ok = cli("validate", join(dir, "fixture.json"));
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), flows.validate(account.rules));
  const bad = cli("validate", put("invalid.json", { ...account.rules, rules: [{ ...account.rules.rules[0], action: { answer: { flow: "x" } } }] }));
  assert.equal(bad.status, 1);
  assert.equal(JSON.parse(bad.stdout).valid, false);
  assert.match(JSON.parse(bad.stdout).error.field, /^rules\[0\]/);
});

test("simulate: a {call, script} file (a test case will do), the engine's result", () => {
  const [c0] = account.cases;
  const run = cli("simulate", join(dir, "rules.json"), join(dir, "tests/one.json"));
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), flows.simulate(account.rules, c0.call, c0.script));
  assert.equal(JSON.parse(run.stdout).end, "transferred");
});

test("--help prints the usage and exits 0", () => {
  const run = cli("--help");
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^usage:\n {2}callsteer-flows test /);
});
