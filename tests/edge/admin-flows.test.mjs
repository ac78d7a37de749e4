// The admin page's flows, in headless Chromium against the emulator and the worker in workerd:
// the flows in force drawn as graphs (a named flow, an inline graph, a version 1 flow drawn from
// its first call), a simulation from the form (its path numbered on the graph, its timeline as
// the sequence diagram), a live call's graph following the step it is in as tones are pressed,
// and the rules editor's JSON mode (the worker's validation with its path, key suggestions from
// the schema, a stale save refused with 412). Screenshots at 1280 and 390 px.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { root, assertPageClean, caretAfter, openAdminPage, pickCall, useChromium, useStack, waitFor } from "./harness.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(here, "screenshots");
const CALLER = "+14255550111";
const MENUS_NUMBER = "+18005550100";
const HOURS_NUMBER = "+18005550177";

const { stack, adm, emu } = useStack();
const browserOf = useChromium();

const menus = JSON.parse(readFileSync(path.join(root, "tests/fixtures/flows/menus.json"), "utf8"));

/**
 * The menus fixture's document — its menus wait a minute for a tone, so a live call stays in a
 * step while the page is looked at — plus a rule with an inline graph (a branch on the time).
 */
function document() {
  const doc = structuredClone(menus.rules);
  for (const step of doc.flows.menus.steps) if (step.collect) step.collect.timeoutSeconds = 60;
  doc.rules.push({
    name: "hours",
    match: { to: { exact: HOURS_NUMBER } },
    action: { answer: { flow: { start: "when", steps: [
      { id: "when", branch: { cases: [{ when: { time: [{ timeZone: "Europe/London", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }] }, goto: "open" }], else: "closed" } },
      { id: "open", play: { prompt: { text: "We are open." } }, next: "bye" },
      { id: "closed", hangUp: { prompt: { text: "We are closed." } } },
      { id: "bye", hangUp: {} },
    ] } } },
  });
  return doc;
}

async function putRules(doc) {
  const current = await adm("/rules");
  const r = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": current.headers.get("etag") } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** The page with the admin token entered (harness: openAdminPage). */
function openAdmin(viewport = { width: 1280, height: 900 }) {
  return openAdminPage(browserOf(), stack, { viewport });
}

/** Nothing blocked by the page's CSP, no script error, and the token shown nowhere. */
function assertClean(page, seen) {
  return assertPageClean(page, seen, stack);
}

async function placeCall(to) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: CALLER, to } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  return waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0]?.callConnectionId && r.body.decisions[0];
  });
}

/** Presses `tones` once the flow listens (the emulator says a recognize took them). */
async function press(id, tones) {
  await waitFor(`tone ${tones} taken by a recognize`, async () => {
    const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: CALLER, tones } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r.body.consumedBy === "recognize";
  }, { timeoutMs: 20_000, intervalMs: 150 });
}

/** A drawn graph: its steps (id, kind, text, visits, current) and edges (from, to, labels, hops, kind). */
function readGraph(page, selector) {
  return page.$eval(selector, (svg) => ({
    steps: [...svg.querySelectorAll("g.step")].map((g) => ({
      id: g.dataset.step, kind: g.dataset.kind, text: g.querySelector("text.name").textContent, visits: g.dataset.visits,
      current: g.classList.contains("current"), ended: g.classList.contains("ended"), focusable: g.getAttribute("tabindex") === "0",
      box: (({ x, y, width, height }) => ({ x, y, width, height }))(g.querySelector("rect.box").getBBox()),
    })),
    edges: [...svg.querySelectorAll("g.edge")].map((g) => ({
      from: g.dataset.from, to: g.dataset.to, labels: g.dataset.labels, hops: g.dataset.hops, kind: [...g.classList].find((c) => c !== "edge" && c !== "taken"), taken: g.classList.contains("taken"),
    })),
    labels: [...svg.querySelectorAll("g.edge-label text.label")].map((t) => t.textContent),
    viewBox: svg.getAttribute("viewBox").split(" ").map(Number),
  }));
}

const edgeKey = (e) => `${e.from}→${e.to}: ${e.labels}`;

test("a version 1 flow is named in the flows in force, and drawn once a call of its rule shows the worker's graph", async () => {
  const { page, seen, close } = await openAdmin();
  const ivr = page.locator('#flows-in-force figure[data-flow="rule:ivr"]');
  await ivr.waitFor();
  assert.equal(await ivr.getAttribute("data-kind"), "legacy");
  assert.equal(await ivr.getAttribute("data-drawn"), "false");
  assert.match(await ivr.textContent(), /version 1 flow — shown after its first call/);

  const d = await placeCall(MENUS_NUMBER);
  assert.equal(d.rule, "ivr");
  await pickCall(page, d.callConnectionId);
  // The call's own graph (its setup.flow, converted by the worker), in the step it waits in.
  await page.locator('#call-flow[data-step]:not([data-step=""]) svg.flow-graph').waitFor();
  const graph = await readGraph(page, "#call-flow-graph svg");
  assert.ok(graph.steps.length >= 2, JSON.stringify(graph.steps));
  assert.ok(graph.steps.some((s) => s.current && s.kind === "collect"), "the menu waits for a tone");
  // …and the flows in force now draw that graph for the ivr rule.
  await page.locator('#flows-in-force figure[data-flow="rule:ivr"][data-drawn="true"] svg.flow-graph').waitFor();
  const inForce = await readGraph(page, '#flows-in-force figure[data-flow="rule:ivr"] svg');
  assert.deepEqual(inForce.steps.map((s) => s.id), graph.steps.map((s) => s.id));
  await press(d.callConnectionId, "1");
  await page.locator('#call-flow[data-end="transferred"]').waitFor();
  await assertClean(page, seen);
  await close();
});

test("the flows in force: a named flow and an inline graph, drawn with their steps and labelled edges", async () => {
  await putRules(document());
  const { page, seen, close } = await openAdmin();
  const named = '#flows-in-force figure[data-flow="flow:menus"] svg.flow-graph';
  await page.locator(named).waitFor();
  assert.match(await page.textContent('#flows-in-force figure[data-flow="flow:menus"] figcaption'), /flow menus — answers rule menus/);
  const g = await readGraph(page, named);
  assert.deepEqual(g.steps.map((s) => s.text).sort(), ["agent · transfer", "goodbye · hangUp", "main · collect", "orders · collect", "sales · collect", "support · play"]);
  assert.ok(g.steps.every((s) => s.focusable), "every step is reachable by keyboard");
  assert.deepEqual(g.edges.map(edgeKey).sort(), [
    "agent→goodbye: failure",
    "main→goodbye: noMatch", "main→main: on 9", "main→sales: on 1", "main→support: on 2",
    "orders→agent: on 1", "orders→goodbye: noMatch", "orders→orders: on 9", "orders→sales: on 0",
    "sales→goodbye: noMatch", "sales→main: on 0", "sales→orders: on 1", "sales→sales: on 9",
    "support→main: next",
  ]);
  // Loops back to an earlier step are curved back edges, a step's own repeat a loop on it.
  const kind = (from, to) => g.edges.find((e) => e.from === from && e.to === to).kind;
  assert.deepEqual([kind("main", "sales"), kind("sales", "main"), kind("support", "main"), kind("orders", "sales"), kind("sales", "sales")], ["forward", "back", "back", "back", "self"]);
  assert.ok(g.labels.includes("on 1") && g.labels.includes("noMatch") && g.labels.includes("next"), "each edge's label is drawn");
  // Layered from the start: the start step on top, the goodbye every menu reaches at the bottom; no two steps overlap.
  const box = Object.fromEntries(g.steps.map((s) => [s.id, s.box]));
  assert.ok(g.steps.every((s) => s.box.y >= box.main.y), "main is the top layer");
  assert.ok(box.sales.y > box.main.y && box.orders.y > box.sales.y && box.agent.y > box.orders.y && box.goodbye.y > box.agent.y);
  for (const a of g.steps) for (const b of g.steps) {
    if (a.id >= b.id) continue;
    const apart = a.box.x + a.box.width <= b.box.x || b.box.x + b.box.width <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y;
    assert.ok(apart, `${a.id} and ${b.id} do not overlap`);
  }
  // Focusing a step reads its paths.
  const title = await page.$eval(`${named} g.step[data-step="main"] title`, (t) => t.textContent);
  assert.match(title, /^main · collect\npaths: on 1 → sales; on 2 → support; on 9 → main; noMatch → goodbye$/);

  // The inline graph of rule hours: a branch's case and else.
  const inline = '#flows-in-force figure[data-flow="rule:hours"] svg.flow-graph';
  const h = await readGraph(page, inline);
  assert.deepEqual(h.edges.map(edgeKey).sort(), ["open→bye: next", "when→closed: else", "when→open: case 1"]);
  assert.deepEqual(h.steps.map((s) => s.text).sort(), ["bye · hangUp", "closed · hangUp", "open · play", "when · branch"]);
  await assertClean(page, seen);
  await close();
});

/** Fills the simulate form: the call and the script (each entry added with the form's own controls). */
async function simulateFromForm(page, { to, at, script, against = "force" }) {
  await page.fill("#sim-from", CALLER);
  await page.fill("#sim-to", to);
  await page.fill("#sim-at", at);
  for (const li of await page.$$("#sim-script li")) await (await li.$("button.remove")).click();
  for (const entry of script) {
    const kind = Object.keys(entry)[0];
    await page.selectOption("#sim-kind", kind === "silence" ? "silence" : kind);
    await page.click("#sim-add");
    const li = page.locator("#sim-script li").last();
    if (kind === "tones") await li.locator("input.tones").fill(entry.tones);
    if (kind === "speech") await li.locator("input.speech").fill(entry.speech);
  }
  await page.check(`input[name="sim-rules"][value="${against}"]`);
  await page.click("#sim-run");
  await page.locator('#sim-result[data-state="done"], #sim-result[data-state="error"]').waitFor({ state: "attached" });
  if ((await page.getAttribute("#sim-result", "data-state")) !== "done") {
    throw new Error(`the worker refused the simulation: ${await page.textContent("#sim-form .field-error")}`);
  }
  return page.$eval("#sim-result", (box) => ({ rule: box.dataset.rule, end: box.dataset.end, path: box.dataset.path, text: box.textContent }));
}

test("a simulation from the form: its path numbered in order on the flow's graph, its timeline as a sequence diagram", async () => {
  const { page, seen, close } = await openAdmin();
  const c = menus.cases[0]; // down two levels, back one, repeat, down again to an agent
  const r = await simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: c.script });
  assert.equal(r.rule, "menus");
  assert.equal(r.end, "transferred");
  assert.equal(r.path, c.expect.path.join(" "));
  assert.match(r.text, /Rule menus wins \(answer\); the call ends: transferred \(transfer accepted\)\./);
  assert.deepEqual(await page.$$eval("#sim-result .sim-path li", (lis) => lis.map((li) => li.dataset.step)), c.expect.path);
  assert.deepEqual(await page.$$eval("#sim-result table.vars tr", (trs) => trs.map((tr) => [tr.dataset.variable, tr.querySelector("td").textContent])),
    [["main", "1"], ["orders", "1"], ["sales", "1"]]);

  // The path on the graph: each visit numbered on its step, each move on the edge it took.
  const g = await readGraph(page, "#sim-graph svg");
  const visits = Object.fromEntries(g.steps.filter((s) => s.visits).map((s) => [s.id, s.visits]));
  assert.deepEqual(visits, { main: "1", sales: "2 4 5", orders: "3 6", agent: "7" });
  const hops = Object.fromEntries(g.edges.filter((e) => e.taken).map((e) => [`${e.from}→${e.to}`, e.hops]));
  assert.deepEqual(hops, { "main→sales": "1", "sales→orders": "2 5", "orders→sales": "3", "sales→sales": "4", "orders→agent": "6" });
  assert.deepEqual(g.steps.filter((s) => s.current).map((s) => [s.id, s.ended]), [["agent", true]], "where it ended");

  // The timeline drawn by the page's sequence diagram, each command labelled with the step that sent it.
  await page.locator("#sim-diagram g.arrow").first().waitFor();
  const commands = await page.$$eval('#sim-diagram g.arrow[data-source="command"]', (gs) => gs.map((g) => [g.dataset.kind, g.dataset.step, g.querySelector("text tspan.step")?.textContent]));
  assert.deepEqual(commands.map(([, step]) => step), ["main", "sales", "orders", "sales", "sales", "orders", "agent"]);
  assert.deepEqual(commands.at(-1), ["transfer", "agent", "agent ▸ "]);
  const kinds = await page.$$eval('#sim-diagram g.arrow:not([data-source="effect"])', (gs) => gs.map((g) => g.dataset.kind));
  assert.equal(kinds.filter((k) => k === "RecognizeCompleted").length, 6);
  assert.equal(kinds.at(-1), "CallDisconnected");

  // Silence twice at the main menu: noMatch, goodbye.
  const quiet = await simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: menus.cases[1].script });
  assert.equal(quiet.path, "main goodbye");
  assert.equal(quiet.end, "hungUp");
  const q = await readGraph(page, "#sim-graph svg");
  assert.deepEqual(q.edges.filter((e) => e.taken).map((e) => [`${e.from}→${e.to}`, e.hops]), [["main→goodbye", "1"]]);

  // The worker's refusal of a script entry is shown at that entry.
  await assert.rejects(simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: [{ tones: "1" }, { tones: "x" }] }), /refused/);
  const refusal = page.locator('#sim-form .field-error[data-field="script[1].tones"]');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /keypad tones only/);
  assert.equal(await page.getAttribute("#sim-script li:nth-child(2) input.tones", "aria-invalid"), "true");

  // Against the document in the editor (unsaved): a new choice 3 at the main menu leads straight to the agent.
  await page.click("#mode-json");
  await page.locator('#json-status[data-state="ok"]').waitFor();
  const edited = JSON.parse(await page.inputValue("#rules-json"));
  edited.flows.menus.steps.find((s) => s.id === "main").on["3"] = "agent";
  await page.fill("#rules-json", JSON.stringify(edited, null, 2));
  const unsaved = await simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: [{ tones: "3" }], against: "edited" });
  assert.equal(unsaved.path, "main agent");
  assert.equal(await page.textContent('#sim-result dd[data-fact="rules"]'), "the document in the editor");
  const saved = await simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: [{ tones: "3" }], against: "force" });
  assert.equal(saved.path, "main goodbye", "the rules in force have no choice 3");
  await assertClean(page, seen);
  await close();
});

test("a live call's flow graph shows the step it is in, and follows it as tones are pressed", async () => {
  const { page, seen, close } = await openAdmin();
  const d = await placeCall(MENUS_NUMBER);
  assert.equal(d.rule, "menus");
  const id = d.callConnectionId;
  await pickCall(page, id);
  const current = async () => (await readGraph(page, "#call-flow-graph svg")).steps.filter((s) => s.current).map((s) => s.id);
  await page.locator('#call-flow[data-step="main"] svg.flow-graph').waitFor();
  assert.deepEqual(await current(), ["main"]);
  assert.match(await page.textContent("#call-flow-where"), /^In step main \(collect\), waiting for the caller's input\.$/);
  assert.equal(await page.getAttribute('#call-flow-graph g.step[data-step="main"]', "aria-current"), "step");

  await press(id, "1");
  await page.locator('#call-flow[data-step="sales"]').waitFor();
  assert.deepEqual(await current(), ["sales"]);
  const g = await readGraph(page, "#call-flow-graph svg");
  assert.deepEqual(g.edges.filter((e) => e.taken).map((e) => [`${e.from}→${e.to}`, e.hops]), [["main→sales", "1"]]);
  // The diagram labels each command with the step that sent it.
  await page.locator('#diagram g.arrow[data-source="command"][data-step="sales"]').waitFor();
  assert.deepEqual(await page.$$eval('#diagram g.arrow[data-source="command"]', (gs) => gs.map((g) => [g.dataset.label, g.dataset.step, g.querySelector("tspan.step")?.textContent])),
    [["recognize (main-1)", "main", "main ▸ "], ["recognize (sales-1)", "sales", "sales ▸ "]]);

  await press(id, "0"); // back to main
  await page.locator('#call-flow[data-step="main"][data-path="main sales main"]').waitFor();
  await press(id, "1");
  await page.locator('#call-flow[data-step="sales"]').waitFor();
  await press(id, "1");
  await page.locator('#call-flow[data-step="orders"]').waitFor();
  await press(id, "1"); // an agent: the transfer ends the call's part here
  await page.locator('#call-flow[data-end="transferred"]').waitFor();
  const end = await readGraph(page, "#call-flow-graph svg");
  assert.deepEqual(end.steps.filter((s) => s.current).map((s) => [s.id, s.ended]), [["agent", true]]);
  assert.equal(end.steps.find((s) => s.id === "main").visits, "1 3");
  assert.match(await page.textContent("#call-flow-where"), /^The flow ended in step agent: transferred/);
  await assertClean(page, seen);
  await close();
});

test("the JSON editor: the worker's error with its path, keys from the schema, a stale save refused (412)", async () => {
  const { page, seen, close } = await openAdmin();
  await page.click("#mode-json");
  await page.locator("#json-editor:not([hidden])").waitFor();
  await page.locator('#json-status[data-state="ok"]').waitFor();
  const text = await page.inputValue("#rules-json");
  assert.deepEqual(JSON.parse(text), (await adm("/rules")).body.document);

  // An unknown step: the worker's validation, with the path of the problem.
  const bad = JSON.parse(text);
  bad.flows.menus.steps.find((s) => s.id === "support").next = "nowhere";
  await page.fill("#rules-json", JSON.stringify(bad, null, 2));
  const error = page.locator('#json-error .field-error[data-field="flows.menus.steps[3](support).next"]');
  await error.waitFor();
  assert.match(await error.textContent(), /no step "nowhere"/);
  assert.equal(await page.getAttribute("#rules-json", "aria-invalid"), "true");
  await error.locator("button").click(); // "Show in the text": the path's place selected
  const selected = await page.$eval("#rules-json", (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.match(selected, /^"next": "nowhere"/);

  // Keys the schema allows where the cursor is: in a step object, the step keys and paths not yet used.
  const valid = JSON.stringify(document(), null, 2);
  await page.fill("#rules-json", valid);
  await page.locator('#json-status[data-state="ok"]').waitFor();
  await caretAfter(page, "#rules-json", '"id": "support",');
  await page.locator('#json-keys[data-path="flows.menus.steps[3]"] button[data-key="noInput"]').waitFor();
  const keys = await page.$$eval("#json-keys button", (bs) => bs.map((b) => b.dataset.key));
  assert.ok(["collect", "noInput", "failure", "maxVisits"].every((k) => keys.includes(k)), keys.join(" "));
  assert.ok(!keys.includes("id") && !keys.includes("play") && !keys.includes("next"), "keys the step has are not offered");
  // Alt+↓ moves to the suggestions; one inserts `"key": ` at the cursor.
  await page.keyboard.press("Alt+ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), keys[0]);
  await page.click('#json-keys button[data-key="failure"]');
  const inserted = await page.$eval("#rules-json", (t) => t.value.slice(t.selectionStart - 11, t.selectionStart));
  assert.equal(inserted, '"failure": ');
  await page.keyboard.type('"goodbye",');
  await page.locator('#json-status[data-state="ok"]').waitFor();

  // Someone else saves first: this editor's save is refused (412), and Reload shows theirs.
  const theirs = document();
  theirs.rules[0].match.to.exact = "+18005550199";
  await putRules(theirs);
  await page.click("#rules-save");
  await page.locator('#rules-state[data-state="stale"]').waitFor();
  assert.match(await page.textContent("#rules-state"), /the rules changed since you opened them/);
  assert.equal(JSON.parse(await page.inputValue("#rules-json")).rules[0].match.to.exact, MENUS_NUMBER, "the edit is still there");
  assert.equal((await adm("/rules")).body.document.rules[0].match.to.exact, "+18005550199", "nothing stored");
  await page.click("#rules-reload");
  await page.locator('#rules-state[data-state="ok"]').waitFor();
  assert.equal(await page.isHidden("#rules-reload"), true);
  assert.equal(JSON.parse(await page.inputValue("#rules-json")).rules[0].match.to.exact, "+18005550199");
  // Saved from the JSON text with the revision now read.
  const mine = JSON.parse(await page.inputValue("#rules-json"));
  mine.rules[0].match.to.exact = MENUS_NUMBER;
  await page.fill("#rules-json", JSON.stringify(mine, null, 2));
  await page.click("#rules-save");
  await page.locator('#rules-state[data-state="ok"]', { hasText: "Saved" }).waitFor();
  assert.equal((await adm("/rules")).body.document.rules[0].match.to.exact, MENUS_NUMBER);

  // The form reads the JSON document back (the named flows are kept when it saves).
  await page.click("#mode-form");
  await page.locator('#rules-list details.rule[data-name="menus"]').waitFor();
  assert.equal(await page.inputValue('#rules-list details.rule[data-name="menus"] textarea.flow'), '"menus"');
  await page.click("#rules-save");
  await page.locator('#rules-state[data-state="ok"]', { hasText: "Saved" }).waitFor();
  assert.deepEqual((await adm("/rules")).body.document.flows, mine.flows);
  await assertClean(page, seen);
  await close();
});

test("every fixture's flow is laid out without two steps on top of each other", async () => {
  // One document with the flows of tests/fixtures/flows/*.json: named ones kept, inline ones named after their rule.
  const doc = { version: 2, default: { reject: { reason: "busy" } }, flows: {}, rules: [] };
  for (const name of ["menus", "account", "speech", "failover", "ring"]) {
    const f = JSON.parse(readFileSync(path.join(root, "tests/fixtures/flows", `${name}.json`), "utf8")).rules;
    Object.assign(doc.flows, f.flows ?? {});
    for (const r of f.rules) doc.rules.push({ ...r, match: { to: { exact: `+1800555${String(doc.rules.length).padStart(4, "0")}` } } });
  }
  const saved = await putRules(doc);
  const { page, seen, close } = await openAdmin();
  await page.locator(`#rules-section[data-revision="${saved.revision}"]`).waitFor();
  const figures = await page.$$eval("#flows-in-force figure", (fs) => fs.map((f) => f.dataset.flow));
  assert.deepEqual(figures, ["flow:account", "flow:menus", "rule:speech", "rule:failover", "rule:ring"]); // named flows as stored (sorted), then the rules in order
  for (const key of figures) {
    const g = await readGraph(page, `#flows-in-force figure[data-flow="${key}"] svg`);
    assert.ok(g.steps.length > 1 && g.edges.length > 0, key);
    for (const a of g.steps) for (const b of g.steps) {
      if (a.id >= b.id) continue;
      const apart = a.box.x + a.box.width <= b.box.x || b.box.x + b.box.width <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y;
      assert.ok(apart, `${key}: ${a.id} and ${b.id} do not overlap`);
    }
    const [x0, , w] = g.viewBox;
    assert.ok(g.steps.every((s) => s.box.x >= x0 && s.box.x + s.box.width <= x0 + w), `${key}: every step inside the drawing`);
  }
  mkdirSync(SHOTS, { recursive: true });
  await page.locator("#flows-in-force").screenshot({ path: path.join(SHOTS, "flows-fixtures-1280.png") });
  await assertClean(page, seen);
  await close();
});

test("screenshots at 1280 and 390 px: the flows, a simulation, a live call's flow, the JSON editor", async () => {
  mkdirSync(SHOTS, { recursive: true });
  await putRules(document());
  const d = await placeCall(MENUS_NUMBER);
  await press(d.callConnectionId, "1");
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    const { page, seen, close } = await openAdmin({ width, height });
    await pickCall(page, d.callConnectionId);
    await page.locator('#call-flow[data-step="sales"] svg.flow-graph').waitFor({ timeout: 10_000 }).catch(async (e) => {
      console.log(await page.$eval("#call-flow", (s) => JSON.stringify({ ...s.dataset, where: s.querySelector("#call-flow-where").textContent })), JSON.stringify((await adm(`/calls/${d.callConnectionId}`)).body.flow));
      throw e;
    });
    await page.locator("#call-flow").screenshot({ path: path.join(SHOTS, `flows-call-${width}.png`) });
    await page.locator("#flows-in-force").screenshot({ path: path.join(SHOTS, `flows-in-force-${width}.png`) });
    await simulateFromForm(page, { to: MENUS_NUMBER, at: "2026-12-07T15:00", script: menus.cases[0].script });
    await page.locator("#sim-form").screenshot({ path: path.join(SHOTS, `flows-simulate-form-${width}.png`) });
    await page.locator("#sim-result").screenshot({ path: path.join(SHOTS, `flows-simulate-result-${width}.png`) });
    // One script entry of each kind, as the form shows them.
    for (const kind of ["speech", "silence", "target", "webhook", "timeout"]) {
      await page.selectOption("#sim-kind", kind);
      await page.click("#sim-add");
    }
    await page.locator("#sim-script li.script-entry[data-kind=target] input.target").fill("+14255550101");
    await page.locator("#sim-script li.script-entry[data-kind=webhook] textarea").fill('{"goto": "billing", "set": {"customer": "Ada"}}');
    await page.locator("#sim-form fieldset.script").screenshot({ path: path.join(SHOTS, `flows-script-kinds-${width}.png`) });
    await page.click("#mode-json");
    await page.locator('#json-status[data-state="ok"]').waitFor();
    await page.locator("#rules-form").screenshot({ path: path.join(SHOTS, `flows-json-${width}.png`) });
    await page.screenshot({ path: path.join(SHOTS, `flows-page-${width}-full.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page itself does not scroll sideways at ${width} px (${overflow} px)`);
    await assertClean(page, seen);
    await close();
  }
  await press(d.callConnectionId, "1");
  await press(d.callConnectionId, "1");
});
