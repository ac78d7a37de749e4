// The list of calls (GET /admin/calls, a page at a time, newest first), refreshed every few
// seconds while the tab is visible, filtered by number or status in the page. The poll reloads
// the newest page; "Older calls" adds the next page (by the list's cursor) below it.

import { $, api, duration, el, say } from "./api.mjs";

const POLL_MS = 2000;
let calls = [];
/** Entries of the older pages loaded with "Older calls", and the cursor of the next one. */
let older = [];
let olderCursor;
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

/** Opens call `id` as if its row were picked (a call not in the pages loaded opens from its id alone). */
export function selectCall(id) {
  if (calls.some((c) => c.callConnectionId === id)) select(id);
  else onSelect({ callConnectionId: id });
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

/** The newest page and the older pages loaded, each call once (the newest page wins). */
function merge(newest) {
  const seen = new Set(newest.map((c) => c.callConnectionId));
  return newest.concat(older.filter((c) => !seen.has(c.callConnectionId)));
}

function showMore(cursor) {
  $("calls-more").hidden = !cursor;
  $("calls-more").dataset.cursor = cursor ?? "";
}

/** Loads the list once now (drawn again only when it changed); throws the API's error. */
export async function refreshCalls() {
  const body = await api("/calls");
  const next = merge(body.calls);
  const text = JSON.stringify(next);
  if (text === lastText) tick();
  else {
    calls = next;
    lastText = text;
    render();
  }
  if (!older.length) showMore(body.cursor);
  $("calls").dataset.loadedAt = String(Date.now());
  document.dispatchEvent(new CustomEvent("calls-updated"));
}

/** Adds the next older page below the list. */
async function loadOlder() {
  const cursor = olderCursor ?? $("calls-more").dataset.cursor;
  if (!cursor) return;
  try {
    const body = await api(`/calls?cursor=${encodeURIComponent(cursor)}`);
    older = older.concat(body.calls);
    olderCursor = body.cursor ?? "";
    showMore(body.cursor);
    lastText = "";
    await refreshCalls();
  } catch (e) {
    say($("error"), `calls: ${e.message}`, "error");
  }
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
  $("calls-more").onclick = loadOlder;
  clearTimeout(timer);
  poll();
}
