// The README's main command (scripts/demo runs this): start the emulator and the worker
// locally, subscribe the worker to incoming calls, place a simulated inbound call that
// the "ivr" rule answers, press 1 on the menu (DTMF from the emulator) to be transferred,
// print the call's timeline, stop everything. DEMO_KEEP=1 then keeps the stack up with a
// live call for the admin page (its Call control panel runs the callsteer package in the
// browser) until Ctrl-C.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { admin, emulator, startStack, waitFor } from "./harness.mjs";

const CALLER = process.env.DEMO_CALLER ?? "+14255550111";
const NUMBER = process.env.DEMO_NUMBER ?? "+18005550100";
const TONE = process.env.DEMO_TONE ?? "1";
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

/** An inbound call through the IVR: the caller presses `tone`; resolves with the call's state once the flow is done. */
async function ivrCall(adm, emu, tone, { untilEnd = true } = {}) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: NUMBER } });
  if (placed.status !== 201) throw new Error(`placing the call failed: ${JSON.stringify(placed.body)}`);
  say(`inbound call ${CALLER} → ${NUMBER} (server call ${placed.body.serverCallId})`);
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  say(`rule ${decision.rule ?? "(default)"} → ${Object.keys(decision.action)[0]}; call connection ${decision.callConnectionId}`);
  const id = decision.callConnectionId;
  if (!id) throw new Error("the call was not answered; check the rules");
  const detail = async () => (await adm(`/calls/${id}`)).body;
  await waitFor("the menu", async () => (await detail())?.pending?.["menu-1"]);
  say(`menu playing; the caller presses ${tone}`);
  const dtmf = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones: tone } });
  if (dtmf.status !== 202) throw new Error(`DTMF failed: ${JSON.stringify(dtmf.body)}`);
  return waitFor("the end of the flow", async () => {
    const d = await detail();
    return (untilEnd ? d?.disconnected : d?.participants.length >= 2) && d.outbox.length === 0 && d;
  });
}

/** Keeps the stack up with a live call (menu choice 2 brings in a supervisor) until Ctrl-C. */
async function keepOpen(adm, emu) {
  const live = await ivrCall(adm, emu, "2", { untilEnd: false });
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
const stack = await startStack();
let code = 0;
try {
  const adm = admin(stack);
  const emu = emulator(stack);
  say(`emulator ${stack.emulator}, worker ${stack.worker}; worker subscribed to incoming calls`);
  const done = await ivrCall(adm, emu, TONE);
  printTimeline(done);
  if (KEEP) await keepOpen(adm, emu);
  else say("the worker also serves an admin page at / (live calls, sequence diagrams, the routing rules with a dry run, and a Call control panel that runs the callsteer package in the browser); DEMO_KEEP=1 bash scripts/demo keeps everything up to try it");
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  if (process.env.DEMO_VERBOSE) console.error(stack.logs());
  code = 1;
} finally {
  await stack.stop();
  say("stopped the worker and the emulator");
}
process.exit(code);
