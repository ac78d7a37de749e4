// The hand-written declarations type-check a realistic usage (and reject wrong ones).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("tsc --noEmit accepts types/sample.ts and types/flows-sample.ts against pkg/callsteer.d.ts and pkg/flows/flows.d.ts", () => {
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  const project = fileURLToPath(new URL("../types/tsconfig.json", import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "-p", project], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});
