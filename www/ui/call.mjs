// One call: its facts, how it was routed (GET /admin/decisions/{serverCallId}), its flow as a
// graph with the step it is in, and its live sequence diagram from the timeline stream (a WebSocket:
// `timeline` per entry, `update` when an entry changed, `callbacks` with the verified callback
// events, `end` when the call leg is gone). The stream carries no flow state: each entry that
// arrives asks the call's object again (GET /admin/calls/{id}: `setup.flow`, `flow.step`), at
// most one request at a time.

import { $, api, clock, el, say, token } from "./api.mjs";
import { callDuration, callById } from "./calls.mjs";
import * as diagram from "./diagram.mjs";
import * as flowgraph from "./flowgraph.mjs";
import { learnFlow } from "./flows.mjs";

let current; // { id, entries: Map<seq, entry>, callbacksSeen, stream, ended }
const listeners = [];
const callbackListeners = [];

/** The selected call's timeline entries (the Call control panel's outcomes of actions without a wait). */
export const timelineEntries = () => (current ? [...current.entries.values()] : []);

/** `fn(entry, isNew)` for each timeline entry streamed (the Call control panel's roster refresh and outcomes). */
export function onEntry(fn) {
  listeners.push(fn);
}

/**
 * `fn({events, dropped, missed})` for the selected call's callback events (CloudEvents) as they
 * are streamed, each once (a reconnected stream sends them again from the first kept):
 * `dropped` is how many of the call's oldest events the worker dropped for its cap, `missed`
 * how many of them this page had not seen.
 */
export function onCallbacks(fn) {
  callbackListeners.push(fn);
}

function fact(name, value) {
  return [el("dt", {}, name), el("dd", { dataset: { fact: name } }, value ?? "")];
}

/** The header facts, from the call index (status and end move on while the call runs). */
export function showFacts() {
  if (!current) return;
  const c = callById(current.id) ?? current.summary;
  $("call-facts").replaceChildren(
    ...fact("status", c.status),
    ...fact("rule", c.rule ?? "(default)"),
    ...fact("caller", c.caller),
    ...fact("callee", c.callee),
    ...fact("duration", callDuration(c)),
  );
}

async function showDecision(id, summary) {
  const box = $("decision");
  box.replaceChildren(el("p", { class: "muted" }, "Loading how the call was routed…"));
  try {
    const serverCallId = summary.serverCallId ?? (await api(`/calls/${encodeURIComponent(id)}`)).serverCallId;
    if (!serverCallId) throw new Error("no server call id seen yet");
    const { decisions } = await api(`/decisions/${encodeURIComponent(serverCallId)}`);
    box.replaceChildren(el("h3", {}, "Routing decision"), el("ol", { class: "decisions" }, ...decisions.map((d) => el("li", { dataset: { rule: d.rule ?? "", action: Object.keys(d.action ?? {})[0] ?? "" } },
      el("strong", {}, d.rule ? `rule ${d.rule}` : "the default"), ` — ${d.summary ?? JSON.stringify(d.action)}`,
      el("div", { class: "muted" }, `${d.from} → ${d.to} at ${clock(d.atMs)} UTC; Call Automation answered ${d.serviceStatus}`)))));
    box.dataset.loaded = "true";
  } catch (e) {
    box.replaceChildren(el("p", { class: "muted" }, `No routing decision to show: ${e.message}`));
    box.dataset.loaded = "false";
  }
}

// ---- the call's flow ----

const WAITS = {
  play: "its prompt to finish",
  collect: "the caller's input",
  transfer: "the transfer target",
  ring: "the targets it rings",
  park: "an operator (the caller is parked)",
  webhook: "the app's answer",
  goodbye: "its goodbye prompt",
};
const flowFetch = { timer: 0, busy: false, again: false };

function flowWhere(run, graph) {
  if (run.end) return `The flow ended${run.step ? ` in step ${run.step}` : ""}: ${run.end}${run.endReason ? ` (${run.endReason})` : ""}.`;
  if (!run.started) return "The flow starts once the call is connected.";
  if (!run.step) return "The flow has started.";
  const kind = flowgraph.kindOf(graph.steps.find((s) => s.id === run.step));
  const wait = WAITS[run.wait?.on];
  return `In step ${run.step} (${kind})${wait ? `, waiting for ${wait}` : ""}.`;
}

/** Draws the call's flow (`setup.flow`) with its path so far and the step it is in. */
function showFlow(state) {
  const section = $("call-flow");
  const setup = state.setup;
  const run = state.flow ?? {};
  learnFlow(setup);
  const graph = setup?.flow;
  const path = (run.path ?? []).filter((p) => !p.startsWith("!"));
  const step = run.step ?? (run.end ? flowgraph.walk(path).steps.at(-1)?.id : undefined);
  section.dataset.step = step ?? "";
  section.dataset.end = run.end ?? "";
  section.dataset.path = path.join(" ");
  section.dataset.loaded = "true";
  const box = $("call-flow-graph");
  if (!graph?.steps?.length) {
    say($("call-flow-where"), setup ? "No flow: the call was answered and is left to an operator (Call control below)." : "The call's routing is not known yet.");
    box.replaceChildren();
    box.hidden = $("call-flow-legend").hidden = true;
    return;
  }
  say($("call-flow-where"), flowWhere({ ...run, step }, graph), run.end ? "ended" : "live");
  const label = graph.name ? `Flow ${graph.name}` : `Rule ${setup.rule ?? "default"}'s flow`;
  const [left, top] = [box.scrollLeft, box.scrollTop];
  box.replaceChildren(flowgraph.svg(graph, { path: run.path, current: step, end: run.end, label }));
  box.hidden = $("call-flow-legend").hidden = false;
  box.scrollTo(left, top);
  // A phone shows part of a wide graph: the step the call moved to comes into view.
  if (step !== box.dataset.revealed) flowgraph.reveal(box, step);
  box.dataset.revealed = step ?? "";
  $("call-flow-title").textContent = `${label}${setup.revision ? ` · revision ${setup.revision}` : ""}`;
}

async function refreshFlow() {
  if (!current) return;
  if (flowFetch.busy) return void (flowFetch.again = true);
  flowFetch.busy = true;
  const id = current.id;
  try {
    const state = await api(`/calls/${encodeURIComponent(id)}`);
    if (current?.id === id) showFlow(state);
  } catch (e) {
    if (current?.id === id) say($("call-flow-where"), `The call's flow could not be read: ${e.message}`, "error");
  } finally {
    flowFetch.busy = false;
    if (flowFetch.again) {
      flowFetch.again = false;
      flowSoon();
    }
  }
}

/** Reads the call's flow state soon (at most every 200 ms while entries stream in). */
function flowSoon(ms = 200) {
  if (flowFetch.timer) return;
  flowFetch.timer = setTimeout(() => {
    flowFetch.timer = 0;
    refreshFlow();
  }, ms);
}

// ---- the sequence diagram ----

function draw() {
  if (!current) return;
  const entries = [...current.entries.values()];
  const m = diagram.model(entries, { collapse: $("collapse").checked });
  const scroller = $("diagram-scroll");
  const follow = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 24;
  const layout = diagram.layoutFor(scroller.clientWidth);
  const head = diagram.head(m, layout);
  head.id = "diagram-head";
  const body = diagram.body(m, layout);
  body.id = "diagram";
  $("diagram-head").replaceWith(head);
  $("diagram").replaceWith(body);
  if (follow) scroller.scrollTop = scroller.scrollHeight;
  $("mermaid").value = diagram.mermaid(m);
  $("timeline").replaceChildren(...diagram.ordered(entries).map(textLine));
  current.model = m;
}

let pending = 0;
function redraw() {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(draw);
}

function textLine(e) {
  const arrow = e.source === "command" ? "→" : "←";
  const ctx = e.operationContext ? ` (${e.operationContext})` : "";
  const step = e.step ? `${e.step} ▸ ` : "";
  return el("li", { class: e.source, dataset: { seq: e.seq } }, `${clock(e.atMs)} ${arrow} ${step}${e.kind}${ctx} ${e.detail ?? ""}${e.status ? ` [${e.status}]` : ""}`);
}

function setStream(state, text) {
  const s = $("stream-state");
  s.dataset.state = state;
  s.textContent = text;
}

/** How long the page waits before it reconnects a live stream that dropped: doubling from 0.5 s to 15 s. */
const RECONNECT_MS = [500, 1000, 2000, 4000, 8000, 15000];

/**
 * Streams the call: a WebSocket the call's object keeps and pushes each change to (the call so
 * far first, then `timeline`, `update`, `callbacks`, and `end`). A stream that drops before
 * `end` (a deploy, the network) is opened again on its own; the object sends everything again
 * and the page keeps each entry once (by `seq`) and each callback event once (by number).
 */
function watch(attempt = 0) {
  const id = current.id;
  current.stream?.close();
  // A browser's WebSocket cannot send headers: the stream accepts ?access_token=.
  const url = new URL(`/admin/calls/${encodeURIComponent(id)}/events?access_token=${encodeURIComponent(token())}`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const stream = new WebSocket(url);
  current.stream = stream;
  let ended = false;
  setStream(attempt ? "reconnecting" : "live", attempt ? "reconnecting…" : "live");
  stream.onopen = () => {
    if (current?.stream === stream) setStream("live", "live");
    attempt = 0;
  };
  const take = (e) => {
    const isNew = !current.entries.has(e.seq);
    current.entries.set(e.seq, e);
    redraw();
    flowSoon();
    for (const fn of listeners) fn(e, isNew);
  };
  const callbacks = ({ first, dropped, events }) => { // events numbered first, first + 1, …
    const seen = current.callbacksSeen;
    const fresh = events.slice(Math.max(0, seen + 1 - first));
    if (!fresh.length) return;
    const batch = { events: fresh, dropped, missed: Math.max(0, first - seen - 1) };
    current.callbacksSeen = Math.max(seen, first + events.length - 1);
    for (const fn of callbackListeners) fn(batch);
  };
  const end = ({ status }) => {
    ended = true;
    flowSoon(0);
    setStream("ended", `ended (${status})`);
    document.dispatchEvent(new CustomEvent("call-ended", { detail: { id, status } }));
  };
  stream.onmessage = (m) => {
    if (current?.stream !== stream) return;
    const { event, data } = JSON.parse(m.data);
    if (event === "timeline" || event === "update") take(data);
    else if (event === "callbacks") callbacks(data);
    else if (event === "end") end(data);
  };
  stream.onclose = () => {
    if (current?.stream !== stream || ended) return;
    const wait = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
    setStream("reconnecting", "reconnecting…");
    current.reconnect = setTimeout(() => { if (current?.stream === stream) watch(attempt + 1); }, wait);
  };
}

/** Shows call `summary` (an index entry) and streams its timeline. */
export function openCall(summary) {
  clearTimeout(current?.reconnect);
  current?.stream?.close();
  current = { id: summary.callConnectionId, summary, entries: new Map(), callbacksSeen: 0 };
  $("call").hidden = false;
  $("call-title").textContent = `Call ${summary.callConnectionId}`;
  showFacts();
  draw();
  $("call-flow").dataset.loaded = "false";
  $("call-flow-title").textContent = "Flow";
  $("call-flow-graph").replaceChildren();
  delete $("call-flow-graph").dataset.revealed;
  say($("call-flow-where"), "Loading the call's flow…");
  flowSoon(0);
  showDecision(summary.callConnectionId, summary);
  watch();
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Wires the diagram's toolbar. */
export function initCall() {
  $("collapse").onchange = draw;
  $("export-svg").onclick = () => {
    if (current?.model) download(`call-${current.id}.svg`, "image/svg+xml", diagram.standalone(current.model));
  };
  $("copy-mermaid").onclick = async () => {
    const text = $("mermaid").value;
    try {
      await navigator.clipboard.writeText(text);
      say($("copy-state"), "Mermaid text copied", "ok");
    } catch {
      // No clipboard permission: the text is selected for Ctrl+C.
      $("mermaid-details").open = true;
      $("mermaid").select();
      say($("copy-state"), "Selected: press Ctrl+C to copy", "info");
    }
  };
  document.addEventListener("calls-updated", showFacts);
  // A phone turned sideways, a window resized: the layout may change.
  let width = 0;
  new ResizeObserver(([entry]) => {
    const w = Math.round(entry.contentRect.width);
    if (diagram.layoutFor(w) !== diagram.layoutFor(width)) redraw();
    width = w;
  }).observe($("diagram-scroll"));
}
