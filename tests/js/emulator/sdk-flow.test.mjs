// The official @azure/communication-call-automation package, unchanged, against the
// real callsteer-emulator binary: create-call → add-participant → hang-up, with every
// callback's JWT verified against the emulator's JWKS using node's crypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createPublicKey, verify } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { CallAutomationClient, parseCallAutomationEvent } from "@azure/communication-call-automation";

const KEY = "c2RrLXRlc3QtYWNjZXNzLWtleS1mb3ItZW11bGF0b3I=";
const RESOURCE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const WAIT_MS = 15000;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function emulatorBinary() {
  const candidates = [
    process.env.CALLSTEER_EMULATOR_BIN,
    path.join(repo, "target/release/callsteer-emulator"),
    path.join(repo, "target/debug/callsteer-emulator"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, `build it first: cargo build --release --features emulator --bin callsteer-emulator (looked in ${candidates})`);
  return found;
}

/** Starts the binary on a free port; resolves with its base URL once it prints it. */
function startEmulator() {
  const child = spawn(emulatorBinary(), ["--listen", "127.0.0.1:0", "--access-key", KEY, "--resource-id", RESOURCE], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 60000);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
  });
}

/** A callback receiver that records each event with its Authorization header. */
function startReceiver() {
  const received = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      for (const event of JSON.parse(body)) {
        received.push({ event, auth: req.headers.authorization ?? "" });
      }
      res.writeHead(200).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  const next = async (type, callConnectionId) => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const i = received.findIndex((r) => r.event.type === `Microsoft.Communication.${type}` && r.event.data.callConnectionId === callConnectionId && !r.taken);
      if (i >= 0) {
        received[i].taken = true;
        return received[i];
      }
      const left = deadline - Date.now();
      assert.ok(left > 0, `timed out waiting for ${type}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  };
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, received, next, url: `http://127.0.0.1:${server.address().port}` })));
}

const b64url = (s) => Buffer.from(s, "base64url");

/** Verifies an RS256 callback token against the JWKS; returns its claims. */
function verifyJwt(authorization, jwks, issuer) {
  assert.match(authorization, /^Bearer /);
  const token = authorization.slice(7);
  const [h, c, s] = token.split(".");
  const header = JSON.parse(b64url(h));
  assert.equal(header.alg, "RS256");
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, "token kid is in the JWKS");
  const key = createPublicKey({ key: jwk, format: "jwk" });
  assert.ok(verify("RSA-SHA256", Buffer.from(`${h}.${c}`), key, b64url(s)), "signature verifies");
  const claims = JSON.parse(b64url(c));
  const now = Math.floor(Date.now() / 1000);
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, RESOURCE);
  assert.equal(claims.exp - claims.iat, 300);
  assert.ok(claims.exp > now && claims.nbf <= now + 60);
  return claims;
}

test("official SDK: create call, add participant, hang up; every callback carries a verifiable JWT", async () => {
  const { child, base } = await startEmulator();
  const receiver = await startReceiver();
  try {
    const jwks = await (await fetch(`${base}/calling/keys`)).json();
    const oidc = await (await fetch(`${base}/calling/.well-known/acsopenidconfiguration`)).json();
    assert.equal(oidc.jwks_uri, `${base}/calling/keys`);

    // allowInsecureConnection is the standard Azure SDK client option for plain-http
    // endpoints; the emulator serves http on loopback.
    const client = new CallAutomationClient(`endpoint=${base}/;accesskey=${KEY}`, { allowInsecureConnection: true });
    const alice = { communicationUserId: `8:acs:${RESOURCE}_alice` };
    const bob = { communicationUserId: `8:acs:${RESOURCE}_bob_delay200` };
    const created = await client.createCall({ targetParticipant: alice }, `${receiver.url}/callbacks`, { operationContext: "sdk-create" });
    const id = created.callConnectionProperties.callConnectionId;
    assert.ok(id);

    const connected = await receiver.next("CallConnected", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([connected.event])).kind, "CallConnected");
    assert.equal(connected.event.data.operationContext, "sdk-create");

    const connection = client.getCallConnection(id);
    const props = await connection.getCallConnectionProperties();
    assert.equal(props.callConnectionState, "connected");

    const added = await connection.addParticipant({ targetParticipant: bob }, { operationContext: "sdk-add" });
    assert.ok(added.invitationId);
    const succeeded = await receiver.next("AddParticipantSucceeded", id);
    const parsed = parseCallAutomationEvent(JSON.stringify([succeeded.event]));
    assert.equal(parsed.kind, "AddParticipantSucceeded");
    assert.equal(parsed.participant.communicationUserId, bob.communicationUserId);
    const participants = await connection.listParticipants();
    assert.equal(participants.values.length, 2);

    await connection.hangUp(true);
    const disconnected = await receiver.next("CallDisconnected", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([disconnected.event])).kind, "CallDisconnected");

    assert.ok(receiver.received.length >= 5, `callbacks: ${receiver.received.map((r) => r.event.type)}`);
    for (const r of receiver.received) {
      verifyJwt(r.auth, jwks, base);
    }
  } finally {
    child.kill("SIGTERM");
    receiver.server.close();
  }
});
