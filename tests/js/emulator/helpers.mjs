// Shared helpers for the official-SDK tests: start the emulator binary, receive callbacks,
// verify callback JWTs with node's crypto.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { createPublicKey, verify } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const KEY = "c2RrLXRlc3QtYWNjZXNzLWtleS1mb3ItZW11bGF0b3I=";
export const RESOURCE = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const WAIT_MS = 15000;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function emulatorBinary() {
  const candidates = [
    process.env.CALLSTEER_EMULATOR_BIN,
    path.join(repo, "target/release/callsteer-emulator"),
    path.join(repo, "target/debug/callsteer-emulator"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, `build it first: cargo build --release -p callsteer-emulator (looked in ${candidates})`);
  return found;
}

/** Starts the binary on a free port; resolves with its base URL once it prints it. */
export function startEmulator() {
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
export function startReceiver() {
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
export function verifyJwt(authorization, jwks, issuer) {
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


/** An Event Grid webhook that passes the validation handshake and collects notifications. */
export function startEventGridReceiver() {
  const notifications = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const events = JSON.parse(body);
      if (req.headers["aeg-event-type"] === "SubscriptionValidation") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ validationResponse: events[0].data.validationCode }));
        return;
      }
      notifications.push(...events);
      res.writeHead(200).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  const next = async () => {
    const deadline = Date.now() + WAIT_MS;
    while (notifications.length === 0) {
      const left = deadline - Date.now();
      assert.ok(left > 0, "timed out waiting for an Event Grid notification");
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return notifications.shift();
  };
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, next, url: `http://127.0.0.1:${server.address().port}/eventgrid` })));
}

/** POSTs JSON to the control API. */
export async function control(base, path, body) {
  const res = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}
