// The flow scenarios of tests/fixtures/flows/*.json live — workerd + the emulator, with a real
// app server for webhook steps that verifies each request's signature with the npm package —
// and through `POST /admin/flows/simulate`: both must send the same commands, in the same
// order, with the same operation contexts, and take the same path.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { root, useStack, waitFor } from "./harness.mjs";

const { verifyWebhookSignature } = await import(path.join(root, "pkg/node.mjs"));

const SECRET = randomBytes(24).toString("hex");
const { stack, adm, emu } = useStack({ vars: { FLOW_WEBHOOK_SECRET: SECRET } });

const fixture = (name) => JSON.parse(readFileSync(path.join(root, "tests/fixtures/flows", `${name}.json`), "utf8"));
const caseOf = (f, name) => f.cases.find((c) => c.name === name) ?? assert.fail(`no case ${name}`);

// The operator's app: checks the signature, then answers as told by `app.mode`.
const app = { mode: "logic", requests: [], refused: 0, url: "" };
let server;
before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      try {
        verifyWebhookSignature(new Uint8Array(body), req.headers["callsteer-signature"], SECRET);
      } catch (e) {
        app.refused += 1;
        res.writeHead(401).end(JSON.stringify({ error: e.code }));
        return;
      }
      const facts = JSON.parse(body.toString("utf8"));
      app.requests.push(facts);
      const answer = (status, text) => res.writeHead(status, { "content-type": "application/json" }).end(text);
      if (app.mode === "timeout") return setTimeout(() => answer(200, "{}"), 4_000);
      if (app.mode === "garbage") return answer(200, "<html>not json</html>");
      if (app.mode === "wrong-step") return answer(200, JSON.stringify({ goto: "goodbye" }));
      const valid = /^[0-9]{4,8}$/.test(facts.variables.account ?? "");
      answer(200, JSON.stringify(valid ? { goto: "billing", set: { customer: "Ada" } } : { goto: "invalid" }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  app.url = `http://127.0.0.1:${server.address().port}/accounts/check`;
});
after(() => server?.close());

/** The fixture's rules with every webhook step pointed at the test app. */
function withApp(rules) {
  const doc = structuredClone(rules);
  const flows = [...Object.values(doc.flows ?? {}), ...doc.rules.map((r) => r.action.answer?.flow).filter((f) => f?.steps)];
  for (const f of flows) for (const s of f.steps) if (s.webhook) s.webhook.url = app.url;
  return doc;
}

async function putRules(doc) {
  const current = await adm("/rules");
  const r = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": current.headers.get("etag") } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r;
}

const detail = async (id) => (await adm(`/calls/${id}`)).body;

async function placeCall(call) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: call.from, to: call.to } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  assert.ok(decision.callConnectionId, `answered: ${JSON.stringify(decision)}`);
  return { id: decision.callConnectionId, decision };
}

const OUTCOMES = ["RecognizeCompleted", "RecognizeFailed", "RecognizeCanceled"];
const count = (d, kinds) => d.timeline.filter((e) => kinds.includes(e.kind)).length;

/** Plays the caller's part of `script` (tones, speech, silence), one entry per recognize. */
async function playCaller(id, call, script) {
  for (const entry of script) {
    if (entry.tones === undefined && entry.speech === undefined && entry.silence === undefined) continue;
    const asked = await waitFor("the flow to ask for input", async () => {
      const d = await detail(id);
      return count(d, ["recognize"]) > count(d, OUTCOMES) && d;
    }, { timeoutMs: 20_000, intervalMs: 150 });
    const answered = count(asked, OUTCOMES);
    if (!entry.silence) {
      const [route, body] = entry.tones !== undefined ? ["/emulator/dtmf", { tones: entry.tones }] : ["/emulator/speech", { text: entry.speech }];
      await waitFor(`the caller's input ${JSON.stringify(entry)}`, async () => {
        const r = await emu(route, { method: "POST", body: { callConnectionId: id, participant: call.from, ...body } });
        assert.equal(r.status, 202, JSON.stringify(r.body));
        return r.body.consumedBy === "recognize";
      }, { timeoutMs: 20_000, intervalMs: 150 });
    }
    await waitFor("the recognize's outcome", async () => count(await detail(id), OUTCOMES) > answered, { timeoutMs: 20_000, intervalMs: 150 });
  }
}

/** What the flow sent to Call Automation, from the call's timeline: [operation, context]. */
const liveCommands = (d) => d.timeline.filter((e) => e.source === "command" && e.operation).sort((a, b) => a.seq - b.seq).map((e) => [e.operation, e.operationContext ?? null]);
const simCommands = (s) => s.commands.filter((c) => c.operation !== "AnswerCall").map((c) => [c.operation, c.operationContext ?? null]);
const livePath = (d) => (d.flow?.path ?? []).filter((p) => !p.startsWith("!"));

async function simulate(rules, c) {
  const r = await adm("/flows/simulate", { method: "POST", body: { rules, call: c.call, script: c.script } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Runs a fixture case live and simulated; returns both after comparing them. */
async function liveAndSimulated(file, name, { until = (d) => d.disconnected && d.outbox.length === 0, mode = "logic", during } = {}) {
  const f = fixture(file);
  const c = caseOf(f, name);
  const rules = withApp(f.rules);
  await putRules(rules);
  app.mode = mode;
  const { id } = await placeCall(c.call);
  const caller = playCaller(id, c.call, c.script);
  await caller;
  if (during) await during(id);
  const d = await waitFor(`the end of ${name}`, async () => {
    const x = await detail(id);
    return until(x) && x;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  const sim = await simulate(rules, c);
  assert.deepEqual(liveCommands(d), simCommands(sim), `${file}: ${name}: live vs simulated commands`);
  assert.deepEqual(livePath(d), sim.path, `${file}: ${name}: path`);
  assert.equal(livePath(d).join(" "), c.expect.path.join(" "), "the fixture's expected path");
  return { d, sim, id };
}

test("1. a three-level menu: 0 goes back, 9 repeats", async () => {
  const { d } = await liveAndSimulated("menus", "down two levels, back one, repeat, down again to an agent");
  assert.equal(d.status, "transferred");
  assert.equal(d.flow.end, "transferred");
});

test("2. an account number checked by the app: valid → billing", async () => {
  const before = app.requests.length;
  const { d } = await liveAndSimulated("account", "a valid number is transferred to billing");
  assert.equal(d.flow.vars.customer, "Ada", "the app's set");
  const facts = app.requests.at(-1);
  assert.equal(app.requests.length, before + 1);
  assert.equal(facts.variables.account, "123456");
  assert.equal(facts.step, "check");
  assert.ok(facts.call.revision, "the revision that answered");
  assert.equal(app.refused, 0, "every request carried a valid signature");
});

test("2. three invalid numbers reach an agent", async () => {
  const { d } = await liveAndSimulated("account", "three invalid numbers reach an agent");
  assert.equal(d.flow.visits.account, 4);
});

test("2. the app timing out, or answering garbage, takes the failure path", async () => {
  const timedOut = await liveAndSimulated("account", "the app times out", { mode: "timeout" });
  const webhook = timedOut.d.timeline.find((e) => e.kind === "webhook");
  assert.match(webhook.status, /^failed: no answer within 3000 ms/);
  assert.ok(!JSON.stringify(timedOut.d).includes(SECRET), "the secret is on no timeline");
  const f = fixture("account");
  const rules = withApp(f.rules);
  app.mode = "garbage";
  const { id } = await placeCall(caseOf(f, "the app times out").call);
  await playCaller(id, caseOf(f, "the app times out").call, [{ tones: "1234#" }]);
  const d = await waitFor("the garbage answer's path", async () => {
    const x = await detail(id);
    return x.disconnected && x.outbox.length === 0 && x;
  }, { timeoutMs: 30_000 });
  assert.deepEqual(livePath(d), ["account", "check", "app-down", "agent"]);
  assert.match(d.timeline.find((e) => e.kind === "webhook").status, /^failed: the answer is not JSON/);
  const sim = await simulate(rules, { call: caseOf(f, "the app times out").call, script: [{ tones: "1234#" }, { webhook: { goto: 0 } }] });
  assert.deepEqual(liveCommands(d), simCommands(sim));
});

test("2. an app answer naming a step the webhook may not lead to takes the failure path", async () => {
  await liveAndSimulated("account", "the app answers a step it may not lead to", { mode: "wrong-step" });
});

test("3. a speech menu with a DTMF fallback", async () => {
  const said = await liveAndSimulated("speech", "said support");
  assert.equal(said.d.flow.vars.ask, "support");
  await liveAndSimulated("speech", "not understood, then a key");
});

test("4. a busy target fails over to the second, then to a third that answers", async () => {
  const { d } = await liveAndSimulated("failover", "busy, declined, answered");
  const failed = d.timeline.filter((e) => e.kind === "CallTransferFailed");
  assert.equal(failed.length, 2);
  assert.equal(d.status, "transferred");
});

test("5. simultaneous ring: the first agent to answer wins, the others are cancelled", async () => {
  const { d, id } = await liveAndSimulated("ring", "the first agent answers; the other two are cancelled", {
    until: (x) => x.flow?.end === "connected" && x.outbox.length === 0 && x.timeline.filter((e) => e.kind === "CancelAddParticipantSucceeded").length === 2,
  });
  assert.ok(d.participants.some((p) => p.rawId === "4:+15551100001"), "the first agent is in the call");
  const atService = (await emu(`/emulator/calls/${id}`)).body.events.map((e) => String(e.type ?? e).replace("Microsoft.Communication.", ""));
  assert.equal(atService.filter((t) => t === "CancelAddParticipantSucceeded").length, 2, "the emulator cancelled two invitations");
  assert.equal(atService.filter((t) => t === "AddParticipantSucceeded").length, 1, "one agent joined");
  const hang = await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: id, participant: "+14255550111" } });
  assert.equal(hang.status, 202);
});

test("6. validation: each refusal names its path, and nothing is stored", async () => {
  const before = await adm("/rules");
  const steps = (s) => ({ version: 2, rules: [{ name: "r", action: { answer: { flow: { steps: s } } } }] });
  const cases = [
    [steps([{ id: "a", play: { prompt: { text: "x" } }, next: "gone" }]), "rules[0](r).action.answer.flow.steps[0](a).next", /no step "gone"/],
    [steps([{ id: "a", hangUp: {} }, { id: "b", hangUp: {} }]), "rules[0](r).action.answer.flow.steps[1](b)", /no path reaches/],
    [steps([{ id: "a", play: { prompt: { text: "x" } } }]), "rules[0](r).action.answer.flow.steps[0](a).next", /silence/],
    [steps([{ id: "a", play: { prompt: { text: "x" } }, next: "b" }, { id: "b", play: { prompt: { text: "y" } }, next: "a" }]), "rules[0](r).action.answer.flow.steps[0](a)", /unbounded loop/],
  ];
  for (const [doc, field, reason] of cases) {
    const r = await adm("/rules", { method: "PUT", body: doc });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.field, field);
    assert.match(r.body.error.message, reason);
  }
  const after = await adm("/rules");
  assert.equal(after.headers.get("etag"), before.headers.get("etag"), "nothing was saved");
});

test("7. revisions: a stale If-Match gets 412, a call keeps its revision, rollback", async () => {
  const menus = fixture("menus").rules;
  const first = await putRules(menus);
  const r1 = first.body.revision;
  assert.equal(first.headers.get("etag"), `"${r1}"`);
  const stale = await adm("/rules", { method: "PUT", body: menus, headers: { "if-match": '"0-000000000000"' } });
  assert.equal(stale.status, 412);
  assert.equal(stale.body.error.field, "If-Match");
  // A call answered by r1 waits in its menu while the rules change.
  const { id, decision } = await placeCall(caseOf(fixture("menus"), "silence twice at the main menu, then goodbye").call);
  assert.equal(decision.revision, r1, "the decision records its revision");
  await waitFor("the menu", async () => (await detail(id)).flow?.wait?.on === "collect");
  const other = structuredClone(menus);
  other.flows.menus.steps[0].on = { 1: "support", 3: "sales", 9: "main" }; // r2: 1 is support now
  const second = await putRules(other);
  assert.notEqual(second.body.revision, r1);
  await playCaller(id, { from: "+14255550111" }, [{ tones: "1" }]);
  const d = await waitFor("the call's next step", async () => {
    const x = await detail(id);
    return x.flow.path.includes("sales") && x;
  });
  assert.equal(d.setup.revision, r1, "the call keeps the revision that answered it");
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: id, participant: "+14255550111" } });
  // Rollback: a copy of r1 becomes the next revision.
  const back = await adm("/rules/rollback", { method: "POST", body: { revision: r1 } });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.equal(back.body.revision.from, r1);
  assert.equal(back.body.revision.origin, "rolledBack");
  const live = await adm("/rules");
  assert.equal(live.body.revision, back.body.revision.id);
  assert.deepEqual(live.body.document, menus);
  const log = await adm("/rules/revisions");
  assert.deepEqual(log.body.revisions.slice(0, 3).map((r) => r.id), [back.body.revision.id, second.body.revision, r1]);
  assert.match(log.body.revisions[0].by, /^sha256:[0-9a-f]{12}$/);
  const one = await adm(`/rules/revisions/${r1}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.document, menus);
  assert.equal((await adm("/rules/revisions/9-nothing")).status, 404);
});

test("replay: a call that happened, against another revision", async () => {
  const menus = fixture("menus");
  await putRules(menus.rules);
  const c = caseOf(menus, "down two levels, back one, repeat, down again to an agent");
  const { id } = await placeCall(c.call);
  await playCaller(id, c.call, c.script);
  await waitFor("the transfer", async () => (await detail(id)).disconnected);
  const same = await adm(`/calls/${id}/replay`, { method: "POST", body: {} });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  assert.deepEqual(same.body.path, same.body.replayed.path.filter((p) => !p.startsWith("!")), "the live rules replay the same path");
  const candidate = structuredClone(menus.rules);
  candidate.flows.menus.steps[1].on = { 1: "support", 3: "orders", 0: "main", 9: "sales" }; // sales' 1 now plays the closed message
  const other = await adm(`/calls/${id}/replay`, { method: "POST", body: { rules: candidate } });
  assert.equal(other.status, 200, JSON.stringify(other.body));
  assert.deepEqual(other.body.path.slice(0, 3), ["main", "sales", "support"]);
});

test("the schema is served for editors", async () => {
  const r = await adm("/flows/schema");
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("content-type"), "application/schema+json");
  assert.ok(r.body.$defs.step.properties.collect);
});

test("park: the wait ends on the worker's alarm; an operator who adds someone takes the call", async () => {
  const doc = {
    version: 2,
    rules: [{ name: "park", match: { to: { exact: "+18005550100" } }, action: { answer: { flow: { steps: [
      { id: "hold", park: { music: { text: "Please hold." }, maxWaitSeconds: 2 }, timeout: "bye" },
      { id: "bye", hangUp: { prompt: { text: "Sorry." } } },
    ] } } } }],
  };
  await putRules(doc);
  const call = { from: "+14255550111", to: "+18005550100" };
  const waited = await placeCall(call);
  const ended = await waitFor("the park's timeout", async () => {
    const d = await detail(waited.id);
    return d.disconnected && d.outbox.length === 0 && d;
  }, { timeoutMs: 30_000 });
  assert.deepEqual(livePath(ended), ["hold", "bye"]);
  assert.deepEqual(liveCommands(ended).map(([op]) => op), ["CallMedia_Hold", "CallMedia_Unhold", "CallMedia_Play", "CallConnection_TerminateCall"]);
  const hold = ended.timeline.find((e) => e.kind === "hold");
  const unhold = ended.timeline.find((e) => e.kind === "unhold");
  assert.ok(unhold.atMs - hold.atMs >= 2_000, `waited ${unhold.atMs - hold.atMs} ms`);
  const sim = await simulate(doc, { call, script: [] });
  assert.deepEqual(liveCommands(ended), simCommands(sim));

  const long = structuredClone(doc);
  long.rules[0].action.answer.flow.steps[0].park.maxWaitSeconds = 300;
  await putRules(long);
  const taken = await placeCall(call);
  await waitFor("the park", async () => (await detail(taken.id)).flow?.wait?.on === "park");
  const act = await adm(`/calls/${taken.id}/actions`, { method: "POST", body: { action: "addParticipant", target: "8:acs:00000000-0000-4000-8000-000000000042" } });
  assert.equal(act.status, 202, JSON.stringify(act.body));
  const d = await waitFor("the operator's call", async () => {
    const x = await detail(taken.id);
    return x.flow?.end === "connected" && x.outbox.length === 0 && x;
  });
  assert.deepEqual(liveCommands(d).map(([op]) => op), ["CallMedia_Hold", "CallConnection_AddParticipant", "CallMedia_Unhold"]);
  await emu("/emulator/hangup", { method: "POST", body: { callConnectionId: taken.id, participant: call.from } });
});
