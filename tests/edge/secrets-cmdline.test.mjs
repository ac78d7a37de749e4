// The local stack's secrets stay off every command line: any local user can read any process's
// /proc/<pid>/cmdline, so the admin token, the ACS access key and the other secrets reach
// wrangler through a 0600 `.dev.vars` file of the stack's own (`--env-file`) and the emulator
// through a key file; the files are gone once the stack stops. The demo uses the same harness.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { admin, startStack } from "./harness.mjs";

/** Every readable process command line on the machine, as [pid, text]. */
function commandLines() {
  const out = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      out.push([pid, readFileSync(`/proc/${pid}/cmdline`).toString("utf8").replaceAll("\0", " ")]);
    } catch {} // the process ended meanwhile
  }
  return out;
}

test("no process's command line carries a secret of the running stack, and stop() removes the secret files", async () => {
  const flowSecret = randomBytes(24).toString("hex");
  const stack = await startStack({ vars: { FLOW_WEBHOOK_SECRET: flowSecret } });
  try {
    const accessKey = stack.connectionString.match(/;accesskey=(.+)$/)[1];
    const secrets = { "admin token": stack.adminToken, "ACS access key": accessKey, FLOW_WEBHOOK_SECRET: flowSecret };
    const lines = commandLines();
    // The stack's own processes are among those read (wrangler, workerd, the emulator).
    const ours = lines.filter(([, l]) => l.includes(stack.dir));
    assert.ok(ours.length >= 2, `the stack's processes are visible: ${JSON.stringify(ours)}`);
    for (const [what, value] of Object.entries(secrets)) {
      assert.ok(value && value.length >= 16, what);
      const seen = lines.filter(([, l]) => l.includes(value)).map(([pid, l]) => `${pid}: ${l.slice(0, 200)}`);
      assert.deepEqual(seen, [], `the ${what} is on a command line`);
    }
    // The secrets did reach the worker: the admin API takes the token from .dev.vars.
    assert.equal((await admin(stack)("/calls")).status, 200);
    for (const f of stack.secretFiles) {
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    }
    assert.equal(statSync(stack.dir).mode & 0o077, 0, "the stack's directory is private");
  } finally {
    await stack.stop();
  }
  for (const f of stack.secretFiles) assert.ok(!existsSync(f), `${f} removed`);
});
