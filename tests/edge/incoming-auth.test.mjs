// The incoming-call webhook is Entra-protected (INCOMING_AUTH = "entra", as in deployment):
// every Event Grid delivery, handshakes included, must carry a token the emulated Entra
// tenant issued for the worker's application. Forged, missing, expired, misdirected and
// wrong-algorithm tokens get 401 JSON, and the emulator sees no answer/redirect/reject; the
// genuine delivery is routed. Real components: the emulator binary (Event Grid delivery and
// the Entra issuer) and the worker in workerd.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { call, entraToken, root, subscriptionAuth, useStack, waitFor } from "./harness.mjs";

const CALLER = "+14255550111";
const IVR = "+18005550100"; // the "ivr" rule of wrangler.toml answers it
// Not subscribed at start: the tests deliver captured events themselves; the last test
// subscribes the worker the way deployment does.
const { stack, adm, emu } = useStack({ subscribe: false });

const b64url = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** A token signed by a key that is not the issuer's (or not RSA at all). */
function forged({ kid, alg = "RS256", claims }) {
  const head = `${b64url({ alg, kid, typ: "JWT" })}.${b64url(claims)}`;
  if (alg === "none") return `${head}.`;
  if (alg === "HS256") return `${head}.${createHmac("sha256", "guessable").update(head).digest("base64url")}`;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return `${head}.${createSign("RSA-SHA256").update(head).sign(privateKey).toString("base64url")}`;
}

// A real IncomingCall (with a live incomingCallContext) captured from the emulator by a plain
// Event Grid subscription of our own, so a forged delivery of it could really be answered.
// Started on first use (after the stack's own `before` hook has filled `stack`).
const deliveries = [];
let receiver;
let receiving;
const ensureReceiver = () => (receiving ??= startReceiver());
async function startReceiver() {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const events = JSON.parse(body);
      const v = events.find((e) => e.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent");
      res.setHeader("content-type", "application/json");
      if (v) return res.end(JSON.stringify({ validationResponse: v.data.validationCode }));
      deliveries.push(...events);
      res.end("{}");
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const sub = await emu("/emulator/event-subscriptions", { method: "POST", body: { endpoint: `http://127.0.0.1:${receiver.address().port}/eg` } });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
}
after(() => receiver?.close());

/** Places a call to a number no rule of the worker answers differently, and returns its IncomingCall event. */
async function placeCall(to) {
  await ensureReceiver();
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to } });
  assert.equal(placed.status, 201);
  const ev = await waitFor("the IncomingCall at our receiver", () => deliveries.find((e) => e.data.serverCallId === placed.body.serverCallId));
  return { ev, serverCallId: placed.body.serverCallId };
}

/** What the emulator did with the call: connections created for it, and its decisions. */
async function serviceSaw(serverCallId) {
  const calls = (await emu("/emulator/calls")).body.value;
  return calls.filter((c) => c.serverCallId === serverCallId);
}

const deliver = (body, headers = {}, query = "") =>
  call(`${stack.worker}/api/incoming${query}`, { method: "POST", body, headers: { "aeg-event-type": "Notification", ...headers } });

async function badTokens() {
  const keys = (await emu(`/entra/${stack.entra.tenant}/discovery/v2.0/keys`)).body.keys;
  const kid = keys[0].kid;
  const claims = { iss: `${stack.entra.authority}/${stack.entra.tenant}/v2.0`, aud: stack.entra.audience, iat: now(), nbf: now() - 5, exp: now() + 3600 };
  return [
    ["missing", undefined, "TokenMissing"],
    ["not a bearer token", `Basic ${b64url("a:b")}`, "TokenMalformed"],
    ["forged signature", `Bearer ${forged({ kid, claims })}`, "TokenSignature"],
    ["alg none", `Bearer ${forged({ kid, alg: "none", claims })}`, "TokenAlgorithm"],
    ["alg HS256", `Bearer ${forged({ kid, alg: "HS256", claims })}`, "TokenAlgorithm"],
    ["unknown kid", `Bearer ${forged({ kid: "not-a-kid", claims })}`, "TokenUnknownKid"],
    ["expired", `Bearer ${await entraToken(stack, { expiresInSeconds: -600 })}`, "TokenExpired"],
    ["wrong audience", `Bearer ${await entraToken(stack, { audience: "api://someone-else" })}`, "TokenAudience"],
    ["wrong issuer (another tenant)", `Bearer ${await entraToken(stack, { tenant: randomUUID() })}`, "TokenIssuer"],
    ["the ACS callback token", `Bearer ${(await emu("/emulator/tokens", { method: "POST" })).body.token}`, "TokenUnknownKid"],
  ];
}

test("forged, missing, expired and misdirected deliveries of IncomingCall get 401 and nothing is answered", async () => {
  const { ev, serverCallId } = await placeCall(IVR);
  for (const [name, authorization, code] of await badTokens()) {
    const r = await deliver([ev], authorization ? { authorization } : {});
    assert.equal(r.status, 401, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.status, 401, name);
    assert.equal(r.body.error.code, `Unauthorized.${code}`, name);
    assert.equal(r.headers.get("content-type"), "application/json", name);
  }
  assert.deepEqual(await serviceSaw(serverCallId), [], "the emulator saw no answer");
  const decision = await adm(`/decisions/${encodeURIComponent(serverCallId)}`);
  assert.equal(decision.status, 404, "no decision was recorded");

  // The same delivery with Event Grid's genuine token is routed (the ivr rule answers) —
  // which also proves nothing redirected or rejected the call before.
  const r = await deliver([ev], { authorization: `Bearer ${await entraToken(stack)}` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.routed[0].rule, "ivr");
  const answered = await serviceSaw(serverCallId);
  assert.equal(answered.length, 1, "answered once");
  assert.equal(answered[0].callConnectionId, r.body.routed[0].callConnectionId);
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: answered[0].callConnectionId, participant: CALLER } });
});

test("a v1 token of the tenant (sts-style issuer) is accepted too", async () => {
  const { ev, serverCallId } = await placeCall(IVR);
  const token = await entraToken(stack, { tokenVersion: 1 });
  const iss = JSON.parse(Buffer.from(token.split(".")[1], "base64url")).iss;
  assert.equal(iss, `${stack.entra.authority}/${stack.entra.tenant}/`);
  const r = await deliver([ev], { authorization: `Bearer ${token}` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const [answered] = await serviceSaw(serverCallId);
  assert.ok(answered, "answered");
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: answered.callConnectionId, participant: CALLER } });
});

test("the validation handshakes need the same authentication", async () => {
  const fixture = JSON.parse(readFileSync(path.join(root, "tests/fixtures/events/eventgrid-subscription-validation-event.json"), "utf8"));
  const handshake = (headers) => deliver(fixture, { "aeg-event-type": "SubscriptionValidation", ...headers });
  const preflight = (headers) => fetch(`${stack.worker}/api/incoming`, { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net", ...headers } });
  for (const [name, authorization, code] of await badTokens()) {
    const headers = authorization ? { authorization } : {};
    const v = await handshake(headers);
    assert.equal(v.status, 401, `validation, ${name}`);
    assert.equal(v.body.error.code, `Unauthorized.${code}`, `validation, ${name}`);
    assert.equal(v.body.validationResponse, undefined, "the code is not echoed");
    const o = await preflight(headers);
    assert.equal(o.status, 401, `OPTIONS, ${name}`);
    assert.equal(o.headers.get("webhook-allowed-origin"), null, `OPTIONS, ${name}: no grant`);
    await o.arrayBuffer();
  }
  const genuine = { authorization: `Bearer ${await entraToken(stack)}` };
  const v = await handshake(genuine);
  assert.equal(v.status, 200);
  assert.deepEqual(v.body, { validationResponse: fixture[0].data.validationCode });
  const o = await preflight(genuine);
  assert.equal(o.status, 200);
  assert.equal(o.headers.get("webhook-allowed-origin"), "eventgrid.azure.net");
  await o.arrayBuffer();
  const noOrigin = await call(`${stack.worker}/api/incoming`, { method: "OPTIONS", headers: genuine });
  assert.equal(noOrigin.status, 400);
  assert.equal(noOrigin.body.error.status, 400);
});

test("an authenticated delivery that is not Event Grid JSON is refused with 400; refusals come before the body is read", async () => {
  const genuine = { authorization: `Bearer ${await entraToken(stack)}` };
  const bad = await call(`${stack.worker}/api/incoming`, { method: "POST", body: "{not json", headers: genuine });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "BadRequest");
  // Without a token the same garbage is a 401, not a parse error: nothing was parsed.
  const anon = await call(`${stack.worker}/api/incoming`, { method: "POST", body: "{not json" });
  assert.equal(anon.status, 401);
  assert.equal(anon.body.error.code, "Unauthorized.TokenMissing");
});

test("the emulator subscribes the worker with Entra auth and its deliveries are routed", async () => {
  const subscribe = (auth) => emu("/emulator/event-subscriptions", { method: "POST", body: { endpoint: `${stack.worker}/api/incoming`, auth } });
  const plain = await subscribe(undefined);
  assert.equal(plain.status, 400, "a subscription without the token fails the worker's handshake");
  assert.match(plain.body.error.message, /401/);
  const wrong = await subscribe({ entra: { tenant: stack.entra.tenant, audience: "api://someone-else" } });
  assert.equal(wrong.status, 400);
  const sub = await subscribe(subscriptionAuth(stack));
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: IVR } });
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  assert.equal(decision.rule, "ivr");
  assert.ok(decision.callConnectionId);
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: decision.callConnectionId, participant: CALLER } });
});
