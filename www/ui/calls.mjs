// The list of calls (GET /admin/calls), refreshed every few seconds while the tab is visible,
// filtered by number or status in the page.

import { $, api, duration, el, say } from "./api.mjs";

const POLL_MS = 2000;
let calls = [];
let selectedId;
let onSelect = () => {};
let timer;

/** Digits of a number-like query (`+1 425-555`), or undefined for other text (`8:acs:…`). */
function digitsOf(q) {
  return /^[\d\s+().-]+$/.test(q) ? q.replace(/\D/g, "") : undefined;
}

function matches(c) {
  const status = $("status-filter").value;
  if (status && c.status !== status) return false;
  const q = $("call-filter").value.trim().toLowerCase();
  if (!q) return true;
  const digits = digitsOf(q);
  return [c.caller, c.callee].some((v) => {
    const s = String(v ?? "").toLowerCase();
    return digits ? digits !== "" && s.replace(/\D/g, "").includes(digits) : s.includes(q);
  });
}

/** How long the call lasted, or has lasted so far. */
export function callDuration(c, now = Date.now()) {
  if (!c.answeredAtMs) return "";
  const end = c.endedAtMs ?? (c.status === "disconnected" || c.status === "transferred" ? undefined : now);
  return end === undefined ? "" : duration(end - c.answeredAtMs);
}

function row(c) {
  const open = el("button", { type: "button", class: "link call-open", title: c.callConnectionId }, c.callConnectionId);
  const tr = el("tr", { class: "call", dataset: { id: c.callConnectionId, status: c.status } },
    el("td", {}, open),
    el("td", { class: "state" }, el("span", { class: `badge status-${c.status}` }, c.status), el("span", { class: "rule" }, c.rule ?? "(default)")),
    el("td", { class: "num parties" }, el("span", { class: "caller" }, c.caller ?? ""), el("span", { class: "callee" }, `→ ${c.callee ?? ""}`)),
    el("td", { class: "dur" }, callDuration(c)));
  if (c.callConnectionId === selectedId) tr.setAttribute("aria-current", "true");
  tr.onclick = () => select(c.callConnectionId);
  return tr;
}

function render() {
  const shown = calls.filter(matches);
  // Keep the keyboard where it was: the focused row's button is focused again.
  const focused = document.activeElement?.closest?.("#calls tr")?.dataset.id;
  $("calls").replaceChildren(...shown.map(row));
  if (focused) $("calls").querySelector(`tr[data-id="${CSS.escape(focused)}"] button`)?.focus();
  $("calls").dataset.count = String(shown.length);
  $("calls-empty").hidden = shown.length > 0;
  $("calls-empty").textContent = calls.length ? "No call matches the filter." : "No calls yet.";
}

function select(id) {
  selectedId = id;
  render();
  const c = calls.find((x) => x.callConnectionId === id);
  if (c) onSelect(c);
}

/** The newest index entry of a call (status, end), for the selected call's header. */
export const callById = (id) => calls.find((c) => c.callConnectionId === id);

/** Durations of live calls move on between loads. */
function tick() {
  for (const tr of $("calls").children) {
    const c = callById(tr.dataset.id);
    const cell = tr.querySelector(".dur");
    if (c && cell) cell.textContent = callDuration(c);
  }
}

let lastText = "";

/** Loads the list once now (drawn again only when it changed); throws the API's error. */
export async function refreshCalls() {
  const body = await api("/calls");
  const text = JSON.stringify(body.calls);
  if (text === lastText) tick();
  else {
    calls = body.calls;
    lastText = text;
    render();
  }
  $("calls").dataset.loadedAt = String(Date.now());
  document.dispatchEvent(new CustomEvent("calls-updated"));
}

async function poll() {
  try {
    if (!document.hidden) await refreshCalls();
    say($("error"), "");
  } catch (e) {
    say($("error"), `calls: ${e.message}`, "error");
  }
  timer = setTimeout(poll, POLL_MS);
}

/** Starts the live list; `select` is called with a call's index entry when one is picked. */
export function startCalls(select) {
  onSelect = select;
  $("call-filter").oninput = render;
  $("status-filter").onchange = render;
  clearTimeout(timer);
  poll();
}
