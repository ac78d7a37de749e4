// One result everywhere: the same test cases through the worker's POST /admin/flows/test (workerd),
// the npm package's callsteer/flows in Node and in real headless Chromium, and its command line
// give the same report — one interpreter (crates/flows), four ways in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { root, useChromium, useStack } from "./harness.mjs";

const flows = await import(path.join(root, "pkg/flows/node.mjs"));
const { adm } = useStack({});
const browserOf = useChromium();

const read = (p) => JSON.parse(readFileSync(path.join(root, p), "utf8"));
const files = [
  ...readdirSync(path.join(root, "tests/fixtures/flows")).filter((f) => f.endsWith(".json")).sort().map((f) => `tests/fixtures/flows/${f}`),
  "examples/flows/small-business.json",
];

/** Every worked example's cases, plus one deliberately wrong case per file (its path cut short). */
const runs = files.map((file) => {
  const { rules, cases } = read(file);
  const wrong = { ...cases[0], name: `${cases[0].name} (wrong on purpose)`, expect: { ...cases[0].expect, path: (cases[0].expect.path ?? ["x"]).slice(0, 1) } };
  return { file, rules, tests: [...cases, wrong] };
});

// pkg/flows over HTTP for Chromium (plain ESM + wasm, as a site would serve it).
let server, origin;
before(async () => {
  const types = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm" };
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/") return res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>flows</title>");
    const file = path.join(root, "pkg/flows", path.basename(url.pathname));
    if (!url.pathname.startsWith("/pkg/flows/")) return res.writeHead(404).end();
    try {
      res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => server?.close());

test("the worker, Node, Chromium and the command line give the same report", async () => {
  const page = await browserOf().newPage();
  await page.goto(`${origin}/`);
  const dir = mkdtempSync(path.join(tmpdir(), "callsteer-everywhere-"));
  for (const [i, { file, rules, tests }] of runs.entries()) {
    const node = flows.runTests(rules, tests);
    assert.equal(node.failed, 1, `${file}: only the wrong case fails`);
    assert.equal(node.passed, tests.length - 1, file);

    const worker = await adm("/flows/test", { method: "POST", body: { rules, tests } });
    assert.equal(worker.status, 200, JSON.stringify(worker.body));
    const { target, ms, ...report } = worker.body;
    assert.equal(target, "rules");
    assert.equal(typeof ms, "number");
    assert.deepEqual(report, node, `${file}: the worker's report`);

    const chromium = await page.evaluate(async ({ rules, tests }) => {
      const flows = await import("/pkg/flows/index.mjs");
      return flows.runTests(rules, tests);
    }, { rules, tests });
    assert.deepEqual(chromium, node, `${file}: Chromium's report`);

    const testsFile = path.join(dir, `${i}.json`);
    writeFileSync(testsFile, JSON.stringify(tests));
    const cli = spawnSync(process.execPath, [path.join(root, "pkg/flows/cli.mjs"), "test", path.join(root, file), testsFile, "--json"], { encoding: "utf8" });
    assert.equal(cli.status, 1, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), node, `${file}: the command line's report`);
  }
  await page.close();
});
