// Node: for every case, callsteer and @azure/communication-call-automation must send the
// same method, path, query and body, both correctly signed, and return the same result.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as official from "@azure/communication-call-automation";
import * as ours from "../../../../pkg/node.mjs";
import { startServer } from "../lib/server.mjs";
import { cases, runCase } from "../lib/cases.mjs";
import { wireView, resultView } from "../lib/compare.mjs";

let server;
let theirs;
let mine;
before(async () => {
  server = await startServer();
  const source = { sourceIdentity: { communicationUserId: "8:acs:bot" }, allowInsecureConnection: true };
  theirs = new official.CallAutomationClient(server.connectionString, source);
  mine = new ours.CallAutomationClient(server.connectionString, source);
});
after(() => server.close());

for (const [name] of cases) {
  test(`oracle (node): ${name}`, async () => {
    const expected = await runCase(theirs, name);
    const sentByThem = server.take();
    const actual = await runCase(mine, name);
    const sentByUs = server.take();
    assert.ok(sentByThem.length > 0, `official package sent nothing: ${JSON.stringify(expected)}`);
    assert.deepEqual(sentByUs.map(wireView), sentByThem.map(wireView));
    for (const r of [...sentByThem, ...sentByUs]) assert.ok(r.authOk, `bad signature on ${r.method} ${r.pathAndQuery}`);
    assert.deepEqual(resultView(actual), resultView(expected));
  });
}

test("oracle (node): options.apiVersion is sent by both", async () => {
  const options = { apiVersion: "2025-06-30", allowInsecureConnection: true };
  server.take();
  await new official.CallAutomationClient(server.connectionString, options).getCallRecording().getState("r");
  await new ours.CallAutomationClient(server.connectionString, options).getCallRecording().getState("r");
  const [theirs, mine] = server.take();
  assert.equal(theirs.query["api-version"], "2025-06-30");
  assert.deepEqual(wireView(mine), wireView(theirs));
});
