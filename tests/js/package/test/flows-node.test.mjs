// callsteer/flows in Node: the worked examples' cases pass, a wrong case fails with its first
// difference, bad input throws naming the field, and the report's text and JUnit forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as flows from "../../../../pkg/flows/node.mjs";
import { fixtures, wrongCase, wrongRules, wrongFailure } from "../lib/flows-cases.mjs";
import { parseXml } from "../lib/xml.mjs";

for (const { path, rules, cases } of fixtures) {
  test(`every case of ${path} passes`, () => {
    const report = flows.runTests(rules, cases);
    assert.deepEqual(report.results.filter((r) => !r.passed), []);
    assert.deepEqual([report.passed, report.failed], [cases.length, 0]);
    assert.deepEqual(report.results.map((r) => r.name), cases.map((c) => c.name));
  });
}

test("a wrong case fails with its first difference, in words too", () => {
  const report = flows.runTests(wrongRules, [wrongCase]);
  assert.deepEqual([report.passed, report.failed], [0, 1]);
  assert.deepEqual(report.results[0].failure, wrongFailure);
  assert.deepEqual(report.results[0].path, ["account", "check", "billing"]);
  assert.equal(
    flows.reportText(report),
    `  FAIL  ${wrongCase.name}\n          expect.commands[2]: ${wrongFailure.reason}\n          at step "billing", command 3\n0 passed, 1 failed, 1 in all\n`,
  );
});

test("JSON text in gives what objects give; {tests: [...]} is a list", () => {
  const { rules, cases } = fixtures[0];
  const report = flows.runTests(rules, cases);
  assert.deepEqual(flows.runTests(JSON.stringify(rules), JSON.stringify(cases)), report);
  assert.deepEqual(flows.runTests(rules, { tests: cases }), report);
  assert.equal(flows.reportText(JSON.stringify(report)), flows.reportText(report));
});

const refusal = (fn) => {
  try {
    fn();
  } catch (e) {
    return { name: e.name, code: e.code, field: e.field, message: e.message, isError: e instanceof Error };
  }
  assert.fail("did not throw");
};

test("bad input throws an InvalidInputError naming the field", () => {
  const { rules, cases } = fixtures[0];
  const bad = { ...cases[0], expect: { end: "vanished" } };
  const e = refusal(() => flows.runTests(rules, [cases[1], bad]));
  assert.deepEqual([e.name, e.code, e.field, e.isError], ["InvalidInputError", "InvalidInput", "tests[1].expect.end", true]);
  assert.match(e.message, /^invalid tests\[1\]\.expect\.end: one of hungUp, /);
  const fields = [
    () => flows.runTests({ version: 2, rules: [{ match: {} }] }, []),
    () => flows.runTests(rules, "[{"),
    () => flows.runTests(rules, 7),
    () => flows.runTests(rules, [{ name: "no call" }]),
    () => flows.runTests(rules, [cases[0], cases[0]]),
    () => flows.simulate(rules, undefined),
    () => flows.simulate(rules, cases[0].call, [{ tones: 1 }]),
    () => flows.reportText({ passed: 1 }),
  ].map((fn) => refusal(fn).field);
  assert.deepEqual(fields, ["rules.rules[0]()", "tests", "tests", "tests[0]", "tests[1].name", "call", "script[0]", "report"]);
});

test("validate answers a verdict and never throws", () => {
  const { rules } = fixtures[0];
  const ok = flows.validate(rules);
  assert.equal(ok.valid, true);
  assert.deepEqual(ok.summary.rules.map((r) => r.name), rules.rules.map((r) => r.name));
  assert.deepEqual(flows.validate(JSON.stringify(rules)), ok);
  const bad = flows.validate({ ...rules, rules: [{ ...rules.rules[0], action: { answer: { flow: "nowhere" } } }] });
  assert.equal(bad.valid, false);
  assert.match(bad.error.field, /^rules\[0\]/);
  assert.equal(typeof bad.error.message, "string");
  assert.deepEqual(flows.validate("{").error.field, "document");
});

test("simulate runs one call; a call without `at` is placed at options.now", () => {
  const demo = fixtures.find((f) => f.path.startsWith("examples/"));
  const [inHours] = demo.cases;
  const sim = flows.simulate(demo.rules, inHours.call, inHours.script);
  assert.deepEqual([sim.rule, sim.end, sim.path], ["front-desk", "transferred", inHours.expect.path]);
  assert.equal(sim.commands[0].operation, "AnswerCall");
  const call = { from: inHours.call.from, to: inHours.call.to };
  const at = (iso) => flows.simulate(demo.rules, call, [], { now: new Date(iso) }).path.slice(0, 2);
  assert.deepEqual(at("2026-12-05T10:00:00Z"), ["hours", "closed"]); // a Saturday
  assert.deepEqual(at("2026-12-07T10:00:00Z"), ["hours", "welcome"]); // a Monday
  assert.deepEqual(flows.simulate(demo.rules, call, [], { now: Date.parse("2026-12-07T10:00:00Z") }).path.slice(0, 2), ["hours", "welcome"]);
});

test("reportJunit: one testcase per test, a failure per failed test", () => {
  const report = flows.runTests(wrongRules, [...fixtures.find((f) => f.rules === wrongRules).cases, wrongCase]);
  const xml = parseXml(flows.reportJunit(report, { suite: "account", seconds: 1.5 }));
  assert.equal(xml.name, "testsuites");
  const [suite] = xml.children;
  assert.deepEqual([suite.name, suite.attrs.name, suite.attrs.tests, suite.attrs.failures, suite.attrs.time], ["testsuite", "account", "5", "1", "1.500"]);
  assert.deepEqual(suite.children.map((c) => c.attrs.name), report.results.map((r) => r.name));
  const failed = suite.children.filter((c) => c.children.some((f) => f.name === "failure"));
  assert.deepEqual(failed.map((c) => c.attrs.name), [wrongCase.name]);
  const failure = failed[0].children[0];
  assert.equal(failure.attrs.message, `expect.commands[2]: ${wrongFailure.reason}`);
  assert.deepEqual(JSON.parse(failure.text), wrongFailure);
  assert.equal(parseXml(flows.reportJunit(report)).children[0].attrs.name, "callsteer-flows");
});
