// The exports of callsteer/flows: a shell over the flows engine (crates/npm-flows, the
// interpreter of crates/flows). Objects go in as JSON text (a string is taken as JSON text
// already) and answers come back parsed; the clock is the caller's (`Date.now()` unless
// `options.now` says otherwise). No flow rule lives here.
import * as engine from "./engine.js";

const text = (value) => (typeof value === "string" ? value : JSON.stringify(value ?? null));
const clock = (options) => Number(options?.now ?? Date.now());

/** `{valid: true, warnings, summary}` or `{valid: false, error: {field, message}}`; never throws. */
export const validate = (rules) => JSON.parse(engine.validate(text(rules)));

/** One call through the flows, without a phone: the rule, path, commands, end, variables, … */
export const simulate = (rules, call, script, options) =>
  JSON.parse(engine.simulate(text(rules), text(call), text(script), clock(options), options?.apiVersion));

/** Runs test cases (`[…]` or `{tests: […]}`): `{passed, failed, results}`. */
export const runTests = (rules, tests, options) =>
  JSON.parse(engine.runTests(text(rules), text(tests), clock(options), options?.apiVersion));

/** A report of runTests in words: a line per test, the first difference under a failure. */
export const reportText = (report) => engine.reportText(text(report));

/** A report of runTests as JUnit XML (`options.suite`, `options.seconds`). */
export const reportJunit = (report, options) => engine.reportJunit(text(report), options?.suite, options?.seconds);
