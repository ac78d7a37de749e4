// verifyWebhookSignature / signWebhookBody: the Callsteer-Signature of the edge worker's flow
// webhooks, for operators' apps (our own addition; the official package has no such thing).
//
// The scheme is the core's (src/webhook/callsteer_signature.rs), run by the engine
// (crates/npm/src/webhook.rs): the header's form, the time window, the HMAC and the errors
// (WebhookSignatureError with code MalformedHeader, Expired or InvalidSignature). This file only
// turns the body into bytes and reads the clock when the app passes no `now`.
import { webhookSign, webhookVerify } from "./engine.js";
import { invalid } from "./processor.mjs";

const encoder = new TextEncoder();

// The raw body as bytes: a string is encoded as UTF-8 (what a JSON body is sent as).
function bytes(body) {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw invalid("body", "must be the raw request body: a string, Uint8Array or ArrayBuffer");
}

function text(value, field) {
  if (typeof value !== "string") throw invalid(field, "must be a string");
  return value;
}

// Milliseconds since the epoch; the engine refuses NaN (an invalid Date, a wrong type).
function millis(now) {
  if (now === undefined || now === null) return Date.now();
  if (now instanceof Date) return now.getTime();
  return typeof now === "number" ? now : NaN;
}

/** Verifies a flow webhook's signature header for its raw body; `{ timestamp }` (Unix seconds) or throws. */
export function verifyWebhookSignature(body, signatureHeader, secret, options) {
  const { now, toleranceInSeconds } = options ?? {};
  const header = signatureHeader == null ? "" : String(signatureHeader);
  return { timestamp: webhookVerify(bytes(body), header, text(secret, "secret"), millis(now), toleranceInSeconds) };
}

/** The signature header value for `body`, as the edge worker sends it (for an app's tests). */
export function signWebhookBody(body, secret, options) {
  return webhookSign(bytes(body), text(secret, "secret"), millis(options?.now));
}
