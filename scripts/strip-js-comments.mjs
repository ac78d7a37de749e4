// Removes comment-only lines (`// …`) and JSDoc blocks (`/** … */`) from the shipped JS of
// pkg/ (scripts/build-pkg): the commented sources live in crates/npm/js/ and the generated glue's
// JSDoc repeats the Rust docs; users get the API documented in callsteer.d.ts and README.md.
// Saves ≈ 2.5 kB gzip of what a browser loads unbundled (BENCHMARKS.md, size).
// Safe for these files: none of them has a multi-line string or template literal with a line
// that starts with // or /** (the one template literal of several lines, the usage text of
// pkg/flows/cli.mjs, has none); the JS suite runs against the stripped files.
import { readFileSync, writeFileSync } from "node:fs";

for (const file of process.argv.slice(2)) {
  const source = readFileSync(file, "utf8");
  const stripped = source
    .replace(/^[ \t]*\/\*\*[\s\S]*?\*\/[ \t]*\n/gm, "")
    .replace(/^[ \t]*\/\/.*\n/gm, "");
  writeFileSync(file, stripped);
}
