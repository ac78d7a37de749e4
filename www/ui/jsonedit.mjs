// A rules document edited as JSON text: the rules editor's JSON mode and the drafts' editor are
// each one `jsonEditor(root)` over the same markup (classes json-text, json-status, json-error,
// json-warnings, json-keys-where, json-keys inside `root`). On each change (debounced) the
// worker checks the text (`POST /admin/rules/validate`, its own validation): the verdict is
// shown with the path of the problem, and "Show" selects that place in the text. Keys the
// document's JSON Schema (`GET /admin/flows/schema`, fetched once for every editor) allows where
// the cursor is are offered as buttons under the text (Alt+↓ moves to them); one inserts
// `"key": ` at the cursor.

import { api, el, say } from "./api.mjs";
import { keysAfter, keysAt, offsetOf, pathText, scan } from "./jsonpath.mjs";

const DEBOUNCE_MS = 350;
let schema; // the JSON Schema, once fetched (a promise: editors opened together ask once)

function loadSchema() {
  schema ??= api("/flows/schema").catch((e) => {
    schema = undefined;
    throw e;
  });
  return schema;
}

/**
 * The editor over the markup in `root`: `{text(), set(doc), shown(), showError(error)}`.
 * `set` puts a document in and checks it; `shown` is called when `root` becomes visible (the
 * schema loads, the suggestions follow the cursor); `showError` shows an error `{field,
 * message}` (the worker's) with its path and a way to its place.
 */
export function jsonEditor(root) {
  const part = (cls) => root.querySelector(`.${cls}`);
  const box = part("json-text");
  const [status, errorBox, warnings, keysWhere, keysList] = ["json-status", "json-error", "json-warnings", "json-keys-where", "json-keys"].map(part);
  let timer = 0;
  let asked = 0; // the newest validation asked for: older answers are dropped
  let keysSchema; // the schema, once this editor has it

  function clearVerdict() {
    errorBox.replaceChildren();
    warnings.replaceChildren();
    box.removeAttribute("aria-invalid");
  }

  /** Selects the place of `field` in the text and scrolls it into view. */
  function showPlace(field) {
    const at = offsetOf(box.value, field);
    box.focus();
    box.setSelectionRange(at, at + Math.max(1, box.value.slice(at).search(/[,\n]/)));
    // A textarea scrolls to its caret only when typing: put the line near the top.
    const line = box.value.slice(0, at).split("\n").length - 1;
    const lineHeight = parseFloat(getComputedStyle(box).lineHeight) || 18;
    box.scrollTop = Math.max(0, (line - 2) * lineHeight);
  }

  function showError(error, state = "error") {
    const field = error.field ?? "document";
    const id = `${box.id}-error-text`;
    const p = el("p", { class: "field-error", role: "alert", id, dataset: { field } }, `${field}: ${error.message}`, " ",
      el("button", { type: "button", class: "small", onclick: () => showPlace(field) }, "Show in the text"));
    errorBox.replaceChildren(p);
    box.setAttribute("aria-invalid", "true");
    box.setAttribute("aria-describedby", id);
    say(status, state === "error" ? "Not valid: see the problem below." : "", state);
  }

  async function validate() {
    const n = ++asked;
    say(status, "Checking…", "checking");
    let verdict;
    try {
      verdict = await api("/rules/validate", { method: "POST", body: box.value });
    } catch (e) {
      if (n === asked) say(status, `Could not check: ${e.message}`, "error");
      return;
    }
    if (n !== asked) return;
    clearVerdict();
    if (!verdict.valid) return showError(verdict.error ?? { message: "not valid" });
    const rules = verdict.summary?.rules?.length ?? 0;
    say(status, `Valid: ${rules} rule${rules === 1 ? "" : "s"} and a default.`, "ok");
    warnings.replaceChildren(...(verdict.warnings ?? []).map((w) => el("li", { dataset: { field: w.field } }, `${w.field}: ${w.message}`)));
  }

  function validateSoon(ms = DEBOUNCE_MS) {
    clearTimeout(timer);
    timer = setTimeout(validate, ms);
  }

  function insertKey(name, where) {
    const at = box.selectionStart;
    const from = where.partial !== undefined ? where.partialStart - 1 : at;
    // Inside a key's quotes: replace what was typed (and a closing quote right after it).
    const to = where.partial !== undefined && box.value[at] === '"' ? at + 1 : at;
    box.setRangeText(`"${name}": `, from, to, "end");
    box.focus();
    validateSoon();
    suggest();
  }

  /** Shows the keys the schema allows at the cursor (not yet in that object; starting with what is typed). */
  function suggest() {
    if (!keysSchema || root.closest("[hidden]")) return;
    const where = scan(box.value, box.selectionStart);
    if (!where.keyPlace) {
      keysList.replaceChildren();
      say(keysWhere, "Key suggestions appear when the cursor is where a key goes.");
      return;
    }
    const typed = where.partial ?? "";
    // The rest of this object: after the key being typed, if any.
    const rest = where.partial !== undefined ? box.value.indexOf('"', box.selectionStart) + 1 : box.selectionStart;
    const has = new Set([...where.keys, ...keysAfter(box.value, rest || box.value.length)]);
    const keys = keysAt(keysSchema, where.path).filter((k) => !has.has(k.name) && k.name.startsWith(typed));
    const place = pathText(where.path) || "the document";
    keysList.dataset.path = pathText(where.path);
    say(keysWhere, keys.length ? `Keys allowed in ${place}:` : `No more keys to suggest in ${place}.`);
    keysList.replaceChildren(...keys.map((k) => el("li", {},
      el("button", { type: "button", class: "small key", dataset: { key: k.name }, title: k.description || k.name, onclick: () => insertKey(k.name, where) }, k.name))));
  }

  box.addEventListener("input", () => {
    validateSoon();
    suggest();
  });
  for (const ev of ["click", "keyup", "focus"]) box.addEventListener(ev, (e) => {
    if (e.type !== "keyup" || /^(Arrow|Home|End|Page)/.test(e.key)) suggest();
  });
  box.addEventListener("keydown", (e) => {
    const first = e.altKey && e.key === "ArrowDown" && keysList.querySelector("button");
    if (first) {
      e.preventDefault();
      first.focus();
    }
  });

  return {
    text: () => box.value,
    set(doc) {
      box.value = `${JSON.stringify(doc, null, 2)}\n`;
      clearVerdict();
      validateSoon(0);
    },
    async shown() {
      try {
        keysSchema = await loadSchema();
      } catch (e) {
        say(keysWhere, `No key suggestions: the schema did not load (${e.message}).`, "error");
      }
      suggest();
    },
    showError,
  };
}
