// The admin API from the page, and small DOM helpers. The admin token lives in this tab's
// sessionStorage only; nothing here writes it into the DOM.

const KEY = "callsteer-admin";

export const $ = (id) => document.getElementById(id);
export const token = () => sessionStorage.getItem(KEY) ?? "";
export const setToken = (t) => sessionStorage.setItem(KEY, t);

/**
 * The worker's JSON error (`{error: {status, code, field?, message}}`) as an Error; `body` is
 * the whole answer (a refused publish carries its test report beside the error).
 */
export class ApiError extends Error {
  constructor(status, error, body) {
    super(error?.message ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = error?.code;
    this.field = error?.field;
    this.body = body;
  }
}

/**
 * `fetch` of `/admin{path}` with the bearer token; JSON in, `{body, headers, status}` out (a
 * string body is sent as it is); throws ApiError for a status that is not 2xx.
 */
export async function request(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...headers, authorization: `Bearer ${token()}` } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["content-type"] = "application/json";
  }
  const r = await fetch(`/admin${path}`, init);
  const text = await r.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: { message: text } };
  }
  if (!r.ok) throw new ApiError(r.status, parsed?.error, parsed);
  return { body: parsed, headers: r.headers, status: r.status };
}

/** `request` for the body alone. */
export async function api(path, options) {
  return (await request(path, options)).body;
}

/** No text shown on the page may contain the admin token (a second lock: nothing quotes it). */
export function redact(text) {
  const t = token();
  const out = String(text);
  return t.length >= 8 ? out.split(t).join("[redacted]") : out;
}

/** `el("td", {class: "x", dataset: {id: "1"}}, "text", child)`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "class") node.className = v;
    else if (k in node && typeof v !== "string") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

export const clock = (ms) => new Date(ms).toISOString().slice(11, 23);

/** A communication identifier as the package gives it (`{phoneNumber}`, `{communicationUserId}`, …), as text. */
export const idText = (id) => id?.phoneNumber ?? id?.communicationUserId ?? id?.microsoftTeamsUserId ?? id?.teamsAppId ?? id?.rawId ?? id?.id ?? JSON.stringify(id);

/** `42 s`, `3 min 05 s`, `1 h 02 min`. */
export function duration(ms) {
  if (!(ms >= 0)) return "";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** A status line: sets text and a data-state the tests (and styles) read. */
export function say(node, text, state = "info") {
  node.textContent = redact(text);
  node.dataset.state = state;
}
