// gzip -9 size of what a browser loads: callsteer (wasm + JS glue + wrapper) vs an esbuild
// browser bundle of the official package (node:fs externalized: it has no browser build).
// The subpath callsteer/flows (its own wasm, pkg/flows/) is a separate line after the table:
// the main entry never loads it.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, mkdtempSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "../../../../pkg");
const gz = (file) => execFileSync("gzip", ["-9", "-c", file], { maxBuffer: 1 << 26 }).length;
const raw = (file) => statSync(file).size;
const tmp = mkdtempSync(join(tmpdir(), "callsteer-size-"));

const entry = join(tmp, "official-entry.mjs");
writeFileSync(entry, 'export { CallAutomationClient, parseCallAutomationEvent } from "@azure/communication-call-automation";\n');
const officialOut = join(tmp, "official.min.js");
await build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "browser", external: ["node:fs"], outfile: officialOut, nodePaths: [join(here, "../node_modules")], logLevel: "error" });

const snippets = [];
const walk = (d) => readdirSync(d).forEach((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : snippets.push(join(d, f))));
walk(join(pkg, "snippets"));
const shipped = ["index.mjs", "client.mjs", "events.mjs", "streaming.mjs", "transport.mjs", "processor.mjs", "webhook.mjs", "engine.js"].map((f) => join(pkg, f)).concat(snippets);
const wasm = join(pkg, "engine_bg.wasm");

const oursJsOut = join(tmp, "callsteer.min.js");
await build({ entryPoints: [join(pkg, "index.mjs")], bundle: true, minify: true, format: "esm", platform: "browser", target: "es2022", outfile: oursJsOut, logLevel: "error" });

const sum = (files, f) => files.reduce((n, x) => n + f(x), 0);
const rows = [
  ["official, esbuild --bundle --minify (browser, node:fs external)", raw(officialOut), gz(officialOut)],
  ["callsteer wasm (engine_bg.wasm)", raw(wasm), gz(wasm)],
  ["callsteer JS as shipped (wrapper + glue + snippet, per file)", sum(shipped, raw), sum(shipped, gz)],
  ["callsteer total as shipped", raw(wasm) + sum(shipped, raw), gz(wasm) + sum(shipped, gz)],
  ["callsteer JS, esbuild --bundle --minify", raw(oursJsOut), gz(oursJsOut)],
  ["callsteer total, minified JS + wasm", raw(wasm) + raw(oursJsOut), gz(wasm) + gz(oursJsOut)],
];
const official = rows[0][2];
console.log("| what the browser loads | bytes | gzip -9 bytes | gzip vs official |");
console.log("|---|---:|---:|---:|");
for (const [name, r, g] of rows) console.log(`| ${name} | ${r} | ${g} | ${(g / official).toFixed(2)}× |`);

const flowsDir = join(pkg, "flows");
const flowsWasm = join(flowsDir, "engine_bg.wasm");
const flowsJs = ["index.mjs", "api.mjs", "engine.js"].map((f) => join(flowsDir, f));
console.log();
if (!existsSync(flowsWasm)) {
  console.log("(no pkg/flows/: pkg/ was built with --no-flows; bash scripts/build-pkg builds it)");
  process.exit(0);
}
console.log("| callsteer/flows (pkg/flows/, not loaded by the main entry) | bytes | gzip -9 bytes |");
console.log("|---|---:|---:|");
console.log(`| callsteer/flows wasm (flows/engine_bg.wasm) | ${raw(flowsWasm)} | ${gz(flowsWasm)} |`);
console.log(`| callsteer/flows JS as shipped (index.mjs, api.mjs, engine.js; per file) | ${sum(flowsJs, raw)} | ${sum(flowsJs, gz)} |`);
console.log(`| callsteer/flows total a browser loads | ${raw(flowsWasm) + sum(flowsJs, raw)} | ${gz(flowsWasm) + sum(flowsJs, gz)} |`);
