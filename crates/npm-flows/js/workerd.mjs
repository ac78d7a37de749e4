// callsteer/flows in Cloudflare Workers (workerd condition): the bundler turns the .wasm import
// into a WebAssembly.Module, instantiated synchronously.
import wasm from "./engine_bg.wasm";
import { initSync } from "./engine.js";
initSync({ module: wasm });
export * from "./api.mjs";
