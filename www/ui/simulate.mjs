// Simulate a call (POST /admin/flows/simulate): a call (from, to, when) and a script of what
// happens in it — the caller's tones, speech or silence, what a transfer or ring target does,
// the app's answers to webhook steps. The worker runs it through the same call session a live
// call runs, against its model of the service, with the rules in force or the document in the
// editor. The page shows what it answered: the winning rule, the end and why, the variables and
// notes; the path on the flow's graph (visits and moves numbered in order); the timeline as the
// sequence diagram a live call gets (diagram.mjs).

import { $, api, el, say } from "./api.mjs";
import * as diagram from "./diagram.mjs";
import { clearErrors, showFieldError } from "./fielderrors.mjs";
import * as flowgraph from "./flowgraph.mjs";
import { flowOfRule, graphBox } from "./flows.mjs";
import { editedDocument } from "./rules.mjs";

const KINDS = {
  tones: "caller presses tones",
  speech: "caller says",
  silence: "caller is silent",
  target: "a target answers, is busy, …",
  webhook: "the app answers a webhook",
  timeout: "the app does not answer",
};
const OUTCOMES = ["answered", "busy", "noAnswer", "failed"];
let loaded; // the rules in force (GET /admin/rules), for the graph of the winning rule's flow
let last; // the last result drawn: { result, doc }

function entryRow(kind, value = {}) {
  const li = el("li", { class: "script-entry", dataset: { kind } });
  const controls = [];
  const input = (cls, label, v, placeholder) => {
    const i = el("input", { class: cls, value: v ?? "", placeholder, "aria-label": label, autocomplete: "off", spellcheck: "false" });
    controls.push(i);
    return i;
  };
  const body = el("span", { class: "entry-body" });
  if (kind === "tones") body.append(el("span", { class: "entry-kind" }, "tones"), input("tones", "tones the caller presses", value.tones, "1 or 1234#"));
  else if (kind === "speech") body.append(el("span", { class: "entry-kind" }, "says"), input("speech", "what the caller says", value.speech, "billing"));
  else if (kind === "silence") body.append(el("span", { class: "entry-kind" }, "silence"), el("span", { class: "muted" }, " (no input)"));
  else if (kind === "target") {
    const outcome = el("select", { class: "outcome", "aria-label": "what the target does" }, ...OUTCOMES.map((o) => el("option", { value: o }, o)));
    outcome.value = value.outcome ?? "busy";
    controls.push(outcome);
    body.append(el("span", { class: "entry-kind" }, "target"), input("target", "the target (as the step names it)", value.target, "+14255550101"), outcome);
  } else if (kind === "webhook") {
    const t = el("textarea", { class: "webhook", rows: 2, spellcheck: "false", "aria-label": "the app's answer (JSON)", placeholder: '{"goto": "billing", "set": {"customer": "Ada"}}' },
      value.webhook ? JSON.stringify(value.webhook) : "");
    controls.push(t);
    body.append(el("span", { class: "entry-kind" }, "app answers"), t);
  } else body.append(el("span", { class: "entry-kind" }, "app"), el("span", { class: "muted" }, " times out"));
  const move = (dir) => {
    const sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (sib) (dir < 0 ? sib.before(li) : sib.after(li));
    li.querySelector(dir < 0 ? ".up" : ".down").focus();
  };
  li.append(body, el("span", { class: "entry-tools" },
    el("button", { type: "button", class: "small up", "aria-label": "Move earlier", onclick: () => move(-1) }, "↑"),
    el("button", { type: "button", class: "small down", "aria-label": "Move later", onclick: () => move(1) }, "↓"),
    el("button", { type: "button", class: "small remove", "aria-label": "Remove this entry", onclick: () => {
      (li.nextElementSibling ?? li.previousElementSibling)?.querySelector("button")?.focus();
      li.remove();
    } }, "×")));
  li.first = controls[0];
  return li;
}

/** Adds a script entry of `kind` (tones, speech, silence, target, webhook, timeout). */
export function addEntry(kind, value) {
  const li = entryRow(kind, value);
  $("sim-script").append(li);
  return li;
}

/** The script as the worker takes it, with a map from `script[i]` to each entry's control. */
function readScript(at, errors) {
  return [...$("sim-script").children].map((li, i) => {
    const field = `script[${i}]`;
    at.set(field, li.first ?? li);
    const v = (cls) => li.querySelector(`.${cls}`).value.trim();
    switch (li.dataset.kind) {
      case "tones": return { tones: v("tones") };
      case "speech": return { speech: v("speech") };
      case "silence": return { silence: true };
      case "target":
        at.set(`${field}.target`, li.querySelector(".target"));
        return { target: v("target"), outcome: v("outcome") };
      case "webhook":
        try {
          return { webhook: JSON.parse(v("webhook") || "{}") };
        } catch (e) {
          errors.push({ field: `${field}.webhook`, message: `not valid JSON: ${e.message}` });
          return { webhook: {} };
        }
      default: return { webhook: "timeout" };
    }
  });
}

function requestBody(at, errors) {
  const call = { from: $("sim-from").value.trim(), to: $("sim-to").value.trim() };
  // datetime-local is wall-clock time in this browser's zone; the worker takes an instant.
  if ($("sim-at").value) call.at = new Date($("sim-at").value).toISOString();
  const body = { call, script: readScript(at, errors) };
  let doc = loaded?.document;
  if ($("sim-form").elements["sim-rules"].value === "edited") {
    const edited = editedDocument();
    if (edited.error) errors.push({ field: `rules.${edited.error.field}`, message: edited.error.message });
    else body.rules = doc = edited.doc;
  }
  return { body, doc };
}

// ---- the result ----

function facts(r) {
  const row = (name, value) => [el("dt", {}, name), el("dd", { dataset: { fact: name } }, value)];
  return el("dl", { class: "facts" },
    ...row("rule", r.rule ?? "(default)"), ...row("action", r.action), ...row("end", r.end),
    ...row("steps", String(r.path.length)), ...row("commands", String(r.commands.length)),
    ...(r.revision ? row("revision", r.revision) : row("rules", "the document in the editor")));
}

function graphOf(r, doc) {
  const found = r.action === "answer" ? flowOfRule(doc, r.rule ?? null, r.revision) : {};
  if (!found.flow) {
    const why = found.legacy ? "a version 1 flow: its graph is drawn once a call of this rule has shown it" : "no flow graph for this action";
    return el("p", { class: "muted" }, `(${why}; the path is listed above.)`);
  }
  const label = `Simulated path through ${found.name ? `flow ${found.name}` : `rule ${r.rule ?? "default"}'s flow`}`;
  const last = flowgraph.walk(r.path).steps.at(-1)?.id;
  return graphBox(found.flow, { path: r.path, current: last, end: r.end === "open" ? undefined : r.end, label }, { id: "sim-graph" });
}

function sequence(r) {
  const scroller = el("div", { class: "diagram-scroll", id: "sim-diagram-scroll", tabindex: 0, role: "region", "aria-label": "Sequence diagram of the simulated call (scrolls)" });
  const draw = () => {
    const m = diagram.model(r.timeline, { collapse: true });
    const layout = diagram.layoutFor(scroller.clientWidth || $("sim-result").clientWidth);
    const body = diagram.body(m, layout, "sim");
    body.id = "sim-diagram";
    scroller.replaceChildren(diagram.head(m, layout), body);
  };
  return { scroller, draw };
}

function show(r, doc) {
  last = { result: r, doc };
  const box = $("sim-result");
  box.dataset.rule = r.rule ?? "";
  box.dataset.end = r.end;
  box.dataset.path = r.path.join(" ");
  const ended = r.end === "open" ? "the call stays up for an operator" : `the call ends: ${r.end}${r.endReason ? ` (${r.endReason})` : ""}`;
  const { steps } = flowgraph.walk(r.path);
  const vars = Object.entries(r.variables ?? {});
  const seq = sequence(r);
  box.replaceChildren(
    el("p", { class: "verdict" }, ...(r.rule ? ["Rule ", el("strong", {}, r.rule), " wins"] : ["No rule matches: the default applies"]), ` (${r.action}); `, el("strong", { class: "ended" }, ended), "."),
    facts(r),
    el("h4", {}, "Path"),
    steps.length
      ? el("ol", { class: "sim-path" }, ...steps.map((s) => el("li", { dataset: { step: s.id } }, s.id, s.limit ? " (over its visit limit: took limit)" : "")))
      : el("p", { class: "muted" }, "No step ran."),
    graphOf(r, doc),
    el("h4", {}, "Variables"),
    vars.length
      ? el("div", { class: "table-wrap" }, el("table", { class: "vars" }, el("tbody", {}, ...vars.map(([k, v]) => el("tr", { dataset: { variable: k } }, el("th", {}, k), el("td", {}, v))))))
      : el("p", { class: "muted" }, "None set."),
    ...(r.notes?.length ? [el("h4", {}, "Notes"), el("ul", { class: "notes" }, ...r.notes.map((n) => el("li", {}, n)))] : []),
    ...(r.unusedScript?.length ? [el("p", { class: "muted unused" }, `Script entries the call never used: ${r.unusedScript.map((i) => `#${i + 1}`).join(", ")}.`)] : []),
    el("h4", {}, "Sequence"),
    seq.scroller,
    el("details", {}, el("summary", {}, `Commands the worker would send (${r.commands.length})`),
      el("ol", { class: "commands" }, ...r.commands.map((c) => el("li", { dataset: { operation: c.operation } },
        `${c.step ? `${c.step} ▸ ` : ""}${c.operation}${c.operationContext ? ` (${c.operationContext})` : ""} — ${c.request.method} ${c.request.path}`)))),
  );
  seq.draw();
}

async function run(ev) {
  ev.preventDefault();
  const form = $("sim-form");
  clearErrors(form);
  const at = new Map([["call.from", $("sim-from")], ["from", $("sim-from")], ["call.to", $("sim-to")], ["to", $("sim-to")], ["call.at", $("sim-at")], ["at", $("sim-at")], ["document", form]]);
  const errors = [];
  const { body, doc } = requestBody(at, errors);
  if (errors.length) {
    for (const e of errors) showFieldError(form, at, e.field, e.message);
    return;
  }
  $("sim-result").dataset.state = "running";
  say($("sim-state"), "Simulating…");
  try {
    show(await api("/flows/simulate", { method: "POST", body }), doc);
    $("sim-result").dataset.state = "done";
    say($("sim-state"), "");
  } catch (e) {
    const box = $("sim-result");
    box.dataset.state = "error";
    for (const key of ["rule", "end", "path"]) delete box.dataset[key];
    box.replaceChildren();
    last = undefined;
    say($("sim-state"), "The worker refused the simulation:", "error");
    showFieldError(form, at, e.field ?? "document", e.message);
  }
}

/** Wires the simulation form. */
export function initSimulate() {
  $("sim-form").onsubmit = run;
  $("sim-add").onclick = () => {
    const li = addEntry($("sim-kind").value);
    (li.first ?? li.querySelector("button")).focus();
  };
  $("sim-kind").replaceChildren(...Object.entries(KINDS).map(([k, text]) => el("option", { value: k }, text)));
  $("sim-zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.addEventListener("rules-loaded", (ev) => (loaded = ev.detail));
  // A phone turned sideways: the diagram's layout may change.
  let width = 0;
  new ResizeObserver(([entry]) => {
    const w = Math.round(entry.contentRect.width);
    if (last && diagram.layoutFor(w) !== diagram.layoutFor(width)) show(last.result, last.doc);
    width = w;
  }).observe($("sim-result"));
}
