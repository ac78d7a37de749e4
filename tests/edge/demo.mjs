// The README's main command (scripts/demo runs this): start the emulator and the worker
// locally, subscribe the worker to incoming calls, save the small business's rules
// (examples/flows/small-business.json) as a new revision, simulate a Saturday call (no phone
// needed), then place a real inbound call: the caller picks billing, enters an account number
// that the business's app (a local server here, verifying each request's signature) looks up,
// and is transferred — the first billing line is busy, the second answers. Prints the call's
// path and timeline, stops everything. DEMO_KEEP=1 then keeps the stack up with a live call
// for the admin page (its Call control panel runs the callsteer package in the browser)
// until Ctrl-C.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { admin, emulator, root, startStack, waitFor } from "./harness.mjs";

const CALLER = process.env.DEMO_CALLER ?? "+14255550111";
const NUMBER = process.env.DEMO_NUMBER ?? "+18005550100";
const ACCOUNT = process.env.DEMO_ACCOUNT ?? "123456";
const SECRET = randomBytes(24).toString("hex");
const { verifyWebhookSignature } = await import(path.join(root, "pkg/node.mjs"));
const KEEP = process.env.DEMO_KEEP === "1";

const say = (msg) => console.log(`demo: ${msg}`);

function clock(ms) {
  return new Date(ms).toISOString().slice(11, 23);
}

function printTimeline(d) {
  console.log(`\nTimeline of call ${d.callConnectionId} (status: ${d.status})`);
  for (const e of d.timeline) {
    const what = e.source === "command" ? `→ ${e.kind}` : `← ${e.kind}`;
    const status = e.status ? ` [${e.status}]` : "";
    const ctx = e.operationContext ? ` (${e.operationContext})` : "";
    console.log(`  ${clock(e.atMs)}  ${what.padEnd(26)} ${e.detail ?? ""}${ctx}${status}`);
  }
  console.log(`  participants: ${d.participants.map((p) => p.rawId).join(", ") || "(none)"}; duplicates dropped: ${d.duplicates}`);
}

/** The business's app: the account lookup a webhook step asks. Known accounts: 4 to 8 digits. */
async function startApp() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        verifyWebhookSignature(new Uint8Array(body), req.headers["callsteer-signature"], SECRET);
      } catch (e) {
        res.writeHead(401).end();
        say(`app: refused a request (${e.code})`);
        return;
      }
      const facts = JSON.parse(body.toString("utf8"));
      const known = /^[0-9]{4,8}$/.test(facts.variables.account ?? "");
      say(`app: account ${facts.variables.account} from ${facts.call.caller} (signature verified) → ${known ? "billing" : "unknown"}`);
      const answer = known ? { goto: "billing", set: { customer: "Ada Lovelace" } } : { goto: "unknown-account" };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}/lookup` };
}

/**
 * The small business's rules, with the webhook pointed at the local app and — so the demo shows
 * an open office whenever it runs — today's weekday and the current hour added to the hours.
 */
function demoRules(appUrl) {
  const doc = JSON.parse(readFileSync(path.join(root, "examples/flows/small-business.json"), "utf8")).rules;
  const steps = doc.flows["front-desk"].steps;
  steps.find((s) => s.id === "lookup").webhook.url = appUrl;
  const now = new Date();
  const day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][now.getUTCDay()];
  const window = steps.find((s) => s.id === "hours").branch.cases[0].when.time;
  window.push({ timeZone: "UTC", days: [day], start: `${String(now.getUTCHours()).padStart(2, "0")}:00`, end: "24:00" });
  return doc;
}

/** Waits until the flow asks the caller for input, then presses `tones`. */
async function press(adm, emu, id, tones) {
  const asked = async () => {
    const d = (await adm(`/calls/${id}`)).body;
    const outcomes = d.timeline.filter((e) => e.kind.startsWith("Recognize")).length;
    return d.timeline.filter((e) => e.kind === "recognize").length > outcomes;
  };
  await waitFor("the flow to ask", asked);
  await waitFor(`the caller's ${tones}`, async () => {
    const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones } });
    if (r.status !== 202) throw new Error(`DTMF failed: ${JSON.stringify(r.body)}`);
    return r.body.consumedBy === "recognize";
  });
  say(`the caller presses ${tones}`);
}

/** An inbound call to the front desk; `keys` are what the caller presses, menu by menu. */
async function businessCall(adm, emu, keys, { untilEnd = true } = {}) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: NUMBER } });
  if (placed.status !== 201) throw new Error(`placing the call failed: ${JSON.stringify(placed.body)}`);
  say(`inbound call ${CALLER} → ${NUMBER} (server call ${placed.body.serverCallId})`);
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  say(`rule ${decision.rule ?? "(default)"} (revision ${decision.revision}) → ${Object.keys(decision.action)[0]}; call connection ${decision.callConnectionId}`);
  const id = decision.callConnectionId;
  if (!id) throw new Error("the call was not answered; check the rules");
  for (const k of keys) await press(adm, emu, id, k);
  return waitFor("the end of the flow", async () => {
    const d = (await adm(`/calls/${id}`)).body;
    return (untilEnd ? d?.disconnected : d?.flow?.end === "connected") && d.outbox.length === 0 && d;
  }, { timeoutMs: 60_000 });
}

/** Keeps the stack up with a live call (menu choice 2 rings two plumbers) until Ctrl-C. */
async function keepOpen(adm, emu) {
  const live = await businessCall(adm, emu, ["2"], { untilEnd: false });
  // Local, random, this run only — still not printed: a file only this user can read.
  const file = path.join(stack.dir, "admin-page-credentials.txt");
  writeFileSync(file, `admin token: ${stack.adminToken}\n`, { mode: 0o600 });
  say(`open ${stack.worker}/ — enter the admin token, pick call ${live.callConnectionId} to watch its live sequence diagram;`);
  say("its Call control panel runs the callsteer package in your browser, through the worker's /acs proxy (the worker signs)");
  say(`admin token (this run only): ${file}`);
  say("Ctrl-C stops the worker and the emulator");
  await new Promise((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
}

say("starting the emulator and the worker (wrangler dev, workerd)…");
const stack = await startStack({ vars: { FLOW_WEBHOOK_SECRET: SECRET } });
const app = await startApp();
let code = 0;
try {
  const adm = admin(stack);
  const emu = emulator(stack);
  say(`emulator ${stack.emulator}, worker ${stack.worker}; worker subscribed to incoming calls`);
  const current = await adm("/rules");
  const rules = demoRules(app.url);
  const saved = await adm("/rules", { method: "PUT", body: rules, headers: { "if-match": current.headers.get("etag") } });
  if (saved.status !== 200) throw new Error(`saving the rules failed: ${JSON.stringify(saved.body)}`);
  say(`saved examples/flows/small-business.json as revision ${saved.body.revision} (${saved.body.rules} rules; the office is kept open for the demo's call)`);
  const saturday = await adm("/flows/simulate", { method: "POST", body: { call: { from: CALLER, to: NUMBER, at: "2026-12-05T10:00:00Z" }, script: [] } });
  say(`simulated, no phone: a call on Saturday at 10:00 → ${saturday.body.path.join(" → ")} (${saturday.body.end}; ${saturday.body.commands.length} commands)`);
  const done = await businessCall(adm, emu, ["1", `${ACCOUNT}#`]);
  const steps = done.flow.path.filter((p) => !p.startsWith("!"));
  const notes = done.flow.path.filter((p) => p.startsWith("!")).map((p) => p.slice(2));
  say(`path: ${steps.join(" → ")}; ended ${done.flow.end}; customer ${done.flow.vars.customer ?? "?"}`);
  for (const n of notes) say(`  on the way: ${n}`);
  printTimeline(done);
  if (KEEP) await keepOpen(adm, emu);
  else say("the worker also serves an admin page at / (live calls, sequence diagrams, the routing rules with a dry run, and a Call control panel that runs the callsteer package in the browser); DEMO_KEEP=1 bash scripts/demo keeps everything up to try it");
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  if (process.env.DEMO_VERBOSE) console.error(stack.logs());
  code = 1;
} finally {
  app.server.close();
  await stack.stop();
  say("stopped the worker and the emulator");
}
process.exit(code);
