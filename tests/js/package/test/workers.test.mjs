// In workerd (Miniflare 4): the package loads through its `workerd` export (wasm imported as a
// module, no fetch of its own URL), signs requests and reaches the loopback server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { signWebhookBody } from "../../../../pkg/node.mjs";
import { startServer } from "../lib/server.mjs";
import { runTests } from "../../../../pkg/flows/node.mjs";
import { fixtures, wrongCase, wrongRules } from "../lib/flows-cases.mjs";

let server;
let mf;
before(async () => {
  server = await startServer();
  // Modules are listed explicitly (as wrangler's bundler would resolve them): Miniflare's own
  // import tracer refuses the non-literal `import("node:fs")` of the Node-only downloadToPath.
  const root = fileURLToPath(new URL("../../../../", import.meta.url));
  const pkgFiles = readdirSync(join(root, "pkg"), { recursive: true }).map((f) => join("pkg", f));
  const modules = [{ type: "ESModule", path: join(root, "tests/js/package/workers/worker.mjs") }];
  for (const f of pkgFiles) {
    if (/\.(mjs|js)$/.test(f)) modules.push({ type: "ESModule", path: join(root, f) });
    if (f.endsWith(".wasm")) modules.push({ type: "CompiledWasm", path: join(root, f) });
  }
  mf = new Miniflare({ modules, modulesRoot: root, compatibilityDate: "2025-01-01" });
});
after(async () => {
  await mf?.dispose();
  await server?.close();
});

test("a Worker calls the service through callsteer", async () => {
  server.take();
  const res = await mf.dispatchFetch(`http://worker/?cs=${encodeURIComponent(server.connectionString)}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.callConnectionId, "conn-1");
  assert.deepEqual(body.answeredby, { communicationUserId: "8:acs:bot" });
  const [sent] = server.take();
  assert.equal(sent.path, "/calling/callConnections/conn-1");
  assert.ok(sent.authOk, "HMAC signature verified");
});

test("a Worker parses a callback batch", async () => {
  const batch = [{ type: "Microsoft.Communication.CallConnected", data: {} }, { type: "Microsoft.Communication.Nope", data: {} }];
  const res = await mf.dispatchFetch("http://worker/events", { method: "POST", body: JSON.stringify(batch) });
  assert.deepEqual(await res.json(), ["CallConnected", "Unknown"]);
});

test("a Worker runs the event processor: an early event settles the play (no node:events)", async () => {
  server.take();
  const batch = [
    { type: "Microsoft.Communication.PlayCompleted", data: { callConnectionId: "conn-1", operationContext: "other" } },
    { type: "Microsoft.Communication.PlayCompleted", data: { callConnectionId: "conn-1", operationContext: "w1", marker: 1 } },
  ];
  const res = await mf.dispatchFetch(`http://worker/processor?cs=${encodeURIComponent(server.connectionString)}`, { method: "POST", body: JSON.stringify(batch) });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(body, { isSuccess: true, successResult: { callConnectionId: "conn-1", operationContext: "w1", marker: 1, kind: "PlayCompleted" }, timedOut: "TimeoutError" });
  assert.equal(server.take().length, 1);
});

test("a Worker verifies a flow webhook (pkg/README.md's fetch handler)", async () => {
  const secret = "a-long-random-secret-for-the-step";
  const post = async (body, signature) => {
    const res = await mf.dispatchFetch("http://worker/webhook", { method: "POST", body, headers: { "callsteer-signature": signature } });
    return [res.status, await res.text()];
  };
  const body = JSON.stringify({ digits: "1", note: "naïve ☎" });
  assert.deepEqual(await post(body, signWebhookBody(body, secret)), [200, '{"goto":"sales","set":{"checked":"yes"}}']);
  assert.deepEqual(await post(body, signWebhookBody(body.replace("1", "2"), secret)), [401, "InvalidSignature"]);
  assert.deepEqual(await post(body, signWebhookBody(body, secret, { now: new Date(Date.now() - 301000) })), [401, "Expired"]);
  assert.deepEqual(await post(body, "t=1"), [401, "MalformedHeader"]);
});

test("a Worker runs flow test cases through callsteer/flows: Node's report", async () => {
  const tests = [...fixtures.find((f) => f.rules === wrongRules).cases, wrongCase];
  const res = await mf.dispatchFetch("http://worker/flows", { method: "POST", body: JSON.stringify({ rules: wrongRules, tests }) });
  const report = await res.json();
  assert.equal(res.status, 200, JSON.stringify(report));
  assert.deepEqual([report.passed, report.failed], [4, 1]);
  assert.deepEqual(report, runTests(wrongRules, tests));
});
