// The incoming-call webhook in secret mode (INCOMING_AUTH = "secret"): a delivery carries
// the secret in `?code=` or in the configured header (the subscription's delivery
// properties); a wrong or missing secret gets 401 JSON before the body is parsed, and the
// secret never shows up in the worker's log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { call, root, useStack, waitFor } from "./harness.mjs";

const SECRET = `s3cret-${randomBytes(12).toString("base64url")}`;
const HEADER = "X-Callsteer-Delivery";
const CALLER = "+14255550111";
const { stack, adm, emu } = useStack({ incomingAuth: { secret: SECRET, header: HEADER } });

const validation = JSON.parse(readFileSync(path.join(root, "tests/fixtures/events/eventgrid-subscription-validation-event.json"), "utf8"));
const handshake = (query = "", headers = {}) =>
  call(`${stack.worker}/api/incoming${query}`, { method: "POST", body: validation, headers: { "aeg-event-type": "SubscriptionValidation", ...headers } });

test("the secret is accepted from ?code= and from the configured header, nothing else", async () => {
  const refused = [
    ["missing", "", {}, "SecretMissing"],
    ["wrong code", `?code=${encodeURIComponent(`${SECRET}x`)}`, {}, "SecretMismatch"],
    ["prefix of the secret", `?code=${encodeURIComponent(SECRET.slice(0, -1))}`, {}, "SecretMismatch"],
    ["wrong header", "", { [HEADER]: "nope" }, "SecretMismatch"],
    ["right value, other header", "", { "X-Other": SECRET }, "SecretMissing"],
    ["as a bearer token", "", { authorization: `Bearer ${SECRET}` }, "SecretMissing"],
    ["malformed escape", "?code=%zz", {}, "SecretMismatch"],
  ];
  for (const [name, query, headers, code] of refused) {
    const r = await handshake(query, headers);
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, `Unauthorized.${code}`, name);
    assert.equal(r.body.validationResponse, undefined, name);
  }
  for (const [name, query, headers] of [
    ["code", `?code=${encodeURIComponent(SECRET)}`, {}],
    ["header", "", { [HEADER]: SECRET }],
  ]) {
    const r = await handshake(query, headers);
    assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(r.body, { validationResponse: validation[0].data.validationCode }, name);
  }
});

test("the emulator's secret-header subscription delivers incoming calls that are routed", async () => {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: "+18005550100" } });
  assert.equal(placed.status, 201);
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  assert.equal(decision.rule, "ivr");
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: decision.callConnectionId, participant: CALLER } });
});

test("the secret never appears in the worker's log", async () => {
  await handshake(`?code=${encodeURIComponent(`${SECRET}-wrong`)}`);
  assert.ok(!stack.logs().includes(SECRET), "wrangler log is free of the secret");
});
