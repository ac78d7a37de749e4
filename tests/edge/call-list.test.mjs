// The call list holds only this worker's calls, a page at a time (issue 20's probe: a genuine
// callback credential and ten POSTs of made-up call ids hid every real call, and the list read
// one KV entry per call). Callbacks here use the shared-secret mode: what an attacker holding
// one genuine callback credential can send.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, useStack, waitFor } from "./harness.mjs";

const SECRET = "local-only-shared-secret-0123456789";
const V = "api-version=2026-03-12";
const { stack, adm, emu } = useStack({ vars: { CALLBACK_AUTH: "shared-secret", CALLBACK_SECRET: SECRET } });
const post = (body) => call(`${stack.worker}/api/callbacks/${SECRET}`, { method: "POST", body });
const event = (callId, id, type = "ParticipantsUpdated") => ({
  id, source: `calling/callConnections/${callId}`, type: `Microsoft.Communication.${type}`, specversion: "1.0",
  time: new Date().toISOString(), data: { callConnectionId: callId, sequenceNumber: 1, participants: [] },
});

async function answeredCall(from) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from, to: "+18005550100" } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  const id = decision.callConnectionId;
  await waitFor("the call listed", async () => (await adm("/calls")).body.calls.some((c) => c.callConnectionId === id));
  return id;
}

test("callbacks for calls this worker never answered, created or connected are not stored or listed", async () => {
  const real = await answeredCall("+14255550161");
  const before = (await adm("/calls")).body.calls.length;
  // 100 made-up ids that sort before any real one, in one authenticated batch.
  const fake = Array.from({ length: 100 }, (_, i) => `0000-made-up-${String(i).padStart(3, "0")}`);
  const r = await post(fake.map((id, i) => event(id, `f${i}`)));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.applied, 0, "none applied");
  assert.equal(r.body.held + r.body.refused, 100, JSON.stringify(r.body));
  const listed = (await adm("/calls")).body.calls;
  assert.equal(listed.length, before, "no entry was added");
  assert.ok(listed.some((c) => c.callConnectionId === real), "the real call is still listed");
  assert.ok(!listed.some((c) => c.callConnectionId.startsWith("0000-made-up")));
  for (const id of fake.slice(0, 3)) assert.equal((await adm(`/calls/${id}`)).status, 404, id);
  // The real call's own events are taken as before.
  const own = await post([event(real, "own-1")]);
  assert.equal(own.body.applied, 1, JSON.stringify(own.body));
});

test("the list is paged newest first by a cursor; limit is checked", async () => {
  const ids = [];
  for (const from of ["+14255550171", "+14255550172", "+14255550173"]) ids.push(await answeredCall(from));
  const seen = [];
  let cursor;
  do {
    const page = await adm(`/calls?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(page.body.calls.length <= 1);
    seen.push(...page.body.calls.map((c) => c.callConnectionId));
    cursor = page.body.cursor;
  } while (cursor && seen.length < 50);
  const order = ids.map((id) => seen.indexOf(id));
  assert.ok(order.every((i) => i >= 0), `every call on some page: ${JSON.stringify(order)}`);
  assert.deepEqual([...order].sort((a, b) => b - a), order, "newest first");
  for (const bad of ["0", "1001", "x"]) {
    const r = await adm(`/calls?limit=${bad}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.field, "limit");
  }
});

test("a call the admin page creates through the proxy is this worker's: listed, and its callbacks taken", async () => {
  const created = await call(`${stack.worker}/acs/calling/callConnections?${V}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminToken}` },
    body: {
      targets: [{ kind: "communicationUser", communicationUser: { id: "8:acs:00000000-0000-4000-8000-0000000000bb" }, rawId: "8:acs:00000000-0000-4000-8000-0000000000bb" }],
      callbackUri: `${stack.worker}/api/callbacks/${SECRET}`,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.callConnectionId;
  const view = await waitFor("the created call", async () => {
    const r = await adm(`/calls/${id}`);
    return r.status === 200 && r.body;
  });
  assert.equal(view.timeline[0].kind, "CreateCall");
  await waitFor("the created call listed", async () => (await adm("/calls")).body.calls.some((c) => c.callConnectionId === id));
  const r = await post([event(id, "created-1")]);
  assert.equal(r.body.applied, 1, JSON.stringify(r.body));
});
