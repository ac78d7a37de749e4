// The admin page's drafts, in headless Chromium against the emulator and the worker in workerd,
// at 1280 and 390 px: a draft made from the live rules, edited in the JSON editor (the worker's
// validation, keys from the schema), saved with its test callers, a stale save refused (412),
// deleted; its diff against the live rules drawn on the flow graph; the stored tests run against
// it, a failure drawn at the step where the call parted; its impact on real calls (and an example
// call opened from it); and the publish gate — a refusal (409) showing the failures, a forced
// publish asked for first, a stale live ETag (412). The data is tests/fixtures/flows/menus.json.
// Screenshots go to tests/edge/screenshots/ (not committed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { assertPageClean, caretAfter, openAdminPage, useChromium, useStack, waitFor } from "./harness.mjs";
import { menus, brokenMenu, salesAfterSupport } from "./menus.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, "screenshots");
const WIDTHS = [[1280, 900], [390, 844]];
const TEST_CALLER = "+14255550177";

const { stack, adm, emu } = useStack();
const browserOf = useChromium();

const [agentCase, silenceCase] = menus.cases; // agent: 1,1,0,9,1,1 → transferred; silence: main → goodbye

/** Support leads to sales, a new billing step (3 at the main menu, back to it after) and a new rule. */
function reshaped() {
  const doc = salesAfterSupport();
  const steps = doc.flows.menus.steps;
  steps.find((s) => s.id === "main").on["3"] = "billing";
  steps.push({ id: "billing", play: { prompt: { text: "Billing is online only." } }, next: "main" });
  doc.rules.unshift({ name: "vip", match: { from: { exact: "+14255550199" } }, action: { answer: { flow: "menus" } } });
  return doc;
}

const draftPath = (name) => `/rules/drafts/${encodeURIComponent(name)}`;

async function putLive(doc) {
  const current = await adm("/rules");
  const r = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": current.headers.get("etag") } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

async function putDraft(name, body, headers = {}) {
  const r = await adm(draftPath(name), { method: "PUT", body, headers });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r;
}

/**
 * The live rules are the fixture's, no draft is left, and the fixture's two cases are the stored
 * tests (`agent`, `silence`). Each test starts here (node runs a file's `before` hooks
 * concurrently, so this cannot wait for the stack in one).
 */
async function reset() {
  for (const [name, { name: _, ...body }] of [["agent", agentCase], ["silence", silenceCase]]) {
    assert.equal((await adm(`/flows/tests/${name}`, { method: "PUT", body })).status, 200);
  }
  await putLive(menus.rules);
  for (const d of (await adm("/rules/drafts")).body.drafts) assert.equal((await adm(draftPath(d.name), { method: "DELETE" })).status, 200);
}

/** The page at `width` px with the drafts listed; `dialogs` as harness.openAdminPage. */
async function openDrafts([width, height]) {
  const opened = await openAdminPage(browserOf(), stack, { viewport: { width, height } });
  await opened.page.locator('#drafts-section[data-loaded="true"]').waitFor();
  return opened;
}

/** Opens draft `name` from the list and waits for its diff. */
async function openDraft(page, name) {
  await page.locator(`#drafts tr[data-name="${name}"] button.draft-open`).click();
  await page.locator(`#draft[data-name="${name}"]`).waitFor();
  await page.locator('#draft-diff[data-state="done"]').waitFor();
}

/** A drawn graph's steps (id, classes, tags) and edges (from, to, classes). */
function readGraph(locator) {
  return locator.evaluate((svg) => ({
    steps: [...svg.querySelectorAll("g.step")].map((g) => ({
      id: g.dataset.step, change: g.dataset.change ?? "", failed: g.classList.contains("failed"), visits: g.dataset.visits,
      tags: [...g.querySelectorAll("text.change-text, text.fail-text")].map((t) => t.textContent),
    })),
    edges: [...svg.querySelectorAll("g.edge")].map((g) => ({ key: `${g.dataset.from}→${g.dataset.to}`, added: g.classList.contains("added"), taken: g.classList.contains("taken"), hops: g.dataset.hops })),
    label: svg.getAttribute("aria-label"),
  }));
}

async function shot(page, selector, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.locator(selector).screenshot({ path: path.join(SHOTS, name) });
}

/** The page itself does not scroll sideways (tables and graphs scroll in their own boxes). */
async function assertFits(page, width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page does not scroll sideways at ${width} px (${overflow} px)`);
}

for (const size of WIDTHS) {
  const [width] = size;

  test(`drafts at ${width} px: new from the live rules, the editor's checks and keys, test callers, a stale save (412), delete`, async () => {
    await reset();
    const { page, seen, close } = await openDrafts(size);
    assert.equal(await page.locator("#drafts-empty").isVisible(), true);
    const name = `menu-${width}`;

    // A new draft from the live rules opens in the editor with their document.
    await page.fill("#draft-new-name", name);
    await page.click("#draft-new-form button");
    await page.locator(`#draft[data-name="${name}"]`).waitFor();
    await page.locator('#draft-json-status[data-state="ok"]').waitFor();
    assert.deepEqual(JSON.parse(await page.inputValue("#draft-json")), menus.rules);
    assert.deepEqual((await adm(draftPath(name))).body.document, menus.rules);
    await page.locator(`#drafts tr[data-name="${name}"][aria-current="true"]`).waitFor();
    assert.match(await page.textContent("#drafts-state"), new RegExp(`Draft ${name} created from the live rules`));
    // The diff of an untouched copy: nothing changes.
    await page.locator('#draft-diff-rules li[data-change="none"]').waitFor();
    assert.equal(await page.locator("#draft-diff-flows figure").count(), 0);

    // The same name again is refused by the page (a PUT would replace that draft).
    await page.fill("#draft-new-name", name);
    await page.click("#draft-new-form button");
    await page.locator('#draft-new-form .field-error[data-field="name"]', { hasText: "a draft of that name exists" }).waitFor();
    assert.equal((await adm("/rules/drafts")).body.drafts.length, 1);

    // The worker's validation, at its path; keys the schema allows at the cursor, in this editor only.
    const bad = structuredClone(menus.rules);
    bad.flows.menus.steps.find((s) => s.id === "support").next = "nowhere";
    await page.fill("#draft-json", JSON.stringify(bad, null, 2));
    const error = page.locator('#draft-json-error .field-error[data-field="flows.menus.steps[3](support).next"]');
    await error.waitFor();
    assert.match(await error.textContent(), /no step "nowhere"/);
    assert.equal(await page.getAttribute("#draft-json", "aria-invalid"), "true");
    assert.equal(await page.getAttribute("#draft", "data-dirty"), "true");
    assert.match(await page.textContent("#draft-state"), /Unsaved changes/);
    const text = JSON.stringify(salesAfterSupport(), null, 2);
    await page.fill("#draft-json", text);
    await page.locator('#draft-json-status[data-state="ok"]').waitFor();
    await caretAfter(page, "#draft-json", '"id": "support",');
    await page.locator('#draft-json-keys[data-path="flows.menus.steps[3]"] button[data-key="noInput"]').waitFor();
    const keys = await page.$$eval("#draft-json-keys button", (bs) => bs.map((b) => b.dataset.key));
    assert.ok(keys.includes("failure") && !keys.includes("id") && !keys.includes("next"), keys.join(" "));
    assert.equal(await page.locator("#json-keys button").count(), 0, "the rules editor's suggestions are its own");

    // A test caller that is neither a number nor a raw id: refused at the field, nothing stored.
    const tagBefore = (await adm(draftPath(name))).headers.get("etag");
    await page.fill("#draft-callers", "nobody");
    await page.click("#draft-save");
    await page.locator('#draft-form .field-error[data-field="testCallers[0]"]').waitFor();
    assert.equal(await page.getAttribute("#draft-callers", "aria-invalid"), "true");
    assert.equal((await adm(draftPath(name))).headers.get("etag"), tagBefore);

    // Saved with two test callers: the document and the callers are the draft's, the list says so.
    await page.fill("#draft-callers", `${TEST_CALLER}, 4:+14255550188`);
    await page.click("#draft-save");
    await page.locator('#draft-state[data-state="ok"]', { hasText: "Saved" }).waitFor();
    const saved = await adm(draftPath(name));
    assert.equal(saved.body.document.flows.menus.steps.find((s) => s.id === "support").next, "sales");
    assert.deepEqual(saved.body.draft.testCallers, [TEST_CALLER, "+14255550188"]);
    assert.equal(await page.getAttribute("#draft", "data-etag"), saved.headers.get("etag"));
    assert.equal(await page.getAttribute("#draft", "data-dirty"), null);
    assert.deepEqual(await page.$$eval(`#drafts tr[data-name="${name}"] td.callers span`, (s) => s.map((x) => x.textContent)), [TEST_CALLER, "+14255550188"]);
    assert.match(await page.textContent("#draft-facts"), /test callers \+14255550177, \+14255550188/);
    await shot(page, "#drafts-section", `drafts-editor-${width}.png`);

    // Someone saves it elsewhere: this editor's save is refused (412) and keeps the edit; Reload shows theirs.
    const theirs = salesAfterSupport();
    theirs.rules[0].match.to.exact = "+18005550199";
    await putDraft(name, theirs, { "if-match": saved.headers.get("etag") });
    const mine = JSON.parse(await page.inputValue("#draft-json"));
    mine.flows.menus.steps.find((s) => s.id === "goodbye").hangUp.prompt.text = "Bye now.";
    await page.fill("#draft-json", JSON.stringify(mine, null, 2));
    await page.click("#draft-save");
    await page.locator('#draft-state[data-state="stale"]').waitFor();
    assert.match(await page.textContent("#draft-state"), /saved elsewhere since you opened it/);
    assert.equal(JSON.parse(await page.inputValue("#draft-json")).flows.menus.steps.at(-1).hangUp.prompt.text, "Bye now.", "the edit is still there");
    assert.equal((await adm(draftPath(name))).body.document.rules[0].match.to.exact, "+18005550199", "theirs is kept");
    await page.click("#draft-reload");
    await page.locator('#draft[data-name]:not([data-dirty])').waitFor();
    await waitFor("their document in the editor", async () => JSON.parse(await page.inputValue("#draft-json")).rules[0].match.to.exact === "+18005550199");
    assert.equal(await page.isHidden("#draft-reload"), true);

    // Delete asks first: dismissed, nothing happens; accepted, the draft is gone.
    let asked;
    page.once("dialog", (d) => {
      asked = d.message();
      d.dismiss();
    });
    await page.click("#draft-delete");
    await waitFor("the question", () => asked);
    assert.match(asked, new RegExp(`Delete draft ${name}\\?`));
    assert.equal((await adm(draftPath(name))).status, 200);
    page.once("dialog", (d) => d.accept());
    await page.click("#draft-delete");
    await page.locator('#drafts-state[data-state="ok"]', { hasText: `Draft ${name} deleted.` }).waitFor();
    assert.equal(await page.isHidden("#draft"), true);
    assert.equal(await page.locator("#drafts tr").count(), 0);
    assert.equal((await adm(draftPath(name))).status, 404);
    await assertFits(page, width);
    await assertPageClean(page, seen, stack);
    await close();
  });

  test(`drafts at ${width} px: the diff against the live rules, drawn on the flow graph and listed`, async () => {
    await reset();
    const name = `reshaped-${width}`;
    await putDraft(name, reshaped());
    const { page, seen, close } = await openDrafts(size);
    await openDraft(page, name);
    const fig = page.locator('#draft-diff-flows figure[data-flow="flow:menus"][data-status="changed"]');
    await fig.waitFor();
    const g = await readGraph(fig.locator("svg.flow-graph"));
    const marked = Object.fromEntries(g.steps.filter((s) => s.change).map((s) => [s.id, s.change]));
    assert.deepEqual(marked, { main: "changed", support: "changed", billing: "added" });
    assert.deepEqual(g.steps.find((s) => s.id === "billing").tags, ["new"]);
    assert.deepEqual(g.steps.find((s) => s.id === "support").tags, ["changed"]);
    assert.deepEqual(g.edges.filter((e) => e.added).map((e) => e.key).sort(), ["billing→main", "main→billing", "support→sales"]);
    assert.ok(!g.edges.some((e) => e.key === "support→main"), "the removed path is not drawn");
    assert.match(g.label, /the draft adds 1 step and 3 paths, and changes 2 steps/);
    // What the graph cannot show is listed under it; the rules' changes above.
    const removed = await fig.locator('li[data-change="edge-removed"]').evaluateAll((ls) => ls.map((l) => [l.dataset.from, l.dataset.to, l.textContent]));
    assert.deepEqual(removed, [["support", "main", "path support → main (next) removed"]]);
    assert.equal(await fig.locator('li[data-change="edge-added"][data-from="main"][data-to="billing"]').textContent(), "new path main → billing (on.3)");
    assert.equal(await page.locator('#draft-diff-rules li[data-change="rule-added"][data-rule="vip"]').count(), 1);
    assert.equal(await page.locator('#draft-diff-rules li[data-change="rules-reordered"]').count(), 0);
    assert.equal(await page.getAttribute("#draft-diff", "data-live-revision"), (await adm("/rules")).body.revision);
    await shot(page, "#draft-diff", `drafts-diff-${width}.png`);
    await assertFits(page, width);
    await assertPageClean(page, seen, stack);
    await close();
  });

  test(`drafts at ${width} px: the stored tests run against a draft, a failure drawn where the call parted`, async () => {
    await reset();
    const name = `broken-${width}`;
    await putDraft(name, brokenMenu());
    const { page, seen, close } = await openDrafts(size);
    await openDraft(page, name);
    await page.click("#draft-test-run");
    await page.locator('#draft-test-results[data-state="done"]').waitFor();
    assert.equal(await page.textContent("#draft-tests-state"), "1 passed, 1 failed.");
    assert.deepEqual(await page.$$eval("#draft-test-results > li", (ls) => ls.map((l) => [l.dataset.test, l.dataset.passed])), [["agent", "false"], ["silence", "true"]]);
    const failed = page.locator('#draft-test-results > li[data-test="agent"]');
    const fact = (f) => failed.locator(`dd[data-fact="${f}"]`).textContent();
    assert.deepEqual([await fact("expectation"), await fact("expected"), await fact("actual"), await fact("step")], ["expect.path[1]", '"sales"', '"orders"', "orders"]);
    assert.match(await failed.locator(".reason").textContent(), /step 2 of the path is "orders", not "sales"/);
    assert.equal(await failed.locator(".test-path").textContent(), "path: main → orders → agent");
    // On the graph: the call's path numbered, and the step where it parted marked with the reason.
    const g = await readGraph(failed.locator("svg.flow-graph"));
    assert.deepEqual(g.steps.filter((s) => s.failed).map((s) => [s.id, s.tags]), [["orders", ["✗ the test parted here"]]]);
    assert.deepEqual(g.edges.filter((e) => e.taken).map((e) => [e.key, e.hops]), [["main→orders", "1"], ["orders→agent", "2"]]);
    assert.match(await failed.locator('g.step[data-step="orders"] title').textContent(), /the test parted here: step 2 of the path/);
    assert.match(g.label, /the test parted at step orders/);
    // A passing test has its path and no graph.
    const passed = page.locator('#draft-test-results > li[data-test="silence"]');
    assert.equal(await passed.locator(".test-path").textContent(), "path: main → goodbye");
    assert.equal(await passed.locator("svg").count(), 0);
    await shot(page, "#draft-tests", `drafts-tests-${width}.png`);
    await assertFits(page, width);
    await assertPageClean(page, seen, stack);
    await close();
  });

  test(`drafts at ${width} px: the impact on recent calls, grouped where they part, an example call opened`, async () => {
    await reset();
    const name = `sales-first-${width}`;
    await putDraft(name, salesAfterSupport());
    // A live call that pressed 2: main → support → main. The draft would take it to sales instead.
    const id = await callThatPressed("2");
    const { page, seen, close } = await openDrafts(size);
    await openDraft(page, name);
    await page.fill("#draft-impact-calls", "50");
    await page.click("#draft-impact-form button");
    await page.locator('#draft-impact-result[data-state="done"]').waitFor();
    const data = await page.$eval("#draft-impact-result", (b) => ({ ...b.dataset }));
    const [calls, same, different, unreplayable] = ["calls", "same", "different", "unreplayable"].map((k) => Number(data[k]));
    assert.equal(same + different + unreplayable, calls, JSON.stringify(data));
    assert.ok(different >= 1, JSON.stringify(data));
    assert.equal(calls, (await adm("/calls")).body.calls.length);
    const group = page.locator('#draft-impact-result tr.impact-group[data-index="2"][data-after="support"][data-live="main"][data-draft="sales"]');
    assert.equal(await group.count(), 1);
    assert.equal(await group.locator("td").first().textContent(), "after support (step 3)");
    assert.ok(Number(await group.locator("td.calls").textContent()) >= 1);
    assert.match(await page.textContent("#draft-impact-result .impact-summary"), new RegExp(`^${calls} calls? replayed: ${same} take the same path, ${different} a different one, ${unreplayable} could not be replayed\\.$`));
    await shot(page, "#draft-impact", `drafts-impact-${width}.png`);
    // An example opens that call.
    await group.locator(`button.example[data-call="${id}"]`).click();
    await page.locator("#call-title", { hasText: id }).waitFor();
    await assertFits(page, width);
    await assertPageClean(page, seen, stack);
    await close();
  });

  test(`drafts at ${width} px: publish — refused by a failing test (409), forced after asking, a stale live ETag (412)`, async () => {
    await reset();
    const [broken, fixed] = [`broken-${width}`, `fixed-${width}`];
    await putDraft(broken, brokenMenu());
    await putDraft(fixed, menus.rules);
    const { page, seen, close } = await openDrafts(size);
    const liveBefore = (await adm("/rules")).body.revision;
    await openDraft(page, broken);
    await page.fill("#draft-publish-message", "orders first, for the sale");
    await page.click("#draft-publish-button");
    await page.locator('#draft-publish-state[data-state="refused"]').waitFor();
    assert.equal(await page.textContent("#draft-publish-state"), "Not published: 1 stored test fails against the draft.");
    const failure = page.locator('#draft-publish-failures > li[data-test="agent"][data-passed="false"]');
    assert.deepEqual((await readGraph(failure.locator("svg.flow-graph"))).steps.filter((s) => s.failed).map((s) => s.id), ["orders"]);
    assert.equal(await page.locator('#draft-publish-failures > li[data-passed="true"]').count(), 1);
    assert.equal((await adm("/rules")).body.revision, liveBefore, "a refused publish leaves the live rules");
    await shot(page, "#draft-publish", `drafts-publish-refused-${width}.png`);

    // Publishing anyway asks first: dismissed, nothing is published.
    let asked;
    page.once("dialog", (d) => {
      asked = d.message();
      d.dismiss();
    });
    await page.click("#draft-publish-force");
    await page.locator('#draft-publish-state[data-state="refused"]', { hasText: "you kept the live rules" }).waitFor();
    assert.equal(asked, `1 stored test fails against draft ${broken} (agent). Publish it anyway? It routes calls at once.`);
    assert.equal((await adm("/rules")).body.revision, liveBefore);
    // Accepted: the draft is the live rules, the revision records the forced gate and the message.
    page.once("dialog", (d) => d.accept());
    await page.click("#draft-publish-force");
    await page.locator('#drafts-state[data-state="ok"]', { hasText: `Draft ${broken} published` }).waitFor();
    const forced = (await adm("/rules/revisions")).body.revisions[0];
    assert.equal(forced.from, broken);
    assert.equal(forced.message, "orders first, for the sale");
    assert.deepEqual(forced.tests, { passed: 1, failed: 1, failures: ["agent"], forced: true });
    assert.equal(await page.textContent("#drafts-state"), `Draft ${broken} published as revision ${forced.id} (tests: 1 passed, 1 failed, published anyway past agent): it routes calls now.`);
    await page.locator(`#rules-section[data-revision="${forced.id}"]`).waitFor();
    assert.equal(await page.isHidden("#draft"), true);
    assert.equal(await page.locator(`#drafts tr[data-name="${broken}"]`).count(), 0);

    // The live rules move after the page loaded them: the publish is refused (412) until they are reloaded.
    await openDraft(page, fixed);
    await putLive(salesAfterSupport());
    const moved = (await adm("/rules")).body.revision;
    await page.click("#draft-publish-button");
    await page.locator('#draft-publish-state[data-state="stale"]').waitFor();
    assert.match(await page.textContent("#draft-publish-state"), /the live rules changed since this page loaded them/);
    assert.equal((await adm("/rules")).body.revision, moved);
    await page.click("#draft-publish-reload");
    await page.locator(`#rules-section[data-revision="${moved}"]`).waitFor();
    // The diff is asked again against the rules now live: support → sales is theirs, the draft takes it back.
    await page.locator(`#draft-diff[data-state="done"][data-live-revision="${moved}"]`).waitFor();
    const diff = await readGraph(page.locator('#draft-diff-flows figure[data-flow="flow:menus"] svg.flow-graph'));
    assert.deepEqual(diff.edges.filter((e) => e.added).map((e) => e.key), ["support→main"]);
    await page.click("#draft-publish-button");
    await page.locator('#drafts-state[data-state="ok"]', { hasText: `Draft ${fixed} published` }).waitFor();
    assert.match(await page.textContent("#drafts-state"), /\(tests: 2 passed, 0 failed\)/);
    assert.deepEqual((await adm("/rules")).body.document, menus.rules);
    await assertFits(page, width);
    await assertPageClean(page, seen, stack);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, `drafts-page-${width}-full.png`), fullPage: true });
    await close();
  });
}

test("the drafts are an admin's: a viewer's page has no drafts section", async () => {
  const r = await adm("/credentials", { method: "POST", body: { role: "viewer", label: "drafts viewer" } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { page, seen, close } = await openAdminPage(browserOf(), stack, { token: r.body.token, ready: 'body[data-role="viewer"]' });
  for (const sel of ["#drafts-section", "#nav-drafts"]) assert.equal(await page.locator(sel).isVisible(), false, `${sel} is hidden`);
  assert.equal(await page.getAttribute("#drafts-section", "data-loaded"), null, "the drafts were not asked for");
  assert.deepEqual(seen.errors, []);
  await close();
});

/** Places a call to the menus number and presses `tones` at the main menu; waits until the live flow is back at main. */
async function callThatPressed(tones) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550111", to: agentCase.call.to } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0]?.callConnectionId && r.body.decisions[0];
  });
  const id = decision.callConnectionId;
  await waitFor("the menu to take the tone", async () => {
    const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: "+14255550111", tones } });
    return r.status === 202 && r.body.consumedBy === "recognize";
  }, { timeoutMs: 20_000, intervalMs: 150 });
  await waitFor("the live path main → support → main", async () => {
    const d = (await adm(`/calls/${id}`)).body;
    return (d.flow?.path ?? []).filter((p) => !p.startsWith("!")).join(",").startsWith("main,support,main");
  }, { timeoutMs: 20_000, intervalMs: 150 });
  return id;
}
