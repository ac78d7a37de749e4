// Real headless Chromium (Debian's /usr/bin/chromium through playwright-core) on a page served
// by the loopback server: /pkg/ is the built package, /t/ holds an esbuild bundle of the
// official package (node:fs stubbed — it has no browser build) plus the shared cases.
import { chromium } from "playwright-core";
import { build } from "esbuild";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const PKG_DIR = join(here, "../../../../pkg");

const stubFs = {
  name: "stub-node-fs",
  setup(b) {
    b.onResolve({ filter: /^(node:)?fs$/ }, () => ({ path: "fs", namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents: "export default {}; export function createWriteStream() { throw new Error('no fs in browsers'); }",
    }));
  },
};

/** Bundles `entry` (a file in lib/) for the browser into `dir`. */
export async function bundleFor(entry, dir, name) {
  await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    plugins: [stubFs],
    outfile: join(dir, name),
    logLevel: "error",
  });
}

/** Starts server + Chromium with the harness page loaded; `page.evaluate` reaches window.harness. */
export async function openHarness() {
  const dir = await mkdtemp(join(tmpdir(), "callsteer-browser-"));
  await bundleFor("browser-entry.mjs", dir, "bundle.js");
  await writeFile(
    join(dir, "index.html"),
    `<!doctype html><script type="module">
import * as ours from "/pkg/index.mjs";
import * as lib from "/t/bundle.js";
window.harness = { ours, ...lib };
document.title = "ready";
</script>`,
  );
  const server = await startServer({ statics: { "/pkg/": PKG_DIR + "/", "/t/": dir + "/" } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`${server.origin}/t/index.html`);
  await page.waitForFunction(() => document.title === "ready" || undefined, null, { timeout: 20000 });
  return {
    server,
    page,
    errors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
