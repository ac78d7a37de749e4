// Webhook and admin security in workerd: forged or missing callback tokens get 401 and
// nothing is processed; the admin bearer token; errors are JSON with a status. (The
// incoming-call webhook and its handshakes: incoming-auth.test.mjs, incoming-secret.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, createSign } from "node:crypto";
import { call, openLive, useStack } from "./harness.mjs";

// BENCH_ROUTES "1" turned the benchmark routes on in builds before they became a cargo feature:
// set here to prove the production build has none whatever the vars say.
const { stack, adm, emu } = useStack({ vars: { BENCH_ROUTES: "1" } });

const b64url = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

function forgedToken({ kid, alg = "RS256", claims }) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const head = `${b64url({ alg, kid, typ: "JWT" })}.${b64url(claims)}`;
  const sig = createSign("RSA-SHA256").update(head).sign(privateKey).toString("base64url");
  return `${head}.${sig}`;
}

function callbackBody(id) {
  return [{
    id: `evt-${id}`,
    source: `calling/callConnections/${id}`,
    type: "Microsoft.Communication.CallConnected",
    time: new Date().toISOString(),
    specversion: "1.0",
    data: { callConnectionId: id, serverCallId: "x", correlationId: "y" },
  }];
}

const postCallback = (id, authorization) =>
  call(`${stack.worker}/api/callbacks`, { method: "POST", body: callbackBody(id), headers: authorization ? { authorization } : {} });

test("missing, forged and misdirected callback tokens get 401 and nothing is processed", async () => {
  const keys = await emu("/calling/keys");
  const kid = keys.body.keys[0].kid;
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: stack.emulator, aud: "not-checked-before-the-signature", exp: now + 300, nbf: now - 5 };
  const emulatorSigned = (await emu("/emulator/tokens", { method: "POST" })).body.token; // real key, wrong audience
  const cases = [
    ["missing", undefined],
    ["not bearer", "Basic abc"],
    ["forged signature", `Bearer ${forgedToken({ kid, claims })}`],
    ["alg none", `Bearer ${b64url({ alg: "none", kid })}.${b64url(claims)}.`],
    ["unknown kid", `Bearer ${forgedToken({ kid: "not-a-kid", claims })}`],
    ["wrong audience", `Bearer ${emulatorSigned}`],
  ];
  for (const [name, header] of cases) {
    const id = `forged-${name.replace(/\s/g, "-")}`;
    const r = await postCallback(id, header);
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.status, 401, name);
    assert.match(r.body.error.code, /^Unauthorized/, name);
    const stored = await adm(`/calls/${id}`);
    assert.equal(stored.status, 404, `${name}: nothing stored for the call`);
  }
});

test("the admin API needs the bearer token; errors are JSON with a status", async () => {
  for (const headers of [{}, { authorization: "Bearer wrong" }]) {
    const r = await call(`${stack.worker}/admin/calls`, { headers });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, "Unauthorized");
  }
  const ok = await adm("/calls");
  assert.equal(ok.status, 200);
  assert.ok(Array.isArray(ok.body.calls));
  const nf = await call(`${stack.worker}/no/such/route`);
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.code, "NotFound");
  // A token in the URL only where a browser cannot send a header: the live stream's GET.
  const inUrl = `access_token=${encodeURIComponent(stack.adminToken)}`;
  for (const [method, route] of [["DELETE", "/admin/rules"], ["PUT", "/admin/rules"], ["GET", "/admin/rules"], ["POST", "/admin/rules/rollback"], ["GET", "/admin/calls"]]) {
    const r = await call(`${stack.worker}${route}?${inUrl}`, { method, body: method === "GET" || method === "DELETE" ? undefined : {} });
    assert.equal(r.status, 401, `${method} ${route} with the token in its URL: ${JSON.stringify(r.body)}`);
  }
  // The live stream still takes it (a browser's WebSocket sends no header): past the
  // credential, a request that is not an upgrade gets 426, and an unknown call no socket.
  const stream = await call(`${stack.worker}/admin/calls/nope/events?${inUrl}`);
  assert.equal(stream.status, 426, JSON.stringify(stream.body));
  assert.equal(stream.body.error.code, "UpgradeRequired");
  await assert.rejects(openLive(stack, "nope").opened, /refused/);
  // A call this worker does not have: 404 (a call it has that is not connected refuses with
  // 400 naming `call`: routing_call.rs, admin_actions_need_a_live_call_and_valid_targets).
  const action = await adm("/calls/nope/actions", { method: "POST", body: { action: "hangUp" } });
  assert.equal(action.status, 404, "an unknown call refuses actions");
  assert.equal(action.body.error.code, "NotFound");
});

test("the production build has no benchmark routes, even with BENCH_ROUTES set", async () => {
  // (The panic test and the routes themselves: bench-build.test.mjs, on the benchmark build.)
  for (const kind of ["incoming", "callback", "callback-rust", "callback-unverified", "flow-step", "panic"]) {
    const r = await adm(`/bench/${kind}?n=1`, { method: "POST", body: [] });
    assert.equal(r.status, 404, `${kind}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, "NotFound", kind);
  }
  const health = await call(`${stack.worker}/healthz`);
  assert.equal(health.status, 200);
});

test("the admin page is served at / and reads the admin API", async () => {
  const resp = await fetch(`${stack.worker}/`);
  assert.equal(resp.status, 200);
  assert.match(resp.headers.get("content-type"), /text\/html/);
  const html = await resp.text();
  assert.match(html, /<script type="module" src="\/ui\/app.mjs"><\/script>/);
  // Its modules (static assets) read the admin API and stream a call's timeline.
  const module = async (name) => (await fetch(`${stack.worker}/ui/${name}`)).text();
  assert.match(await module("api.mjs"), /fetch\(`\/admin\$\{path\}`/);
  const callModule = await module("call.mjs");
  assert.match(callModule, /new URL\(`\/admin\/calls\/\$\{encodeURIComponent\(id\)\}\/events/);
  assert.match(callModule, /new WebSocket\(url\)/);
});
