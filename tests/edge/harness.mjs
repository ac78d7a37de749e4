// A real local stack for the edge tests and the demo: the emulator binary and the worker
// in workerd through `wrangler dev`, each started as its own process group on a free
// loopback port, and stopped (whole group) by stop(). Nothing leaves 127.0.0.1.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { after, before } from "node:test";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");

/** A free TCP port on 127.0.0.1 (the OS picks; the socket is closed before use). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

function emulatorBinary() {
  const bin = process.env.CALLSTEER_EMULATOR_BIN ?? path.join(root, "target/debug/callsteer-emulator");
  if (!existsSync(bin)) {
    const r = spawnSync("cargo", ["build", "-p", "callsteer-emulator"], {
      cwd: root,
      stdio: "inherit",
    });
    if (r.status !== 0) throw new Error("building the emulator failed");
  }
  return bin;
}

function startGroup(cmd, args, { cwd, env, log }) {
  const fd = openSync(log, "a");
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", fd, fd] });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, log };
}

async function stopGroup(g) {
  if (!g || g.child.exitCode !== null || g.child.signalCode !== null) return;
  try {
    process.kill(-g.child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-g.child.pid, "SIGKILL");
    } catch {}
  }, 5_000);
  await g.exited;
  clearTimeout(timer);
}

/** Vars that are secrets: they go to the instance's `.dev.vars` file, never to a command line. */
export const SECRET_VAR = /_(SECRET|TOKEN|KEY)$/;

/**
 * `vars` as a dotenv file (wrangler's `.dev.vars` format, read by `--env-file`): one
 * `NAME='value'` line each. Single quotes keep a value literal, except that wrangler expands
 * `$NAME` in env files (dotenv-expand) and a backslash before the closing quote would escape it,
 * so a value with `$`, `'`, `\` or a line break is refused.
 */
function dotenv(vars) {
  return Object.entries(vars)
    .map(([k, v]) => {
      if (/[$'\\\r\n]/.test(v)) throw new Error(`secret ${k} has a character .dev.vars cannot carry literally ($, ', \\, a line break)`);
      return `${k}='${v}'\n`;
    })
    .join("");
}

/**
 * Starts the emulator and the worker, and subscribes the worker to the emulator's
 * incoming calls. `vars` override wrangler vars (e.g. ROUTING_RULES); `logLevel` is wrangler's
 * (`warn` by default; `log` also keeps the worker's console.log lines in wrangler.log).
 * `bench: true` runs the benchmark build (`build-bench/`, cargo feature `bench`: the
 * `/admin/bench/…` routes) instead of the production build (`build/`) — same config, its entry
 * point given to wrangler; wrangler's build command (scripts/build-worker) then builds it.
 *
 * Secrets never go on a command line, where every local user can read them
 * (`/proc/<pid>/cmdline`): vars named like a secret (`SECRET_VAR`: the ACS key, the admin
 * token, CALLBACK_SECRET, INCOMING_SECRET, FLOW_WEBHOOK_SECRET) are written to `.dev.vars` in
 * this stack's own directory (0600, in a 0700 temporary directory), which wrangler reads with
 * `--env-file` — one file per instance, so parallel stacks do not clash, and the repository's
 * own `.dev.vars` (next to wrangler.toml) is not read. The emulator reads its key from a file
 * there too (`--access-key-file`). stop() removes both.
 *
 * The incoming-call webhook is Entra-protected, as in deployment: the worker trusts the
 * emulator's Entra issuer (`<emulator>/entra`) for a random tenant and application, and the
 * subscription asks the emulator for tokens of that application. `incomingAuth: { secret,
 * header? }` switches both sides to a delivery secret instead. `config`: another wrangler config
 * file (the rate-limit test's copy of wrangler.toml with low limits).
 */
export async function startStack({ vars = {}, subscribe = true, incomingAuth, logLevel = "warn", bench = false, config = path.join(root, "wrangler.toml") } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "callsteer-edge-"));
  const accessKey = randomBytes(32).toString("base64");
  const resourceId = randomUUID();
  const adminToken = randomBytes(18).toString("hex");
  const tenant = randomUUID();
  const audience = `api://callsteer-edge-${randomBytes(4).toString("hex")}`;
  const [emuPort, workerPort, inspectorPort] = [await freePort(), await freePort(), await freePort()];
  const emulator = `http://127.0.0.1:${emuPort}`;
  const worker = `http://127.0.0.1:${workerPort}`;
  const groups = [];
  const secretFiles = [path.join(dir, ".dev.vars"), path.join(dir, "access-key")];
  const logFile = (name) => path.join(dir, `${name}.log`);
  const stack = {
    emulator,
    worker,
    adminToken,
    /** The Entra tenant and application the worker's incoming webhook trusts. */
    entra: { tenant, audience, authority: `${emulator}/entra` },
    /** The emulator's connection string (a random key for this stack only). */
    connectionString: `endpoint=${emulator}/;accesskey=${accessKey}`,
    dir,
    /** The files that hold this stack's secrets while it runs (removed by stop()). */
    secretFiles,
    async stop() {
      for (const g of groups.reverse()) await stopGroup(g);
      for (const f of secretFiles) rmSync(f, { force: true });
      if (!process.env.KEEP_EDGE_LOGS) rmSync(dir, { recursive: true, force: true });
    },
    /** Process-group ids, for benchmarks that read CPU time from /proc. */
    pgid(name) {
      return groups.findLast((g) => g.log.endsWith(`${name}.log`))?.child.pid;
    },
    /** The last 4,000 characters of each log, for error messages. */
    logs() {
      return groups.map((g) => `--- ${g.log}\n${readFileSync(g.log, "utf8").slice(-4000)}`).join("\n");
    },
    /** The whole log of `name` ("wrangler" or "emulator") so far. */
    log(name) {
      return existsSync(logFile(name)) ? readFileSync(logFile(name), "utf8") : "";
    },
    /**
     * Waits until the log of `name` contains `text` (the runtime writes its log after the
     * response, so a line is awaited, not assumed); returns the whole log then.
     */
    async waitForLog(name, text, { timeoutMs = 15_000 } = {}) {
      return waitFor(`${JSON.stringify(text)} in ${name}.log`, () => stack.log(name).includes(text) && stack.log(name), { timeoutMs, intervalMs: 50 });
    },
  };
  try {
    writeFileSync(secretFiles[1], accessKey, { mode: 0o600 });
    const emu = startGroup(emulatorBinary(), ["--listen", `127.0.0.1:${emuPort}`, "--access-key-file", secretFiles[1], "--resource-id", resourceId], {
      cwd: root,
      env: process.env,
      log: logFile("emulator"),
    });
    groups.push(emu);
    await waitFor("the emulator", async () => (await fetch(`${emulator}/calling/keys`)).ok);

    const incomingVars = incomingAuth
      ? { INCOMING_AUTH: "secret", INCOMING_SECRET: incomingAuth.secret, INCOMING_SECRET_HEADER: incomingAuth.header ?? "" }
      : { INCOMING_AUTH: "entra", INCOMING_ENTRA_TENANT: tenant, INCOMING_ENTRA_AUDIENCE: audience, INCOMING_ENTRA_AUTHORITY: `${emulator}/entra` };
    const allVars = {
      ACS_ENDPOINT: emulator,
      JWT_ISSUER: emulator,
      JWT_AUDIENCE: resourceId,
      ACS_ACCESS_KEY: accessKey,
      ADMIN_TOKEN: adminToken,
      ...incomingVars,
      ...vars,
    };
    const secrets = Object.fromEntries(Object.entries(allVars).filter(([k]) => SECRET_VAR.test(k)));
    writeFileSync(secretFiles[0], dotenv(secrets), { mode: 0o600 });
    const args = ["dev", ...(bench ? [path.join(root, "build-bench/index.js")] : []), "--config", config, "--local", "--ip", "127.0.0.1", "--port", String(workerPort),
      "--inspector-port", String(inspectorPort), "--persist-to", path.join(dir, "state"), "--show-interactive-dev-session=false",
      "--log-level", logLevel, "--env-file", secretFiles[0]];
    for (const [k, v] of Object.entries(allVars)) if (!SECRET_VAR.test(k)) args.push("--var", `${k}:${v}`);
    // CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: wrangler reads --env-file only when it is on (its default).
    const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true", CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" };
    if (bench) env.BENCH_BUILD = "1";
    const startWorker = async () => {
      groups.push(startGroup(path.join(here, "node_modules/.bin/wrangler"), args, { cwd: root, env, log: logFile("wrangler") }));
      await waitFor("wrangler dev", async () => (await fetch(`${worker}/healthz`)).ok, { timeoutMs: 600_000, intervalMs: 250 });
    };
    /**
     * A crash: SIGKILL to wrangler's whole process group (workerd with it), mid-request if
     * one is running. The emulator keeps running. Resolves once the port is closed.
     */
    stack.crashWorker = async () => {
      const g = groups.findLast((x) => x.log === logFile("wrangler"));
      try {
        process.kill(-g.child.pid, "SIGKILL");
      } catch {}
      await g.exited;
      groups.splice(groups.indexOf(g), 1);
      await waitFor("the worker's port to close", async () => {
        try {
          await fetch(`${worker}/healthz`);
          return false;
        } catch {
          return true;
        }
      });
    };
    /** The same worker again, on the same port and persisted state (`--persist-to`), as a restarted machine. */
    stack.restartWorker = startWorker;
    await startWorker();

    if (!subscribe) return stack;
    const sub = await fetch(`${emulator}/emulator/event-subscriptions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: `${worker}/api/incoming`, auth: subscriptionAuth(stack, incomingAuth) }),
    });
    if (sub.status !== 201) throw new Error(`subscription failed: ${sub.status} ${await sub.text()}`);
    return stack;
  } catch (e) {
    const logs = stack.logs();
    await stack.stop();
    throw new Error(`${e.message}\n${logs}`);
  }
}

/** The emulator subscription's `auth` for the worker's incoming-call webhook mode. */
export function subscriptionAuth(stack, incomingAuth) {
  if (!incomingAuth) return { entra: { tenant: stack.entra.tenant, audience: stack.entra.audience } };
  return incomingAuth.header ? { secretHeader: { name: incomingAuth.header, value: incomingAuth.secret } } : { secret: incomingAuth.secret };
}

/** A token from the emulator's Entra issuer (`overrides`: tenant, audience, tokenVersion, expiresInSeconds). */
export async function entraToken(stack, overrides = {}) {
  const r = await call(`${stack.emulator}/emulator/entra/tokens`, {
    method: "POST",
    body: { tenant: stack.entra.tenant, audience: stack.entra.audience, ...overrides },
  });
  if (r.status !== 201) throw new Error(`minting an Entra token failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** JSON request helper: returns { status, body }. */
export async function call(url, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const resp = await fetch(url, init);
  const text = await resp.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {}
  return { status: resp.status, body: parsed, headers: resp.headers };
}

/**
 * A stack for one test file: started in a `before` hook, stopped in an `after` hook.
 * `stack` is filled in once the hook has run; `adm` and `emu` are bound to it.
 */
export function useStack(options) {
  const stack = {};
  before(async () => {
    Object.assign(stack, await startStack(options));
  });
  after(async () => {
    await stack.stop?.();
  });
  return { stack, adm: admin(stack), emu: emulator(stack) };
}

/** Admin API helper bound to a stack. */
export function admin(stack) {
  return (p, opts = {}) => call(`${stack.worker}/admin${p}`, { ...opts, headers: { authorization: `Bearer ${stack.adminToken}`, ...opts.headers } });
}

/** Emulator control API helper bound to a stack. */
export function emulator(stack) {
  return (p, opts = {}) => call(`${stack.emulator}${p}`, opts);
}

/**
 * Real headless Chromium (Debian's, through playwright-core) for the file's tests: launched
 * before them, closed after. `--no-sandbox` because the README's machines run as root; the other
 * flags keep it off the network. Returns a getter for the browser.
 */
export function useChromium() {
  let browser;
  before(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN || process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

/**
 * The admin page with the admin token entered, in a UTC browser context of `browser`; console
 * output and page errors are collected in `seen`. `dialogs: true` accepts confirm dialogs.
 * `token` (another credential) and `ready` (the selector to wait for; the rules load for admins only).
 */
export async function openAdminPage(browser, stack, { viewport = { width: 1280, height: 900 }, acceptDownloads = false, dialogs = false, token = stack.adminToken, ready = '#rules-section[data-loaded="true"]' } = {}) {
  const context = await browser.newContext({ viewport, timezoneId: "UTC", acceptDownloads });
  const page = await context.newPage();
  const seen = { console: [], errors: [] };
  page.on("console", (m) => seen.console.push(m.text()));
  page.on("pageerror", (e) => seen.errors.push(e.message));
  if (dialogs) page.on("dialog", (d) => d.accept());
  await page.goto(`${stack.worker}/`);
  await page.fill("#token", token);
  await page.press("#token", "Enter");
  await page.locator(ready).waitFor();
  return { page, seen, close: () => context.close() };
}

/** Nothing blocked by the page's CSP, no script error, and the admin token shown nowhere. */
export async function assertPageClean(page, seen, stack) {
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.console.filter((m) => /Content Security Policy|Refused to/i.test(m)), []);
  assert.ok(!(await page.content()).includes(stack.adminToken), "the admin token is not in the DOM");
}

/**
 * Puts the caret of textarea `selector` just after the first `after` in its text, and moves it
 * with the arrow keys as a keyboard user would (the JSON editor's suggestions follow them).
 */
export async function caretAfter(page, selector, after) {
  const at = (await page.inputValue(selector)).indexOf(after) + after.length;
  await page.focus(selector);
  await page.$eval(selector, (t, i) => t.setSelectionRange(i, i), at);
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
}

/** Picks call `id` in the admin page's live list with the keyboard (the row appears without a reload). */
export async function pickCall(page, id) {
  const open = page.locator(`#calls tr[data-id="${id}"] button.call-open`);
  await open.waitFor();
  await open.focus();
  await page.keyboard.press("Enter");
  await page.locator("#call-title", { hasText: id }).waitFor();
}

/**
 * A call's live stream as the admin page opens it: a WebSocket with the credential in its URL
 * (a browser's WebSocket cannot send headers). `all` holds every message (`{event, data}`) so
 * far; `next(pred)` resolves with the first one `pred` accepts (one already received, or the
 * next); `opened` and `closed` (with the close code) settle with the socket.
 */
export function openLive(stack, id, token = stack.adminToken) {
  const url = `${stack.worker.replace(/^http/, "ws")}/admin/calls/${encodeURIComponent(id)}/events?access_token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  const all = [];
  let waiters = [];
  const opened = new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("the live stream was refused")), { once: true });
  });
  const closed = new Promise((resolve) => ws.addEventListener("close", (e) => {
    for (const w of waiters) w.reject(new Error(`the live stream closed (${e.code}) before the awaited message`));
    waiters = [];
    resolve(e.code);
  }));
  ws.addEventListener("message", (m) => {
    const msg = JSON.parse(m.data);
    all.push(msg);
    waiters = waiters.filter((w) => !(w.pred(msg) && (w.resolve(msg), true)));
  });
  return {
    all,
    opened,
    closed,
    next(pred, { timeoutMs = 30_000 } = {}) {
      const hit = all.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such live message within ${timeoutMs} ms: ${JSON.stringify(all.map((m) => m.event))}`)), timeoutMs);
        waiters.push({ pred, resolve: (v) => { clearTimeout(timer); resolve(v); }, reject: (e) => { clearTimeout(timer); reject(e); } });
      });
    },
    close() { ws.close(); },
  };
}
