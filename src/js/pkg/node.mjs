// Node >= 20: read the .wasm from disk (fetch cannot load file:// URLs) and instantiate synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./engine.js";
initSync({ module: readFileSync(new URL("./engine_bg.wasm", import.meta.url)) });
export * from "./client.mjs";
export * from "./events.mjs";
export * from "./streaming.mjs";
