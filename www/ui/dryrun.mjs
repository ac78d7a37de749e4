// The dry run (POST /admin/rules/dry-run): describe a call, and the worker's own routing code
// says which rule it meets and why the earlier ones did not. No rule is evaluated here.

import { $, api, el } from "./api.mjs";
import { clearErrors, showFieldError } from "./fielderrors.mjs";

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

/** Wires the dry run's form. */
export function initDryRun() {
  $("dry-form").onsubmit = dryRun;
  $("dry-zone").textContent = Intl.DateTimeFormat().resolvedOptions().timeZone;
}
