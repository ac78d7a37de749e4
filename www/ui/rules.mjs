// Routing rules: the rules in force and where they come from (GET /admin/rules), an editor
// whose save goes through the worker's validation (PUT /admin/rules; a refusal is shown at the
// field it names), and a dry run (POST /admin/rules/dry-run) — the worker's own routing code
// says which rule a described call meets and why the earlier ones did not. This page never
// decides a match itself.

import { $, api, el, say } from "./api.mjs";

const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TEXT_KINDS = [["", "any"], ["exact", "is"], ["prefix", "starts with"], ["pattern", "matches (# * ?)"]];
let loaded; // GET /admin/rules
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
    answer: labelled("flow (JSON: greeting, menu; empty = none)", flow, "field wide"),
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

function showEditor() {
  const doc = loaded.document;
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
  return { doc: { version: loaded.document.version ?? 1, default: def, rules }, at, errors };
}

// ---- errors at the field they name ----

function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const d of form.querySelectorAll("details.invalid")) d.classList.remove("invalid");
  for (const c of form.querySelectorAll("[aria-invalid]")) {
    c.removeAttribute("aria-invalid");
    c.removeAttribute("aria-describedby");
  }
}

/** `rules[3](support-hours).match…` → `rules[3].match…` (the index is what the form knows). */
function withoutNames(field) {
  return field.replace(/^rules\[(\d+)\]\((?:[^()]|\([^()]*\))*\)/, "rules[$1]");
}

/** The nearest control for `field`: the path itself, else its closest parent path. */
function controlFor(field, at) {
  let path = withoutNames(field);
  while (path) {
    if (at.has(path)) return at.get(path);
    const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
    path = cut > 0 ? path.slice(0, cut) : "";
  }
  return at.get("document");
}

function showFieldError(form, at, field, message) {
  const control = controlFor(field, at);
  const p = el("p", { class: "field-error", id: nextId("err"), role: "alert", dataset: { field } }, `${field}: ${message}`);
  const rule = control.closest?.("details.rule");
  if (rule) {
    rule.open = true;
    rule.classList.add("invalid");
  }
  if (control === form) form.prepend(p);
  else if (control === rule) rule.querySelector(".rule-body").prepend(p);
  else {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", p.id);
    (control.closest(".field, .cond, .header-row, .window-row") ?? control).after(p);
    control.focus?.();
  }
  p.scrollIntoView({ block: "center" });
}

// ---- load, save, restore ----

export async function loadRules() {
  loaded = await api("/rules");
  showInForce();
  showEditor();
  $("rules-section").dataset.loaded = "true";
}

async function save(ev) {
  ev.preventDefault();
  const form = $("rules-form");
  clearErrors(form);
  const { doc, at, errors } = serialize();
  if (errors.length) {
    for (const e of errors) showFieldError(form, at, e.field, e.message);
    say($("rules-state"), "Not saved: fix the marked field.", "error");
    return;
  }
  say($("rules-state"), "Saving…");
  try {
    const r = await api("/rules", { method: "PUT", body: doc });
    await loadRules();
    say($("rules-state"), `Saved ${r.rules} rule(s) as the KV override: the next call is routed by them.`, "ok");
  } catch (e) {
    if (e.field) showFieldError(form, at, e.field, e.message);
    say($("rules-state"), `Not saved (the worker refused it): ${e.message}`, "error");
  }
}

async function restore() {
  if (!confirm("Drop the KV override and route with the wrangler vars rules again?")) return;
  try {
    await api("/rules", { method: "DELETE" });
    await loadRules();
    say($("rules-state"), "Override dropped: the vars rules apply.", "ok");
  } catch (e) {
    say($("rules-state"), e.message, "error");
  }
}

// ---- dry run ----

/** `Name: value` lines → {Name: value}; a line without `:` is an error naming the field. */
function headerLines(text, field, errors) {
  const out = {};
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const colon = line.indexOf(":");
    if (colon <= 0) errors.push({ field, message: `line ${i + 1}: write Name: value` });
    else out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return out;
}

function dryBody() {
  const errors = [];
  const body = { from: $("dry-from").value.trim(), to: $("dry-to").value.trim() };
  if ($("dry-name").value.trim()) body.callerDisplayName = $("dry-name").value.trim();
  const sip = headerLines($("dry-sip").value, "sipHeaders", errors);
  const voip = headerLines($("dry-voip").value, "voipHeaders", errors);
  if (Object.keys(sip).length) body.sipHeaders = sip;
  if (Object.keys(voip).length) body.voipHeaders = voip;
  // datetime-local is wall-clock time in this browser's zone; the worker takes an instant.
  if ($("dry-at").value) body.at = new Date($("dry-at").value).toISOString();
  return { body, errors };
}

function verdictText(v) {
  return { matched: "matched", noMatch: "no match", notTried: "not tried" }[v] ?? v;
}

function showDryRun(r) {
  const winner = r.rules.find((x) => x.verdict === "matched");
  const box = $("dry-result");
  box.dataset.winner = r.rule ?? "";
  box.dataset.default = String(!r.rule);
  box.replaceChildren(
    r.rule
      ? el("p", { class: "verdict" }, "Rule ", el("strong", {}, r.rule), ` wins (rule ${winner.index + 1} of ${r.rules.length}).`)
      : el("p", { class: "verdict" }, "No rule matches: the default applies."),
    el("p", {}, "The worker would ", el("strong", { class: "would" }, r.summary), "."),
    el("p", { class: "muted" }, `Routed as ${r.from} → ${r.to} at ${r.at} (rules from ${r.source}).`),
    el("div", { class: "table-wrap" }, el("table", { class: "verdicts" },
      el("thead", {}, el("tr", {}, el("th", {}, "#"), el("th", {}, "rule"), el("th", {}, "verdict"), el("th", {}, "why"))),
      el("tbody", {}, ...r.rules.map((x) => el("tr", { dataset: { rule: x.name, verdict: x.verdict } },
        el("td", {}, String(x.index + 1)), el("td", {}, x.name),
        el("td", {}, el("span", { class: `badge verdict-${x.verdict}` }, verdictText(x.verdict))),
        el("td", {}, x.misses?.length ? el("ul", { class: "misses" }, ...x.misses.map((mi) => el("li", { dataset: { condition: mi.condition } }, mi.reason))) : x.verdict === "matched" ? `every condition holds: ${x.conditions}` : "")))))));
}

async function dryRun(ev) {
  ev.preventDefault();
  const form = $("dry-form");
  clearErrors(form);
  const at = new Map([["from", $("dry-from")], ["to", $("dry-to")], ["callerDisplayName", $("dry-name")], ["sipHeaders", $("dry-sip")], ["voipHeaders", $("dry-voip")], ["at", $("dry-at")], ["document", form]]);
  const { body, errors } = dryBody();
  if (errors.length) {
    for (const e of errors) showFieldError(form, at, e.field, e.message);
    return;
  }
  $("dry-result").dataset.state = "running";
  try {
    showDryRun(await api("/rules/dry-run", { method: "POST", body }));
    $("dry-result").dataset.state = "done";
  } catch (e) {
    $("dry-result").dataset.state = "error";
    $("dry-result").replaceChildren();
    showFieldError(form, at, e.field ?? "document", e.message);
  }
}

/** Wires the rules section. */
export function initRules() {
  $("rules-form").onsubmit = save;
  $("rules-add").onclick = () => {
    const rule = ruleFieldset({ name: "", action: { reject: { reason: "none" } } }, true);
    $("rules-list").append(rule);
    renumber();
    rule.querySelector(".rule-name").focus();
  };
  $("rules-discard").onclick = () => {
    showEditor();
    say($("rules-state"), "Changes discarded.");
  };
  $("rules-restore").onclick = restore;
  $("dry-form").onsubmit = dryRun;
  $("dry-zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
}
