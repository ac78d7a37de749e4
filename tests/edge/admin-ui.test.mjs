// The admin page as an operator's tool, in headless Chromium against the emulator and the worker
// in workerd, with the rules wrangler.toml ships (the demo's "ivr" rule): the live sequence
// diagram of the IVR call (lanes, arrows in order, pairing, growth, Mermaid and SVG exports),
// the routing rules (dry run, an invalid edit refused at its field, a valid one routing the next
// call), the live call list, a long call that stays readable, the Call control panel's awaited
// outcomes through the package's event processor (fed the worker's stream of callback events),
// and screenshots at 1280 and 390 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertPageClean, openAdminPage, openLive, pickCall, useChromium, useStack, waitFor } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, "screenshots");
const CALLER = "+14255550111";
const IVR_NUMBER = "+18005550100";
const TRANSFER_TARGET = "+14255550101"; // the ivr menu's choice 1
const CONSOLE_NUMBER = "+18009990177"; // matches no shipped rule: the default rejects it
const SUPERVISORS = ["8:acs:00000000-0000-4000-8000-0000000000a1", "8:acs:00000000-0000-4000-8000-0000000000a2"];
const AGENT = "8:acs:00000000-0000-4000-8000-0000000000b1";
const BUSY_AGENT = "8:acs:00000000-0000-4000-8000-0000000000b2_busy"; // the emulator answers 486

const { stack, adm, emu } = useStack();
const browserOf = useChromium();
let ivrCallId; // the IVR call of the first test, shown again for the screenshots


/** The page with the admin token entered (harness: openAdminPage). */
function openAdmin(viewport = { width: 1280, height: 900 }) {
  return openAdminPage(browserOf(), stack, { viewport, acceptDownloads: true, dialogs: true });
}

/** Nothing blocked by the page's CSP, no script error, and the token shown nowhere. */
function assertClean(page, seen) {
  return assertPageClean(page, seen, stack);
}

/** The routing decision of a call placed to `to`, and the call's `incomingCallContext` (a secret). */
async function placeCall(to) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  return { ...decision, incomingCallContext: placed.body.incomingCallContext };
}

const detail = async (id) => (await adm(`/calls/${id}`)).body;

/** The SVG's arrows in order, as the page drew them. */
function svgArrows(page) {
  return page.$$eval("#diagram g.arrow", (gs) => gs.map((g) => ({
    n: Number(g.dataset.n), from: g.dataset.from, to: g.dataset.to, kind: g.dataset.kind, source: g.dataset.source,
    label: g.dataset.label, outcome: g.dataset.outcome, settles: g.dataset.settles, y: Number(g.querySelector("line").getAttribute("y1")),
  })));
}

function svgLanes(page) {
  return page.$$eval("#diagram g.lane", (gs) => gs.map((g) => ({ id: g.dataset.lane, label: g.dataset.label, role: g.dataset.role })));
}

/** A small reader of Mermaid sequenceDiagram text: participants, arrows (dashed or not) and notes. */
function parseMermaid(text) {
  const unescape = (s) => s.replace(/#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  assert.equal(lines.shift(), "sequenceDiagram");
  const out = { participants: [], arrows: [], notes: [], autonumber: false };
  for (const line of lines) {
    let m;
    if (line === "autonumber") out.autonumber = true;
    else if ((m = line.match(/^participant (\w+) as (.+)$/))) out.participants.push({ id: m[1], label: unescape(m[2]) });
    else if ((m = line.match(/^(\w+)(-->>|->>)(\w+): (.*)$/))) out.arrows.push({ from: m[1], to: m[3], dashed: m[2] === "-->>", label: unescape(m[4]) });
    else if ((m = line.match(/^Note over (\w+): (.*)$/))) out.notes.push({ lane: m[1], text: m[2] });
    else throw new Error(`not Mermaid sequenceDiagram syntax this page writes: ${line}`);
  }
  return out;
}

const simple = (arrows) => arrows.map(({ from, to, label }) => [from, to, label]);

test("the IVR call's sequence diagram: lanes, arrows in order, pairing, growing live, exports", async () => {
  const { page, seen, close } = await openAdmin();
  // The list is live: the call placed after the page loaded shows up without a reload.
  const decision = await placeCall(IVR_NUMBER);
  assert.equal(decision.rule, "ivr");
  const id = (ivrCallId = decision.callConnectionId);
  await waitFor("the menu", async () => (await detail(id))?.pending?.["menu-1"]);
  await pickCall(page, id);
  await page.locator('#decision li[data-rule="ivr"]', { hasText: "answer, then play the greeting and a menu" }).waitFor();
  await page.locator('#diagram g.arrow[data-source="command"][data-kind="recognize"]').waitFor();

  // Before the caller presses a key: the menu waits for its event (a dashed bracket).
  const early = await svgArrows(page);
  const recognize = early.find((a) => a.kind === "recognize" && a.source === "command");
  assert.equal(recognize.outcome, "waiting");
  assert.equal(await page.getAttribute(`#diagram path.pairing[data-command="${recognize.n}"]`, "data-settled-by"), "");

  const dtmf = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones: "1" } });
  assert.equal(dtmf.status, 202);
  // It grows as events arrive: new arrows after the ones already drawn, which stay as they were.
  await page.waitForFunction((n) => Number(document.querySelector("#diagram")?.dataset.arrows) > n, early.length);
  await page.locator('#stream-state[data-state="ended"]').waitFor();
  const arrows = await svgArrows(page);
  assert.ok(arrows.length > early.length);
  assert.deepEqual(simple(arrows.slice(0, early.length)), simple(early), "the earlier arrows are unchanged");
  assert.deepEqual(arrows.map((a) => a.n), arrows.map((_, i) => i + 1), "numbered in order");
  assert.ok(arrows.every((a, i) => i === 0 || a.y > arrows[i - 1].y), "each arrow on its own row, top to bottom");

  // Lanes: the app, the service, then each participant as they appear: the caller, the transfer target.
  assert.deepEqual(await svgLanes(page), [
    { id: "app", label: "worker (app)", role: "app" },
    { id: "acs", label: "Call Automation", role: "service" },
    { id: "p1", label: `4:${CALLER}`, role: "caller" },
    { id: "p2", label: `4:${TRANSFER_TARGET}`, role: "participant" },
  ]);
  assert.deepEqual(await page.$$eval("#diagram-head g.lane-head", (gs) => gs.map((g) => g.dataset.lane)), ["app", "acs", "p1", "p2"]);

  // Arrows in order (the roster update sits before the menu: checked on its own below).
  const byN = (n) => arrows.find((a) => a.n === n);
  const rec = arrows.find((a) => a.kind === "recognize" && a.source === "command");
  const transfer = arrows.find((a) => a.kind === "transfer" && a.source === "command");
  assert.deepEqual(simple(arrows.filter((a) => a.kind !== "ParticipantsUpdated")), [
    ["p1", "acs", "call"],
    ["acs", "app", "IncomingCall"],
    ["acs", "app", "CallConnected"],
    ["app", "acs", "recognize (menu-1)"],
    ["acs", "p1", "recognize"],
    ["p1", "acs", "tone 1"],
    ["acs", "app", `RecognizeCompleted (menu-1) ✓ #${rec.n}`],
    ["app", "acs", "transfer (choice-1-1)"],
    ["acs", "p2", "transfer"],
    ["p2", "acs", `to 4:${TRANSFER_TARGET}`],
    ["acs", "app", `CallTransferAccepted (choice-1-1) ✓ #${transfer.n}`],
    ["acs", "app", "CallDisconnected"],
  ]);
  const roster = arrows.filter((a) => a.kind === "ParticipantsUpdated");
  assert.equal(roster.length, 1);
  assert.ok(roster[0].n < rec.n && roster[0].from === "acs" && roster[0].to === "app");
  assert.deepEqual(await page.$$eval("#diagram g.note", (gs) => gs.map((g) => [g.dataset.lane, g.dataset.text])), [["p1", "joined"]]);

  // Each command is paired with the event that settled it (from the worker's `settles`).
  const settled = arrows.filter((a) => a.settles);
  assert.deepEqual(settled.map((a) => [a.kind, byN(Number(a.settles)).kind]), [["RecognizeCompleted", "recognize"], ["CallTransferAccepted", "transfer"]]);
  for (const a of settled) {
    assert.equal(byN(Number(a.settles)).outcome, "succeeded");
    assert.equal(await page.getAttribute(`#diagram path.pairing[data-command="${a.settles}"]`, "data-settled-by"), String(a.n));
  }

  // Mermaid: the same lanes and arrows, read back by a parser that knows only Mermaid's syntax.
  const mermaid = parseMermaid(await page.inputValue("#mermaid"));
  assert.ok(mermaid.autonumber, "numbers match the SVG's");
  assert.deepEqual(mermaid.participants, [
    { id: "app", label: "worker (app)" }, { id: "acs", label: "Call Automation" },
    { id: "p1", label: `4:${CALLER} (caller)` }, { id: "p2", label: `4:${TRANSFER_TARGET}` },
  ]);
  assert.deepEqual(mermaid.arrows, arrows.map((a) => ({ from: a.from, to: a.to, dashed: a.source === "effect", label: a.label })));
  assert.deepEqual(mermaid.notes, [{ lane: "p1", text: "joined" }]);
  await page.click("#copy-mermaid");
  await page.locator("#copy-state:not(:empty)").waitFor();

  // The SVG download is a standalone document with the same arrows.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-svg")]);
  assert.equal(download.suggestedFilename(), `call-${id}.svg`);
  const file = readFileSync(await download.path(), "utf8");
  const exported = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    if (doc.querySelector("parsererror")) return { error: doc.querySelector("parsererror").textContent };
    return { root: doc.documentElement.localName, lanes: [...doc.querySelectorAll("g.lane-head")].length, labels: [...doc.querySelectorAll("g.arrow")].map((g) => g.dataset.label) };
  }, file);
  assert.deepEqual(exported, { root: "svg", lanes: 4, labels: arrows.map((a) => a.label) });
  await assertClean(page, seen);
  await close();
});

test("the dry run names the winning rule, why earlier rules did not match, and what the worker would do", async () => {
  const { page, seen, close } = await openAdmin();
  const dry = async (to, at) => {
    await page.fill("#dry-to", to);
    await page.fill("#dry-at", at);
    await page.click("#dry-form button.primary");
    await page.locator('#dry-result[data-state="done"]').waitFor();
    return page.$eval("#dry-result", (box) => ({
      winner: box.dataset.winner,
      isDefault: box.dataset.default,
      would: box.querySelector(".would").textContent,
      rules: [...box.querySelectorAll("tbody tr")].map((tr) => ({
        rule: tr.dataset.rule, verdict: tr.dataset.verdict, why: [...tr.querySelectorAll("li")].map((li) => `${li.dataset.condition}: ${li.textContent}`),
      })),
    }));
  };
  // A match: the ivr number on a Saturday (the ivr rule has no time window).
  const match = await dry(IVR_NUMBER, "2026-11-21T10:00");
  assert.equal(match.winner, "ivr");
  assert.match(match.would, /^answer, then play the greeting and a menu \(1: transfer to \+14255550101;/);
  assert.deepEqual(match.rules.map((r) => [r.rule, r.verdict]), [
    ["blocked-premium", "noMatch"], ["vip", "noMatch"], ["ivr", "matched"], ["support-hours", "notTried"], ["after-hours", "notTried"],
  ]);
  assert.deepEqual(match.rules[0].why, [`match.from: from "${CALLER}" does not start with "+1900"`]);
  assert.deepEqual(match.rules[1].why, ['match.sipHeaders.X-MS-Custom-Tier: no SIP header X-MS-Custom-Tier (needs = "gold")']);

  // The time window is closed: support-hours fails on the window alone; after-hours wins.
  const closed = await dry("+18005550123", "2026-11-21T10:00");
  assert.equal(closed.winner, "after-hours");
  assert.equal(closed.would, "redirect the ringing call to +14255550199 (not answered here)");
  assert.deepEqual(closed.rules.find((r) => r.rule === "support-hours").why, [
    "match.time: the time window is closed: sat 05:00 in America/New_York is outside mon–fri 09:00–17:00 America/New_York",
  ]);
  // …and open on a Friday at 10:00 in New York (15:00 UTC).
  assert.equal((await dry("+18005550123", "2026-11-20T15:00")).winner, "support-hours");

  // No rule: the default.
  const none = await dry("+19995550000", "2026-11-20T15:00");
  assert.equal(none.winner, "");
  assert.equal(none.isDefault, "true");
  assert.equal(none.would, "reject the call (reason busy)");
  assert.ok(none.rules.every((r) => r.verdict === "noMatch" && r.why.length > 0));

  // The worker's refusal is shown at the field it names.
  await page.fill("#dry-sip", "X-MS-Custom-Tier gold");
  await page.click("#dry-form button.primary");
  await page.locator('#dry-form .field-error[data-field="sipHeaders"]', { hasText: "line 1" }).waitFor();
  assert.equal(await page.getAttribute("#dry-sip", "aria-invalid"), "true");
  await page.fill("#dry-sip", "X-MS-Custom-Tier: gold");
  await page.fill("#dry-to", "");
  await page.click("#dry-form button.primary");
  await page.locator('#dry-form .field-error[data-field="to"]', { hasText: "must not be empty" }).waitFor();
  assert.equal(await page.getAttribute("#dry-to", "aria-invalid"), "true");
  await assertClean(page, seen);
  await close();
});

test("rules: an invalid edit is refused at its field and stores nothing; a valid one routes the next call", async () => {
  const before = await adm("/rules");
  assert.equal(before.body.source, "vars");
  const { page, seen, close } = await openAdmin();
  assert.match(await page.textContent("#rules-source"), /ROUTING_RULES var/);
  assert.deepEqual(await page.$$eval("#rules-in-force li", (lis) => lis.map((li) => li.dataset.rule)),
    ["blocked-premium", "vip", "ivr", "support-hours", "after-hours", ""]);

  // Invalid: a time zone the worker does not know.
  const hours = page.locator('#rules-list details.rule[data-name="support-hours"]');
  await hours.locator("summary").focus();
  await page.keyboard.press("Enter"); // opens the rule
  await hours.locator(".window-row .tz").fill("Mars/Olympus_Mons");
  await page.click("#rules-save");
  await page.locator('#rules-state[data-state="error"]').waitFor();
  const field = "rules[3](support-hours).match.time[0].timeZone";
  const error = page.locator(`#rules-form .field-error[data-field="${field}"]`);
  await error.waitFor();
  assert.match(await error.textContent(), /unknown time zone "Mars\/Olympus_Mons"/);
  const tz = hours.locator(".window-row .tz");
  assert.equal(await tz.getAttribute("aria-invalid"), "true");
  assert.equal(await tz.getAttribute("aria-describedby"), await error.getAttribute("id"));
  assert.ok(await tz.evaluate((el) => el === document.activeElement), "the field has the focus");
  const still = await adm("/rules");
  assert.equal(still.body.source, "vars", "nothing stored");
  assert.deepEqual(still.body.document, before.body.document);

  // Before the edit, the console number gets the default.
  assert.equal((await placeCall(CONSOLE_NUMBER)).rule, null);

  // Valid: discard, add a rule that answers the console number (no flow: the call stays up).
  await page.click("#rules-discard");
  assert.equal(await page.locator("#rules-form .field-error").count(), 0);
  await page.click("#rules-add");
  const added = page.locator("#rules-list details.rule").last();
  await added.locator(".rule-name").fill("console");
  await added.locator('.cond[data-key="to"] select.kind').selectOption("exact");
  await added.locator('.cond[data-key="to"] input.value').fill(CONSOLE_NUMBER);
  await added.locator("select.action-type").selectOption("answer");
  await page.click("#rules-save");
  await page.locator('#rules-state[data-state="ok"]').waitFor();
  const saved = await adm("/rules");
  assert.equal(saved.body.source, "kv");
  assert.deepEqual(saved.body.document.rules.at(-1), { name: "console", match: { to: { exact: CONSOLE_NUMBER } }, action: { answer: {} } });
  assert.deepEqual(saved.body.document.rules.slice(0, 5), before.body.document.rules, "the other rules as they were");
  await page.locator('#rules-in-force li[data-rule="console"]').waitFor();
  assert.equal(await page.getAttribute("#rules-source", "data-source"), "kv");

  // The next call is routed by it, and the live list shows it with its rule.
  const d = await placeCall(CONSOLE_NUMBER);
  assert.equal(d.rule, "console");
  assert.ok(d.callConnectionId, "answered");
  await page.locator(`#calls tr[data-id="${d.callConnectionId}"]`, { hasText: "console" }).waitFor();
  // The dry run reads the rules in force.
  await page.fill("#dry-to", CONSOLE_NUMBER);
  await page.fill("#dry-at", "");
  await page.click("#dry-form button.primary");
  await page.locator('#dry-result[data-state="done"][data-winner="console"]').waitFor();

  // Filters: by number (digits, any punctuation) and by status.
  await page.fill("#call-filter", "800 999-0177");
  const shown = () => page.$$eval("#calls tr", (trs) => trs.map((tr) => tr.dataset.id));
  await waitFor("the number filter", async () => (await shown()).includes(d.callConnectionId) && !(await shown()).includes(ivrCallId));
  await page.fill("#call-filter", "");
  await page.selectOption("#status-filter", "transferred");
  await waitFor("the status filter", async () => (await shown()).includes(ivrCallId) && !(await shown()).includes(d.callConnectionId));
  await page.selectOption("#status-filter", "");
  await assertClean(page, seen);
  await close();
});

/**
 * A call answered by the console rule (answered, no flow), connected, selected in the page with
 * its diagram drawn; `act(body)` posts an admin action for it and expects 202.
 */
async function consoleCallOnPage() {
  const d = await placeCall(CONSOLE_NUMBER);
  assert.equal(d.rule, "console");
  const id = d.callConnectionId;
  await waitFor("the call connected", async () => (await detail(id))?.status === "connected");
  const { page, seen, close } = await openAdmin();
  await pickCall(page, id);
  await page.locator('#diagram g.arrow[data-kind="CallConnected"]').waitFor();
  const act = async (body) => {
    const r = await adm(`/calls/${id}/actions`, { method: "POST", body });
    assert.equal(r.status, 202, JSON.stringify(r.body));
  };
  return { id, page, seen, close, act, incomingCallContext: d.incomingCallContext };
}

test("a long call stays readable: lanes stay in view over 100+ arrows, repeated ParticipantsUpdated collapse", async () => {
  const { id, page, seen, close, act } = await consoleCallOnPage(); // the console rule of the previous test
  for (let i = 0; i < 34; i++) await act({ action: "play", prompt: { file: `https://media.example/beep-${i}.wav?durationMs=10` } });
  for (const s of SUPERVISORS) await act({ action: "addParticipant", target: s });
  await waitFor("plays done, supervisors in", async () => {
    const x = await detail(id);
    return x.timeline.filter((e) => e.kind === "PlayCompleted").length === 34 && SUPERVISORS.every((s) => x.participants.some((p) => p.rawId === s)) && x.outbox.length === 0;
  }, { timeoutMs: 60_000 });
  // Both supervisors hang up, one after the other: two roster updates in a row.
  for (const s of SUPERVISORS) {
    const r = await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: id, participant: s } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await waitFor("the hang-up seen", async () => !(await detail(id)).participants.some((p) => p.rawId === s));
  }
  const collapsed = page.locator('#diagram g.arrow[data-kind="ParticipantsUpdated"]', { hasText: "×2" });
  await collapsed.waitFor();
  assert.deepEqual(await page.$$eval("#diagram g.note.left", (gs) => gs.map((g) => g.dataset.lane)), ["p2", "p3"], "both leaves noted");
  const lanes = await svgLanes(page);
  assert.deepEqual(lanes.slice(2).map((l) => l.label), [`4:${CALLER}`, ...SUPERVISORS]);

  const arrows = await svgArrows(page);
  assert.ok(arrows.length >= 100, `${arrows.length} arrows`);
  // The diagram scrolls inside its box; the lane headers stay at the top of it.
  const box = await page.locator("#diagram-scroll").boundingBox();
  assert.ok(box.height <= 0.8 * 900, `the box is bounded (${box.height} px)`);
  const scroll = await page.$eval("#diagram-scroll", (s) => ({ top: s.scrollTop, height: s.scrollHeight, client: s.clientHeight }));
  assert.ok(scroll.height > 2 * scroll.client, "the diagram is taller than its box");
  assert.ok(scroll.top + scroll.client >= scroll.height - 30, "it followed the newest arrows to the bottom");
  const head = await page.locator("#diagram-head").boundingBox();
  assert.ok(Math.abs(head.y - box.y) <= 2, "the lanes' headers are in view at the bottom");
  // The last arrow is in view, labelled in full in its data and at least in part on screen.
  const last = page.locator("#diagram g.arrow").last();
  const lastBox = await last.boundingBox();
  assert.ok(lastBox.y >= box.y && lastBox.y + lastBox.height <= box.y + box.height + 1, "the newest arrow is visible");

  // Expanded, the two roster updates are two arrows next to each other.
  await page.uncheck("#collapse");
  await page.waitForFunction((n) => Number(document.querySelector("#diagram").dataset.arrows) === n + 1, arrows.length);
  const expanded = await svgArrows(page);
  const lastTwo = expanded.slice(-2).map((a) => a.kind);
  assert.deepEqual(lastTwo, ["ParticipantsUpdated", "ParticipantsUpdated"]);
  await page.check("#collapse");
  await act({ action: "hangUp" });
  await page.locator('#stream-state[data-state="ended"]').waitFor();
  const hangUp = (await svgArrows(page)).find((a) => a.kind === "hangUp");
  assert.equal(hangUp.outcome, "succeeded", "accepted is the outcome of a hang-up");
  await assertClean(page, seen);
  await close();
});

test("a retried command and a refused one are marked on the diagram", async () => {
  const { id, page, seen, close, act } = await consoleCallOnPage();

  // Every service request is answered 429 until the fault is cleared: the worker retries the play.
  const fault = await emu("/emulator/faults", { method: "POST", body: { errorRate: 1, errorStatus: 429, retryAfterSeconds: 1 } });
  assert.equal(fault.status, 200, JSON.stringify(fault.body));
  try {
    await act({ action: "play", prompt: { text: "Hi" } });
    await waitFor("a retry on the timeline", async () => (await detail(id)).timeline.some((e) => e.kind === "play" && e.retries >= 1));
  } finally {
    await emu("/emulator/faults", { method: "DELETE" });
  }
  const play = page.locator('#diagram g.arrow[data-source="command"][data-kind="play"][data-outcome="succeeded"]');
  await play.waitFor();
  assert.match(await play.getAttribute("data-label"), /^play \(admin-play-[^)]+\) ↻\d+$/, "retries counted in the label");
  const played = await page.$eval('#diagram g.arrow[data-source="event"][data-kind="PlayCompleted"]', (g) => g.dataset.settles);
  assert.equal(played, await play.getAttribute("data-n"), "settled by its PlayCompleted");

  // The service refuses to mute a phone participant (400, not retried): the command failed.
  await act({ action: "mute", target: CALLER });
  const mute = page.locator('#diagram g.arrow.failed[data-source="command"][data-kind="mute"][data-outcome="failed"]');
  await mute.waitFor();
  assert.match(await mute.getAttribute("data-label"), / ✗$/);
  assert.match(await mute.locator("title").textContent(), /status: failed: 400/);

  await act({ action: "hangUp" });
  await page.locator('#stream-state[data-state="ended"]').waitFor();
  await assertClean(page, seen);
  await close();
});

/** The call's live stream as an admin client reads it, until its first `callbacks` message: that message's data and the stream's text so far. */
async function firstCallbacks(id) {
  const live = openLive(stack, id);
  try {
    const batch = (await live.next((m) => m.event === "callbacks")).data;
    return { batch, text: JSON.stringify(live.all) };
  } finally {
    live.close();
  }
}

/** What the page shows for the add of `target` from its Call control panel, once settled, and the event under it. */
async function addFromPanel(page, target) {
  const entries = page.locator('#results li[data-action="addParticipant"]');
  const before = await entries.count();
  await page.fill("#add-target", target);
  await page.click("#add-form button");
  const li = entries.nth(before);
  await li.waitFor();
  const ctx = await li.getAttribute("data-operation-context");
  assert.ok(ctx, "the add carries an operationContext the page awaits");
  await page.waitForFunction((c) => !["sent", "waiting", undefined].includes(
    document.querySelector(`#results li[data-operation-context="${c}"] .awaited`)?.dataset.awaited), ctx);
  return li.evaluate((el) => ({
    ctx: el.dataset.operationContext,
    state: el.querySelector(".awaited").dataset.awaited,
    text: el.querySelector(".awaited").textContent,
    event: JSON.parse(el.querySelector("details.event pre")?.textContent ?? "null"),
  }));
}

test("awaited outcomes go through the package's event processor: a succeeding add, and a failing one (a busy participant)", async () => {
  const { id, page, seen, close, act, incomingCallContext } = await consoleCallOnPage();
  await page.locator("#actions:not([disabled])").waitFor();

  // The worker streams the call's verified callback events to admin clients only, without secrets.
  for (const url of [`/admin/calls/${id}/events`, `/admin/calls/${id}/events?access_token=wrong`]) {
    const refused = await fetch(`${stack.worker}${url}`);
    assert.equal(refused.status, 401, url);
    await refused.arrayBuffer();
  }
  const { batch, text } = await firstCallbacks(id);
  assert.equal(batch.first, 1);
  assert.equal(batch.dropped, 0);
  const atService = async () => (await emu(`/emulator/calls/${id}`)).body;
  const sentIds = (await atService()).events.map((e) => e.id);
  assert.ok(batch.events.some((e) => e.type === "Microsoft.Communication.CallConnected"));
  for (const e of batch.events) {
    assert.ok(sentIds.includes(e.id), `${e.type} ${e.id}: an event the service sent for the call`);
    assert.ok(e.specversion === "1.0" && e.data.callConnectionId === id, "a CloudEvent of this call");
  }
  assert.ok(incomingCallContext && !text.includes(incomingCallContext), "the call's incomingCallContext is not in the stream");
  assert.ok(!text.includes(stack.adminToken) && !/bearer|eyJ[\w-]+\.eyJ/i.test(text), "no token in the stream");

  const sent = async (kind, ctx) => (await atService()).events.find((e) => e.type === `Microsoft.Communication.${kind}` && e.data.operationContext === ctx);

  // Succeeds: the processor's success result is the AddParticipantSucceeded the service sent.
  const added = await addFromPanel(page, AGENT);
  assert.deepEqual([added.state, added.text], ["succeeded", `sent → waiting → succeeded (AddParticipantSucceeded, ${AGENT})`]);
  const success = await sent("AddParticipantSucceeded", added.ctx);
  assert.ok(success, "the emulator sent it");
  // As the package's parser gives it (the official mapping: identifier models become
  // identifiers): what the processor saw, not the worker's timeline (which has raw ids only).
  assert.equal(added.event.kind, "AddParticipantSucceeded");
  assert.deepEqual(added.event.participant, { communicationUserId: AGENT });
  assert.equal(added.event.operationContext, added.ctx);
  assert.equal(added.event.callConnectionId, id);
  assert.equal(added.event.correlationId, success.data.correlationId);
  assert.deepEqual(added.event.resultInformation, success.data.resultInformation);

  // Fails: the service accepts the invitation, then AddParticipantFailed says why.
  const busy = await addFromPanel(page, BUSY_AGENT);
  assert.equal(busy.state, "failed");
  const failure = await sent("AddParticipantFailed", busy.ctx);
  assert.ok(failure, "the emulator sent it");
  const { code, subCode, message } = failure.data.resultInformation;
  assert.deepEqual([code, subCode], [486, 560486]);
  assert.equal(busy.text, `sent → waiting → failed (AddParticipantFailed, ${BUSY_AGENT}, 486/560486: ${message})`);
  assert.equal(busy.event.kind, "AddParticipantFailed");
  assert.deepEqual(busy.event.participant, { communicationUserId: BUSY_AGENT });
  assert.deepEqual(busy.event.resultInformation, failure.data.resultInformation);
  assert.equal(busy.event.correlationId, failure.data.correlationId);

  // Every event the service sent for the call reached the processor, none dropped.
  await waitFor("every callback event fed to the processor", async () =>
    Number(await page.getAttribute("#callback-state", "data-fed")) === (await atService()).events.length);
  assert.equal(await page.getAttribute("#callback-state", "data-dropped"), "0");
  assert.match(await page.textContent("#callback-state"), /^Callback events fed to the package's event processor: \d+\.$/);
  // The event under a result opens from the keyboard.
  const summary = page.locator(`#results li[data-operation-context="${busy.ctx}"] details.event summary`);
  await summary.focus();
  await page.keyboard.press("Enter");
  assert.equal(await summary.evaluate((s) => s.parentElement.open), true);
  // Readable on a phone: the open event wraps inside the log; the page does not scroll sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page does not scroll sideways at 390 px (${overflow} px)`);
  mkdirSync(SHOTS, { recursive: true });
  await page.locator(`#results li[data-operation-context="${busy.ctx}"]`).screenshot({ path: path.join(SHOTS, "outcome-failed-390.png") });

  await act({ action: "hangUp" });
  await page.locator('#stream-state[data-state="ended"]').waitFor();
  await assertClean(page, seen);
  await close();
});

/** Width and height from the PNG header, and how many colours a sample of its pixels has. */
async function pngFacts(file) {
  const png = readFileSync(file);
  assert.equal(png.toString("latin1", 1, 4), "PNG");
  const blank = await browserOf().newPage(); // about:blank: no CSP, decodes the image in a canvas
  const colours = await blank.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = new OffscreenCanvas(img.width, img.height);
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    const set = new Set();
    for (let i = 0; i < d.length; i += 4 * 13) set.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return set.size;
  }, png.toString("base64"));
  await blank.close();
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colours };
}

test("screenshots at 1280 and 390 px show the page (written to tests/edge/screenshots/)", async () => {
  mkdirSync(SHOTS, { recursive: true });
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    const { page, seen, close } = await openAdmin({ width, height });
    await pickCall(page, ivrCallId);
    await page.locator('#stream-state[data-state="ended"]').waitFor();
    await page.locator('#decision[data-loaded="true"]').waitFor();
    await page.fill("#dry-at", "2026-11-21T10:00");
    await page.fill("#dry-to", "+18005550123");
    await page.click("#dry-form button.primary");
    await page.locator('#dry-result[data-state="done"]').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    const shots = {
      top: path.join(SHOTS, `admin-${width}.png`),
      full: path.join(SHOTS, `admin-${width}-full.png`),
    };
    await page.screenshot({ path: shots.top });
    await page.screenshot({ path: shots.full, fullPage: true });
    for (const [kind, file] of Object.entries(shots)) {
      const facts = await pngFacts(file);
      assert.equal(facts.width, width, `${file}: width`);
      assert.ok(facts.height >= (kind === "full" ? 2 * height : height), `${file}: height ${facts.height}`);
      assert.ok(facts.colours >= 40, `${file}: not blank (${facts.colours} colours sampled)`);
    }
    // Nothing is wider than the phone's screen except inside the boxes that scroll sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page itself does not scroll sideways at ${width} px (${overflow} px)`);
    await assertClean(page, seen);
    await close();
  }
});

test("the live stream reconnects on its own when it drops, and misses nothing", async () => {
  const d = await placeCall(CONSOLE_NUMBER);
  const id = d.callConnectionId;
  await waitFor("the call connected", async () => (await detail(id))?.status === "connected");
  const { page, seen, close } = await openAdmin();
  // Every socket the page opens to the stream passes through here, so the test can drop one.
  const sockets = [];
  await page.routeWebSocket(/\/admin\/calls\/.*\/events/, (ws) => {
    ws.connectToServer();
    sockets.push(ws);
  });
  await pickCall(page, id);
  await page.locator('#stream-state[data-state="live"]').waitFor();
  await page.locator('#diagram g.arrow[data-kind="CallConnected"]').waitFor();
  await sockets[0].close({ code: 1012, reason: "dropped by the test" });
  // While it is down, the call goes on: a play the page has not seen yet.
  const r = await adm(`/calls/${id}/actions`, { method: "POST", body: { action: "play", prompt: { file: "https://media.example/beep.wav?durationMs=10" } } });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  await page.locator('#diagram g.arrow[data-kind="PlayCompleted"]').waitFor();
  await page.locator('#stream-state[data-state="live"]').waitFor();
  assert.equal(sockets.length, 2, "one new socket, opened by the page itself");
  assert.equal(await page.locator('#diagram g.arrow[data-kind="CallConnected"]').count(), 1, "an entry sent again is drawn once");
  await assertPageClean(page, seen, stack);
  await close();
});
