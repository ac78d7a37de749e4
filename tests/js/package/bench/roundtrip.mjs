// ops/s of request round trips (sequential) against the same loopback server, both packages:
// a GET (getCallConnectionProperties) and a signed POST with a body and repeatability
// headers (addParticipant). Node, then headless Chromium.
import * as official from "@azure/communication-call-automation";
import * as ours from "../../../../pkg/node.mjs";
import { startServer } from "../lib/server.mjs";
import { openHarness } from "../lib/browser.mjs";

const N = Number(process.env.N || 400);
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
  for (const [op, r] of Object.entries(results)) console.log(`| ${op} | ${Math.round(r.official)} | ${Math.round(r.ours)} | ${(r.ours / r.official).toFixed(2)}× |`);
}

const server = await startServer();
const opts = { allowInsecureConnection: true };
const clients = { official: new official.CallAutomationClient(server.connectionString, opts), ours: new ours.CallAutomationClient(server.connectionString, opts) };
const node = {};
for (const [name, op] of Object.entries(OPS)) {
  node[name] = {};
  for (const which of ["official", "ours", "official", "ours"]) {
    const v = await opsPerSecond(clients[which], op, N);
    node[name][which] = Math.max(node[name][which] || 0, v);
    server.take();
  }
}
// Floor: the same GET with a bare fetch (no signing, no decoding).
const url = `${server.origin}/calling/callConnections/conn-1?api-version=2026-03-12`;
const floor = await opsPerSecond(null, () => fetch(url).then((r) => r.json()), N);
await server.close();
print("Node " + process.version + " (best of 2 runs)", node);
console.log(`| bare fetch GET (floor) | | ${Math.round(floor)} | |`);

const h = await openHarness();
try {
  const browser = {};
  for (const name of Object.keys(OPS)) {
    browser[name] = await h.page.evaluate(async ({ name, cs, n }) => {
      const ops = {
        get: (c) => c.getCallConnection("conn-1").getCallConnectionProperties(),
        addParticipant: (c) => c.getCallConnection("conn-1").addParticipant({ targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+14255550100" } }, { operationContext: "x" }),
      };
      const out = {};
      for (const which of ["official", "ours", "official", "ours"]) {
        const mod = which === "ours" ? window.harness.ours : window.harness.official;
        const c = new mod.CallAutomationClient(cs, { allowInsecureConnection: true });
        for (let i = 0; i < 20; i++) await ops[name](c);
        const t0 = performance.now();
        for (let i = 0; i < n; i++) await ops[name](c);
        out[which] = Math.max(out[which] || 0, n / ((performance.now() - t0) / 1000));
      }
      return out;
    }, { name, cs: h.server.connectionString, n: N });
    h.server.take();
  }
  print("Chromium (best of 2 runs)", browser);
} finally {
  await h.close();
}
