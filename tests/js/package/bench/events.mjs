// events/s of parseCallAutomationEvent on the recorded payloads (one CloudEvent array per
// string, as posted to a callback), callsteer vs the official function, with bare JSON.parse
// of the same strings as the floor; in Node and in headless Chromium.
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { parseCallAutomationEvent as officialParse } from "@azure/communication-call-automation";
import { parseCallAutomationEvent as oursParse } from "../../../../pkg/node.mjs";
import { compare } from "./events-core.mjs";
import { chromium } from "playwright-core";
import { bundleFor, PKG_DIR } from "../lib/browser.mjs";
import { startServer } from "../lib/server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "../../../fixtures/events");
const payloads = readdirSync(dir).filter((f) => f.endsWith(".cloudevent.recorded.json")).map((f) => readFileSync(join(dir, f), "utf8"));
const firstOf = (s) => JSON.parse(s)[0];

function table(where, r) {
  const rows = [["JSON.parse (floor)", r.floor], ["official parseCallAutomationEvent", r.official], ["callsteer parseCallAutomationEvent", r.ours]];
  console.log(`\n**${where}** (${payloads.length} recorded payloads, median of 5 × 400 ms)\n`);
  console.log("| implementation | events/s | vs official | vs JSON.parse |");
  console.log("|---|---:|---:|---:|");
  for (const [name, v] of rows) console.log(`| ${name} | ${Math.round(v)} | ${(v / r.official).toFixed(2)}× | ${(v / r.floor).toFixed(2)}× |`);
}

table("Node " + process.version, compare({ floor: firstOf, official: officialParse, ours: oursParse }, payloads));

const tmp = mkdtempSync(join(tmpdir(), "callsteer-bench-"));
await bundleFor("../bench/events-browser-entry.mjs", tmp, "bench.js");
writeFileSync(join(tmp, "index.html"), `<!doctype html><script type="module">
import * as ours from "/pkg/index.mjs"; import * as b from "/t/bench.js";
window.run = (payloads) => b.compare({ floor: (s) => JSON.parse(s)[0], official: b.officialParse, ours: ours.parseCallAutomationEvent }, payloads);
document.title = "ready";</script>`);
const server = await startServer({ statics: { "/pkg/": PKG_DIR + "/", "/t/": tmp + "/" } });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
try {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/t/index.html`);
  await page.waitForFunction(() => document.title === "ready" || undefined);
  const version = browser.version();
  table("Chromium " + version, await page.evaluate((p) => window.run(p), payloads));
} finally {
  await browser.close();
  await server.close();
}
