// Drafts of the rules (docs/flows.md "Drafts, tests and publishing"): the list
// (GET /admin/rules/drafts), a new draft from the live rules, and one draft open in a JSON editor
// (jsonedit.mjs: the worker's validation, keys from the schema) with its test callers, saved
// with its own ETag (PUT …/drafts/{name} with If-Match: a 412 says someone saved it since) or
// deleted. What the saved draft changes, its tests, its impact on recent calls and its publishing
// are draftchecks.mjs's. Nothing here is live until the draft is published.

import { $, el, request, say } from "./api.mjs";
import { checkDraft, closeChecks, initDraftChecks } from "./draftchecks.mjs";
import { clearErrors, showFieldError } from "./fielderrors.mjs";
import { jsonEditor } from "./jsonedit.mjs";
import { loadRules } from "./rules.mjs";

let live; // the live rules (GET /admin/rules): a new draft starts from their document
let drafts = []; // GET /admin/rules/drafts
let open; // the draft in the editor, as saved: {name, etag, document, draft}
let json; // its editor

const draftPath = (name) => `/rules/drafts/${encodeURIComponent(name)}`;
const when = (ms) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
const plural = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;

// ---- the list ----

function row(d) {
  const warnings = d.warnings ?? [];
  return el("tr", { class: "draft", dataset: { name: d.name }, "aria-current": open?.name === d.name ? "true" : null },
    el("td", {}, el("button", { type: "button", class: "link draft-open", onclick: () => openDraft(d.name) }, d.name)),
    el("td", { class: "saved" }, el("span", {}, when(d.atMs)), el("span", { class: "muted by" }, `by ${d.by}`)),
    el("td", { class: "num" }, String(d.rules)),
    el("td", { class: "num callers" }, ...(d.testCallers?.length ? d.testCallers.map((c) => el("span", {}, c)) : ["—"])),
    el("td", { class: "draft-warnings" }, warnings.length
      ? el("ul", { class: "warnings" }, ...warnings.map((w) => el("li", {}, `${w.field}: ${w.message}`)))
      : "—"));
}

/** Loads the list of drafts and shows it. */
export async function loadDrafts() {
  drafts = (await request("/rules/drafts")).body.drafts;
  $("drafts").replaceChildren(...drafts.map(row));
  $("drafts").dataset.count = String(drafts.length);
  $("drafts-empty").hidden = drafts.length > 0;
  $("drafts-section").dataset.loaded = "true";
}

// ---- one draft ----

function showFacts() {
  const d = open.draft;
  const warnings = d.warnings?.length ? `, ${plural(d.warnings.length, "warning")}` : "";
  const callers = d.testCallers?.length ? `; test callers ${d.testCallers.join(", ")}` : "; no test callers";
  $("draft-facts").textContent = `Saved ${when(d.atMs)} by ${d.by}: ${plural(d.rules, "rule")}${warnings}${callers}. Tag ${open.etag}.`;
}

/** Shows draft `body` (`{draft, document}`, tagged `etag`) in the editor, and checks it. */
function show(body, etag) {
  open = { name: body.draft.name, etag, document: body.document, draft: body.draft };
  const box = $("draft");
  box.hidden = false;
  box.dataset.name = open.name;
  box.dataset.etag = etag;
  $("draft-title").textContent = `Draft ${open.name}`;
  showFacts();
  clearErrors($("draft-form"));
  json.set(body.document);
  json.shown();
  $("draft-callers").value = (body.draft.testCallers ?? []).join("\n");
  $("draft-reload").hidden = true;
  say($("draft-state"), "");
  delete box.dataset.dirty;
  for (const tr of $("drafts").children) {
    if (tr.dataset.name === open.name) tr.setAttribute("aria-current", "true");
    else tr.removeAttribute("aria-current");
  }
  checkDraft(open);
}

async function openDraft(name) {
  say($("drafts-state"), `Opening draft ${name}…`);
  try {
    const r = await request(draftPath(name));
    show(r.body, r.headers.get("etag"));
    say($("drafts-state"), "");
    $("draft-title").scrollIntoView({ block: "start" });
  } catch (e) {
    say($("drafts-state"), `Draft ${name}: ${e.message}`, "error");
  }
}

function close() {
  open = undefined;
  $("draft").hidden = true;
  closeChecks();
}

/** The test callers as written: one a line, or separated by commas or spaces. */
const callers = () => $("draft-callers").value.split(/[\s,]+/).filter(Boolean);

/** A refusal of a save or removal: 412 (saved since it was opened), or the worker's field. */
function refused(e, verb) {
  if (e.status === 412) {
    $("draft-reload").hidden = false;
    say($("draft-state"), `Not ${verb}: the draft was saved elsewhere since you opened it. Reload it (your edits here are dropped), then edit again.`, "stale");
    return;
  }
  if (e.field?.startsWith("testCallers")) showFieldError($("draft-form"), new Map([["testCallers", $("draft-callers")]]), e.field, e.message);
  else if (e.field) json.showError({ field: e.field, message: e.message });
  say($("draft-state"), `Not ${verb} (the worker refused it): ${e.message}`, "error");
}

async function save(ev) {
  ev.preventDefault();
  clearErrors($("draft-form"));
  let document;
  try {
    document = JSON.parse(json.text());
  } catch (e) {
    json.showError({ field: "document", message: `not valid JSON: ${e.message}` });
    say($("draft-state"), "Not saved: the text is not JSON yet.", "error");
    return;
  }
  say($("draft-state"), "Saving…");
  try {
    const r = await request(draftPath(open.name), { method: "PUT", body: { document, testCallers: callers() }, headers: { "if-match": open.etag } });
    show({ draft: r.body.draft, document }, r.headers.get("etag"));
    say($("draft-state"), `Saved (${plural(r.body.draft.rules, "rule")}). Nothing is live until it is published.`, "ok");
    await loadDrafts();
  } catch (e) {
    refused(e, "saved");
  }
}

async function remove() {
  const { name, etag } = open;
  if (!confirm(`Delete draft ${name}? Its test callers are answered by the live rules again.`)) return;
  try {
    await request(draftPath(name), { method: "DELETE", headers: { "if-match": etag } });
    close();
    await loadDrafts();
    say($("drafts-state"), `Draft ${name} deleted.`, "ok");
  } catch (e) {
    refused(e, "deleted");
  }
}

/** "New draft from the live rules": refused here when the name is taken (a PUT would replace that draft). */
async function create(ev) {
  ev.preventDefault();
  const form = $("draft-new-form");
  const input = $("draft-new-name");
  const at = new Map([["name", input], ["document", form]]);
  clearErrors(form);
  const name = input.value.trim();
  const problem = !name ? "give the draft a name" : drafts.some((d) => d.name === name) ? "a draft of that name exists: open it from the list" : !live?.document ? "the live rules have not loaded" : "";
  if (problem) return showFieldError(form, at, "name", problem);
  try {
    await request(draftPath(name), { method: "PUT", body: live.document });
    input.value = "";
    await loadDrafts();
    await openDraft(name);
    say($("drafts-state"), `Draft ${name} created from the live rules (revision ${live.revision}).`, "ok");
  } catch (e) {
    showFieldError(form, at, e.field ?? "name", e.message);
  }
}

/** Marks the editor as holding changes the checks below (which use the saved draft) do not see. */
function edited() {
  if (!open || $("draft").dataset.dirty) return;
  $("draft").dataset.dirty = "true";
  say($("draft-state"), "Unsaved changes: the diff, tests, impact and publish below use the saved draft.", "dirty");
}

/** Wires the drafts section (loaded by `loadDrafts` once the credential is known to be an admin's). */
export function initDrafts() {
  json = jsonEditor($("draft-json-editor"));
  $("draft-new-form").onsubmit = create;
  $("draft-new-name").addEventListener("input", () => clearErrors($("draft-new-form")));
  $("draft-form").onsubmit = save;
  $("draft-delete").onclick = remove;
  $("draft-reload").onclick = () => openDraft(open.name);
  $("draft-json").addEventListener("input", edited);
  $("draft-callers").addEventListener("input", edited);
  document.addEventListener("rules-loaded", (ev) => {
    live = ev.detail;
    if (open) checkDraft(open, { diffOnly: true }); // the live side of the diff moved
  });
  initDraftChecks({
    async published(name) {
      if (open?.name === name) close();
      await Promise.all([loadDrafts(), loadRules()]);
    },
  });
}
