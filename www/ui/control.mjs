// Call control: the callsteer npm package, in this tab, through the worker's /acs proxy. Call
// Automation is a server-side API (no CORS), and an access key must not sit in a tab: the
// package talks to this worker's same-origin proxy, authenticated by the admin token as a
// TokenCredential; the worker checks each request and signs it with its own key.

import { $, clock, el, idText, redact, token } from "./api.mjs";
import { follow, forgetAll, newContext, useProcessor } from "./outcomes.mjs";

let pkg; // the module namespace, loaded on first use
let client; // CallAutomationClient on this worker's /acs proxy
let selected; // the selected call's index entry
let recording; // { recordingId, recordingState } of the recording started here

const loadPackage = () => (pkg ??= import("/pkg/index.mjs").catch((e) => {
  pkg = undefined;
  throw new Error(`cannot load the callsteer package from /pkg/index.mjs: ${e.message}`);
}));

// The token is read from sessionStorage for every request (it "expires" at once, so the
// package asks again): a token entered above applies immediately.
async function makeClient() {
  const { CallAutomationClient } = await loadPackage();
  return new CallAutomationClient(`${location.origin}/acs`, {
    getToken: async () => ({ token: token(), expiresOnTimestamp: Date.now() }),
  });
}

function refreshControls() {
  $("actions").disabled = !(client && selected);
}

function report(action, outcome, text, error) {
  const li = el("li", { class: outcome, dataset: { action, outcome } }, `${clock(Date.now())} ${action} → ${redact(text)}`);
  if (error) {
    for (const k of ["name", "statusCode", "code", "field"]) if (error[k] !== undefined) li.dataset[k] = String(error[k]);
  }
  $("results").append(li);
  return li;
}

// The package's errors: Error with name (RestError, InvalidInputError, AbortError, …),
// statusCode and code (service answers), field (input refused before sending), subCode, target.
function describe(e) {
  const head = [e?.name ?? "Error", e?.statusCode, e?.code].filter((x) => x !== undefined && x !== "").join(" ");
  const extra = [
    e?.field !== undefined ? `field ${e.field}` : "",
    e?.subCode !== undefined ? `subCode ${e.subCode}` : "",
    e?.target !== undefined ? `target ${e.target}` : "",
  ].filter(Boolean).join(", ");
  return `${head}${extra ? ` (${extra})` : ""}: ${e?.message ?? e}`;
}

/**
 * Runs `fn(callConnection, operationContext)` for the selected call and reports the answer:
 * the text `fn` returns. With `awaited`, `fn` sends the operationContext it is given and
 * returns `[text, result]` (the package's result); the entry then follows the action to its
 * outcome (outcomes.mjs: the result's waitForEventProcessor).
 */
async function act(action, fn, { quiet = false, awaited = false } = {}) {
  if (!client || !selected) return;
  const ctx = awaited ? newContext(action) : undefined;
  try {
    const answer = await fn(client.getCallConnection(selected.callConnectionId), ctx);
    const [text, result] = awaited ? answer : [answer];
    const li = quiet ? undefined : report(action, "ok", text ?? "ok");
    if (li && ctx) {
      li.dataset.operationContext = ctx;
      follow(ctx, li, result);
    }
  } catch (e) {
    // A background refresh racing the end of the call (404) is no news.
    if (!(quiet && e?.statusCode === 404)) report(action, "error", describe(e), e);
  }
}

function button(label, onclick) {
  return el("button", { type: "button", onclick }, label);
}

let listing = 0; // only the newest listing is drawn
function listParticipants(opts) {
  const mine = ++listing;
  return act("listParticipants", async (conn) => {
    const { values } = await conn.listParticipants();
    if (mine === listing) $("participants").replaceChildren(...values.map(participantRow));
    return `${values.length} participant${values.length === 1 ? "" : "s"}: ${values.map((p) => idText(p.identifier)).join(", ")}`;
  }, opts);
}

function participantRow(p) {
  const who = idText(p.identifier);
  const cell = el("span", { class: "row-actions" },
    button("Mute", () => act("muteParticipant", async (c, operationContext) => [`muted ${who}`, await c.muteParticipant(p.identifier, { operationContext })], { awaited: true })),
    button(p.isOnHold ? "Unhold" : "Hold", () => act(p.isOnHold ? "unhold" : "hold", async (c, operationContext) => {
      const media = c.getCallMedia();
      const r = await (p.isOnHold ? media.unhold(p.identifier, { operationContext }) : media.hold(p.identifier, { operationContext }));
      return [`${p.isOnHold ? "resumed" : "held"} ${who}`, r];
    }, { awaited: true })),
    button("Remove", () => act("removeParticipant", async (c, operationContext) => [`removal of ${who} accepted`, await c.removeParticipant(p.identifier, { operationContext })], { awaited: true })));
  return el("tr", { dataset: { participant: who } }, el("td", { class: "num" }, who), el("td", {}, p.isMuted ? "yes" : "no"), el("td", {}, p.isOnHold ? "yes" : "no"), el("td", {}, cell));
}

async function addParticipant() {
  const { createIdentifierFromRawId } = await loadPackage();
  const t = $("add-target").value.trim();
  const callerId = $("add-caller-id").value.trim();
  // "+…" is a phone number; anything else a raw id (8:acs:…, 4:+…, 28:…); empty: the package refuses it.
  const targetParticipant = t.startsWith("+") ? { phoneNumber: t } : t ? createIdentifierFromRawId(t) : {};
  const invite = { targetParticipant };
  if (callerId) invite.sourceCallIdNumber = { phoneNumber: callerId };
  await act("addParticipant", async (c, operationContext) => {
    const r = await c.addParticipant(invite, { operationContext });
    return [`invitation ${r.invitationId ?? "?"} for ${idText(r.participant?.identifier ?? targetParticipant)} sent`, r];
  }, { awaited: true });
}

function showRecording() {
  $("do-rec-start").disabled = !!recording;
  $("do-rec-stop").disabled = !recording;
  $("rec-state").textContent = recording ? `recording ${recording.recordingId} (${recording.recordingState})` : "";
}

/** The panel now acts on `call` (an index entry). */
export function controlCall(call) {
  forgetAll();
  selected = call;
  $("control-call").textContent = call.callConnectionId;
  $("participants").replaceChildren();
  recording = undefined;
  showRecording();
  // Adding a phone number needs a caller ID: the number this call came in on is one of ours.
  const callee = (call.callee ?? "").replace(/^4:/, "");
  if (callee.startsWith("+")) $("add-caller-id").value = callee;
  refreshControls();
}

/** The roster changed (an add, a removal, a mute): show it, if this tab can ask the service. */
export function rosterChanged() {
  if (client && selected) listParticipants({ quiet: true });
}

/** Loads the package and makes the client (once); its event processor awaits the outcomes. */
export async function useProxy() {
  try {
    if (!client) {
      client = await makeClient();
      useProcessor(client.getEventProcessor());
    }
  } catch (e) {
    client = undefined;
    report("package", "error", describe(e), e);
  }
  refreshControls();
}

/** Wires the panel's buttons and forms. */
export function initControl() {
  $("do-list").onclick = () => listParticipants();
  $("do-hangup").onclick = () => {
    if (!confirm(`Hang up call ${selected.callConnectionId} for everyone?`)) return;
    act("hangUp", async (c) => (await c.hangUp(true), "call ended for everyone"));
  };
  $("play-form").onsubmit = (ev) => {
    ev.preventDefault();
    const text = $("play-text").value;
    act("playToAll", async (c, operationContext) => [`playing "${text}"`, await c.getCallMedia().playToAll([{ kind: "textSource", text }], { operationContext })], { awaited: true });
  };
  $("add-form").onsubmit = (ev) => {
    ev.preventDefault();
    addParticipant().catch((e) => report("addParticipant", "error", describe(e), e));
  };
  $("do-rec-start").onclick = () => act("startRecording", async () => {
    recording = await client.getCallRecording().start({ callConnectionId: selected.callConnectionId });
    showRecording();
    return `recording ${recording.recordingId} ${recording.recordingState}`;
  });
  $("do-rec-stop").onclick = () => act("stopRecording", async () => {
    await client.getCallRecording().stop(recording.recordingId);
    const id = recording.recordingId;
    recording = undefined;
    showRecording();
    return `recording ${id} stopped`;
  });
}
