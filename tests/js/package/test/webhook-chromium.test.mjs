// Chromium: the cases of webhook-node.test.mjs (lib/webhook-cases.mjs) run in a real headless
// browser page, on callsteer loaded as plain ESM + wasm.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openHarness } from "../lib/browser.mjs";
import { webhookCases } from "../lib/webhook-cases.mjs";

const fixture = JSON.parse(readFileSync(new URL("../../../fixtures/webhook-signature.json", import.meta.url), "utf8"));

let h;
before(async () => {
  h = await openHarness();
});
after(() => h && h.close());

for (const [name, , expected] of webhookCases) {
  test(`webhook signature (chromium): ${name}`, async () => {
    const actual = await h.page.evaluate(({ name, fixture }) => window.harness.runWebhookCase(window.harness.ours, name, fixture), { name, fixture });
    assert.deepEqual(actual, expected);
    assert.deepEqual(h.errors, []);
  });
}
