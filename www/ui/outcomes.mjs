// Awaited outcomes of the Call control panel's actions: "sent → waiting → succeeded/failed
// (event, code, message)", or "timed out". Read from the selected call's timeline stream: the
// worker puts each request this page sends through /acs on the call's timeline as a command
// and pairs it with the callback event that settles it (the core's operation table, by
// operationContext), so this module only follows the command that carries the context it
// sent. It matches no event to an operation itself. (When the npm package runs the core's
// event processor, that takes this module's place: docs/edge.md.)

import { el } from "./api.mjs";

/** How long an action waits for the event that settles it. */
export const TIMEOUT_MS = 30_000;

const awaiting = new Map(); // operationContext → { node, timer, steps }
let lookup = () => undefined; // seq → timeline entry of the selected call
let commands = () => []; // the selected call's command entries

/** Where this module reads the selected call's timeline entries from. */
export function readTimeline({ entry, all }) {
  lookup = entry;
  commands = () => all().filter((e) => e.source === "command");
}

/** A fresh operationContext for one action sent from this page. */
export const newContext = (action) => `page-${action}-${crypto.randomUUID()}`;

function show(w, state, text) {
  if (w.steps.at(-1) !== state) w.steps.push(state);
  w.node.dataset.awaited = state;
  w.node.textContent = `${w.steps.join(" → ")}${text ? ` (${text})` : ""}`;
}

function finish(ctx, state, text) {
  const w = awaiting.get(ctx);
  if (!w) return;
  clearTimeout(w.timer);
  awaiting.delete(ctx);
  show(w, state, text);
}

/** What the timeline says about the action sent with `ctx` now. */
function check(ctx) {
  const w = awaiting.get(ctx);
  const cmd = commands().find((e) => e.operationContext === ctx);
  if (!w || !cmd) return; // not on the timeline yet (the stream polls)
  if (!cmd.outcome) return show(w, "waiting");
  if (cmd.settledBy === undefined) return finish(ctx, cmd.outcome, cmd.status); // accepted or refused, no event
  // It waited for an event, even when the stream brought the command and its event together.
  show(w, "waiting");
  const ev = lookup(cmd.settledBy);
  if (!ev) return; // the settling event is on its way in the same poll
  finish(ctx, cmd.outcome, [ev.kind, ev.detail].filter(Boolean).join(", "));
}

/**
 * Follows the action sent with `ctx` (its package call returned): appends the outcome to
 * `li` and updates it as the timeline moves; "timed out" after `TIMEOUT_MS`.
 */
export function follow(ctx, li) {
  const node = el("span", { class: "awaited" });
  li.append(" · ", node);
  const w = { node, steps: [], timer: 0 };
  awaiting.set(ctx, w);
  show(w, "sent");
  w.timer = setTimeout(() => finish(ctx, "timed out", `no event settled it within ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
  check(ctx);
}

/** A timeline entry arrived or changed (the call's stream). */
export function entrySeen(e) {
  if (e.operationContext && awaiting.has(e.operationContext)) check(e.operationContext);
}

/** Another call was selected: what was awaited is no longer followed. */
export function forgetAll() {
  for (const ctx of [...awaiting.keys()]) finish(ctx, "not followed", "another call was selected");
}
