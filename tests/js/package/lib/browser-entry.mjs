// Bundled for Chromium: the official package and the shared cases.
import * as official from "@azure/communication-call-automation";
export { official };
export { runCase, caseNames } from "./cases.mjs";
export { runWebhookCase } from "./webhook-cases.mjs";
