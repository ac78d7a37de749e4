// The flow test-case benchmark's input, made deterministically (no clock, no randomness):
// `benchRules(n)`, a version-2 rules document of n rules, each matching its own number and
// answering with its own three-step flow (a menu collect, a transfer, a hang-up), and
// `benchTests(rules, n)`, n test cases against it whose expectations hold. Used by
// scripts/bench-flows-tests (npm and command line) and the worker's benchmark; keep the API.

const AT = "2026-12-07T15:00:00Z";
const CALLER = "+14255551234";
const pad = (i) => String(i).padStart(4, "0");

/** A valid version-2 document: rule `line-i` answers calls to +1800555iiii with flow `fi`. */
export function benchRules(nRules = 200) {
  const flows = {};
  const rules = [];
  for (let i = 0; i < nRules; i++) {
    const [menu, sales, bye] = [`menu-${i}`, `sales-${i}`, `bye-${i}`];
    flows[`f${i}`] = {
      steps: [
        { id: menu, collect: { prompt: { text: `Line ${i}: press 1 for sales, 2 to leave a message.` } }, on: { 1: sales, 2: bye }, noInput: bye, noMatch: bye },
        { id: sales, transfer: { targets: [`+1425555${pad(i)}`] }, failure: bye },
        { id: bye, hangUp: { prompt: { text: "Thank you for calling. Goodbye." } } },
      ],
    };
    rules.push({ name: `line-${i}`, match: { to: { exact: `+1800555${pad(i)}` } }, action: { answer: { flow: `f${i}` } } });
  }
  return { version: 2, flows, rules };
}

/**
 * n test cases against `rules` (a document of benchRules): case j calls rule j mod its rule count,
 * in one of four scenarios by j div that count — presses 1 (transferred), presses 2 (hung up),
 * presses 1 and the target is busy (hung up), says nothing (hung up).
 */
export function benchTests(rules, n = 1000) {
  const tests = [];
  for (let j = 0; j < n; j++) {
    const rule = rules.rules[j % rules.rules.length];
    const steps = rules.flows[rule.action.answer.flow].steps;
    const [menu, sales, bye] = steps.map((s) => s.id);
    const target = steps[1].transfer.targets[0];
    const call = { from: CALLER, to: rule.match.to.exact, at: AT };
    const answer = ["AnswerCall", { operation: "CallMedia_Recognize", step: menu }];
    const transfer = { operation: "CallConnection_TransferToParticipant", step: sales, body: { "/targetParticipant/rawId": `4:${target}` } };
    const goodbye = [{ operation: "CallMedia_Play", step: bye }, { operation: "CallConnection_TerminateCall", step: bye }];
    const scenarios = [
      ["presses 1 and is transferred", [{ tones: "1" }], { end: "transferred", path: [menu, sales], commands: [...answer, transfer], variables: { [menu]: "1" } }],
      ["presses 2 and hears goodbye", [{ tones: "2" }], { end: "hungUp", path: [menu, bye], commands: [...answer, ...goodbye], notCommands: [transfer.operation], variables: { [menu]: "2" } }],
      ["presses 1, the line is busy", [{ tones: "1" }, { target, outcome: "busy" }], { end: "hungUp", path: [menu, sales, bye], commands: [...answer, transfer, ...goodbye] }],
      ["says nothing", [{ silence: true }], { end: "hungUp", path: [menu, bye], commands: [...answer, ...goodbye], notCommands: [transfer.operation] }],
    ];
    const [what, script, expect] = scenarios[Math.floor(j / rules.rules.length) % scenarios.length];
    tests.push({ name: `${j} ${rule.name} ${what}`, call, script, expect: { rule: rule.name, ...expect } });
  }
  return tests;
}
