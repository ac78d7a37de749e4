// Switching the import line must not break imports: every runtime export of the official
// package exists here with the same kind and value (enums), and the streaming helpers give
// the same results.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as official from "@azure/communication-call-automation";
import { createIdentifierFromRawId as officialFromRawId } from "@azure/communication-common";
import * as ours from "../../../../pkg/node.mjs";

const json = (v) => JSON.parse(JSON.stringify(v));

test("every runtime export of the official package exists, with the same type", () => {
  for (const [name, value] of Object.entries(official)) {
    assert.ok(name in ours, `missing export ${name}`);
    assert.equal(typeof ours[name], typeof value, name);
  }
});

test("enums have the official members and values", () => {
  for (const name of ["Channel", "DtmfTone", "KnownCallRejectReason", "KnownMediaStreamingAudioChannelType", "KnownMediaStreamingContentType", "KnownStreamingTransportType", "RecognizeInputType", "VoiceKind"]) {
    assert.deepEqual({ ...ours[name] }, { ...official[name] }, name);
  }
});

test("createIdentifierFromRawId matches communication-common", () => {
  const ids = ["4:+14255550123", "4:anonymous", "4:+1425_asserted", "8:acs:abc", "8:acs:r_t_u", "8:dod-acs:r_t_u", "8:gcch-acs:x", "8:spool:s", "8:orgid:o", "8:dod:d", "8:gcch:g", "8:teamsvisitor:v", "28:orgid:a", "28:dod:a", "28:gcch:a", "48:x", "weird"];
  for (const id of ids) assert.deepEqual(json(ours.createIdentifierFromRawId(id)), json(officialFromRawId(id)), id);
});

const messages = [
  { kind: "AudioMetadata", audioMetadata: { subscriptionId: "s", encoding: "PCM", sampleRate: 16000, channels: 1, length: 640 } },
  { kind: "AudioData", audioData: { data: "AAAA", timestamp: "2024-05-01T00:00:00Z", participantRawID: "8:acs:p", silent: false } },
  { kind: "AudioData", audioData: { data: "AAAA", timestamp: "2024-05-01T00:00:00Z", silent: true } },
  { kind: "TranscriptionMetadata", transcriptionMetadata: { subscriptionId: "s", locale: "en-US", callConnectionId: "c", correlationId: "r" } },
  { kind: "TranscriptionData", transcriptionData: { text: "hi", format: "display", confidence: 0.9, offset: 1, duration: 2, words: [{ text: "hi", offset: 1, duration: 2 }], participantRawID: "4:+1425", resultStatus: "final" } },
  { kind: "DtmfData", dtmfData: { data: "5" } },
];

test("StreamingData.parse matches the official parser (string and bytes)", () => {
  for (const m of messages) {
    const text = JSON.stringify(m);
    assert.deepEqual(json(ours.StreamingData.parse(text)), json(official.StreamingData.parse(text)), m.kind);
    assert.equal(ours.StreamingData.getStreamingKind(), m.kind);
    const bytes = new TextEncoder().encode(text);
    assert.deepEqual(json(ours.StreamingData.parse(bytes.buffer)), json(official.StreamingData.parse(bytes.buffer)));
  }
  // Issue 12: a new kind (the preview's MarkData) does not throw, unlike the official parser.
  assert.deepEqual(ours.StreamingData.parse('{"kind":"MarkData","markData":{"id":"m1","status":"completed"}}'), { id: "m1", status: "completed" });
  assert.equal(ours.StreamingData.getStreamingKind(), "MarkData");
  assert.throws(() => official.StreamingData.parse('{"kind":"MarkData","markData":{}}'), /Unknown data kind/);
  assert.throws(() => ours.StreamingData.parse("{not json"), { name: "DecodeError" });
});

test("outbound audio messages are the official JSON", () => {
  assert.equal(ours.createOutboundAudioData("AAEC"), official.createOutboundAudioData("AAEC"));
  assert.equal(ours.createOutboundStopAudioData(), official.createOutboundStopAudioData());
});
