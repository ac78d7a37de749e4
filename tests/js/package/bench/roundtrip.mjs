// ops/s of request round trips (sequential) against the same loopback server, both packages:
// a GET (getCallConnectionProperties) and a signed POST with a body and repeatability
// headers (addParticipant). Node, then headless Chromium.
import * as official from "@azure/communication-call-automation";
import * as ours from "../../../../pkg/node.mjs";
import { startServer } from "../lib/server.mjs";
import { openHarness } from "../lib/browser.mjs";

const N = Number(process.env.N || 200);
// Runs per package, interleaved official/ours; the table reports the median run (noisy machines).
const RUNS = Number(process.env.RUNS || 5);
const ORDER = Array.from({ length: 2 * RUNS }, (_, i) => (i % 2 ? "ours" : "official"));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const OPS = {
  get: (c) => c.getCallConnection("conn-1").getCallConnectionProperties(),
  addParticipant: (c) => c.getCallConnection("conn-1").addParticipant({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+14255550100" } }, { operationContext: "x" }),
};

async function opsPerSecond(client, op, n) {
  for (let i = 0; i < 20; i++) await op(client); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(client);
  return n / ((performance.now() - t0) / 1000);
}

function print(where, results) {
  console.log(`\n**${where}** (${N} sequential calls each, after 20 warm-up calls)\n`);
  console.log("| operation | official ops/s | callsteer ops/s | callsteer / official |");
  console.log("|---|---:|---:|---:|");
  for (const [op, runs] of Object.entries(results)) {
    const r = { official: median(runs.official), ours: median(runs.ours) };
    console.log(`| ${op} | ${Math.round(r.official)} | ${Math.round(r.ours)} | ${(r.ours / r.official).toFixed(2)}× |`);
  }
}

const server = await startServer();
const opts = { allowInsecureConnection: true };
const clients = { official: new official.CallAutomationClient(server.connectionString, opts), ours: new ours.CallAutomationClient(server.connectionString, opts) };
const node = {};
for (const [name, op] of Object.entries(OPS)) {
  node[name] = { official: [], ours: [] };
  for (const which of ORDER) {
    node[name][which].push(await opsPerSecond(clients[which], op, N));
    server.take();
  }
}
// Reference: the same GET with a bare global fetch (undici; no signing, no decoding). In Node
// callsteer sends through node:http (crates/npm/js/node.mjs), so this is not a floor for it.
const url = `${server.origin}/calling/callConnections/conn-1?api-version=2026-03-12`;
const floor = await opsPerSecond(null, () => fetch(url).then((r) => r.json()), N);
// What the transport costs: the same signed-size POST through undici's fetch and node:http.
const postUrl = `${server.origin}/calling/callConnections/conn-1/participants:add?api-version=2026-03-12`;
const body = JSON.stringify({ participantToAdd: { rawId: "4:+14255550123", phoneNumber: { value: "+14255550123" } }, operationContext: "x" });
const { default: http } = await import("node:http");
const viaHttp = () => new Promise((ok, no) => {
  const r = http.request(postUrl, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => res.resume().on("end", ok));
  r.on("error", no);
  r.end(body);
});
const viaFetch = () => fetch(postUrl, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.text());
const transport = { fetch: [], http: [] };
for (let i = 0; i < RUNS; i++) {
  transport.fetch.push(await opsPerSecond(null, viaFetch, N));
  transport.http.push(await opsPerSecond(null, viaHttp, N));
  server.take();
}
// What callsteer's wasm costs per request (no I/O).
const { Engine } = await import("../../../../pkg/engine.js");
const engine = new Engine(server.connectionString, undefined, false);
const micro = (f) => {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 10000; i++) f();
    runs.push(((performance.now() - t0) / 10000) * 1000);
  }
  return median(runs).toFixed(1);
};
const signUs = micro(() => engine.sign("POST", "/calling/callConnections/conn-1/participants:add?api-version=2026-03-12", body, Date.now(), undefined, false));
const repeatUs = micro(() => engine.repeatability(Date.now()));
// Building the request from the method's arguments (the engine since issue 12: JSON.stringify of
// the arguments, the engine's checks and body, JSON.parse of its answer).
const addArgs = ["conn-1", { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+14255550100" } }, { operationContext: "x" }];
const requestUs = micro(() => JSON.parse(engine.request("addParticipant", JSON.stringify(addArgs))));
await server.close();
print(`Node ${process.version} (median of ${RUNS} runs)`, node);
console.log(`| bare global fetch GET, for reference | | ${Math.round(floor)} | |`);
console.log(`\nTransport alone (same POST, no signing): global fetch ${Math.round(median(transport.fetch))}/s, node:http ${Math.round(median(transport.http))}/s.`);
console.log(`Engine per request (median of ${RUNS} × 10000 calls): build addParticipant ${requestUs} µs, sign ${signUs} µs (${body.length}-byte body), repeatability ${repeatUs} µs.`);

const h = await openHarness();
try {
  const browser = {};
  for (const name of Object.keys(OPS)) {
    browser[name] = await h.page.evaluate(async ({ name, cs, n, order }) => {
      const ops = {
        get: (c) => c.getCallConnection("conn-1").getCallConnectionProperties(),
        addParticipant: (c) => c.getCallConnection("conn-1").addParticipant({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+14255550100" } }, { operationContext: "x" }),
      };
      const out = { official: [], ours: [] };
      for (const which of order) {
        const mod = which === "ours" ? window.harness.ours : window.harness.official;
        const c = new mod.CallAutomationClient(cs, { allowInsecureConnection: true });
        for (let i = 0; i < 20; i++) await ops[name](c);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await ops[name](c);
        out[which].push(n / ((performance.now() - t0) / 1000));
      }
      return out;
    }, { name, cs: h.server.connectionString, n: N, order: ORDER });
    h.server.take();
  }
  print(`Chromium (median of ${RUNS} runs)`, browser);
} finally {
  await h.close();
}
