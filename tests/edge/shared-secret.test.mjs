// The shared-secret callback mode (local use only, when configured): the answer's callback
// URI ends in /<CALLBACK_SECRET>, the emulator's callbacks to it drive the flow, and a
// callback with a wrong or missing secret gets 401.
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, useStack, waitFor } from "./harness.mjs";

const SECRET = "local-only-shared-secret-0123456789";
const { stack, adm, emu } = useStack({ vars: { CALLBACK_AUTH: "shared-secret", CALLBACK_SECRET: SECRET } });

test("callbacks with the secret drive the flow; others get 401", async () => {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550111", to: "+18005550100" } });
  assert.equal(placed.status, 201);
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  const id = decision.callConnectionId;
  await waitFor("the menu", async () => (await adm(`/calls/${id}`)).body?.pending?.["menu-1"]);
  const body = [{ id: "x1", source: "s", type: "Microsoft.Communication.PlayCompleted", specversion: "1.0",
    time: new Date().toISOString(), data: { callConnectionId: id, operationContext: "x" } }];
  for (const q of ["", "/wrong", `/${SECRET}x`, "?token=wrong"]) {
    const r = await call(`${stack.worker}/api/callbacks${q}`, { method: "POST", body });
    assert.equal(r.status, 401, q);
  }
  const d = (await adm(`/calls/${id}`)).body;
  assert.ok(!d.timeline.some((e) => e.id === "x1"), "refused callbacks are not processed");
  const ok = await call(`${stack.worker}/api/callbacks/${SECRET}`, { method: "POST", body });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.applied, 1);
});

test("the worker dedups on the core's key: the same id in two types is two events, its re-delivery one", async () => {
  // A call this worker answered (a made-up call's events are not taken: call-list.test.mjs).
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550112", to: "+18005550100" } });
  const id = (await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  })).callConnectionId;
  const event = (type) => ({ id: "shared-id", source: `calling/callConnections/${id}`, type: `Microsoft.Communication.${type}`,
    specversion: "1.0", time: new Date().toISOString(), data: { callConnectionId: id, operationContext: "x" } });
  const post = (body) => call(`${stack.worker}/api/callbacks/${SECRET}`, { method: "POST", body });
  const first = await post([event("PlayStarted"), event("PlayCompleted")]);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.applied, 2, "both types applied");
  assert.equal(first.body.duplicates, 0);
  const again = await post([event("PlayCompleted")]);
  assert.equal(again.body.applied, 0);
  assert.equal(again.body.duplicates, 1, "a re-delivery is dropped");
  const kinds = (await adm(`/calls/${id}`)).body.timeline.filter((e) => e.id === "shared-id").map((e) => e.kind);
  assert.deepEqual(kinds, ["PlayStarted", "PlayCompleted"]);
  // A body the core cannot decode as callbacks is refused before anything is stored.
  const bad = await post([{ id: "b", source: "s", type: "Microsoft.Communication.PlayCompleted", specversion: "2.0", data: { callConnectionId: id } }]);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "DecodeError");
});
