// Routing in workerd against the emulator: a rules document stored through the admin API
// (the KV override) routes each kind of condition as configured, time windows follow
// their zone (checked against the ICU time zones of Node's Intl; any IANA zone, across its DST
// change, from workerd's), and an invalid document is refused with a message naming the rule
// and the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useStack, waitFor } from "./harness.mjs";

const { stack, adm, emu } = useStack();

/** Local hour and weekday in `zone` now, from ICU (independent of the worker's table). */
function localNow(zone) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "2-digit", hourCycle: "h23", weekday: "short" })
    .formatToParts(new Date());
  const get = (t) => parts.find((p) => p.type === t).value;
  return { hour: Number(get("hour")), day: get("weekday").toLowerCase() };
}

const hh = (h) => `${String(h % 24).padStart(2, "0")}:00`;

function rulesDocument() {
  const tokyo = localNow("Asia/Tokyo");
  const ny = localNow("America/New_York");
  return {
    version: 1,
    default: { reject: { reason: "busy" } },
    rules: [
      { name: "blocked", match: { from: { prefix: "+1900" } }, action: { reject: { reason: "forbidden" } } },
      { name: "sales", match: { to: { exact: "+18005550001" } }, action: { redirect: { target: "+15550000001" } } },
      { name: "pattern", match: { to: { pattern: "+1800777####" } }, action: { reject: { reason: "busy" } } },
      { name: "vip", match: { sipHeaders: { "X-MS-Custom-Tier": { exact: "gold" } } }, action: { redirect: { target: "+15550000002" } } },
      { name: "app", match: { voipHeaders: { campaign: { prefix: "spring" } } }, action: { redirect: { target: "+15550000003" } } },
      { name: "named", match: { callerDisplayName: { pattern: "*doe" } }, action: { reject: { reason: "none" } } },
      {
        name: "tokyo-open",
        match: { to: { exact: "+18005550010" }, time: [{ timeZone: "Asia/Tokyo", days: [tokyo.day], start: hh(tokyo.hour), end: hh(tokyo.hour + 2) }] },
        action: { answer: {} },
      },
      {
        name: "ny-closed",
        match: { to: { exact: "+18005550011" }, time: [{ timeZone: "America/New_York", start: hh(ny.hour + 2), end: hh(ny.hour + 3) }] },
        action: { answer: {} },
      },
    ],
  };
}

async function route(call) {
  const body = { from: "+14255550100", to: "+18005550999", ...call };
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  return waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    // A redirect announces the same server call again, to its target: take the first.
    return r.status === 200 && r.body.decisions.find((d) => d.to === body.to);
  });
}

test("rules start from the vars document, and an override is stored in KV", async () => {
  const before = await adm("/rules");
  assert.equal(before.status, 200);
  assert.equal(before.body.source, "vars");
  const put = await adm("/rules", { method: "PUT", body: rulesDocument() });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.rules, 8);
  const after = await adm("/rules");
  assert.equal(after.body.source, "kv");
});

test("each rule kind routes as configured", async () => {
  const cases = [
    [{ from: "+19005551234" }, "blocked", { reject: { reason: "forbidden" } }],
    [{ to: "+18005550001" }, "sales", { redirect: { target: "+15550000001" } }],
    [{ to: "+18007771234" }, "pattern", { reject: { reason: "busy" } }],
    [{ customContext: { sipHeaders: { "X-MS-Custom-Tier": "gold" } } }, "vip", { redirect: { target: "+15550000002" } }],
    [{ customContext: { voipHeaders: { campaign: "spring-sale" } } }, "app", { redirect: { target: "+15550000003" } }],
    [{ callerDisplayName: "John Doe" }, "named", { reject: { reason: "none" } }],
    [{ to: "+18005550011" }, null, { reject: { reason: "busy" } }],
    [{ to: "+18005559999" }, null, { reject: { reason: "busy" } }],
  ];
  for (const [call, rule, action] of cases) {
    const d = await route(call);
    assert.equal(d.rule, rule, `${JSON.stringify(call)} → ${JSON.stringify(d)}`);
    assert.deepEqual(d.action, action, JSON.stringify(call));
    assert.ok(d.serviceStatus >= 200 && d.serviceStatus < 300, `the emulator accepted it: ${d.serviceStatus}`);
  }
});

test("a time window in a zone answers inside it", async () => {
  const d = await route({ to: "+18005550010" });
  assert.equal(d.rule, "tokyo-open");
  assert.deepEqual(d.action, { answer: { flow: {} } });
  assert.ok(d.callConnectionId, "answered");
  const detail = await waitFor("the call object", async () => {
    const r = await adm(`/calls/${d.callConnectionId}`);
    return r.status === 200 && r.body.setup && r.body;
  });
  assert.equal(detail.setup.rule, "tokyo-open");
});

test("an invalid rules document is refused with a message naming the rule and the field", async () => {
  const bad = rulesDocument();
  bad.rules[6].match.time[0].timeZone = "Mars/Olympus_Mons";
  const put = await adm("/rules", { method: "PUT", body: bad });
  assert.equal(put.status, 400);
  assert.equal(put.body.error.code, "InvalidInput");
  assert.equal(put.body.error.field, "rules[6](tokyo-open).match.time[0].timeZone");
  assert.match(put.body.error.message, /unknown time zone "Mars\/Olympus_Mons"/);
  const typo = await adm("/rules", { method: "PUT", body: { version: 1, rules: [{ name: "x", match: { to: { prefx: "+1" } }, action: { reject: {} } }] } });
  assert.equal(typo.status, 400);
  assert.equal(typo.body.error.field, "rules[0](x).match.to");
  assert.match(typo.body.error.message, /prefx/);
  const still = await adm("/rules");
  assert.equal(still.body.document.rules.length, 8, "the stored document is unchanged");
});

test("any IANA zone routes across its DST change, from the runtime's Intl (America/Santiago)", async () => {
  const doc = {
    version: 1,
    default: { reject: { reason: "busy" } },
    rules: [{ name: "santiago-8am", match: { to: { exact: "+18005550020" }, time: [{ timeZone: "America/Santiago", start: "08:00", end: "09:00" }] }, action: { reject: { reason: "busy" } } }],
  };
  const current = await adm("/rules");
  const saved = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": current.headers.get("etag") } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const at = async (instant) => {
    const r = await adm("/rules/dry-run", { method: "POST", body: { from: "+14255550100", to: "+18005550020", at: instant } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.rule;
  };
  // Chile leaves summer time (-03) for -04 on Sunday 5 April 2026 at 03:00 UTC.
  assert.equal(await at("2026-04-04T11:30:00Z"), "santiago-8am", "08:30 at -03");
  assert.equal(await at("2026-04-05T11:30:00Z"), null, "07:30 at -04");
  assert.equal(await at("2026-04-05T12:30:00Z"), "santiago-8am", "08:30 at -04");
  const zones = (await adm("/rules")).body.timeZones;
  assert.ok(zones.length > 300 && zones.includes("America/Santiago"), `${zones.length} zones offered`);
});

test("a holiday closes the lines, and the next working day opens them", async () => {
  const doc = {
    version: 1,
    default: { reject: { reason: "busy" } },
    rules: [
      { name: "holiday", match: { dates: { timeZone: "Europe/London", dates: ["--12-25", "--12-26", "2027-01-01"] } }, action: { reject: { reason: "busy" } } },
      { name: "open", match: { time: [{ timeZone: "Europe/London", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" }] }, action: { answer: {} } },
    ],
  };
  const current = await adm("/rules");
  const saved = await adm("/rules", { method: "PUT", body: doc, headers: { "if-match": current.headers.get("etag") } });
  assert.equal(saved.status, 200, JSON.stringify(saved.body));
  const at = async (instant) => {
    const r = await adm("/rules/dry-run", { method: "POST", body: { from: "+14255550100", to: "+18005550020", at: instant } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  assert.equal((await at("2027-01-01T10:00:00Z")).rule, "holiday", "New Year's Day, a Friday");
  const monday = await at("2027-01-04T10:00:00Z");
  assert.equal(monday.rule, "open");
  assert.match(monday.rules[0].misses[0].reason, /2027-01-04 in Europe\/London is not one of the dates/);
});
