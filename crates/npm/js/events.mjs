// parseCallAutomationEvent(s): CloudEvents from the callback → typed events.
//
// The rules are the engine's (crates/npm/src/shapes.rs, from the core's tables): which types
// are Call Automation events and their kind, which data member holds identifiers, and how
// identifier models read. This file parses with JSON.parse and applies the engine's plan for
// each event type (memoized per type: the answer is the engine's, only remembered). Why a
// plan instead of the whole event through the engine: shapes.rs `event_plan` (measured).
// The mapping is the official one ({...data, kind}, identifier models → identifiers) with
// two improvements: parseCallAutomationEvents returns every event of a batch, and unknown
// types come back as {kind: "Unknown", type, data} instead of throwing.
import { eventPlan, convertMember, identifierFromModel as fromModel } from "./engine.js";

const plans = new Map(); // type → [kind, member, form], for the types the engine knows

function plan(type) {
  let p = plans.get(type);
  if (p === undefined) {
    const text = eventPlan(type);
    if (!text) return undefined; // not remembered: arbitrary types must not grow the map
    p = text.split(";");
    plans.set(type, p);
  }
  return p;
}

/** Wire identifier model → identifier, as the official communicationIdentifierConverter. */
export const identifierFromModel = (m) => JSON.parse(fromModel(String(JSON.stringify(m))));

function toList(input) {
  const value = typeof input === "string" ? JSON.parse(input) : input;
  return Array.isArray(value) ? value : [value];
}

// `owned`: the objects come from our own JSON.parse, so the event's data object can become
// the result in place (no copy); caller-supplied objects are copied, never mutated.
function parseOne(event, strict, owned) {
  const type = event && event.type;
  const p = typeof type === "string" ? plan(type) : undefined;
  const data = (event && event.data) || {};
  if (!p) {
    if (strict) throw new TypeError(`Unknown Call Automation Event type: ${type}`);
    return { kind: "Unknown", type, data };
  }
  const [kind, member, form] = p;
  let out;
  if (owned && !("kind" in data)) {
    out = data;
    out.kind = kind;
  } else {
    out = { ...data, kind };
  }
  if (member) {
    const converted = convertMember(Number(form), String(JSON.stringify(data[member] ?? null)));
    if (converted !== undefined) out[member] = JSON.parse(converted);
  }
  return out;
}

/** As the official function: the first event of a JSON string, object or array. Throws a TypeError for unknown types. */
export function parseCallAutomationEvent(encodedEvents) {
  const list = toList(encodedEvents);
  if (list.length === 0) throw new Error("Empty event array.");
  return parseOne(list[0], true, typeof encodedEvents === "string");
}

/** Every event of a batch; unknown types become {kind: "Unknown", type, data}. */
export function parseCallAutomationEvents(encodedEvents) {
  const owned = typeof encodedEvents === "string";
  return toList(encodedEvents).map((e) => parseOne(e, false, owned));
}
