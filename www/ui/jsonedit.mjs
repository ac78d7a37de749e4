// The rules editor's JSON mode: the whole document in a textarea. On each change (debounced)
// the worker checks it (`POST /admin/rules/validate`, its own validation): the verdict is shown
// with the path of the problem, and "Show" selects that place in the text. Keys the document's
// JSON Schema (`GET /admin/flows/schema`) allows where the cursor is are offered as buttons
// under the text (Alt+↓ moves to them); one inserts `"key": ` at the cursor.

import { $, api, el, say } from "./api.mjs";
import { keysAfter, keysAt, offsetOf, pathText, scan } from "./jsonpath.mjs";

const DEBOUNCE_MS = 350;
let schema; // the JSON Schema, once fetched
let timer = 0;
let asked = 0; // the newest validation asked for: older answers are dropped

const box = () => $("rules-json");

/** The text in the editor. */
export const jsonText = () => box().value;

/** Puts `doc` in the editor and checks it. */
export function setJson(doc) {
  box().value = `${JSON.stringify(doc, null, 2)}\n`;
  clearVerdict();
  validateSoon(0);
}

function clearVerdict() {
  $("json-error").replaceChildren();
  $("json-warnings").replaceChildren();
  box().removeAttribute("aria-invalid");
}

/** Selects the place of `field` in the text and scrolls it into view. */
function showPlace(field) {
  const t = box();
  const at = offsetOf(t.value, field);
  t.focus();
  t.setSelectionRange(at, at + Math.max(1, t.value.slice(at).search(/[,\n]/)));
  // A textarea scrolls to its caret only when typing: put the line near the top.
  const line = t.value.slice(0, at).split("\n").length - 1;
  const lineHeight = parseFloat(getComputedStyle(t).lineHeight) || 18;
  t.scrollTop = Math.max(0, (line - 2) * lineHeight);
}

/** Shows an error `{field, message}` (the worker's) with its path and a way to its place. */
export function showJsonError(error, state = "error") {
  const field = error.field ?? "document";
  const p = el("p", { class: "field-error", role: "alert", id: "json-error-text", dataset: { field } }, `${field}: ${error.message}`, " ",
    el("button", { type: "button", class: "small", onclick: () => showPlace(field) }, "Show in the text"));
  $("json-error").replaceChildren(p);
  box().setAttribute("aria-invalid", "true");
  box().setAttribute("aria-describedby", "json-error-text");
  say($("json-status"), state === "error" ? "Not valid: see the problem below." : "", state);
}

async function validate() {
  const n = ++asked;
  say($("json-status"), "Checking…", "checking");
  let verdict;
  try {
    verdict = await api("/rules/validate", { method: "POST", body: box().value });
  } catch (e) {
    if (n === asked) say($("json-status"), `Could not check: ${e.message}`, "error");
    return;
  }
  if (n !== asked) return;
  clearVerdict();
  if (!verdict.valid) return showJsonError(verdict.error ?? { message: "not valid" });
  const rules = verdict.summary?.rules?.length ?? 0;
  say($("json-status"), `Valid: ${rules} rule${rules === 1 ? "" : "s"} and a default.`, "ok");
  $("json-warnings").replaceChildren(...(verdict.warnings ?? []).map((w) => el("li", { dataset: { field: w.field } }, `${w.field}: ${w.message}`)));
}

function validateSoon(ms = DEBOUNCE_MS) {
  clearTimeout(timer);
  timer = setTimeout(validate, ms);
}

// ---- key completion ----

async function loadSchema() {
  if (schema) return schema;
  try {
    schema = await api("/flows/schema");
  } catch (e) {
    say($("json-keys-where"), `No key suggestions: the schema did not load (${e.message}).`, "error");
  }
  return schema;
}

function insertKey(name, where) {
  const t = box();
  const at = t.selectionStart;
  const from = where.partial !== undefined ? where.partialStart - 1 : at;
  // Inside a key's quotes: replace what was typed (and a closing quote right after it).
  const to = where.partial !== undefined && t.value[at] === '"' ? at + 1 : at;
  const text = `"${name}": `;
  t.setRangeText(text, from, to, "end");
  t.focus();
  validateSoon();
  suggest();
}

/** Shows the keys the schema allows at the cursor (not yet in that object; starting with what is typed). */
function suggest() {
  if (!schema || $("json-editor").hidden) return;
  const t = box();
  const where = scan(t.value, t.selectionStart);
  const list = $("json-keys");
  if (!where.keyPlace) {
    list.replaceChildren();
    say($("json-keys-where"), "Key suggestions appear when the cursor is where a key goes.");
    return;
  }
  const typed = where.partial ?? "";
  // The rest of this object: after the key being typed, if any.
  const rest = where.partial !== undefined ? t.value.indexOf('"', t.selectionStart) + 1 : t.selectionStart;
  const has = new Set([...where.keys, ...keysAfter(t.value, rest || t.value.length)]);
  const keys = keysAt(schema, where.path).filter((k) => !has.has(k.name) && k.name.startsWith(typed));
  list.dataset.path = pathText(where.path);
  say($("json-keys-where"), keys.length ? `Keys allowed in ${pathText(where.path) || "the document"}:` : `No more keys to suggest in ${pathText(where.path) || "the document"}.`);
  list.replaceChildren(...keys.map((k) => el("li", {},
    el("button", { type: "button", class: "small key", dataset: { key: k.name }, title: k.description || k.name, onclick: () => insertKey(k.name, where) }, k.name))));
}

/** Wires the JSON mode's text: checked as it changes, suggestions following the cursor. */
export function initJsonEditor() {
  const t = box();
  t.addEventListener("input", () => {
    validateSoon();
    suggest();
  });
  for (const ev of ["click", "keyup", "focus"]) t.addEventListener(ev, (e) => {
    if (e.type !== "keyup" || /^(Arrow|Home|End|Page)/.test(e.key)) suggest();
  });
  t.addEventListener("keydown", (e) => {
    if (e.altKey && e.key === "ArrowDown") {
      const first = $("json-keys").querySelector("button");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    }
  });
}

/** Called when JSON mode is shown: the schema loads (once) and the suggestions follow the cursor. */
export async function jsonShown() {
  await loadSchema();
  suggest();
}
