// callsteer/flows in Node >= 20: read the .wasm from disk (fetch cannot load file:// URLs).
import { readFileSync } from "node:fs";
import { initSync } from "./engine.js";
initSync({ module: readFileSync(new URL("./engine_bg.wasm", import.meta.url)) });
export * from "./api.mjs";
