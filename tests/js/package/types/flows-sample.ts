// Type-checked (tsc --noEmit) usage of callsteer/flows; @ts-expect-error lines prove the
// types are not `any`.
import { runTests, simulate, validate, reportText, reportJunit, type TestCase, type TestReport, type InvalidInputError } from "callsteer/flows";

const rules = { version: 2, rules: [] };
const tests: TestCase[] = [{ name: "closed", call: { from: "+14255550111", to: "+18005550100" }, script: [{ tones: "1" }], expect: { end: "hungUp", rule: null } }];
const report: TestReport = runTests(rules, tests, { now: new Date() });
const failed: number = report.failed;
for (const r of report.results) if (!r.passed) console.log(r.failure?.expectation, r.failure?.reason);
const text: string = reportText(report);
const xml: string = reportJunit(report, { suite: "rules.json", seconds: 0.2 });
const verdict = validate(JSON.stringify(rules));
if (!verdict.valid) console.log(verdict.error.field);
const sim = simulate(rules, { from: "+1", to: "+2", at: "2026-12-07T15:00:00Z" }, [], { apiVersion: "2026-03-12" });
const end: "hungUp" | "transferred" | "connected" | "callerHungUp" | "stepLimit" | "redirected" | "rejected" | "open" = sim.end;
try {
  runTests(rules, "[]");
} catch (e) {
  const err = e as InvalidInputError;
  console.log(err.field, err.code === "InvalidInput");
}
void failed; void text; void xml; void end;
// @ts-expect-error a test case needs a call
const noCall: TestCase = { name: "x" };
// @ts-expect-error `end` is one of the documented ends
runTests(rules, [{ name: "x", call: { from: "+1", to: "+2" }, expect: { end: "gone" } }]);
void noCall;
