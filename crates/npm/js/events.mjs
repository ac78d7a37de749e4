// parseCallAutomationEvent(s): CloudEvents from the callback → typed events, by the engine.
//
// Which types are Call Automation events, which members hold identifiers and how identifier
// models read are the core's rules (crates/npm/src/shapes.rs); this file is the JSON codec
// around them: JSON text in (caller objects are stringified, never mutated), JSON text out.
// The mapping is the official one ({...data, kind}, identifier models → identifiers) with two
// improvements: parseCallAutomationEvents returns every event of a batch, and unknown types
// come back as {kind: "Unknown", type, data} instead of throwing.
import { parseEvents, identifierFromModel as fromModel } from "./engine.js";

const text = (input) => (typeof input === "string" ? input : String(JSON.stringify(input)));

/** Wire identifier model → identifier, as the official communicationIdentifierConverter. */
export const identifierFromModel = (m) => JSON.parse(fromModel(String(JSON.stringify(m))));

/** As the official function: the first event of a JSON string, object or array. Throws a TypeError for unknown types. */
export const parseCallAutomationEvent = (encodedEvents) => JSON.parse(parseEvents(text(encodedEvents), true));

/** Every event of a batch; unknown types become {kind: "Unknown", type, data}. */
export const parseCallAutomationEvents = (encodedEvents) => JSON.parse(parseEvents(text(encodedEvents), false));
