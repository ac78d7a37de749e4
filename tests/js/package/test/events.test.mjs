// parseCallAutomationEvent(s) on the recorded payloads, with the official parser as oracle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import * as official from "@azure/communication-call-automation";
import * as ours from "../../../../pkg/node.mjs";

const dir = new URL("../../../fixtures/events/", import.meta.url);
const recorded = readdirSync(dir).filter((f) => f.endsWith(".cloudevent.recorded.json"));
const json = (v) => JSON.parse(JSON.stringify(v));

test("there are recorded CloudEvent payloads to check", () => {
  assert.ok(recorded.length >= 5, recorded.join());
});

for (const file of recorded) {
  const text = readFileSync(new URL(file, dir), "utf8");
  test(`parseCallAutomationEvent equals the official result: ${file}`, () => {
    assert.deepEqual(json(ours.parseCallAutomationEvent(text)), json(official.parseCallAutomationEvent(text)));
    const asObject = JSON.parse(text);
    assert.deepEqual(json(ours.parseCallAutomationEvent(asObject)), json(official.parseCallAutomationEvent(JSON.parse(text))));
  });
}

test("parseCallAutomationEvents returns every event of a batch, unknown types included", () => {
  const batch = recorded.flatMap((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")));
  batch.push({ type: "Microsoft.Communication.SomethingNew", data: { a: 1 } });
  const events = ours.parseCallAutomationEvents(JSON.stringify(batch));
  assert.equal(events.length, batch.length);
  assert.deepEqual(events.at(-1), { kind: "Unknown", type: "Microsoft.Communication.SomethingNew", data: { a: 1 } });
  for (let i = 0; i < batch.length - 1; i++) {
    assert.deepEqual(json(events[i]), json(official.parseCallAutomationEvent([batch[i]])));
  }
});

test("parseCallAutomationEvent keeps the official contract for unknown types and empty batches", () => {
  const unknown = JSON.stringify({ type: "Microsoft.Communication.Nope", data: {} });
  assert.throws(() => ours.parseCallAutomationEvent(unknown), TypeError);
  assert.throws(() => official.parseCallAutomationEvent(unknown), TypeError);
  assert.throws(() => ours.parseCallAutomationEvent("[]"), /Empty event array/);
});

test("participant identifiers become CommunicationIdentifier shapes", () => {
  const e = ours.parseCallAutomationEvent({
    type: "Microsoft.Communication.AddParticipantFailed",
    data: { participant: { rawId: "4:+14255550123", kind: "phoneNumber", phoneNumber: { value: "+14255550123" } }, callConnectionId: "c" },
  });
  assert.deepEqual(e, { participant: { phoneNumber: "+14255550123", rawId: "4:+14255550123" }, callConnectionId: "c", kind: "AddParticipantFailed" });
});

test("caller-supplied objects are never mutated (strings are parsed and reused in place)", () => {
  const input = { type: "Microsoft.Communication.CallConnected", data: { callConnectionId: "c" } };
  const snapshot = JSON.stringify(input);
  const e = ours.parseCallAutomationEvent(input);
  assert.equal(e.kind, "CallConnected");
  assert.equal(JSON.stringify(input), snapshot);
  assert.deepEqual(ours.parseCallAutomationEvents([input]), [{ callConnectionId: "c", kind: "CallConnected" }]);
  assert.equal(JSON.stringify(input), snapshot);
});
