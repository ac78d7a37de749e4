// Awaited outcomes of the Call control panel's actions: "sent → waiting → succeeded/failed
// (event, code, message)", or "timed out", through the callsteer package's event processor.
// The worker streams the selected call's verified callback events (`callbacks` on the call's
// stream: the CloudEvents the service posted, as the worker decoded them); this module feeds
// them to `client.getEventProcessor().processEvents(…)`, and each action awaits its result's
// `waitForEventProcessor(signal, TIMEOUT_MS)`. Which event settles which operation is the
// core's operation table inside the package: this page matches no event to an operation.
// An action whose result has no waitForEventProcessor (mute, unhold: the SDK family gives
// them none) shows the service's answer as the worker's proxy recorded it on the timeline.

import { $, el, idText, redact } from "./api.mjs";

/** How long an action waits for the event that settles it. */
export const TIMEOUT_MS = 30_000;

const following = new Map(); // operationContext → { node, li, steps, abort? (a wait), timer? (no wait) }
let processor; // the package's CallAutomationEventProcessor
let early = []; // callback batches streamed before the package was loaded
let commands = () => []; // the selected call's command entries (actions without a wait)
const fed = { events: 0, dropped: 0, missed: 0 };

/** Where this module reads the selected call's timeline entries from. */
export function readTimeline(all) {
  commands = () => all().filter((e) => e.source === "command");
}

/** The package's event processor (`client.getEventProcessor()`), once the package is loaded. */
export function useProcessor(p) {
  processor = p;
  const waiting = early;
  early = [];
  for (const batch of waiting) feed(batch);
}

/**
 * Callback events of the selected call from the worker's stream: `events` (CloudEvents not fed
 * before), `dropped` (how many of the call's oldest events the worker dropped for its cap) and
 * `missed` (how many of those this page never saw).
 */
export function feed(batch) {
  if (!processor) return void early.push(batch);
  fed.dropped = batch.dropped;
  fed.missed += batch.missed;
  try {
    if (batch.events.length) processor.processEvents(batch.events);
    fed.events += batch.events.length;
    showFeed();
  } catch (e) {
    showFeed(`the event processor refused a batch: ${e?.name ?? "Error"}: ${e?.message ?? e}`);
  }
}

function showFeed(error) {
  const node = $("callback-state");
  node.dataset.fed = String(fed.events);
  node.dataset.dropped = String(fed.dropped);
  node.dataset.missed = String(fed.missed);
  node.dataset.state = error ? "error" : "ok";
  const drops = fed.dropped
    ? ` The worker dropped this call's oldest ${fed.dropped} for its per-call cap${fed.missed ? `, ${fed.missed} of them before this page saw them` : ""}.`
    : "";
  node.textContent = redact(error ?? `Callback events fed to the package's event processor: ${fed.events}.${drops}`);
}

/** A fresh operationContext for one action sent from this page. */
export const newContext = (action) => `page-${action}-${crypto.randomUUID()}`;

function show(w, state, text) {
  if (w.steps.at(-1) !== state) w.steps.push(state);
  w.node.dataset.awaited = state;
  w.node.textContent = `${w.steps.join(" → ")}${text ? ` (${text})` : ""}`;
}

/** Ends following `ctx`: the final state, and the event that settled it (when one did). */
function finish(ctx, state, text, event) {
  const w = following.get(ctx);
  if (!w) return;
  following.delete(ctx);
  clearTimeout(w.timer);
  w.abort?.abort();
  show(w, state, text);
  if (event) {
    w.li.append(" ", el("details", { class: "event" }, el("summary", {}, `${event.kind} event`),
      el("pre", {}, redact(JSON.stringify(event, null, 2)))));
  }
}

/** `AddParticipantFailed, 8:acs:…, 486/560486: …` (the result only for failures). */
function describe(event, withResult) {
  const r = event.resultInformation;
  const who = event.participant ? idText(event.participant) : "";
  return [event.kind, who, withResult && r ? `${r.code}/${r.subCode}: ${r.message}` : ""].filter(Boolean).join(", ");
}

/** What `waitForEventProcessor` resolved to: `{isSuccess, successResult?, failureResult?, canceledResult?}`. */
function settled(ctx, r) {
  if (r.isSuccess) {
    const quiet = `no failure event within ${(processor?.backlogTimeoutInMs ?? 0) / 1000} s`;
    return finish(ctx, "succeeded", r.successResult ? describe(r.successResult) : quiet, r.successResult);
  }
  const event = r.failureResult ?? r.canceledResult;
  finish(ctx, r.failureResult ? "failed" : "canceled", event ? describe(event, true) : "", event);
}

/** What `waitForEventProcessor` rejected with. */
function unsettled(ctx, e) {
  if (e?.name === "TimeoutError") finish(ctx, "timed out", `no event settled it within ${TIMEOUT_MS / 1000} s`);
  else if (e?.name === "CallDisconnectedError") finish(ctx, "call ended", "before the event that settles it", e.event);
  else finish(ctx, "error", `${e?.name ?? "Error"}: ${e?.message ?? e}`); // AbortError: already finished
}

/** An action without a wait: the service's answer as the proxy put it on the timeline. */
function answered(ctx) {
  if (following.get(ctx)?.abort) return; // awaited through the processor, never the timeline
  const cmd = commands().find((e) => e.operationContext === ctx);
  if (cmd?.outcome) finish(ctx, cmd.outcome, cmd.status);
}

/**
 * Follows the action sent with `ctx`, whose package call returned `result`: appends the outcome
 * to `li`, awaited through `result.waitForEventProcessor` ("timed out" after `TIMEOUT_MS`), or
 * — when the result has none — read from the proxy's record on the call's timeline.
 */
export function follow(ctx, li, result) {
  const node = el("span", { class: "awaited" });
  li.append(" · ", node);
  const w = { node, li, steps: [] };
  following.set(ctx, w);
  show(w, "sent");
  if (typeof result?.waitForEventProcessor === "function") {
    w.abort = new AbortController();
    show(w, "waiting");
    result.waitForEventProcessor(w.abort.signal, TIMEOUT_MS).then((r) => settled(ctx, r), (e) => unsettled(ctx, e));
  } else {
    w.timer = setTimeout(() => finish(ctx, "timed out", `the worker recorded no answer within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
    answered(ctx);
  }
}

/** A timeline entry arrived or changed (the call's stream). */
export function entrySeen(e) {
  if (e.source === "command" && following.has(e.operationContext)) answered(e.operationContext);
}

/** Another call was selected: what was awaited is no longer followed, its events no longer fed. */
export function forgetAll() {
  for (const ctx of [...following.keys()]) finish(ctx, "not followed", "another call was selected");
  early = [];
  Object.assign(fed, { events: 0, dropped: 0, missed: 0 });
  showFeed();
}
