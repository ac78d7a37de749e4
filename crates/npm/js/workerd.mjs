// Cloudflare Workers (workerd condition): wrangler/esbuild turn a .wasm import into a
// WebAssembly.Module, which is instantiated synchronously (no fetch of the module's own URL).
import wasm from "./engine_bg.wasm";
import { initSync } from "./engine.js";
initSync({ module: wasm });
export * from "./client.mjs";
export * from "./events.mjs";
export * from "./streaming.mjs";
export * from "./webhook.mjs";
