// The worker's /acs proxy in workerd against the emulator (no --cors): the admin page's only
// way to Call Automation. Only the admin bearer gets in; only the 34 operations with the
// worker's api-version and a body of at most 1 MiB get through; what gets through is signed
// by the worker (the emulator checks the HMAC) and answered with the service's status, body
// and the headers clients read; the log has a line per request and no secret.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { useStack, waitFor } from "./harness.mjs";

const CONSOLE_NUMBER = "+18005550188";
const RULES = {
  version: 1,
  default: { reject: { reason: "busy" } },
  rules: [{ name: "console", match: { to: { exact: CONSOLE_NUMBER } }, action: { answer: {} } }],
};
const V = "api-version=2026-03-12";
const MIB = 1 << 20;

// logLevel "log": wrangler.log keeps the worker's console.log lines (the proxy's log).
const { stack, adm, emu } = useStack({ vars: { ROUTING_RULES: JSON.stringify(RULES) }, logLevel: "log" });

/** A request to the proxy: the admin bearer unless `authorization` says otherwise (null: none). */
async function acs(p, { method = "GET", body, headers = {}, authorization = `Bearer ${stack.adminToken}` } = {}) {
  const init = { method, headers: { ...headers } };
  if (authorization) init.headers.authorization = authorization;
  if (body !== undefined) {
    init.body = typeof body === "string" || body instanceof ReadableStream ? body : JSON.stringify(body);
    if (body instanceof ReadableStream) init.duplex = "half";
    init.headers["content-type"] ??= "application/json";
  }
  const started = Date.now();
  const r = await fetch(`${stack.worker}/acs${p}`, init);
  const text = await r.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: r.status, body: parsed, headers: r.headers, ms: Date.now() - started };
}

function assertRefused(r, status, code, field) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.body.error.status, status);
  assert.equal(r.body.error.code, code);
  if (field) assert.equal(r.body.error.field, field, r.body.error.message);
}

const createCall = (callback) => ({
  targets: [{ kind: "communicationUser", communicationUser: { id: "8:acs:00000000-0000-4000-8000-0000000000bb" }, rawId: "8:acs:00000000-0000-4000-8000-0000000000bb" }],
  callbackUri: callback,
});
const callCount = async () => (await emu("/emulator/calls")).body.value.length;

async function connectedCall() {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550133", to: CONSOLE_NUMBER } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  await waitFor("CallConnected", async () => (await adm(`/calls/${decision.callConnectionId}`)).body?.status === "connected");
  return decision.callConnectionId;
}

test("without the admin bearer: 401, and nothing reaches the service", async () => {
  const before = await callCount();
  const body = createCall(`${stack.worker}/api/callbacks`);
  for (const [name, authorization, query] of [
    ["no header", null, V],
    ["wrong token", "Bearer not-the-admin-token", V],
    ["not bearer", `Basic ${Buffer.from(`admin:${stack.adminToken}`).toString("base64")}`, V],
    ["token in the URL only", null, `${V}&access_token=${stack.adminToken}`],
  ]) {
    const r = await acs(`/calling/callConnections?${query}`, { method: "POST", body, authorization });
    assertRefused(r, 401, "Unauthorized");
    assert.ok(!JSON.stringify(r.body).includes(stack.adminToken), name);
  }
  assert.equal(await callCount(), before, "no call was created");
});

test("only Call Automation operations: other paths 404, other methods 405", async () => {
  for (const p of ["/emulator/faults", "/calling/keys", "/admin/calls", "/calling/callConnections/c1:fly", "", "/"]) {
    const r = await acs(`${p}?${V}`, { method: "POST", body: { errorRate: 1 } });
    assertRefused(r, 404, "NotFound");
  }
  assert.equal((await emu("/emulator/faults")).body.errorRate, 0, "the control API was not reached");
  const put = await acs(`/calling/callConnections/c1?${V}`, { method: "PUT", body: {} });
  assertRefused(put, 405, "MethodNotAllowed");
  assert.equal(put.headers.get("allow"), "GET, DELETE");
  const get = await acs(`/calling/recordings?${V}`);
  assertRefused(get, 405, "MethodNotAllowed");
  assert.equal(get.headers.get("allow"), "POST");
});

test("api-version must be the worker's, once; the admin token never in the URL", async () => {
  const before = await callCount();
  const body = createCall(`${stack.worker}/api/callbacks`);
  for (const query of ["", "api-version=2024-09-15", "api-version=2026-03-12&api-version=2026-03-12"]) {
    const r = await acs(`/calling/callConnections?${query}`, { method: "POST", body });
    assertRefused(r, 400, "BadRequest", "api-version");
  }
  const leak = await acs(`/calling/callConnections?${V}&access_token=${stack.adminToken}`, { method: "POST", body });
  assertRefused(leak, 400, "BadRequest", "access_token");
  // Our keys in another case, and a `;`-joined pair: what probing the worker found forwarded.
  for (const query of [`${V}&API-VERSION=2099-01-01`, `${V}&ACCESS_TOKEN=${stack.adminToken}`, `${V}&x=1;api-version=2099-01-01`]) {
    const r = await acs(`/calling/callConnections?${query}`, { method: "POST", body });
    assertRefused(r, 400, "BadRequest", "query");
    assert.ok(!JSON.stringify(r.body).includes(stack.adminToken), query);
  }
  assert.equal(await callCount(), before);
});

test("bodies over 1 MiB are refused with 413, with or without Content-Length", async () => {
  const before = await callCount();
  const big = JSON.stringify({ ...createCall(`${stack.worker}/api/callbacks`), operationContext: "x".repeat(MIB) });
  const sized = await acs(`/calling/callConnections?${V}`, { method: "POST", body: big });
  assertRefused(sized, 413, "PayloadTooLarge", "body");
  // Streamed (chunked, no Content-Length): counted while read.
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (sent > 2 * MIB) return c.close();
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
  const streamed = await acs(`/calling/callConnections?${V}`, { method: "POST", body: stream });
  assertRefused(streamed, 413, "PayloadTooLarge", "body");
  assert.equal(await callCount(), before);
});

test("a genuine request is re-signed by the worker and answered as the service answered", async () => {
  const id = await connectedCall();
  // The emulator checks the HMAC with the access key: a 2xx proves the worker signed it.
  const list = await acs(`/calling/callConnections/${id}/participants?${V}`, { headers: { accept: "application/json" } });
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.match(list.headers.get("content-type"), /^application\/json/);
  assert.equal(list.body.value.length, 1);

  // Repeatability headers reach the service: the same id twice is one invitation.
  const invite = { participantToAdd: { kind: "communicationUser", communicationUser: { id: "8:acs:00000000-0000-4000-8000-0000000000cc" }, rawId: "8:acs:00000000-0000-4000-8000-0000000000cc" } };
  const repeat = { "repeatability-request-id": crypto.randomUUID(), "repeatability-first-sent": new Date().toUTCString() };
  const first = await acs(`/calling/callConnections/${id}/participants:add?${V}`, { method: "POST", body: invite, headers: repeat });
  const again = await acs(`/calling/callConnections/${id}/participants:add?${V}`, { method: "POST", body: invite, headers: repeat });
  assert.equal(first.status, 202, JSON.stringify(first.body));
  assert.equal(again.status, 202);
  assert.equal(again.body.invitationId, first.body.invitationId, "the service saw the same repeatability id");

  // The service's own errors come back as they are (status, CommunicationErrorResponse).
  const missing = await acs(`/calling/callConnections/no-such-call?${V}`);
  assert.equal(missing.status, 404);
  assert.equal(typeof missing.body.error.message, "string");

  // A 429 keeps its Retry-After and is not retried by the worker (the page's package retries).
  const f = await emu("/emulator/faults", { method: "POST", body: { errorRate: 1, errorStatus: 429, retryAfterSeconds: 5 } });
  assert.equal(f.status, 200, JSON.stringify(f.body));
  try {
    const busy = await acs(`/calling/callConnections/${id}?${V}`);
    assert.equal(busy.status, 429);
    assert.equal(busy.headers.get("retry-after"), "5");
    assert.ok(busy.ms < 4000, `answered at once (${busy.ms} ms), no wait inside the worker`);
  } finally {
    await emu("/emulator/faults", { method: "DELETE" });
  }

  // HangUp's 204 has no body.
  const gone = await acs(`/calling/callConnections/${id}?${V}`, { method: "DELETE" });
  assert.equal(gone.status, 204);
  assert.equal(gone.body, null);
});

test("every proxied request is logged as method, path, status and duration, with no secret", async () => {
  // wrangler prints the worker's console output to its log shortly after the request.
  const log = () => readFileSync(path.join(stack.dir, "wrangler.log"), "utf8");
  await acs(`/calling/callConnections/log-probe?${V}`);
  await waitFor("the probe's log line", () => /acs proxy: GET \/acs\/calling\/callConnections\/log-probe -> 404 \(\d+ ms\)/.test(log()));
  const text = log();
  assert.match(text, /acs proxy: POST \/acs\/calling\/callConnections -> 401 \(\d+ ms\)/);
  assert.match(text, /acs proxy: POST \/acs\/calling\/callConnections -> 413 \(\d+ ms\)/);
  const accessKey = stack.connectionString.match(/accesskey=(.+)$/)[1];
  assert.ok(!text.includes(stack.adminToken), "no admin token in the log");
  assert.ok(!text.includes(accessKey), "no access key in the log");
  assert.ok(!text.includes("HMAC-SHA256"), "no signature in the log");
  assert.ok(!text.includes("8:acs:00000000-0000-4000-8000-0000000000cc"), "no request body in the log");
});
