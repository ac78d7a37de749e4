#!/usr/bin/env node
// callsteer-flows: test, validate and simulate call flows offline (Node >= 20). A shell over
// callsteer/flows: it reads files, hands their JSON to the engine and prints its answers; the
// report's text and JUnit XML are the engine's too. docs/flows.md, "Testing flows offline".
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { reportJunit, reportText, runTests, simulate, validate } from "./node.mjs";

const usage = `usage:
  callsteer-flows test <rules.json> [<tests.json|dir>...] [--junit <file>] [--json]
  callsteer-flows validate <rules.json>
  callsteer-flows simulate <rules.json> <call.json>

rules.json: a rules document, or a {"rules", "cases"} file (its cases are the tests when no
tests are given). A tests file: a test case, a list of them, {"tests": [...]} or a
{"rules", "cases"} file; a directory: every .json file under it.
Exit status: 0 all passed (valid), 1 a test failed (invalid rules), 2 bad input.`;

/** The error every refusal is: the engine's InvalidInputError shape, naming the field. */
const invalid = (field, reason) =>
  Object.assign(new Error(`invalid ${field}: ${reason}`), { name: "InvalidInputError", code: "InvalidInput", field });

function readJson(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw invalid(file, e.code === "ENOENT" ? "no such file" : e.message);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalid(file, `not valid JSON: ${e.message}`);
  }
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** A rules file: a document, or {rules: {…}, cases} (a document's own `rules` is a list). */
function readRules(file) {
  const doc = readJson(file);
  return isObject(doc) && isObject(doc.rules) ? { rules: doc.rules, cases: doc.cases ?? [] } : { rules: doc, cases: [] };
}

/** The test cases of one file: a list, {tests}, {cases} or one case. */
function casesOf(doc) {
  if (Array.isArray(doc)) return doc;
  if (isObject(doc) && "tests" in doc) return doc.tests;
  if (isObject(doc) && "cases" in doc) return doc.cases;
  return [doc];
}

/** Every .json file a path names (a directory: those under it, in name order). */
function jsonFiles(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw invalid(path, "no such file or directory");
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(path, f))
    .filter((f) => statSync(f).isFile());
}

/** Names the file a refused test came from (`tests[7]` → `tests/b.json, test 2`). */
function locate(error, sources, rulesFile) {
  const at = /^tests\[(\d+)\]/.exec(error.field ?? "");
  if (at && sources[at[1]]) error.message += ` (${sources[at[1]]})`;
  else if (error.field?.startsWith("rules")) error.message += ` (${rulesFile})`;
  return error;
}

function test(args, options) {
  const [rulesFile, ...testPaths] = args;
  if (!rulesFile) throw invalid("arguments", "test needs a rules file");
  const { rules, cases } = readRules(rulesFile);
  let tests = [];
  let sources = [];
  if (testPaths.length === 0) {
    tests = Array.isArray(cases) ? cases : [cases];
    sources = tests.map((_, i) => `${rulesFile}, case ${i + 1}`);
  }
  for (const file of testPaths.flatMap(jsonFiles)) {
    const found = casesOf(readJson(file));
    const list = Array.isArray(found) ? found : [found];
    list.forEach((t, i) => (tests.push(t), sources.push(`${file}, test ${i + 1}`)));
  }
  if (tests.length === 0) throw invalid("tests", "no test cases found");
  const started = performance.now();
  let report;
  try {
    report = runTests(rules, tests);
  } catch (e) {
    throw locate(e, sources, rulesFile);
  }
  const seconds = (performance.now() - started) / 1000;
  if (options.junit) writeFileSync(options.junit, reportJunit(report, { suite: basename(rulesFile), seconds }));
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
  return report.failed === 0 ? 0 : 1;
}

function check(args) {
  if (args.length !== 1) throw invalid("arguments", "validate takes one rules file");
  const verdict = validate(readRules(args[0]).rules);
  process.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  return verdict.valid ? 0 : 1;
}

function sim(args) {
  if (args.length !== 2) throw invalid("arguments", "simulate takes a rules file and a {call, script} file");
  const input = readJson(args[1]);
  const result = simulate(readRules(args[0]).rules, input?.call, input?.script);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

function main(argv) {
  const [command, ...rest] = argv;
  const args = [];
  const options = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === "--json") options.json = true;
    else if (a === "--junit") options.junit = rest[++i] ?? "";
    else if (a.startsWith("--junit=")) options.junit = a.slice("--junit=".length);
    else if (a.startsWith("--")) throw invalid("arguments", `unknown option ${a}`);
    else args.push(a);
  }
  if (options.junit === "") throw invalid("--junit", "needs a file name");
  const commands = { test: () => test(args, options), validate: () => check(args), simulate: () => sim(args) };
  if (!Object.hasOwn(commands, command ?? "")) throw invalid("command", "one of test, validate, simulate");
  return commands[command]();
}

if (["-h", "--help", "help"].includes(process.argv[2])) {
  process.stdout.write(`${usage}\n`);
} else {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`callsteer-flows: ${e.name === "InvalidInputError" ? e.message : e.stack}\n`);
    if (e.field === "arguments" || e.field === "command") process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
  }
}
