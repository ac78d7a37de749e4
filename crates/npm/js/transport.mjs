// How requests leave the package: the platform `fetch` by default (browsers, Workers, Deno),
// replaced in Node by node.mjs. Not part of the public API (index.mjs does not re-export it).
//
// `send(url, {method, headers, body, signal})` resolves to a Response-like object: `ok`,
// `status`, `headers.get(name)` (null when absent), `text()`, `arrayBuffer()`.
export let send = (url, init) => fetch(url, init);

/** Replaces the transport (used by the Node entry point). */
export function useTransport(transport) {
  send = transport;
}
