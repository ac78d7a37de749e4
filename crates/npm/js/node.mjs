// Node >= 20: read the .wasm from disk (fetch cannot load file:// URLs) and instantiate synchronously.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { initSync } from "./engine.js";
import { useTransport } from "./transport.mjs";
initSync({ module: readFileSync(new URL("./engine_bg.wasm", import.meta.url)) });

// Service calls go through node:http(s) with Node's keep-alive global agents instead of the
// global fetch: on loopback, undici's fetch POST measured 2.5-3x slower than http.request for
// the same request (BENCHMARKS.md, round trips). Recording downloads keep fetch (web streams).
useTransport(
  (url, { method, headers, body, signal }) =>
    new Promise((resolve, reject) => {
      const client = url.startsWith("https:") ? https : http;
      const sendHeaders = body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) };
      const req = client.request(url, { method, headers: sendHeaders, signal }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const bytes = Buffer.concat(chunks);
          const status = res.statusCode;
          resolve({
            ok: status >= 200 && status < 300,
            status,
            headers: {
              get: (name) => { const v = res.headers[name.toLowerCase()]; return v === undefined ? null : String(v); },
              forEach: (fn) => { for (const [name, v] of Object.entries(res.headers)) fn(String(v), name); },
            },
            text: async () => bytes.toString("utf8"),
            arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
          });
        });
      });
      req.on("error", reject);
      req.end(body);
    }),
);

export * from "./client.mjs";
export * from "./events.mjs";
export * from "./streaming.mjs";
export * from "./webhook.mjs";
