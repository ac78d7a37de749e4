// The menus fixture (tests/fixtures/flows/menus.json: a three-level DTMF menu and its test
// cases) and the drafts of it the drafts suites use: the worker's (drafts.test.mjs) and the
// admin page's (admin-drafts.test.mjs).
import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./harness.mjs";

export const menus = JSON.parse(readFileSync(path.join(root, "tests/fixtures/flows/menus.json"), "utf8"));

/** The menus document with the support desk's message leading to sales, not back to the main menu. */
export function salesAfterSupport() {
  const doc = structuredClone(menus.rules);
  doc.flows.menus.steps.find((s) => s.id === "support").next = "sales";
  return doc;
}

/** The menus document where "1" at the main menu goes to orders instead of sales: the agent case fails at its second step. */
export function brokenMenu() {
  const doc = structuredClone(menus.rules);
  doc.flows.menus.steps.find((s) => s.id === "main").on["1"] = "orders";
  return doc;
}
