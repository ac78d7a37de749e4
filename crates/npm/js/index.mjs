// Browsers, Web Workers and bundlers: instantiate the engine from the .wasm beside this file.
import init from "./engine.js";
await init({ module_or_path: new URL("./engine_bg.wasm", import.meta.url) });
export * from "./client.mjs";
export * from "./events.mjs";
export * from "./streaming.mjs";
export * from "./webhook.mjs";
