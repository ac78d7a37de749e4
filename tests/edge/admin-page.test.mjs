// The admin page end to end in real headless Chromium (Debian's chromium through
// playwright-core) against the real stack: the emulator binary (without --cors, like the real
// service) and the worker in workerd. The page loads the callsteer package from the worker's
// static assets (/pkg/…) and drives a live call from the browser through the worker's /acs
// proxy (admin token as a TokenCredential; the worker signs with its own key), while the
// worker streams the call's timeline. Assertions are on the page, on what the emulator saw,
// and on where the page's requests went and what they carried.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, useStack, waitFor } from "./harness.mjs";

const CALLER = "+14255550111";
const CONSOLE_NUMBER = "+18005550177";
const SUPERVISOR = "8:acs:00000000-0000-4000-8000-0000000000aa";
const BUSY_AGENT = "8:acs:00000000-0000-4000-8000-0000000000bb_busy"; // the emulator answers 486
const NO_ANSWER = "8:acs:00000000-0000-4000-8000-0000000000cc_noanswer"; // rings for 60 s, then 408
const AGENT = "+14255550102";
// Answer without a flow: the call stays up until the page ends it (no menu timeout racing the test).
const RULES = {
  version: 1,
  default: { reject: { reason: "busy" } },
  rules: [{ name: "console", match: { to: { exact: CONSOLE_NUMBER } }, action: { answer: {} } }],
};

const { stack, adm, emu } = useStack({ vars: { ROUTING_RULES: JSON.stringify(RULES) } });
const browserOf = useChromium();


async function connectedCall() {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to: CONSOLE_NUMBER } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  assert.equal(decision.rule, "console");
  const id = decision.callConnectionId;
  await waitFor("CallConnected at the worker", async () => (await adm(`/calls/${id}`)).body?.status === "connected");
  return id;
}

/** What the emulator knows about the call: state, participants, event types sent. */
async function atService(id) {
  const r = await emu(`/emulator/calls/${id}`);
  assert.equal(r.status, 200);
  const types = r.body.events.map((e) => String(e.type ?? e.kind ?? e).replace("Microsoft.Communication.", ""));
  return { ...r.body, types };
}

const participant = (call, raw) => call.participants.find((p) => p.identifier?.rawId === raw);

/** Opens the page with watchers for requests, console output and page errors. */
async function openPage() {
  const page = await browserOf().newPage();
  const seen = { requests: [], console: [], errors: [] };
  page.on("request", (r) => seen.requests.push({ url: r.url(), method: r.method(), headers: r.headers(), body: r.postData() ?? "" }));
  page.on("console", (m) => seen.console.push(m.text()));
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("dialog", (d) => d.accept()); // "Hang up for everyone?"
  await page.goto(`${stack.worker}/`);
  return { page, seen };
}

/** Runs `click`, then awaits the next result entry of `action` in the page's log. */
async function perform(page, action, click) {
  const entries = page.locator(`#results li[data-action="${action}"]`);
  const before = await entries.count();
  await click();
  const li = entries.nth(before);
  await li.waitFor();
  return { text: await li.textContent(), ...(await li.evaluate((el) => ({ ...el.dataset }))) };
}

/**
 * The awaited outcome of an action `perform` reported: waits until it leaves "sent"/"waiting"
 * (the page follows the call's timeline stream), then its state and text.
 */
async function outcomeOf(page, result) {
  assert.ok(result.operationContext, `${result.action} carries an operationContext the page follows`);
  const sel = `#results li[data-operation-context="${result.operationContext}"] .awaited`;
  await page.waitForFunction((s) => !["sent", "waiting", undefined].includes(document.querySelector(s)?.dataset.awaited), sel);
  return page.$eval(sel, (n) => ({ state: n.dataset.awaited, text: n.textContent }));
}

const row = (page, who) => page.locator(`#participants tr[data-participant="${who}"]`);
const timelineHas = (page, kind) => page.locator(`#diagram g.arrow[data-kind="${kind}"]`).first().waitFor();

test("the worker serves the page and the package files with their content types", async () => {
  const page = await fetch(`${stack.worker}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html/);
  assert.match(await page.text(), /Call control/);
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /(^|; )script-src 'self' 'wasm-unsafe-eval';/, "modules from this origin only, no inline script");
  assert.match(csp, /(^|; )style-src 'self';/, "the stylesheet from this origin only, no inline style");
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /(^|; )connect-src 'self';/, "the page may fetch from its own origin only");
  for (const [file, type] of [["pkg/index.mjs", /^text\/javascript/], ["pkg/client.mjs", /^text\/javascript/], ["pkg/engine.js", /javascript/], ["pkg/engine_bg.wasm", /^application\/wasm$/],
    ["ui/app.mjs", /^text\/javascript/], ["ui/diagram.mjs", /^text\/javascript/], ["ui/admin.css", /^text\/css/]]) {
    const r = await fetch(`${stack.worker}/${file}`);
    assert.equal(r.status, 200, file);
    assert.match(r.headers.get("content-type"), type, file);
    await r.arrayBuffer();
  }
  const missing = await fetch(`${stack.worker}/pkg/nope.mjs`);
  assert.equal(missing.status, 404);
  await missing.arrayBuffer();
});

test("the Call control panel runs the package in the browser through the worker's /acs proxy", async () => {
  const id = await connectedCall();
  const accessKey = stack.connectionString.match(/accesskey=(.+)$/)[1];
  const { page, seen } = await openPage();
  assert.equal(await page.locator("#acs-form, #acs-cs, #acs-key").count(), 0, "no ACS credential form");

  await page.fill("#token", stack.adminToken);
  await page.click("#login button");
  assert.equal(await page.inputValue("#token"), "", "the admin token is not left in the form");
  await page.click(`#calls tr[data-id="${id}"]`);
  await timelineHas(page, "CallConnected");
  await page.locator("#actions:not([disabled])").waitFor();

  // The package sends the token the page holds: a wrong one is the proxy's 401, shown as the
  // package's RestError; nothing reached the service.
  await page.evaluate(() => sessionStorage.setItem("callsteer-admin", "not-the-admin-token"));
  const refused401 = await perform(page, "listParticipants", () => page.click("#do-list"));
  assert.equal(refused401.outcome, "error");
  assert.equal(refused401.name, "RestError");
  assert.equal(refused401.statusCode, "401");
  assert.equal(refused401.code, "Unauthorized");
  await page.evaluate((t) => sessionStorage.setItem("callsteer-admin", t), stack.adminToken);

  const listed = await perform(page, "listParticipants", () => page.click("#do-list"));
  assert.equal(listed.outcome, "ok", listed.text);
  assert.match(listed.text, new RegExp(`\\${CALLER}`));
  await row(page, CALLER).waitFor();

  // Add an ACS user: the roster refreshes itself when ParticipantsUpdated reaches the timeline.
  await page.fill("#add-target", SUPERVISOR);
  const added = await perform(page, "addParticipant", () => page.click("#add-form button"));
  assert.equal(added.outcome, "ok", added.text);
  await row(page, SUPERVISOR).waitFor();
  assert.ok(participant(await atService(id), SUPERVISOR), "the emulator has the supervisor in the call");
  // The add is settled by its event: sent → waiting → succeeded, named after the event.
  assert.deepEqual(await outcomeOf(page, added), { state: "succeeded", text: `sent → waiting → succeeded (AddParticipantSucceeded, ${SUPERVISOR})` });

  // A participant who is busy: the service accepts the invitation (202), then the event says
  // it failed, with its code and message; the diagram marks the page's command as failed.
  await page.fill("#add-target", BUSY_AGENT);
  const busy = await perform(page, "addParticipant", () => page.click("#add-form button"));
  assert.equal(busy.outcome, "ok", "accepted by the service");
  const failed = await outcomeOf(page, busy);
  assert.equal(failed.state, "failed");
  assert.match(failed.text, new RegExp(`^sent → waiting → failed \\(AddParticipantFailed, ${BUSY_AGENT}, 486/560486: .+\\)$`));
  const arrow = page.locator(`#diagram g.arrow[data-source="command"][data-kind="addParticipant"][data-outcome="failed"]`);
  assert.equal(await arrow.count(), 1, "the page's failed add is a command arrow marked failed");
  const settledBy = await page.$eval(`#diagram g.arrow[data-source="event"][data-kind="AddParticipantFailed"]`, (g) => Number(g.dataset.settles));
  assert.equal(settledBy, Number(await arrow.getAttribute("data-n")), "paired with the event that failed it");

  // A phone number needs a caller ID: the page offers the number the call came in on.
  assert.equal(await page.inputValue("#add-caller-id"), CONSOLE_NUMBER);
  await page.fill("#add-target", AGENT);
  const dialled = await perform(page, "addParticipant", () => page.click("#add-form button"));
  assert.equal(dialled.outcome, "ok", dialled.text);
  await row(page, AGENT).waitFor();
  assert.ok(participant(await atService(id), `4:${AGENT}`), "the emulator has the agent in the call");

  const muted = await perform(page, "muteParticipant", () => row(page, SUPERVISOR).getByRole("button", { name: "Mute" }).click());
  assert.equal(muted.outcome, "ok", muted.text);
  // No event settles a mute: the service's acceptance is its outcome.
  assert.deepEqual(await outcomeOf(page, muted), { state: "succeeded", text: "sent → succeeded (sent by the admin page: 200)" });
  await row(page, SUPERVISOR).locator("td", { hasText: /^yes$/ }).first().waitFor();
  assert.equal(participant(await atService(id), SUPERVISOR).isMuted, true);

  // The service mutes ACS users only: its error comes back through the proxy, and the
  // package's RestError is shown with status and code.
  const refused = await perform(page, "muteParticipant", () => row(page, CALLER).getByRole("button", { name: "Mute" }).click());
  assert.equal(refused.outcome, "error");
  assert.equal(refused.name, "RestError");
  assert.equal(refused.statusCode, "400");
  assert.equal(refused.code, "BadRequest");
  assert.match(refused.text, /only ACS users can be muted/);

  const held = await perform(page, "hold", () => row(page, CALLER).getByRole("button", { name: "Hold" }).click());
  assert.equal(held.outcome, "ok", held.text);
  await row(page, CALLER).getByRole("button", { name: "Unhold" }).waitFor();
  assert.equal(participant(await atService(id), `4:${CALLER}`).isOnHold, true);
  const resumed = await perform(page, "unhold", () => row(page, CALLER).getByRole("button", { name: "Unhold" }).click());
  assert.equal(resumed.outcome, "ok", resumed.text);
  await row(page, CALLER).getByRole("button", { name: "Hold" }).waitFor();

  await page.fill("#play-text", "Hello from the admin page.");
  const played = await perform(page, "playToAll", () => page.click("#play-form button"));
  assert.equal(played.outcome, "ok", played.text);
  assert.deepEqual(await outcomeOf(page, played), { state: "succeeded", text: "sent → waiting → succeeded (PlayCompleted)" });
  await timelineHas(page, "PlayCompleted");
  const afterPlay = (await atService(id)).types;
  assert.ok(afterPlay.includes("PlayStarted") && afterPlay.includes("PlayCompleted"), afterPlay.join(","));

  const started = await perform(page, "startRecording", () => page.click("#do-rec-start"));
  assert.equal(started.outcome, "ok", started.text);
  const recordingId = started.text.match(/recording (\S+) active/)?.[1];
  assert.ok(recordingId, started.text);
  await page.locator("#rec-state", { hasText: recordingId }).waitFor();
  const stopped = await perform(page, "stopRecording", () => page.click("#do-rec-stop"));
  assert.equal(stopped.outcome, "ok", stopped.text);
  await waitFor("both RecordingStateChanged events", async () => (await atService(id)).types.filter((t) => t === "RecordingStateChanged").length === 2);

  const removed = await perform(page, "removeParticipant", () => row(page, SUPERVISOR).getByRole("button", { name: "Remove" }).click());
  assert.equal(removed.outcome, "ok", removed.text);
  await row(page, SUPERVISOR).waitFor({ state: "detached" });
  assert.equal(participant(await atService(id), SUPERVISOR), undefined);

  const hungUp = await perform(page, "hangUp", () => page.click("#do-hangup"));
  assert.equal(hungUp.outcome, "ok", hungUp.text);
  await page.locator('#stream-state[data-state="ended"]', { hasText: "ended (disconnected)" }).waitFor();
  const call = await atService(id);
  assert.equal(call.callConnectionState, "disconnected");
  assert.ok(call.types.includes("CallDisconnected"));
  assert.equal((await adm(`/calls/${id}`)).body.status, "disconnected");

  // Every request of the page went to the worker's origin; the Call Automation ones to its
  // /acs proxy with the admin token as a bearer, never signed with a key in the tab.
  const origin = new URL(stack.worker).origin;
  const elsewhere = seen.requests.filter((r) => new URL(r.url).origin !== origin);
  assert.deepEqual(elsewhere.map((r) => r.url), [], "no request left the worker's origin");
  const proxied = seen.requests.filter((r) => new URL(r.url).pathname.startsWith("/acs/"));
  assert.ok(proxied.length >= 12, `the panel's actions went through /acs (${proxied.length})`);
  for (const r of proxied) {
    assert.match(new URL(r.url).pathname, /^\/acs\/calling\/(callConnections|recordings)/, r.url);
    assert.match(String(r.headers.authorization), /^Bearer /, r.url);
  }
  for (const r of seen.requests) {
    assert.ok(!JSON.stringify(r).includes(accessKey), `${r.method} ${r.url} carries no access key`);
    assert.ok(!String(r.headers.authorization ?? "").startsWith("HMAC"), `${r.url}: nothing signed in the tab`);
  }
  // The admin token lives in sessionStorage only: not in the console, the DOM or any form field.
  for (const secret of [accessKey, stack.adminToken]) {
    assert.ok(!seen.console.some((m) => m.includes(secret)), "not in the console");
    assert.ok(!(await page.content()).includes(secret), "not in the page");
    const fields = await page.$$eval("input, textarea", (els) => els.map((e) => e.value));
    assert.ok(!fields.some((v) => v.includes(secret)), "not in a form field");
  }
  const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: localStorage.length }));
  assert.deepEqual(storage.session, { "callsteer-admin": stack.adminToken });
  assert.equal(storage.local, 0);
  assert.deepEqual(seen.errors, []);
  // The page's CSP blocked nothing it needs (a violation is logged to the console).
  assert.deepEqual(seen.console.filter((m) => /Content Security Policy/i.test(m)), []);
  await page.close();
});

test("an action no event settles within 30 s is shown as timed out (the page's clock fast-forwarded)", async () => {
  const id = await connectedCall();
  // The page's timers run on Playwright's clock: the 30 s pass without waiting for them.
  const context = await browserOf().newContext();
  await context.clock.install();
  const page = await context.newPage();
  page.on("dialog", (d) => d.accept());
  await page.goto(`${stack.worker}/`);
  await page.fill("#token", stack.adminToken);
  await page.click("#login button");
  await page.click(`#calls tr[data-id="${id}"]`);
  await page.locator("#actions:not([disabled])").waitFor();

  // Nobody answers: the emulator keeps the invitation ringing for 60 s before AddParticipantFailed.
  await page.fill("#add-target", NO_ANSWER);
  const ringing = await perform(page, "addParticipant", () => page.click("#add-form button"));
  assert.equal(ringing.outcome, "ok", ringing.text);
  const sel = `#results li[data-operation-context="${ringing.operationContext}"] .awaited`;
  await page.locator(`${sel}[data-awaited="waiting"]`).waitFor(); // on the timeline, not settled
  await page.clock.fastForward("00:31");
  assert.deepEqual(await outcomeOf(page, ringing), { state: "timed out", text: "sent → waiting → timed out (no event settled it within 30 s)" });
  assert.equal((await adm(`/calls/${id}`)).body.timeline.find((e) => e.operationContext === ringing.operationContext).outcome, undefined,
    "the worker still waits: the page gave up following, nothing else");
  const hungUp = await adm(`/calls/${id}/actions`, { method: "POST", body: { action: "hangUp" } });
  assert.equal(hungUp.status, 202);
  await context.close();
});
