// Chromium: the same oracle comparison as oracle-node, with both packages running in a real
// headless browser page (callsteer loaded as plain ESM + wasm, no bundler, no shims).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { openHarness } from "../lib/browser.mjs";
import { cases } from "../lib/cases.mjs";
import { wireView, resultView } from "../lib/compare.mjs";

let h;
before(async () => {
  h = await openHarness();
});
after(() => h && h.close());

function runIn(which, name) {
  return h.page.evaluate(
    async ({ which, name, cs }) => {
      const { harness } = window;
      const mod = which === "ours" ? harness.ours : harness.official;
      const options = { sourceIdentity: { communicationUserId: "8:acs:bot" }, allowInsecureConnection: true };
      return harness.runCase(new mod.CallAutomationClient(cs, options), name);
    },
    { which, name, cs: h.server.connectionString },
  );
}

for (const [name] of cases) {
  test(`oracle (chromium): ${name}`, async () => {
    const expected = await runIn("official", name);
    const sentByThem = h.server.take();
    const actual = await runIn("ours", name);
    const sentByUs = h.server.take();
    assert.ok(sentByThem.length > 0, `official package sent nothing: ${JSON.stringify(expected)}`);
    assert.deepEqual(sentByUs.map(wireView), sentByThem.map(wireView));
    for (const r of [...sentByThem, ...sentByUs]) assert.ok(r.authOk, `bad signature on ${r.method} ${r.pathAndQuery}`);
    assert.deepEqual(resultView(actual), resultView(expected));
    assert.deepEqual(h.errors, []);
  });
}
