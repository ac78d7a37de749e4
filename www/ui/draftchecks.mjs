// What a saved draft would do, before it is published: what it changes against the live rules
// (GET …/drafts/{name}/diff: drawn on the draft's flow graphs — steps new or changed, paths new
// — with what it removes listed under each graph), its stored tests (POST /admin/flows/test: a
// failure drawn on the graph at the step where the call parted from what the test expected), its
// impact on recent calls (POST …/drafts/{name}/impact: where their paths would part), and the
// publish gate (POST /admin/rules/publish: a 409 shows the failing tests, and publishing anyway
// is asked for). The page decides nothing: every verdict is the worker's.

import { $, api, el, say } from "./api.mjs";
import { selectCall } from "./calls.mjs";
import { walk } from "./flowgraph.mjs";
import { flowsOf, graphBox } from "./flows.mjs";
import { liveEtag, loadRules } from "./rules.mjs";

let draft; // the saved draft checked: {name, etag, document}
let diffAsked = 0; // the newest diff asked for: older answers are dropped
let hooks = { published: async () => {} };

const draftPath = () => `/rules/drafts/${encodeURIComponent(draft.name)}`;
const plural = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;
const json = (v) => (v === null || v === undefined ? "nothing" : JSON.stringify(v));

/** A flow's key (`flow:menus`, `rule:ivr`, `rule:` for the default) in words. */
function flowName(key) {
  if (key.startsWith("flow:")) return `flow ${key.slice(5)}`;
  return key === "rule:" ? "the default's flow" : `rule ${key.slice(5)}'s flow`;
}

// ---- the diff ----

function ruleChanges(d) {
  const li = (change, text, name) => el("li", { dataset: { change, rule: name } }, text);
  return [
    ...d.rulesAdded.map((n) => li("rule-added", `rule ${n} is new`, n)),
    ...d.rulesRemoved.map((n) => li("rule-removed", `rule ${n} is removed`, n)),
    ...d.rulesChanged.map((n) => li("rule-changed", `rule ${n}: its conditions or action changed`, n)),
    ...(d.rulesReordered ? [li("rules-reordered", "the rules are in another order (the first that matches wins)")] : []),
    ...(d.defaultChanged ? [li("default-changed", "the default action changed")] : []),
  ];
}

/** Under a flow's graph: what it adds and changes in words, and what it removes (not on the graph). */
function flowChanges(fd) {
  const li = (change, text, data = {}) => el("li", { class: change.endsWith("removed") ? "removed" : "", dataset: { change, ...data } }, text);
  const edge = (e) => `${e.from} → ${e.to} (${e.fields.join(", ")})`;
  return el("ul", { class: "diff-list" },
    ...fd.stepsAdded.map((s) => li("step-added", `new step ${s}`, { step: s })),
    ...fd.stepsChanged.map((s) => li("step-changed", `step ${s} changed`, { step: s })),
    ...fd.edgesAdded.map((e) => li("edge-added", `new path ${edge(e)}`, { from: e.from, to: e.to })),
    ...fd.stepsRemoved.map((s) => li("step-removed", `step ${s} removed`, { step: s })),
    ...fd.edgesRemoved.map((e) => li("edge-removed", `path ${edge(e)} removed`, { from: e.from, to: e.to })));
}

const STATUS = { added: "new in the draft", removed: "removed by the draft", changed: "changed" };

function diffFigure(fd, items) {
  const name = flowName(fd.key);
  const fig = el("figure", { class: "flow-figure diff-figure", dataset: { flow: fd.key, status: fd.status } },
    el("figcaption", {}, el("strong", {}, name), el("span", { class: "muted" }, ` — ${STATUS[fd.status]}`)));
  const graph = items.find((i) => i.key === fd.key)?.flow;
  if (graph) fig.append(graphBox(graph, { label: `The draft's ${name}`, diff: fd }));
  else if (fd.status !== "removed") fig.append(el("p", { class: "muted legacy-note" }, "A version 1 flow: not drawn here; its changes are listed below."));
  fig.append(flowChanges(fd));
  return fig;
}

async function showDiff() {
  const box = $("draft-diff");
  const n = ++diffAsked;
  box.dataset.state = "loading";
  let r;
  try {
    r = await api(`${draftPath()}/diff`);
  } catch (e) {
    if (n !== diffAsked) return;
    box.dataset.state = "error";
    $("draft-diff-rules").replaceChildren(el("li", { class: "error" }, `No diff: ${e.message}`));
    $("draft-diff-flows").replaceChildren();
    return;
  }
  if (n !== diffAsked || !draft) return; // asked again (a save, another draft) meanwhile
  const d = r.diff;
  const changed = d.flows.filter((f) => f.status !== "same");
  const same = d.flows.filter((f) => f.status === "same").map((f) => flowName(f.key));
  const rules = ruleChanges(d);
  if (!rules.length && !changed.length) rules.push(el("li", { dataset: { change: "none" } }, `The draft routes as the live rules (revision ${r.liveRevision}) do.`));
  if (same.length) rules.push(el("li", { class: "muted", dataset: { change: "same" } }, `unchanged: ${same.join(", ")}`));
  $("draft-diff-rules").replaceChildren(...rules);
  const items = flowsOf(draft.document);
  $("draft-diff-flows").replaceChildren(...changed.map((fd) => diffFigure(fd, items)));
  box.dataset.liveRevision = r.liveRevision ?? "";
  box.dataset.state = "done";
}

// ---- test results (a run's, or a refused publish's) ----

/** The draft's flow that has every step of `ids` (a test's path and where it parted): the one its call ran. */
function flowWith(ids) {
  if (!ids.length) return undefined;
  return flowsOf(draft.document).find((i) => i.flow && ids.every((id) => i.flow.steps?.some((s) => s?.id === id)));
}

function resultItem(r) {
  const steps = walk(r.path).steps.map((s) => s.id);
  const li = el("li", { class: r.passed ? "passed" : "failed", dataset: { test: r.name, passed: String(r.passed) } },
    el("strong", {}, `${r.passed ? "✓" : "✗"} ${r.name}`),
    el("p", { class: "test-path muted" }, steps.length ? `path: ${steps.join(" → ")}` : "no step ran"));
  if (r.passed) return li;
  const f = r.failure;
  const row = (name, value) => [el("dt", {}, name), el("dd", { dataset: { fact: name } }, value)];
  li.append(el("p", { class: "reason" }, f.reason),
    el("dl", { class: "facts failure" }, ...row("expectation", f.expectation), ...row("expected", json(f.expected)), ...row("actual", json(f.actual)),
      ...(f.step ? row("step", f.step) : []), ...(f.command !== undefined ? row("command", `#${f.command + 1}`) : [])));
  const found = flowWith([...steps, f.step].filter(Boolean));
  if (found) {
    const label = `Test ${r.name} on the draft's ${flowName(found.key)}`;
    li.append(graphBox(found.flow, { label, path: r.path, failure: { step: f.step, text: f.reason } }));
  }
  return li;
}

function showReport(list, report) {
  list.replaceChildren(...report.results.map(resultItem));
  list.dataset.passed = String(report.passed);
  list.dataset.failed = String(report.failed);
}

async function runTests() {
  const name = draft.name;
  const list = $("draft-test-results");
  say($("draft-tests-state"), "Running the stored tests…");
  list.dataset.state = "running";
  try {
    const report = await api("/flows/test", { method: "POST", body: { draft: name } });
    if (draft?.name !== name) return;
    showReport(list, report);
    list.dataset.state = "done";
    const none = report.results.length === 0;
    say($("draft-tests-state"), none ? "No stored tests: save some with PUT /admin/flows/tests/{name}." : `${report.passed} passed, ${report.failed} failed.`, report.failed ? "error" : "ok");
  } catch (e) {
    list.dataset.state = "error";
    say($("draft-tests-state"), `The tests did not run: ${e.message}`, "error");
  }
}

// ---- the impact on recent calls ----

function exampleButton(id) {
  return el("button", { type: "button", class: "link example", title: `Open call ${id}`, dataset: { call: id }, onclick: () => {
    selectCall(id);
    $("call").scrollIntoView({ block: "start" });
  } }, id);
}

function groupRow(g) {
  const where = g.index === 0 ? "at the first step" : `after ${g.after} (step ${g.index + 1})`;
  return el("tr", { class: "impact-group", dataset: { index: String(g.index), after: g.after ?? "", live: g.live ?? "", draft: g.draft ?? "" } },
    el("td", {}, where), el("td", { class: "num" }, g.live ?? "(ended)"), el("td", { class: "num" }, g.draft ?? "(ended)"),
    el("td", { class: "num calls" }, String(g.calls)), el("td", { class: "examples" }, ...g.examples.map(exampleButton)));
}

function showImpact(r) {
  const box = $("draft-impact-result");
  Object.assign(box.dataset, { calls: r.calls, same: r.same, different: r.different, unreplayable: r.unreplayable.calls });
  const count = (n, cls, text) => el("span", { class: `count ${cls}` }, el("strong", {}, String(n)), ` ${text}`);
  box.replaceChildren(
    el("p", { class: "impact-summary" }, `${plural(r.calls, "call")} replayed: `, count(r.same, "same", "take the same path"), ", ",
      count(r.different, "different", "a different one"), ", ", count(r.unreplayable.calls, "unreplayable", "could not be replayed"), "."),
    ...(r.groups.length ? [el("div", { class: "table-wrap" }, el("table", { class: "impact-groups" },
      el("thead", {}, el("tr", {}, ...["where they part", "live took", "draft takes", "calls", "example calls"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...r.groups.map(groupRow))))] : []),
    ...(r.unreplayable.examples.length ? [el("ul", { class: "unreplayable muted" }, ...r.unreplayable.examples.map((u) =>
      el("li", { dataset: { call: u.callConnectionId } }, `${u.callConnectionId}: ${u.reason}`)))] : []));
}

async function runImpact(ev) {
  ev.preventDefault();
  const name = draft.name;
  const calls = Number($("draft-impact-calls").value);
  say($("draft-impact-state"), "Replaying…");
  $("draft-impact-result").dataset.state = "running";
  try {
    const r = await api(`${draftPath()}/impact`, { method: "POST", body: { calls } });
    if (draft?.name !== name) return;
    showImpact(r);
    $("draft-impact-result").dataset.state = "done";
    say($("draft-impact-state"), "");
  } catch (e) {
    $("draft-impact-result").dataset.state = "error";
    say($("draft-impact-state"), `Not replayed: ${e.field ? `${e.field}: ` : ""}${e.message}`, "error");
  }
}

// ---- publishing ----

function gateWords(t) {
  if (!t) return "no stored tests ran";
  const forced = t.forced ? `, published anyway past ${t.failures?.join(", ") || "the failures"}` : "";
  return `tests: ${t.passed} passed, ${t.failed} failed${forced}`;
}

/** A refused publish (409 TestsFailed): the failing tests, and a button that asks before publishing anyway. */
function showRefusal(report) {
  const failing = report.results.filter((r) => !r.passed).map((r) => r.name);
  const fail = `${plural(failing.length, "stored test")} ${failing.length === 1 ? "fails" : "fail"}`;
  const list = el("ol", { class: "test-results", id: "draft-publish-failures" });
  showReport(list, report);
  const anyway = el("button", { type: "button", class: "danger", id: "draft-publish-force", onclick: () => {
    const question = `${fail} against draft ${draft.name} (${failing.join(", ")}). Publish it anyway? It routes calls at once.`;
    if (confirm(question)) publish(true);
    else say($("draft-publish-state"), "Not published: you kept the live rules.", "refused");
  } }, "Publish anyway…");
  $("draft-publish-result").replaceChildren(list, el("div", { class: "row" }, anyway));
  say($("draft-publish-state"), `Not published: ${fail} against the draft.`, "refused");
}

async function publish(force = false) {
  const name = draft.name;
  const message = $("draft-publish-message").value.trim();
  const body = { draft: name, ifMatch: liveEtag(), ...(force ? { force: true } : {}), ...(message ? { message } : {}) };
  $("draft-publish-result").replaceChildren();
  say($("draft-publish-state"), force ? "Publishing anyway…" : "Running the stored tests, then publishing…");
  try {
    const r = await api("/rules/publish", { method: "POST", body });
    say($("drafts-state"), `Draft ${name} published as revision ${r.revision.id} (${gateWords(r.revision.tests)}): it routes calls now.`, "ok");
    await hooks.published(name);
  } catch (e) {
    if (e.status === 409 && e.code === "TestsFailed") return showRefusal(e.body.tests);
    if (e.status === 412) {
      say($("draft-publish-state"), "Not published: the live rules changed since this page loaded them. Reload them, look at the diff again, then publish.", "stale");
      const reload = async () => {
        try {
          await loadRules();
          $("draft-publish-result").replaceChildren();
          say($("draft-publish-state"), `Reloaded: revision ${$("rules-section").dataset.revision} is live. Look at the diff again, then publish.`);
        } catch (err) {
          say($("draft-publish-state"), `The live rules did not load: ${err.message}`, "error");
        }
      };
      $("draft-publish-result").replaceChildren(el("button", { type: "button", id: "draft-publish-reload", onclick: reload }, "Reload the live rules"));
      return;
    }
    say($("draft-publish-state"), `Not published: ${e.field ? `${e.field}: ` : ""}${e.message}`, "error");
  }
}

// ---- wiring ----

/** Checks `saved` (the draft as saved): its diff now; earlier results are cleared (`diffOnly`: kept). */
export function checkDraft(saved, { diffOnly = false } = {}) {
  draft = saved;
  if (!diffOnly) {
    for (const id of ["draft-test-results", "draft-impact-result", "draft-publish-result"]) {
      $(id).replaceChildren();
      delete $(id).dataset.state;
    }
    for (const id of ["draft-tests-state", "draft-impact-state", "draft-publish-state"]) say($(id), "");
  }
  showDiff();
}

/** No draft is open any more. */
export function closeChecks() {
  draft = undefined;
}

/** Wires the checks; `published(name)` runs after a publish (the page reloads the rules and drafts). */
export function initDraftChecks(on) {
  hooks = on;
  $("draft-test-run").onclick = runTests;
  $("draft-impact-form").onsubmit = runImpact;
  $("draft-publish-form").onsubmit = (ev) => {
    ev.preventDefault();
    publish();
  };
}
