// A loopback ACS stand-in: records every request, verifies its HMAC signature (or bearer
// token), answers with spec-shaped bodies, and serves static files for the browser runs.
import http from "node:http";
import { createHash, createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";

export const ACCESS_KEY = Buffer.from("callsteer-test-key-0123456789abcdef").toString("base64");
export const TOKEN = "test-bearer-token";

const user = (id) => ({ rawId: id, kind: "communicationUser", communicationUser: { id } });
const phone = (n) => ({ rawId: `4:${n}`, kind: "phoneNumber", phoneNumber: { value: n } });
const participant = (id) => ({ identifier: user(id), isMuted: false, isOnHold: false });

function properties(origin) {
  return {
    callConnectionId: "conn-1",
    serverCallId: "server-1",
    targets: [user("8:acs:target"), phone("+14255550123")],
    callConnectionState: "connected",
    callbackUri: "https://app.example/cb",
    sourceCallerIdNumber: { value: "+14255550100" },
    sourceDisplayName: "IVR",
    source: user("8:acs:source"),
    correlationId: "corr-1",
    answeredBy: { id: "8:acs:bot" },
    answeredFor: { value: "+14255550199" },
  };
}

// [method, path regex, status, body(origin, url)]
const ROUTES = [
  ["POST", /^\/calling\/callConnections$/, 201, properties],
  ["POST", /^\/calling\/callConnections:(answer|connect)$/, 200, properties],
  ["POST", /^\/calling\/callConnections:(redirect|reject)$/, 204],
  ["GET", /^\/calling\/callConnections\/[^/]+\/participants$/, 200, (origin, url) =>
    url.searchParams.get("page") === "2"
      ? { value: [participant("8:acs:p3")] }
      : { value: [participant("8:acs:p1"), participant("8:acs:p2")], nextLink: `${origin}${url.pathname}?api-version=2026-03-12&page=2` }],
  ["GET", /^\/calling\/callConnections\/[^/]+\/participants\/[^/]+$/, 200, () => ({ ...participant("8:acs:p1"), isMuted: true })],
  ["GET", /^\/calling\/callConnections\/[^/]+$/, 200, properties],
  ["DELETE", /^\/calling\/callConnections\/[^/]+$/, 204],
  ["POST", /:terminate$/, 204],
  ["POST", /:transferToParticipant$/, 202, () => ({ operationContext: "op-transfer" })],
  ["POST", /\/participants:add$/, 202, () => ({ participant: participant("8:acs:new"), operationContext: "op-add", invitationId: "inv-1" })],
  ["POST", /\/participants:remove$/, 202, () => ({ operationContext: "op-remove" })],
  ["POST", /\/participants:mute$/, 200, () => ({ operationContext: "op-mute" })],
  ["POST", /\/participants:cancelAddParticipant$/, 202, () => ({ invitationId: "inv-1", operationContext: "op-cancel" })],
  ["POST", /\/participants:moveHere$/, 202, () => ({ participants: [participant("8:acs:moved")], operationContext: "op-move", fromCall: "x" })],
  ["POST", /:sendDtmfTones$/, 202, () => ({ operationContext: "op-dtmf" })],
  ["POST", /:(hold|unhold|startContinuousDtmfRecognition|stopContinuousDtmfRecognition)$/, 200],
  ["POST", /:(play|recognize|cancelAllMediaOperations|startTranscription|stopTranscription|updateTranscription|startMediaStreaming|stopMediaStreaming)$/, 202],
  ["POST", /^\/calling\/recordings$/, 200, () => ({ recordingId: "rec-1", recordingKind: "azureCommunicationServices", recordingState: "active" })],
  ["GET", /^\/calling\/recordings\/[^/]+$/, 200, () => ({ recordingId: "rec-1", recordingKind: "azureCommunicationServices", recordingState: "inactive" })],
  ["DELETE", /^\/calling\/recordings\/[^/]+$/, 204],
  ["POST", /^\/calling\/recordings\/[^/]+:(pause|resume)$/, 202],
];

/** True when the request's HMAC signature is valid for ACCESS_KEY (or the bearer token matches). */
export function verifyAuth(method, pathAndQuery, headers, body, signedHost = headers.host) {
  const auth = headers.authorization || "";
  if (auth === `Bearer ${TOKEN}`) return true;
  const hash = createHash("sha256").update(body).digest("base64");
  if (headers["x-ms-content-sha256"] !== hash) return false;
  const toSign = `${method}\n${pathAndQuery}\n${headers["x-ms-date"]};${signedHost};${hash}`;
  const sig = createHmac("sha256", Buffer.from(ACCESS_KEY, "base64")).update(toSign, "utf8").digest("base64");
  return auth === `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${sig}`;
}

const MIME = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/**
 * Starts the server. `static` maps URL prefixes to directories. `script` (optional) is a
 * queue of [status, headers, body] answers served before the routes (retry tests).
 */
export async function startServer({ statics = {} } = {}) {
  const log = [];
  const script = [];
  const gates = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const origin = `http://${req.headers.host}`;
      const url = new URL(req.url, origin);
      for (const [prefix, dir] of Object.entries(statics)) {
        if (req.method === "GET" && url.pathname.startsWith(prefix)) {
          const file = dir + url.pathname.slice(prefix.length);
          try {
            const data = await readFile(file);
            res.writeHead(200, { "content-type": MIME[extname(file)] || "application/octet-stream" });
            return res.end(data);
          } catch {
            res.writeHead(404);
            return res.end();
          }
        }
      }
      if (url.pathname === "/favicon.ico") {
        res.writeHead(404);
        return res.end();
      }
      const entry = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), pathAndQuery: req.url, headers: req.headers, body };
      entry.authOk = verifyAuth(req.method, req.url, req.headers, body);
      log.push(entry);
      // A gate holds this answer until the test releases it (an event that beats the response).
      if (gates.length) await gates.shift()(entry);
      if (script.length) {
        const [status, headers, answer] = script.shift();
        res.writeHead(status, { "content-type": "application/json", ...headers });
        return res.end(answer === undefined ? "" : JSON.stringify(answer));
      }
      if (url.pathname.startsWith("/recordings/")) return recording(req, res, url);
      // A client whose endpoint has the base path /acs (a same-origin proxy such as the edge
      // worker's) reaches the same routes; its nextLinks keep the base path (url.pathname).
      const routed = url.pathname.replace(/^\/acs(?=\/)/, "");
      const route = ROUTES.find(([m, re]) => m === req.method && re.test(routed));
      if (!route) {
        res.writeHead(404, { "content-type": "application/json", "x-ms-request-id": "req-404" });
        return res.end(JSON.stringify({ error: { code: "NotFound", message: `no route for ${req.method} ${url.pathname}` } }));
      }
      const [, , status, make] = route;
      res.writeHead(status, make ? { "content-type": "application/json" } : {});
      res.end(make ? JSON.stringify(make(origin, url)) : undefined);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    connectionString: `endpoint=${origin}/;accesskey=${ACCESS_KEY}`,
    /** Requests received since the last take(). */
    take: () => log.splice(0, log.length),
    /**
     * Holds the answer to the next request: `hold(entry)` is called with the recorded request
     * and the answer is sent when the promise it returns settles.
     */
    gate: (hold) => gates.push(hold),
    /** Queue canned answers ([status, headers, body]) for the next requests. */
    script: (...answers) => script.push(...answers),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Recording content: 256 bytes 0..255, honouring a Range header.
function recording(req, res, url) {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  if (req.method === "DELETE") {
    res.writeHead(200);
    return res.end();
  }
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
  if (!m) {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    return res.end(all);
  }
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : all.length - 1;
  res.writeHead(206, { "content-type": "application/octet-stream", "content-range": `bytes ${start}-${end}/256` });
  res.end(all.subarray(start, end + 1));
}
