// Node: verifyWebhookSignature / signWebhookBody (the flow webhooks' Callsteer-Signature) on
// the shared cases of lib/webhook-cases.mjs, with the vectors the core's tests use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import * as ours from "../../../../pkg/node.mjs";
import { webhookCases } from "../lib/webhook-cases.mjs";

const fixture = JSON.parse(readFileSync(new URL("../../../fixtures/webhook-signature.json", import.meta.url), "utf8"));

for (const [name, run, expected] of webhookCases) {
  test(`webhook signature (node): ${name}`, () => {
    assert.deepEqual(run(ours, fixture), expected);
  });
}

test("webhook signature (node): a Buffer body is bytes like any other", () => {
  const [{ secret, timestamp, body, header }] = fixture.vectors;
  assert.deepEqual(ours.verifyWebhookSignature(Buffer.from(body), header, secret, { now: timestamp * 1000 }), { timestamp });
});

// pkg/README.md's Node app ("Verifying a flow webhook"), kept in step with it, on a free port.
function readmeApp(secret) {
  return http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks); // the raw bytes as received: verify before parsing
    try {
      ours.verifyWebhookSignature(body, req.headers["callsteer-signature"], secret);
    } catch (e) { // WebhookSignatureError: refused (e.code says why); anything else is a bug of ours
      return res.writeHead(e.name === "WebhookSignatureError" ? 401 : 500).end(e.code);
    }
    const facts = JSON.parse(body);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ goto: facts.digits === "1" ? "sales" : "support", set: { checked: "yes" } }));
  });
}

test("webhook signature (node): the README's node:http app answers signed requests and refuses the rest", async () => {
  const secret = "a-long-random-secret-for-the-step";
  const server = readmeApp(secret).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const post = async (body, signature) => {
    const res = await fetch(url, { method: "POST", body, headers: signature === undefined ? {} : { "callsteer-signature": signature } });
    return [res.status, await res.text()];
  };
  try {
    const body = JSON.stringify({ digits: "1" });
    assert.deepEqual(await post(body, ours.signWebhookBody(body, secret)), [200, '{"goto":"sales","set":{"checked":"yes"}}']);
    assert.deepEqual(await post(body.replace("1", "2"), ours.signWebhookBody(body, secret)), [401, "InvalidSignature"]);
    assert.deepEqual(await post(body, ours.signWebhookBody(body, secret, { now: Date.now() - 600000 })), [401, "Expired"]);
    assert.deepEqual(await post(body, undefined), [401, "MalformedHeader"]);
    assert.deepEqual(await post(body, ours.signWebhookBody(body, "not-the-secret-of-the-step")), [401, "InvalidSignature"]);
  } finally {
    server.close();
  }
});
