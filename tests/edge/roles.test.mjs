// Who may do what, in workerd against the emulator: the ADMIN_TOKEN secret (the bootstrap admin)
// creates credentials with a role; a viewer sees calls and their timelines and is refused
// Call control, mid-call actions, the rules and the credentials with a 403 that names the role
// needed; an operator acts on calls but not on the rules; a revoked credential is a 401 from its
// next request; no created token reaches the worker's log; the page hides what a viewer cannot do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assertPageClean, call, openAdminPage, openLive, pickCall, useChromium, useStack, waitFor } from "./harness.mjs";

const CONSOLE_NUMBER = "+18005550177";
const RULES = {
  version: 1,
  default: { reject: { reason: "busy" } },
  rules: [{ name: "console", match: { to: { exact: CONSOLE_NUMBER } }, action: { answer: {} } }],
};
const V = "api-version=2026-03-12";
const SUPERVISOR = "8:acs:00000000-0000-4000-8000-0000000000dd";

// logLevel "log": wrangler.log keeps the worker's console lines, where no token may appear.
const { stack, adm, emu } = useStack({ vars: { ROUTING_RULES: JSON.stringify(RULES) }, logLevel: "log" });
const browser = useChromium();
const tokens = []; // every created token, for the log check

/** Requests to the worker with `token` as the bearer. */
const as = (token) => (p, opts = {}) => call(`${stack.worker}${p}`, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers } });

async function create(role, label) {
  const r = await adm("/credentials", { method: "POST", body: { role, label } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  tokens.push(r.body.token);
  return { token: r.body.token, ...r.body.credential, as: as(r.body.token) };
}

function assertForbidden(r, role) {
  assert.equal(r.status, 403, JSON.stringify(r.body));
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.body.error.status, 403);
  assert.equal(r.body.error.code, "Forbidden");
  assert.match(r.body.error.message, new RegExp(`needs the ${role} role`));
}

async function connectedCall() {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550144", to: CONSOLE_NUMBER } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const decision = await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  });
  const id = decision.callConnectionId;
  await waitFor("CallConnected", async () => (await adm(`/calls/${id}`)).body?.status === "connected");
  return id;
}

const addBody = { participantToAdd: { kind: "communicationUser", communicationUser: { id: SUPERVISOR }, rawId: SUPERVISOR } };
/** What the service (the emulator) saw of the call: its participants and events, counted. */
async function atService(id) {
  const r = await emu(`/emulator/calls/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { participants: r.body.participants.length, events: r.body.events.length };
}

test("an admin creates a credential: its token shown once, listed by fingerprint only", async () => {
  const v = await create("viewer", "wallboard");
  assert.match(v.token, /^csa_[A-Za-z0-9_-]{43}$/);
  assert.match(v.fingerprint, /^sha256:[0-9a-f]{12}$/);
  assert.deepEqual([v.role, v.label], ["viewer", "wallboard"]);
  assert.match(v.createdBy, /^sha256:[0-9a-f]{12}$/);

  const listed = await adm("/credentials");
  assert.equal(listed.status, 200);
  const text = JSON.stringify(listed.body);
  assert.ok(!text.includes(v.token), "the list never shows a token");
  assert.ok(!text.includes(stack.adminToken));
  assert.equal(listed.body.credentials[0].bootstrap, true, "the ADMIN_TOKEN secret comes first");
  assert.equal(listed.body.credentials[0].fingerprint, v.createdBy);
  const row = listed.body.credentials.find((c) => c.fingerprint === v.fingerprint);
  assert.deepEqual(Object.keys(row).sort(), ["createdAtMs", "createdBy", "fingerprint", "label", "role"]);

  const me = await v.as("/admin/whoami");
  assert.deepEqual(me.body, { role: "viewer", fingerprint: v.fingerprint, label: "wallboard", bootstrap: false });
  assert.equal((await adm("/whoami")).body.role, "admin");

  for (const [body, field] of [[{ role: "root", label: "x" }, "role"], [{ role: "viewer", label: " " }, "label"], [{ role: "viewer", label: "x", token: "mine" }, "token"]]) {
    const r = await adm("/credentials", { method: "POST", body });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.field, field);
  }
});

test("a viewer sees calls and timelines, and is refused everything else with 403 naming the role", async () => {
  const id = await connectedCall();
  const v = await create("viewer", "viewer-1");
  const list = await v.as("/admin/calls");
  assert.equal(list.status, 200);
  assert.ok(list.body.calls.some((c) => c.callConnectionId === id));
  const one = await v.as(`/admin/calls/${id}`);
  assert.equal(one.status, 200);
  assert.ok(one.body.timeline.some((e) => e.kind === "CallConnected"), "the timeline");
  // The live stream, with the token where a browser's WebSocket puts it.
  const live = openLive(stack, id, v.token);
  await live.opened;
  assert.equal((await live.next((m) => m.event === "timeline")).data.seq, 1);
  live.close();

  // Call control and mid-call actions: operator. Nothing reaches the service.
  const before = await atService(id);
  assertForbidden(await v.as(`/acs/calling/callConnections/${id}/participants:add?${V}`, { method: "POST", body: addBody }), "operator");
  assertForbidden(await v.as(`/acs/calling/callConnections/${id}/participants?${V}`), "operator");
  assertForbidden(await v.as(`/admin/calls/${id}/actions`, { method: "POST", body: { action: "hangUp" } }), "operator");
  assert.deepEqual(await atService(id), before, "nothing reached the service");
  assert.equal((await adm(`/calls/${id}`)).body.status, "connected", "not hung up");

  // Rules, their tools and credentials: admin.
  const rulesBefore = (await adm("/rules")).body.revision;
  assertForbidden(await v.as("/admin/rules", { method: "PUT", body: RULES }), "admin");
  assertForbidden(await v.as("/admin/rules"), "admin");
  assertForbidden(await v.as("/admin/rules/dry-run", { method: "POST", body: { from: "+1", to: CONSOLE_NUMBER } }), "admin");
  assertForbidden(await v.as("/admin/flows/simulate", { method: "POST", body: {} }), "admin");
  assertForbidden(await v.as("/admin/credentials", { method: "POST", body: { role: "admin", label: "me too" } }), "admin");
  assertForbidden(await v.as("/admin/credentials"), "admin");
  assertForbidden(await v.as(`/admin/credentials/${v.fingerprint}`, { method: "DELETE" }), "admin");
  assert.equal((await adm("/rules")).body.revision, rulesBefore, "nothing saved");
  assert.equal((await adm("/credentials")).body.credentials.filter((c) => c.label === "me too").length, 0);
});

test("an operator uses Call control through /acs and mid-call actions, and not the rules", async () => {
  const id = await connectedCall();
  const o = await create("operator", "desk 3");
  const listed = await o.as(`/acs/calling/callConnections/${id}/participants?${V}`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  const added = await o.as(`/acs/calling/callConnections/${id}/participants:add?${V}`, { method: "POST", body: addBody });
  assert.equal(added.status, 202, JSON.stringify(added.body));
  const played = await o.as(`/admin/calls/${id}/actions`, { method: "POST", body: { action: "play", prompt: { text: "Please hold." } } });
  assert.equal(played.status, 202, JSON.stringify(played.body));
  assertForbidden(await o.as("/admin/rules", { method: "PUT", body: RULES }), "admin");
  assertForbidden(await o.as("/admin/credentials", { method: "POST", body: { role: "admin", label: "x" } }), "admin");
  assertForbidden(await o.as(`/admin/calls/${id}/replay`, { method: "POST", body: {} }), "admin");
});

test("an admin credential can do what the ADMIN_TOKEN does; a revoked credential is a 401 from its next request", async () => {
  const a = await create("admin", "second admin");
  const o = await a.as("/admin/credentials", { method: "POST", body: { role: "operator", label: "temp" } });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  tokens.push(o.body.token);
  const temp = as(o.body.token);
  assert.equal(o.body.credential.createdBy, a.fingerprint);
  assert.equal((await temp("/admin/calls")).status, 200);

  const gone = await a.as(`/admin/credentials/${encodeURIComponent(o.body.credential.fingerprint)}`, { method: "DELETE" });
  assert.equal(gone.status, 200, JSON.stringify(gone.body));
  assert.equal(gone.body.revoked, true);
  for (const r of [await temp("/admin/calls"), await temp(`/acs/calling/callConnections/x?${V}`), await temp("/admin/whoami")]) {
    assert.equal(r.status, 401, JSON.stringify(r.body));
    assert.equal(r.body.error.code, "Unauthorized");
  }
  const stream = await fetch(`${stack.worker}/admin/calls/x/events?access_token=${encodeURIComponent(o.body.token)}`);
  assert.equal(stream.status, 401);
  await stream.arrayBuffer();
  assert.ok(!(await adm("/credentials")).body.credentials.some((c) => c.fingerprint === o.body.credential.fingerprint), "no longer listed");
  assert.equal((await a.as(`/admin/credentials/${encodeURIComponent(o.body.credential.fingerprint)}`, { method: "DELETE" })).status, 404);
  const bootstrap = (await adm("/whoami")).body.fingerprint;
  assert.equal((await a.as(`/admin/credentials/${encodeURIComponent(bootstrap)}`, { method: "DELETE" })).status, 400, "the secret is rotated, not revoked");

  // A token of the right shape that was never issued; a created token only in a write's URL.
  const forged = as(`csa_${"A".repeat(43)}`);
  assert.equal((await forged("/admin/calls")).status, 401);
  const inUrl = await call(`${stack.worker}/admin/rules?access_token=${encodeURIComponent(a.token)}`, { method: "DELETE" });
  assert.equal(inUrl.status, 401);

  // The revision log names who saved by fingerprint.
  const saved = await a.as("/admin/rules", { method: "PUT", body: RULES });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  assert.equal((await adm("/rules/revisions")).body.revisions[0].by, a.fingerprint);
});

test("no created token reaches the worker's log", async () => {
  assert.ok(tokens.length >= 4, "the tests above created tokens");
  // A 401, a 403 and a proxied request with tokens, then a marker the proxy logs after them.
  await as(tokens[0])(`/acs/calling/callConnections/x?${V}`);
  await as(`${tokens[0]}x`)("/admin/calls");
  const marker = `log-marker-${crypto.randomUUID()}`;
  await call(`${stack.worker}/acs/calling/callConnections/${marker}?${V}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
  const log = () => readFileSync(path.join(stack.dir, "wrangler.log"), "utf8");
  await waitFor("the marker's log line", () => log().includes(`acs proxy: GET /acs/calling/callConnections/${marker}`));
  const text = log();
  assert.match(text, /acs proxy: GET \/acs\/calling\/callConnections\/x -> 403/, "the log is read at the worker's level");
  for (const t of tokens) assert.ok(!text.includes(t) && !text.includes(t.slice(4)), "no created token in the log");
  assert.ok(!text.includes(stack.adminToken));
});

test("the page shows a viewer the calls and their diagrams, and no rules, credentials or Call control", async () => {
  const id = await connectedCall();
  const v = await create("viewer", "page viewer");
  const { page, seen, close } = await openAdminPage(browser(), stack, { token: v.token, ready: 'body[data-role="viewer"]' });
  try {
    await pickCall(page, id);
    await page.locator('#diagram g.arrow[data-kind="CallConnected"]').waitFor();
    assert.match(await page.textContent("#whoami"), /viewer · page viewer/);
    for (const sel of ["#rules-section", "#credentials-section", "#control", "#nav-rules", "#rules-form", "#actions"]) {
      assert.equal(await page.locator(sel).isVisible(), false, `${sel} is hidden`);
    }
    assertPageClean(page, seen, stack);
    assert.ok(!(await page.content()).includes(v.token), "the viewer's token is not in the DOM");
  } finally {
    await close();
  }
  // An operator sees Call control, not the rules; an admin sees both and the credentials.
  const o = await create("operator", "page operator");
  const op = await openAdminPage(browser(), stack, { token: o.token, ready: 'body[data-role="operator"]' });
  try {
    await pickCall(op.page, id);
    await op.page.locator("#actions:not([disabled])").waitFor();
    assert.equal(await op.page.locator("#rules-section").isVisible(), false);
    assert.equal(await op.page.locator("#credentials-section").isVisible(), false);
  } finally {
    await op.close();
  }
  const ad = await openAdminPage(browser(), stack);
  try {
    await ad.page.locator('#credentials-section[data-loaded="true"]').waitFor();
    assert.equal(await ad.page.locator(`#credentials tr[data-fingerprint="${v.fingerprint}"]`).count(), 1);
    for (const sel of ["#control", "#rules-section", "#credentials-section"]) {
      assert.equal(await ad.page.locator(sel).getAttribute("hidden"), null, `${sel} is not hidden from an admin`);
    }
  } finally {
    await ad.close();
  }
});
