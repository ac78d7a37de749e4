// The benchmark build (cargo feature `bench`, build-bench/; scripts/bench-edge measures with
// it): its /admin/bench/… routes run, behind the admin token, and its deliberate panic answers
// 500 instead of hanging, after which the worker recovers. The production build has none of
// these routes (security.test.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { call, useStack } from "./harness.mjs";

const { stack, adm } = useStack({ subscribe: false, bench: true });

test("the benchmark routes run, behind the admin token", async () => {
  const r = await adm("/bench/flow-step?n=3", { method: "POST", body: [] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { kind: "flow-step", n: 3 });
  const anon = await call(`${stack.worker}/admin/bench/flow-step?n=3`, { method: "POST", body: [] });
  assert.equal(anon.status, 401);
  const unknown = await adm("/bench/nope", { method: "POST", body: [] });
  assert.equal(unknown.status, 404);
});

test("a panic answers 500 instead of hanging, and the worker recovers", async () => {
  const resp = await fetch(`${stack.worker}/admin/bench/panic`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.adminToken}` },
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(resp.status, 500);
  await resp.arrayBuffer();
  const health = await call(`${stack.worker}/healthz`);
  assert.equal(health.status, 200);
  const calls = await adm("/calls");
  assert.equal(calls.status, 200, "the reset instance serves the next request");
});
