// Routing rules: the rules in force and where they come from (GET /admin/rules), an editor
// whose save goes through the worker's validation (PUT /admin/rules with If-Match, the revision
// read: a refusal is shown at the field it names, a 412 says the rules changed since), in two
// modes — a form for rules and their conditions, and the whole document as JSON (jsonedit.mjs)
// — whose flows are drawn by flows.mjs. This page never decides a match itself (dryrun.mjs asks
// the worker).

import { $, api, el, request, say } from "./api.mjs";
import { clearErrors, showFieldError } from "./fielderrors.mjs";
import { jsonEditor } from "./jsonedit.mjs";

const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TEXT_KINDS = [["", "any"], ["exact", "is"], ["prefix", "starts with"], ["pattern", "matches (# * ?)"]];
let loaded; // GET /admin/rules
let etag; // its ETag: the revision the editor started from
let base; // the document the form edits (its other keys, such as `flows`, are kept as they are)
let mode = "form"; // or "json"
let json; // the JSON mode's editor (jsonedit.mjs)
let uid = 0;
const nextId = (p) => `${p}-${++uid}`;

// ---- the rules in force ----

function showInForce() {
  const { source, summary, invalid } = loaded;
  $("rules-source").textContent = source === "kv"
    ? "From the KV override (saved here or with PUT /admin/rules); restoring drops it and the wrangler vars document applies again."
    : "From the ROUTING_RULES var in wrangler.toml (no KV override saved).";
  $("rules-source").dataset.source = source;
  $("rules-restore").hidden = source !== "kv";
  const items = summary
    ? [...summary.rules.map((r) => el("li", { dataset: { rule: r.name } }, el("strong", {}, r.name), el("span", { class: "when" }, ` when ${r.conditions}`), el("span", { class: "then" }, ` → ${r.action}`))),
      el("li", { class: "default", dataset: { rule: "" } }, el("strong", {}, "otherwise"), el("span", { class: "then" }, ` → ${summary.default}`))]
    : [el("li", { class: "error" }, `The stored override is invalid (${invalid?.field}: ${invalid?.message}); routing uses the vars document.`)];
  $("rules-in-force").replaceChildren(...items);
}

// ---- the editor: one fieldset per rule; serialize() reads it back with a map from each
// field path (rules[2].match.time[0].timeZone) to the control that edits it ----

function labelled(text, control, cls = "field") {
  if (!control.id) control.id = nextId("f");
  return el("div", { class: cls }, el("label", { for: control.id }, text), control);
}

function select(options, value, attrs = {}) {
  const s = el("select", attrs, ...options.map(([v, t]) => el("option", { value: v }, t)));
  s.value = value ?? "";
  return s;
}

function textCondition(name, key, cond) {
  const [kind, value] = cond ? Object.entries(cond)[0] : ["", ""];
  const kindSel = select(TEXT_KINDS, kind, { class: "kind", "aria-label": `${name}: kind of match` });
  const input = el("input", { class: "value", value, size: 18, "aria-label": `${name}: text`, autocomplete: "off" });
  const sync = () => (input.disabled = !kindSel.value);
  kindSel.onchange = sync;
  sync();
  return el("div", { class: "cond", dataset: { key } }, el("span", { class: "cond-name" }, name), kindSel, input);
}

function headerRow(group, name = "", cond = { exact: "" }) {
  const [kind, value] = Object.entries(cond)[0];
  const row = el("div", { class: "header-row" },
    el("input", { class: "h-name", value: name, size: 16, placeholder: "header name", "aria-label": `${group} header name`, autocomplete: "off" }),
    select(TEXT_KINDS.slice(1), kind, { class: "kind", "aria-label": `${group} header: kind of match` }),
    el("input", { class: "value", value, size: 12, "aria-label": `${group} header value`, autocomplete: "off" }));
  row.append(el("button", { type: "button", class: "small", onclick: () => row.remove(), "aria-label": `Remove ${group} header` }, "×"));
  return row;
}

function headerList(group, title, headers = {}) {
  const list = el("div", { class: "rows" }, ...Object.entries(headers).map(([n, c]) => headerRow(title, n, c)));
  return el("div", { class: "headers", dataset: { group } },
    el("span", { class: "cond-name" }, `${title} headers`), list,
    el("button", { type: "button", class: "small", onclick: () => list.append(headerRow(title)) }, `+ ${title} header`));
}

function windowRow(w = { timeZone: "", days: [], start: "09:00", end: "17:00" }) {
  const days = (w.days ?? []).map((d) => d.toLowerCase());
  const dayBoxes = el("fieldset", { class: "days" }, el("legend", {}, "days (none = every day)"),
    ...WEEK.map((d) => el("label", {}, el("input", { type: "checkbox", value: d, checked: days.includes(d) }), d)));
  const row = el("div", { class: "window-row" },
    labelled("time zone", el("input", { class: "tz", value: w.timeZone, list: "tz-list", size: 18, autocomplete: "off" })),
    dayBoxes,
    labelled("from", el("input", { class: "start", value: w.start, size: 5, placeholder: "HH:MM", autocomplete: "off" })),
    labelled("until", el("input", { class: "end", value: w.end, size: 5, placeholder: "HH:MM", autocomplete: "off" })));
  row.append(el("button", { type: "button", class: "small", onclick: () => row.remove(), "aria-label": "Remove time window" }, "×"));
  return row;
}

function windowList(windows = []) {
  const list = el("div", { class: "rows" }, ...windows.map(windowRow));
  return el("div", { class: "windows" }, el("span", { class: "cond-name" }, "time windows (any may hold)"), list,
    el("button", { type: "button", class: "small", onclick: () => list.append(windowRow()) }, "+ time window"));
}

function actionEditor(action) {
  const [type, body] = Object.entries(action ?? { reject: {} })[0];
  const typeSel = select([["answer", "answer"], ["redirect", "redirect"], ["reject", "reject"]], type, { class: "action-type" });
  const target = el("input", { class: "target", value: body?.target ?? "", size: 18, placeholder: "+1… or 8:acs:…", autocomplete: "off" });
  const reason = select([["none", "none"], ["busy", "busy"], ["forbidden", "forbidden"]], body?.reason ?? "none", { class: "reason" });
  const flow = el("textarea", { class: "flow", rows: 6, spellcheck: "false" }, body?.flow && Object.keys(body.flow).length ? JSON.stringify(body.flow, null, 2) : "");
  const parts = {
    answer: labelled("flow (JSON: a flow's name in quotes, a graph {start, steps}, or {greeting, menu}; empty = none)", flow, "field wide"),
    redirect: labelled("to", target),
    reject: labelled("reason", reason),
  };
  const sync = () => {
    for (const [k, p] of Object.entries(parts)) p.hidden = k !== typeSel.value;
  };
  typeSel.onchange = sync;
  sync();
  return el("div", { class: "action" }, labelled("action", typeSel), ...Object.values(parts));
}

function ruleFieldset(rule, open = false) {
  const m = rule.match ?? {};
  const d = el("details", { class: "rule", open });
  const title = el("span", { class: "rule-title" });
  const name = el("input", { class: "rule-name", value: rule.name ?? "", size: 20, autocomplete: "off" });
  const showName = () => {
    title.textContent = name.value.trim() || "(unnamed)";
    d.dataset.name = name.value.trim();
  };
  name.oninput = showName;
  showName();
  const move = (dir) => {
    const sib = dir < 0 ? d.previousElementSibling : d.nextElementSibling;
    if (sib) (dir < 0 ? sib.before(d) : sib.after(d));
    renumber();
    d.querySelector(dir < 0 ? ".move-up" : ".move-down").focus();
  };
  d.append(
    el("summary", {}, el("span", { class: "rule-no" }), title),
    el("div", { class: "rule-body" },
      labelled("name", name),
      el("div", { class: "conds" },
        textCondition("callee (to)", "to", m.to),
        textCondition("caller (from)", "from", m.from),
        textCondition("display name", "callerDisplayName", m.callerDisplayName),
        headerList("sipHeaders", "SIP", m.sipHeaders),
        headerList("voipHeaders", "VoIP", m.voipHeaders),
        windowList(m.time)),
      actionEditor(rule.action),
      el("div", { class: "rule-tools" },
        el("button", { type: "button", class: "small move-up", onclick: () => move(-1) }, "↑ earlier"),
        el("button", { type: "button", class: "small move-down", onclick: () => move(1) }, "↓ later"),
        el("button", { type: "button", class: "small danger", onclick: () => (d.remove(), renumber()) }, "Remove rule"))));
  return d;
}

function renumber() {
  [...$("rules-list").children].forEach((d, i) => {
    d.querySelector(".rule-no").textContent = `Rule ${i + 1} ·`;
    d.dataset.index = String(i);
  });
}

function showEditor(doc = loaded.document) {
  base = doc;
  $("rules-list").replaceChildren(...(doc.rules ?? []).map((r) => ruleFieldset(r)));
  renumber();
  $("rules-default").replaceChildren(el("legend", {}, "Default (no rule matches)"), actionEditor(doc.default ?? { reject: { reason: "none" } }));
  $("tz-list").replaceChildren(...(loaded.timeZones ?? []).map((z) => el("option", { value: z })));
  clearErrors($("rules-form"));
}

function readText(div, path, at) {
  const kind = div.querySelector(".kind").value;
  const input = div.querySelector(".value");
  at.set(path, kind ? input : div.querySelector(".kind"));
  return kind ? { [kind]: input.value } : undefined;
}

function readAction(root, path, at, errors) {
  const type = root.querySelector(".action-type").value;
  at.set(path, root.querySelector(".action-type"));
  if (type === "redirect") {
    at.set(`${path}.redirect.target`, root.querySelector(".target"));
    return { redirect: { target: root.querySelector(".target").value.trim() } };
  }
  if (type === "reject") {
    at.set(`${path}.reject.reason`, root.querySelector(".reason"));
    return { reject: { reason: root.querySelector(".reason").value } };
  }
  const flowBox = root.querySelector(".flow");
  at.set(`${path}.answer.flow`, flowBox);
  const text = flowBox.value.trim();
  if (!text) return { answer: {} };
  try {
    return { answer: { flow: JSON.parse(text) } };
  } catch (e) {
    errors.push({ field: `${path}.answer.flow`, message: `not valid JSON: ${e.message}` });
    return { answer: {} };
  }
}

/** The document the editor shows, a map from field paths to controls, and JSON errors. */
function serialize() {
  const at = new Map();
  const errors = [];
  const rules = [...$("rules-list").children].map((fs, i) => {
    const p = `rules[${i}]`;
    at.set(p, fs);
    const name = fs.querySelector(".rule-name");
    at.set(`${p}.name`, name);
    const match = {};
    for (const div of fs.querySelectorAll(".cond")) {
      const c = readText(div, `${p}.match.${div.dataset.key}`, at);
      if (c) match[div.dataset.key] = c;
    }
    for (const group of fs.querySelectorAll(".headers")) {
      const key = group.dataset.group;
      for (const row of group.querySelectorAll(".header-row")) {
        const hname = row.querySelector(".h-name").value.trim();
        const kind = row.querySelector(".kind").value;
        at.set(`${p}.match.${key}.${hname}`, row.querySelector(hname ? ".value" : ".h-name"));
        (match[key] ??= {})[hname] = { [kind]: row.querySelector(".value").value };
      }
    }
    [...fs.querySelectorAll(".window-row")].forEach((row, w) => {
      const wp = `${p}.match.time[${w}]`;
      at.set(wp, row);
      at.set(`${wp}.timeZone`, row.querySelector(".tz"));
      at.set(`${wp}.days`, row.querySelector(".days"));
      at.set(`${wp}.start`, row.querySelector(".start"));
      at.set(`${wp}.end`, row.querySelector(".end"));
      const days = [...row.querySelectorAll(".days input:checked")].map((b) => b.value);
      (match.time ??= []).push({
        timeZone: row.querySelector(".tz").value.trim(),
        ...(days.length ? { days } : {}),
        start: row.querySelector(".start").value.trim(),
        end: row.querySelector(".end").value.trim(),
      });
    });
    const rule = { name: name.value.trim() };
    if (Object.keys(match).length) rule.match = match;
    rule.action = readAction(fs.querySelector(".action"), `${p}.action`, at, errors);
    return rule;
  });
  const def = readAction($("rules-default").querySelector(".action"), "default", at, errors);
  at.set("document", $("rules-form"));
  return { doc: { ...base, version: base.version ?? 1, default: def, rules }, at, errors };
}

// ---- load, save, restore ----

export async function loadRules() {
  const r = await request("/rules");
  loaded = r.body;
  etag = r.headers.get("etag") ?? `"${loaded.revision}"`;
  showInForce();
  showEditor();
  if (mode === "json") json.set(loaded.document);
  $("rules-reload").hidden = true;
  $("rules-section").dataset.loaded = "true";
  $("rules-section").dataset.revision = loaded.revision ?? "";
  document.dispatchEvent(new CustomEvent("rules-loaded", { detail: loaded }));
}

/** The ETag of the live rules this page loaded (a publish names it: 412 when they changed since). */
export const liveEtag = () => etag;

/**
 * The document in the editor, in either mode: `{doc, text}`, or `{error: {field, message}}`
 * when it is not JSON yet (the simulation's "the document in the editor").
 */
export function editedDocument() {
  if (mode === "json") {
    try {
      return { doc: JSON.parse(json.text()), text: json.text() };
    } catch (e) {
      return { error: { field: "document", message: `not valid JSON: ${e.message}` } };
    }
  }
  const { doc, errors } = serialize();
  return errors.length ? { error: errors[0] } : { doc, text: JSON.stringify(doc) };
}

function setMode(next) {
  if (next === mode) return;
  clearErrors($("rules-form"));
  if (next === "json") {
    const { doc, at, errors } = serialize();
    if (errors.length) {
      for (const e of errors) showFieldError($("rules-form"), at, e.field, e.message);
      say($("rules-state"), "Fix the marked field to switch to JSON.", "error");
      return;
    }
    json.set(doc);
  } else {
    let doc;
    try {
      doc = JSON.parse(json.text());
      if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error("the document is not an object");
      if (doc.rules !== undefined && !Array.isArray(doc.rules)) throw new Error("`rules` is not a list");
    } catch (e) {
      json.showError({ field: "document", message: e instanceof SyntaxError ? `not valid JSON: ${e.message}` : e.message });
      say($("rules-state"), "The form needs a document it can show: fix the text first.", "error");
      return;
    }
    showEditor(doc);
  }
  mode = next;
  $("rules-form").dataset.mode = mode;
  $("mode-form").setAttribute("aria-pressed", String(mode === "form"));
  $("mode-json").setAttribute("aria-pressed", String(mode === "json"));
  $("rules-form-fields").hidden = mode !== "form";
  $("json-editor").hidden = mode !== "json";
  say($("rules-state"), "");
  if (mode === "json") json.shown();
}

/** A refusal of the save: 412 (someone saved since the editor loaded), or the worker's field. */
function refused(e, at) {
  if (e.status === 412) {
    $("rules-reload").hidden = false;
    say($("rules-state"), "Not saved: the rules changed since you opened them. Reload them (your edits here are dropped), then edit again.", "stale");
    return;
  }
  if (mode === "json") json.showError({ field: e.field, message: e.message });
  else if (e.field) showFieldError($("rules-form"), at, e.field, e.message);
  say($("rules-state"), `Not saved (the worker refused it): ${e.message}`, "error");
}

async function save(ev) {
  ev.preventDefault();
  const form = $("rules-form");
  clearErrors(form);
  let body;
  let at = new Map();
  if (mode === "json") body = json.text();
  else {
    const read = serialize();
    at = read.at;
    if (read.errors.length) {
      for (const e of read.errors) showFieldError(form, at, e.field, e.message);
      say($("rules-state"), "Not saved: fix the marked field.", "error");
      return;
    }
    body = read.doc;
  }
  say($("rules-state"), "Saving…");
  try {
    const r = await api("/rules", { method: "PUT", body, headers: { "if-match": etag } });
    await loadRules();
    say($("rules-state"), `Saved ${r.rules} rule(s) as the KV override (revision ${r.revision}): the next call is routed by them.`, "ok");
  } catch (e) {
    refused(e, at);
  }
}

async function restore() {
  if (!confirm("Drop the KV override and route with the wrangler vars rules again?")) return;
  try {
    await api("/rules", { method: "DELETE", headers: { "if-match": etag } });
    await loadRules();
    say($("rules-state"), "Override dropped: the vars rules apply.", "ok");
  } catch (e) {
    refused(e, new Map());
  }
}

export function initRules() {
  $("rules-form").onsubmit = save;
  $("rules-add").onclick = () => {
    const rule = ruleFieldset({ name: "", action: { reject: { reason: "none" } } }, true);
    $("rules-list").append(rule);
    renumber();
    rule.querySelector(".rule-name").focus();
  };
  $("rules-discard").onclick = () => {
    clearErrors($("rules-form"));
    showEditor();
    if (mode === "json") json.set(loaded.document);
    say($("rules-state"), "Changes discarded.");
  };
  $("rules-reload").onclick = async () => {
    try {
      await loadRules();
      say($("rules-state"), `Reloaded: revision ${loaded.revision} is in force.`, "ok");
    } catch (e) {
      say($("rules-state"), `rules: ${e.message}`, "error");
    }
  };
  $("mode-form").onclick = () => setMode("form");
  $("mode-json").onclick = () => setMode("json");
  json = jsonEditor($("json-editor"));
  $("rules-restore").onclick = restore;
}
