// The flows of the rules in force, each drawn as a graph (flowgraph.mjs): the named flows under
// `flows` (with the rules that answer with them), each rule's inline step graph, and each
// version 1 flow. A version 1 flow is converted to a graph by the worker only (one copy of that
// rule, in Rust): the page draws it once it has seen the graph a call of that rule and revision
// was answered with (`setup.flow` of an opened call), and says so until then.

import { $, el } from "./api.mjs";
import * as flowgraph from "./flowgraph.mjs";

const learned = new Map(); // "revision\0rule" → the graph a call was answered with
let shown; // the GET /admin/rules answer drawn

const ruleKey = (revision, rule) => `${revision}\u0000${rule ?? ""}`;
const ruleName = (rule) => (rule === null ? "the default" : `rule ${rule}`);

/** The flow an action answers with, as written: a name, a graph, a version 1 flow, or none. */
function flowRef(action) {
  const f = action?.answer?.flow;
  if (typeof f === "string") return { name: f };
  if (f && Array.isArray(f.steps)) return { graph: f };
  if (f && typeof f === "object" && Object.keys(f).length) return { legacy: true };
  return {};
}

/**
 * The flows of a rules document: `{key, kind: named|inline|legacy, name?, rule?, flow?, rules?}`,
 * named flows first (each with the rules that use it), then the rules' own, then the default's.
 */
export function flowsOf(doc) {
  const out = [];
  const named = new Map();
  for (const [name, flow] of Object.entries(doc?.flows ?? {})) {
    const item = { key: `flow:${name}`, kind: "named", name, flow, rules: [] };
    named.set(name, item);
    out.push(item);
  }
  const actions = [...(doc?.rules ?? []).map((r) => [r?.name ?? "", r?.action]), [null, doc?.default]];
  for (const [rule, action] of actions) {
    const ref = flowRef(action);
    if (ref.name !== undefined) named.get(ref.name)?.rules.push(ruleName(rule));
    else if (ref.graph) out.push({ key: `rule:${rule ?? ""}`, kind: "inline", rule, flow: ref.graph });
    else if (ref.legacy) out.push({ key: `rule:${rule ?? ""}`, kind: "legacy", rule });
  }
  return out;
}

/**
 * The graph the call of `rule` (null: the default) runs under document `doc`: `{flow, name?}`,
 * `{legacy: true, flow?}` (a version 1 flow: its graph only once a call of `revision` showed it),
 * or `{}` when the action has no flow.
 */
export function flowOfRule(doc, rule, revision) {
  const action = rule === null || rule === undefined ? doc?.default : doc?.rules?.find((r) => r?.name === rule)?.action;
  const ref = flowRef(action);
  if (ref.name !== undefined) return doc?.flows?.[ref.name] ? { flow: doc.flows[ref.name], name: ref.name } : {};
  if (ref.graph) return { flow: ref.graph };
  if (ref.legacy) return { legacy: true, flow: revision ? learned.get(ruleKey(revision, rule)) : undefined };
  return {};
}

/** Remembers the graph a call was answered with (its `setup`), and draws it if it is in force. */
export function learnFlow(setup) {
  if (!setup?.revision || !Array.isArray(setup.flow?.steps) || !setup.flow.steps.length) return;
  const key = ruleKey(setup.revision, setup.rule);
  if (learned.has(key)) return;
  learned.set(key, setup.flow);
  if (shown?.revision === setup.revision) showFlows(shown);
}

/** `flow` drawn (flowgraph.svg with `options`) in a box that scrolls, named by `options.label`. */
export function graphBox(flow, options, attrs = {}) {
  return el("div", { class: "graph-scroll", tabindex: 0, role: "region", "aria-label": `${options.label} (scrolls)`, ...attrs }, flowgraph.svg(flow, options));
}

function caption(item, graph) {
  if (item.kind === "named") {
    return [el("strong", {}, `flow ${item.name}`), el("span", { class: "muted" }, item.rules.length ? ` — answers ${item.rules.join(", ")}` : " — used by no rule")];
  }
  const whose = item.rule === null ? "the default's flow" : `rule ${item.rule}'s flow`;
  if (item.kind === "inline") return [el("strong", {}, whose)];
  return [el("strong", {}, whose), el("span", { class: "muted" }, graph ? " — version 1 flow, as the worker converted it for a call" : " — version 1 flow")];
}

function figure(item, revision) {
  const graph = item.kind === "legacy" ? learned.get(ruleKey(revision, item.rule)) : item.flow;
  const fig = el("figure", { class: "flow-figure", dataset: { flow: item.key, kind: item.kind, drawn: String(Boolean(graph)) } },
    el("figcaption", {}, ...caption(item, graph)));
  if (!graph) {
    fig.append(el("p", { class: "muted legacy-note" }, "version 1 flow — shown after its first call (open a call this rule answered: the worker converts the flow, and the page draws the graph it ran)."));
    return fig;
  }
  const label = item.kind === "named" ? `Flow ${item.name}` : caption(item, graph)[0].textContent;
  fig.append(graphBox(graph, { label }));
  return fig;
}

/** Draws the flows of the rules in force (`loaded`: the GET /admin/rules answer). */
export function showFlows(loaded) {
  shown = loaded;
  // An invalid stored override is not what routes calls (the vars document is): nothing to draw.
  const items = loaded?.document && !loaded.invalid ? flowsOf(loaded.document) : [];
  $("flows-in-force").replaceChildren(...items.map((item) => figure(item, loaded.revision)));
  $("flows-empty").hidden = items.length > 0;
  $("flows-empty").textContent = loaded?.invalid
    ? "The stored override is invalid, so routing uses the vars document: its flows are not drawn here."
    : "No rule answers with a flow.";
}

/** Draws the flows again whenever the rules are (re)loaded. */
export function initFlows() {
  document.addEventListener("rules-loaded", (ev) => showFlows(ev.detail));
}
