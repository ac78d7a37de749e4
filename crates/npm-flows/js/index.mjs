// callsteer/flows in browsers, Web Workers and bundlers: instantiate the flows engine from the
// .wasm beside this file (as the main entry, ../index.mjs, does with its own).
import init from "./engine.js";
await init({ module_or_path: new URL("./engine_bg.wasm", import.meta.url) });
export * from "./api.mjs";
