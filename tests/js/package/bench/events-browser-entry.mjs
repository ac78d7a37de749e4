import { parseCallAutomationEvent } from "@azure/communication-call-automation";
export { compare } from "./events-core.mjs";
export const officialParse = parseCallAutomationEvent;
