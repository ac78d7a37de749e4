// The admin page: plain ES modules, no framework, no build step. The admin token stays in this
// tab (sessionStorage); there is no ACS credential here at all (the worker's /acs proxy signs).
// The worker says what the token may do (GET /admin/whoami: viewer, operator or admin); the page
// hides the rest — the worker refuses it all the same.

import { $, api, say, setToken, token } from "./api.mjs";
import { initCall, onCallbacks, onEntry, openCall, timelineEntries } from "./call.mjs";
import { refreshCalls, startCalls } from "./calls.mjs";
import { controlCall, initControl, rosterChanged, useProxy } from "./control.mjs";
import { initDrafts, loadDrafts } from "./drafts.mjs";
import { initDryRun } from "./dryrun.mjs";
import { initCredentials, loadCredentials } from "./credentials.mjs";
import { initFlows } from "./flows.mjs";
import { entrySeen, feed, readTimeline } from "./outcomes.mjs";
import { initRules, loadRules } from "./rules.mjs";
import { initSimulate } from "./simulate.mjs";

function select(call) {
  openCall(call);
  controlCall(call);
}

const RANK = { viewer: 0, operator: 1, admin: 2 };

/** Shows what `role` may use and hides the rest: Call control from operators, rules, drafts and credentials from admins. */
function showFor(role) {
  const may = (needed) => (RANK[role] ?? -1) >= RANK[needed];
  document.body.dataset.role = role ?? "";
  $("control").hidden = !may("operator");
  for (const id of ["rules-section", "nav-rules", "drafts-section", "nav-drafts", "credentials-section", "nav-credentials"]) $(id).hidden = !may("admin");
  return may;
}

async function start() {
  let me;
  try {
    me = await api("/whoami");
  } catch (e) {
    showFor(undefined);
    say($("whoami"), "");
    say($("error"), `token: ${e.message}`, "error");
    return;
  }
  say($("whoami"), `${me.role} · ${me.label}`);
  const may = showFor(me.role);
  startCalls(select);
  if (may("admin")) {
    loadRules().catch((e) => say($("rules-state"), `rules: ${e.message}`, "error"));
    loadDrafts().catch((e) => say($("drafts-state"), `drafts: ${e.message}`, "error"));
    loadCredentials().catch((e) => say($("cred-state"), `credentials: ${e.message}`, "error"));
  }
  if (may("operator")) useProxy();
}

initCall();
initControl();
initRules();
initFlows();
initDrafts();
initDryRun();
initSimulate();
initCredentials();
readTimeline(timelineEntries);
onEntry((e, isNew) => {
  if (isNew && e.kind === "ParticipantsUpdated") rosterChanged();
  entrySeen(e);
});
onCallbacks(feed);

// The list shows the end at once, not at its next refresh.
document.addEventListener("call-ended", () => refreshCalls().catch(() => {}));

$("login").onsubmit = (ev) => {
  ev.preventDefault();
  setToken($("token").value);
  $("token").value = ""; // kept in sessionStorage only, not in the form
  start();
};
if (token()) start();
