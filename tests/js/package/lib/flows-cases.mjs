// What the callsteer/flows suites share: the worked examples with their cases
// (tests/fixtures/flows/*.json, examples/flows/small-business.json: `{description, rules,
// cases}`), a case that is deliberately wrong with the first difference it must report, and
// the CLI run as a child process.
import { readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = new URL("../../../../", import.meta.url);
export const CLI = fileURLToPath(new URL("pkg/flows/cli.mjs", root));

const read = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8"));
export const fixturePaths = [
  ...readdirSync(new URL("tests/fixtures/flows/", root)).filter((f) => f.endsWith(".json")).sort().map((f) => `tests/fixtures/flows/${f}`),
  "examples/flows/small-business.json",
];
export const fixtures = fixturePaths.map((path) => ({ path, file: fileURLToPath(new URL(path, root)), ...read(path) }));

/** account.json's first case, expecting a play where the transfer is: fails at commands[2]. */
const account = fixtures.find((f) => f.path.endsWith("account.json"));
const right = account.cases[0];
export const wrongCase = {
  ...right,
  name: "deliberately wrong: a play instead of the transfer",
  expect: { ...right.expect, commands: ["AnswerCall", "CallMedia_Recognize", "CallMedia_Play"] },
};
export const wrongRules = account.rules;
export const wrongFailure = {
  expectation: "expect.commands[2]",
  expected: "CallMedia_Play",
  actual: "CallConnection_TransferToParticipant",
  step: "billing",
  command: 2,
  reason: "command 3 is CallConnection_TransferToParticipant, not CallMedia_Play",
};

/** Runs the command line: {status, stdout, stderr}. */
export const cli = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
