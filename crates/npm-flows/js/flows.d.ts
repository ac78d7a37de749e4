// Types of `callsteer/flows`: validate, simulate and test call flows offline, on the worker's
// own interpreter (docs/flows.md, "Testing flows offline: npm and CI"). Rules and test cases
// are taken as objects or as JSON text; their shapes are docs/flows.schema.json and
// docs/flows.tests.schema.json. Input errors throw an `InvalidInputError` naming the field.

/** A rules document (version 2: `{version, flows, rules, default}`), or its JSON text. */
export type RulesDocument = Record<string, unknown> | string;

/** The call to simulate, as `POST /admin/flows/simulate` takes it. */
export interface SimulatedCall {
  from: string;
  to: string;
  callerDisplayName?: string;
  sipHeaders?: Record<string, string>;
  voipHeaders?: Record<string, string>;
  /** RFC 3339; without it the call is placed at `options.now`. */
  at?: string;
}

/** One entry of a script: tones, speech, silence, a target's outcome, a webhook's answer. */
export type ScriptEntry = Record<string, unknown>;

/** A test case (docs/flows.tests.schema.json). */
export interface TestCase {
  name: string;
  description?: string;
  call: SimulatedCall;
  script?: ScriptEntry[];
  expect?: {
    rule?: string | null;
    end?: CallEnd;
    path?: string[];
    pathIncludes?: string[];
    commands?: (string | { operation: string; step?: string; body?: Record<string, unknown> })[];
    notCommands?: string[];
    variables?: Record<string, string>;
  };
}

export type CallEnd = "hungUp" | "transferred" | "connected" | "callerHungUp" | "stepLimit" | "redirected" | "rejected" | "open";

export interface Options {
  /** The clock for calls without `at` (default `Date.now()`). */
  now?: Date | number;
  /** The api-version of the simulated requests (default: the engine's). */
  apiVersion?: string;
}

export type Validation =
  | { valid: true; warnings: unknown[]; summary: unknown }
  | { valid: false; error: { field: string; message: string } };

/** What a simulation answers (docs/flows.md, "Simulation and replay"). */
export interface SimResult {
  rule: string | null;
  revision: string | null;
  action: "answer" | "redirect" | "reject";
  path: string[];
  notes: string[];
  commands: { operation: string; operationContext?: string; step?: string; request: { method: string; path: string; body: unknown } }[];
  webhooks: unknown[];
  end: CallEnd;
  endReason?: string;
  variables: Record<string, string>;
  unusedScript: number[];
  timeline: unknown[];
}

/** Where a test first parted from its expectations. */
export interface Failure {
  /** The expectation, as a path in the test: `expect.commands[3].body./x`. */
  expectation: string;
  expected: unknown;
  actual: unknown;
  step?: string;
  command?: number;
  reason: string;
}

export interface TestResult {
  name: string;
  passed: boolean;
  failure?: Failure;
  path: string[];
}

export interface TestReport {
  passed: number;
  failed: number;
  results: TestResult[];
}

/** The error thrown for refused input (`field`: `tests[2].expect.end`, `rules.rules[0].match`). */
export interface InvalidInputError extends Error {
  name: "InvalidInputError";
  code: "InvalidInput";
  field: string;
}

/** The load's verdict on a document; never throws. */
export function validate(rules: RulesDocument): Validation;
/** One call through the flows, without a phone. Throws `InvalidInputError`. */
export function simulate(rules: RulesDocument, call: SimulatedCall | string, script?: ScriptEntry[] | string, options?: Options): SimResult;
/** Runs test cases (a list, or `{tests: [...]}`; at most 1,000). Throws `InvalidInputError`. */
export function runTests(rules: RulesDocument, tests: TestCase[] | { tests: TestCase[] } | string, options?: Options): TestReport;
/** A report in words: a line per test, the first difference under a failure. */
export function reportText(report: TestReport | string): string;
/** A report as JUnit XML (suite `callsteer-flows` and 0 s unless given). */
export function reportJunit(report: TestReport | string, options?: { suite?: string; seconds?: number }): string;
