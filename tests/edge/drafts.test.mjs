// Flows change like code, in workerd with the emulator: drafts are saved but not live, stored
// test cases run against a draft, the publish gate refuses a failing draft (409) and records a
// forced one, `PUT /admin/rules` goes through the same gate, a draft's test callers reach the
// draft while everyone else gets the live rules, and a draft's impact replays the real calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { menus, brokenMenu, salesAfterSupport } from "./menus.mjs";
import { useStack, waitFor } from "./harness.mjs";

const { adm, emu } = useStack({});

const agentCase = menus.cases[0]; // 1,1,0,9,1,1 → transferred to the agent
const TEST_CALLER = "+14255550177";

async function live() {
  const r = await adm("/rules");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r;
}

async function putLive(doc, query = "") {
  const r = await adm(`/rules${query}`, { method: "PUT", body: doc, headers: { "if-match": (await live()).headers.get("etag") } });
  return r;
}

async function clearTests() {
  const list = await adm("/flows/tests");
  for (const t of list.body.tests) assert.equal((await adm(`/flows/tests/${encodeURIComponent(t.name)}`, { method: "DELETE" })).status, 200);
}

test("a draft is saved, read, listed and guarded by its own ETag, and nothing goes live", async () => {
  assert.equal((await putLive(menus.rules)).status, 200);
  const before = (await live()).headers.get("etag");

  const saved = await adm("/rules/drafts/new%20menu", { method: "PUT", body: { document: salesAfterSupport(), testCallers: ["4:+14255550188"] } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const tag = saved.headers.get("etag");
  assert.match(tag, /^"d\d+-[0-9a-f]{12}"$/);
  assert.equal(saved.body.draft.name, "new menu");
  assert.deepEqual(saved.body.draft.testCallers, ["+14255550188"]);
  assert.equal((await live()).headers.get("etag"), before, "a draft does not change the live rules");

  const read = await adm("/rules/drafts/new%20menu");
  assert.equal(read.status, 200);
  assert.equal(read.headers.get("etag"), tag);
  assert.equal(read.body.document.flows.menus.steps.find((s) => s.id === "support").next, "sales");
  const list = await adm("/rules/drafts");
  assert.deepEqual(list.body.drafts.map((d) => d.name), ["new menu"]);
  const diff = await adm("/rules/drafts/new%20menu/diff");
  assert.equal(diff.status, 200, JSON.stringify(diff.body));
  assert.equal(diff.body.liveRevision, JSON.parse(before));
  const menusDiff = diff.body.diff.flows.find((f) => f.key === "flow:menus");
  assert.deepEqual(menusDiff.stepsChanged, ["support"]);
  assert.deepEqual(menusDiff.edgesAdded.map((e) => [e.from, e.to]), [["support", "sales"]]);
  assert.deepEqual(menusDiff.edgesRemoved.map((e) => [e.from, e.to]), [["support", "main"]]);

  const stale = await adm("/rules/drafts/new%20menu", { method: "PUT", body: menus.rules, headers: { "if-match": '"d1-000000000000"' } });
  assert.equal(stale.status, 412, JSON.stringify(stale.body));
  const fresh = await adm("/rules/drafts/new%20menu", { method: "PUT", body: salesAfterSupport(), headers: { "if-match": tag } });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.notEqual(fresh.headers.get("etag"), tag);
  assert.deepEqual(fresh.body.draft.testCallers ?? [], [], "a bare document names no test callers");

  const bad = structuredClone(menus.rules);
  bad.rules[0].match.to = { exact: 5 };
  const refused = await adm("/rules/drafts/broken", { method: "PUT", body: bad });
  assert.equal(refused.status, 400);
  assert.match(refused.body.error.field, /^rules\[0\]/);
  const badCaller = await adm("/rules/drafts/broken", { method: "PUT", body: { document: menus.rules, testCallers: ["nobody"] } });
  assert.equal(badCaller.status, 400);
  assert.equal(badCaller.body.error.field, "testCallers[0]");
  assert.equal((await adm("/rules/drafts/broken")).status, 404, "nothing refused was stored");

  const gone = await adm("/rules/drafts/new%20menu", { method: "DELETE", headers: { "if-match": tag } });
  assert.equal(gone.status, 412, "a removal with a stale tag is refused");
  assert.equal((await adm("/rules/drafts/new%20menu", { method: "DELETE" })).status, 200);
  assert.deepEqual((await adm("/rules/drafts")).body.drafts, []);
});

test("stored test cases: saved with the schema's rules, refused naming the field, capped", async () => {
  await clearTests();
  const schema = await adm("/flows/tests/schema");
  assert.equal(schema.status, 200);
  assert.equal(JSON.parse(typeof schema.body === "string" ? schema.body : JSON.stringify(schema.body)).$id, "https://callsteer.dev/schemas/flow-tests.schema.json");

  const { name, ...body } = agentCase;
  const saved = await adm("/flows/tests/agent", { method: "PUT", body });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.match(saved.headers.get("etag"), /^"t\d+-/);
  const read = await adm("/flows/tests/agent");
  assert.equal(read.body.test.name, "agent", "the path names the test");
  assert.deepEqual(read.body.test.expect, agentCase.expect);

  const refusals = [
    [{ ...body, expect: { ...body.expect, end: "done" } }, "expect.end"],
    [{ ...body, expect: { commands: ["AnswerCall", "Play"] } }, "expect.commands[1]"],
    [{ ...body, script: [{ press: "1" }] }, "script[0]"],
    [{ ...body, name: "other" }, "name"],
  ];
  for (const [bad, field] of refusals) {
    const r = await adm("/flows/tests/bad", { method: "PUT", body: bad });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.field, field);
  }
  const big = { ...body, script: Array.from({ length: 8000 }, () => ({ tones: "1" })) };
  assert.equal((await adm("/flows/tests/big", { method: "PUT", body: big })).status, 413);
  assert.deepEqual((await adm("/flows/tests")).body.tests.map((t) => t.name), ["agent"]);
});

test("a test run answers each test's result, and a failure's first difference", async () => {
  const ok = await adm("/flows/test", { method: "POST", body: {} });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual([ok.body.passed, ok.body.failed], [1, 0]);
  assert.equal(typeof ok.body.ms, "number");

  const inline = await adm("/flows/test", {
    method: "POST",
    body: { rules: brokenMenu(), tests: [agentCase, { ...agentCase, name: "silence", script: [], expect: { end: "hungUp", pathIncludes: ["goodbye"] } }] },
  });
  assert.equal(inline.status, 200, JSON.stringify(inline.body));
  const [agent, silence] = inline.body.results;
  assert.equal(agent.passed, false);
  assert.equal(agent.failure.expectation, "expect.path[1]");
  assert.equal(agent.failure.expected, "sales");
  assert.equal(agent.failure.actual, "orders");
  assert.equal(silence.passed, true, JSON.stringify(silence));

  const missing = await adm("/flows/test", { method: "POST", body: { rules: menus.rules, tests: [{ ...agentCase, expect: { pathIncludes: ["billing"] } }] } });
  assert.equal(missing.body.results[0].passed, false);
  assert.match(missing.body.results[0].failure.reason, /no step "billing"/);

  const malformed = await adm("/flows/test", { method: "POST", body: { tests: [agentCase, { name: "x" }] } });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.field, "tests[1]");
  assert.match(malformed.body.error.message, /missing field `call`/);
  const both = await adm("/flows/test", { method: "POST", body: { draft: "a", revision: "b" } });
  assert.equal(both.status, 400);
  assert.equal((await adm("/flows/test", { method: "POST", body: { draft: "nope" } })).status, 404);
});

test("the publish gate: a failing draft is refused, a stale ifMatch too, a forced one is recorded", async () => {
  assert.equal((await putLive(menus.rules)).status, 200);
  const liveTag = (await live()).headers.get("etag");
  assert.equal((await adm("/rules/drafts/broken", { method: "PUT", body: brokenMenu() })).status, 200);

  const refused = await adm("/rules/publish", { method: "POST", body: { draft: "broken", ifMatch: liveTag } });
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, "TestsFailed");
  assert.equal(refused.body.tests.failed, 1);
  assert.equal(refused.body.tests.results[0].failure.actual, "orders");
  assert.equal((await live()).headers.get("etag"), liveTag, "a refused publish leaves the live revision");

  const stale = await adm("/rules/publish", { method: "POST", body: { draft: "broken", ifMatch: '"1-000000000000"', force: true } });
  assert.equal(stale.status, 412, JSON.stringify(stale.body));

  const forced = await adm("/rules/publish", { method: "POST", body: { draft: "broken", ifMatch: liveTag, force: true, message: "support first, for the outage" } });
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  const revision = forced.body.revision;
  assert.equal(revision.origin, "published");
  assert.equal(revision.from, "broken");
  assert.equal(revision.message, "support first, for the outage");
  assert.deepEqual(revision.tests, { passed: 0, failed: 1, failures: ["agent"], forced: true });
  assert.equal((await live()).headers.get("etag"), `"${revision.id}"`);
  assert.equal((await adm("/rules/drafts/broken")).status, 404, "a published draft is no longer a draft");
  const log = await adm("/rules/revisions");
  assert.equal(log.body.revisions[0].id, revision.id);
  assert.equal(log.body.revisions[0].tests.forced, true);

  // A passing draft publishes without force, and its revision records the passes.
  assert.equal((await adm("/rules/drafts/fixed", { method: "PUT", body: menus.rules })).status, 200);
  const clean = await adm("/rules/publish", { method: "POST", body: { draft: "fixed" } });
  assert.equal(clean.status, 200, JSON.stringify(clean.body));
  assert.deepEqual(clean.body.revision.tests, { passed: 1, failed: 0 });
});

test("PUT /admin/rules goes through the same gate", async () => {
  const tag = (await live()).headers.get("etag");
  const refused = await putLive(brokenMenu());
  assert.equal(refused.status, 409, JSON.stringify(refused.body));
  assert.equal((await live()).headers.get("etag"), tag);
  const forced = await putLive(brokenMenu(), "?force=true");
  assert.equal(forced.status, 200, JSON.stringify(forced.body));
  const log = await adm("/rules/revisions");
  assert.deepEqual(log.body.revisions[0].tests, { passed: 0, failed: 1, failures: ["agent"], forced: true });
  assert.equal((await putLive(menus.rules)).status, 200, "a passing save needs no force");
});

/** Places a call and presses `tones` at the first menu; answers the call's id and decision. */
async function placeCall(from, tones) {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from, to: agentCase.call.to } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  const id = decision.callConnectionId;
  assert.ok(id, JSON.stringify(decision));
  if (tones) {
    await waitFor("the menu to listen", async () => {
      const r = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: from, tones } });
      return r.status === 202 && r.body.consumedBy === "recognize";
    }, { timeoutMs: 20_000, intervalMs: 150 });
    await waitFor("the tone to be applied", async () => {
      const d = (await adm(`/calls/${id}`)).body;
      return (d.flow?.path ?? []).filter((p) => !p.startsWith("!")).length >= 2;
    }, { timeoutMs: 20_000, intervalMs: 150 });
  }
  return { id, decision };
}

test("a draft's test caller is answered by the draft; everyone else by the live rules", async () => {
  await clearTests();
  assert.equal((await putLive(menus.rules)).status, 200);
  const liveRevision = (await live()).body.revision;
  const saved = await adm("/rules/drafts/sales-first", { method: "PUT", body: { document: salesAfterSupport(), testCallers: [TEST_CALLER] } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));

  const tester = await placeCall(TEST_CALLER, "2");
  assert.equal(tester.decision.revision, `draft:sales-first@${saved.body.draft.etag}`);
  const detail = (await adm(`/calls/${tester.id}`)).body;
  const answered = detail.timeline.find((e) => e.kind === "IncomingCall");
  assert.match(answered.detail, /of draft sales-first \(a test caller\)/);
  // The draft's support desk leads to sales: the live rules' would lead back to the main menu.
  await waitFor("the draft's path", async () => {
    const d = (await adm(`/calls/${tester.id}`)).body;
    return d.flow.path.filter((p) => !p.startsWith("!")).join(",").startsWith("main,support,sales");
  }, { timeoutMs: 20_000, intervalMs: 150 });
  const listed = (await adm("/calls")).body.calls.find((c) => c.callConnectionId === tester.id);
  assert.equal(listed.draft, "sales-first");

  const other = await placeCall("+14255550111", "2");
  assert.equal(other.decision.revision, liveRevision);
  await waitFor("the live path back to the main menu", async () => {
    const d = (await adm(`/calls/${other.id}`)).body;
    return d.flow.path.filter((p) => !p.startsWith("!")).join(",").startsWith("main,support,main");
  }, { timeoutMs: 20_000, intervalMs: 150 });
  assert.equal((await adm("/calls")).body.calls.find((c) => c.callConnectionId === other.id).draft, null);

  // Removing the draft sends its test caller back to the live rules.
  assert.equal((await adm("/rules/drafts/sales-first", { method: "DELETE" })).status, 200);
  const after = await placeCall(TEST_CALLER);
  assert.equal(after.decision.revision, liveRevision);
});

test("a draft's impact replays the real calls and groups them by where they part", async () => {
  // Calls from the previous test, all still in progress: two pressed 2 (one answered by the
  // draft), one pressed nothing yet. A call in progress is compared over the steps it took.
  const calls = (await adm("/calls")).body.calls;
  assert.ok(calls.length >= 3, JSON.stringify(calls));
  assert.equal((await adm("/rules/drafts/sales-first", { method: "PUT", body: salesAfterSupport() })).status, 200);
  const impact = await adm("/rules/drafts/sales-first/impact", { method: "POST", body: { calls: 10 } });
  assert.equal(impact.status, 200, JSON.stringify(impact.body));
  const r = impact.body;
  assert.equal(r.calls, calls.length);
  assert.equal(r.same + r.different + r.unreplayable.calls, r.calls, JSON.stringify(r));
  // The live call that pressed 2 went main → support → main; the draft goes main → support → sales.
  const other = r.groups.find((g) => g.index === 2 && g.live === "main" && g.draft === "sales");
  assert.ok(other, JSON.stringify(r));
  assert.ok(other.calls >= 1 && other.examples.length >= 1);
  assert.equal(other.after, "support");
  const details = await Promise.all(calls.map(async (c) => {
    const d = (await adm(`/calls/${c.callConnectionId}`)).body;
    return { id: c.callConnectionId, status: d.status, path: d.flow?.path, end: d.flow?.end };
  }));
  assert.ok(r.same >= 2, `the call answered by the draft, and the one still at the main menu, take the same path so far: ${JSON.stringify(r)} ${JSON.stringify(details)}`);

  assert.equal((await adm("/rules/drafts/sales-first/impact", { method: "POST", body: { calls: 0 } })).body.error.field, "calls");
  assert.equal((await adm("/rules/drafts/nope/impact", { method: "POST", body: {} })).status, 404);
});
