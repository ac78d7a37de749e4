// The README's main command (scripts/demo runs this): start the emulator and the worker
// locally, subscribe the worker to incoming calls, place a simulated inbound call that
// the "ivr" rule answers, press 1 on the menu (DTMF from the emulator) to be transferred,
// print the call's timeline, stop everything.
import { admin, emulator, startStack, waitFor } from "./harness.mjs";

const CALLER = process.env.DEMO_CALLER ?? "+14255550111";
const NUMBER = process.env.DEMO_NUMBER ?? "+18005550100";
const TONE = process.env.DEMO_TONE ?? "1";

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

say("starting the emulator and the worker (wrangler dev, workerd)…");
const stack = await startStack();
let code = 0;
try {
  const adm = admin(stack);
  const emu = emulator(stack);
  say(`emulator ${stack.emulator}, worker ${stack.worker}; worker subscribed to incoming calls`);
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
  say(`menu playing; the caller presses ${TONE}`);
  const dtmf = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones: TONE } });
  if (dtmf.status !== 202) throw new Error(`DTMF failed: ${JSON.stringify(dtmf.body)}`);
  const done = await waitFor("the end of the flow", async () => {
    const d = await detail();
    return d?.disconnected && d.outbox.length === 0 && d;
  });
  printTimeline(done);
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  if (process.env.DEMO_VERBOSE) console.error(stack.logs());
  code = 1;
} finally {
  await stack.stop();
  say("stopped the worker and the emulator");
}
process.exit(code);
