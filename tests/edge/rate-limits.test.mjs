// Rate limits per credential, against workerd's own rate limiting binding (wrangler dev runs it
// locally and enforces it: fixed windows on the wall clock). The worker runs from a copy of
// wrangler.toml whose two [[ratelimits]] have low limits — the same bindings and periods, so
// the worker under test is the one that ships. Over its limit a credential gets 429 with
// Retry-After; another credential, and the webhooks, go on.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { call, root, useStack } from "./harness.mjs";

const LOW = { ADMIN_API_LIMIT: 6, ACS_PROXY_LIMIT: 3 };
const V = "api-version=2026-03-12";

/** wrangler.toml with each rate limit's `limit` replaced by LOW's; written beside it (its paths are relative). */
function lowLimitConfig() {
  let toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  for (const [name, limit] of Object.entries(LOW)) {
    const re = new RegExp(`(name = "${name}"\\n(?:.*\\n)*?simple = \\{ limit = )\\d+`);
    assert.match(toml, re, `wrangler.toml declares ${name}`);
    toml = toml.replace(re, `$1${limit}`);
  }
  const file = path.join(root, `.wrangler-test-rate-limits-${process.pid}.toml`);
  writeFileSync(file, toml);
  return file;
}

const config = lowLimitConfig();
const { stack, adm } = useStack({ config });
after(() => rmSync(config, { force: true }));

const as = (token) => (p, opts = {}) => call(`${stack.worker}${p}`, { ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers } });

async function create(role, label) {
  const r = await adm("/credentials", { method: "POST", body: { role, label } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return as(r.body.token);
}

/** The local limiter counts in windows aligned to the minute: start a burst well inside one. */
async function awayFromTheMinute() {
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((r) => setTimeout(r, 60_000 - into + 200));
}

function assertLimited(r, surface) {
  assert.equal(r.status, 429, JSON.stringify(r.body));
  assert.equal(r.headers.get("retry-after"), "60");
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(r.body.error.code, "TooManyRequests");
  assert.equal(r.body.error.message, `too many ${surface} requests for this credential; retry after 60 s`);
}

test("over its limit a credential gets 429 with Retry-After; other credentials and the webhooks go on", async () => {
  await awayFromTheMinute();
  const viewer = await create("viewer", "busy wallboard");
  const other = await create("viewer", "quiet wallboard");
  for (let i = 0; i < LOW.ADMIN_API_LIMIT; i++) assert.equal((await viewer("/admin/calls")).status, 200, `request ${i + 1}`);
  assertLimited(await viewer("/admin/calls"), "admin API");
  assertLimited(await viewer("/admin/whoami"), "admin API");
  assert.equal((await other("/admin/calls")).status, 200, "another credential has its own count");
  assert.equal((await adm("/calls")).status, 200, "so has the ADMIN_TOKEN");

  // Webhooks are never limited: refused for their credentials, never for volume.
  for (let i = 0; i < 3 * LOW.ADMIN_API_LIMIT; i++) {
    const cb = await call(`${stack.worker}/api/callbacks`, { method: "POST", body: [] });
    assert.equal(cb.status, 401, `callback ${i + 1}`);
    const inc = await call(`${stack.worker}/api/incoming`, { method: "POST", body: [] });
    assert.equal(inc.status, 401, `incoming ${i + 1}`);
  }
  // Nor is a bearer that is no credential counted: it is a 401 each time.
  for (let i = 0; i < LOW.ADMIN_API_LIMIT + 2; i++) assert.equal((await as("not-a-credential")("/admin/calls")).status, 401);
});

test("the /acs proxy has its own limit per credential", async () => {
  await awayFromTheMinute();
  const operator = await create("operator", "busy desk");
  for (let i = 0; i < LOW.ACS_PROXY_LIMIT; i++) {
    const r = await operator(`/acs/calling/callConnections/no-such-call?${V}`);
    assert.equal(r.status, 404, `request ${i + 1}: forwarded (${JSON.stringify(r.body)})`);
  }
  assertLimited(await operator(`/acs/calling/callConnections/no-such-call?${V}`), "/acs proxy");
  assert.equal((await operator("/admin/calls")).status, 200, "the admin API counts apart");
});
