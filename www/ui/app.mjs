// The admin page: plain ES modules, no framework, no build step. The admin token stays in this
// tab (sessionStorage); there is no ACS credential here at all (the worker's /acs proxy signs).

import { $, say, setToken, token } from "./api.mjs";
import { initCall, onCallbacks, onEntry, openCall, timelineEntries } from "./call.mjs";
import { refreshCalls, startCalls } from "./calls.mjs";
import { controlCall, initControl, rosterChanged, useProxy } from "./control.mjs";
import { initDryRun } from "./dryrun.mjs";
import { initFlows } from "./flows.mjs";
import { entrySeen, feed, readTimeline } from "./outcomes.mjs";
import { initRules, loadRules } from "./rules.mjs";
import { initSimulate } from "./simulate.mjs";

function select(call) {
  openCall(call);
  controlCall(call);
}

function start() {
  startCalls(select);
  loadRules().catch((e) => say($("rules-state"), `rules: ${e.message}`, "error"));
  useProxy();
}

initCall();
initControl();
initRules();
initFlows();
initDryRun();
initSimulate();
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
