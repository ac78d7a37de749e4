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
// logLevel "log": the worker's console.log lines are in wrangler.log, where a leak would show.
const { stack, adm, emu } = useStack({ incomingAuth: { secret: SECRET, header: HEADER }, logLevel: "log" });

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
  // Deliveries that carry the secret, refused (a longer value) and accepted, in both places.
  await handshake(`?code=${encodeURIComponent(`${SECRET}-wrong`)}`);
  await handshake("", { [HEADER]: `${SECRET}-wrong` });
  await handshake(`?code=${encodeURIComponent(SECRET)}`);
  await handshake("", { [HEADER]: SECRET });
  // The runtime writes a request's console lines after its response: wait until a line the
  // worker logs for a later request (the /acs proxy logs every request, a refused one too) is
  // in the log, so every line of the deliveries above is there before it is read.
  const marker = `log-marker-${randomBytes(8).toString("hex")}`;
  assert.equal((await call(`${stack.worker}/acs/calling/${marker}`)).status, 401);
  const log = await stack.waitForLog("wrangler", `acs proxy: GET /acs/calling/${marker}`);
  // The whole log (wrangler's access lines print the path without the query).
  const leaks = log.split("\n").filter((l) => l.includes(SECRET));
  assert.deepEqual(leaks, [], "the worker's log is free of the secret");
});
