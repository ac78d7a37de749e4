// The official SDK answering an incoming call (Event Grid delivery) and driving media,
// DTMF, hold and recording against the emulator binary; the SDK's own event parser reads
// every callback, and every callback's JWT verifies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CallAutomationClient, parseCallAutomationEvent } from "@azure/communication-call-automation";
import { KEY, RESOURCE, control, startEmulator, startEventGridReceiver, startReceiver, verifyJwt } from "./helpers.mjs";

test("official SDK: answer an incoming call, play, recognize DTMF, send DTMF, hold, record, hang up", async () => {
  const { child, base } = await startEmulator();
  const receiver = await startReceiver();
  const eventGrid = await startEventGridReceiver();
  try {
    const sub = await control(base, "/emulator/event-subscriptions", { endpoint: eventGrid.url });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const caller = "+14255550123";
    const placed = await control(base, "/emulator/incoming-calls", { from: caller, to: `8:acs:${RESOURCE}_bot`, callerDisplayName: "Ada" });
    assert.equal(placed.status, 201);
    const incoming = await eventGrid.next();
    assert.equal(incoming.eventType, "Microsoft.Communication.IncomingCall");
    assert.equal(incoming.data.callerDisplayName, "Ada");

    const client = new CallAutomationClient(`endpoint=${base}/;accesskey=${KEY}`, { allowInsecureConnection: true });
    const answered = await client.answerCall(incoming.data.incomingCallContext, `${receiver.url}/ivr`, { operationContext: "answer" });
    const id = answered.callConnectionProperties.callConnectionId;
    assert.equal(answered.callConnectionProperties.serverCallId, placed.body.serverCallId);
    await receiver.next("CallConnected", id);

    const connection = client.getCallConnection(id);
    const media = connection.getCallMedia();
    const party = { phoneNumber: caller };

    await media.playToAll([{ kind: "fileSource", url: "https://media.example/welcome.wav?durationMs=300" }], { operationContext: "welcome" });
    await receiver.next("PlayStarted", id);
    const played = await receiver.next("PlayCompleted", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([played.event])).operationContext, "welcome");

    await media.startRecognizing(party, {
      kind: "callMediaRecognizeDtmfOptions",
      maxTonesToCollect: 3,
      playPrompt: { kind: "textSource", text: "Enter your account number" },
      operationContext: "account",
    });
    const pressed = await control(base, "/emulator/dtmf", { callConnectionId: id, participant: caller, tones: "123" });
    assert.equal(pressed.body.consumedBy, "recognize");
    const recognized = parseCallAutomationEvent(JSON.stringify([(await receiver.next("RecognizeCompleted", id)).event]));
    assert.equal(recognized.recognitionType, "dtmf");
    assert.deepEqual(recognized.dtmfResult.tones, ["one", "two", "three"]);

    const sent = await media.sendDtmfTones(["one", "pound"], party, { operationContext: "send" });
    assert.equal(sent.operationContext, "send");
    await receiver.next("SendDtmfTonesCompleted", id);

    await media.hold(party);
    const held = parseCallAutomationEvent(JSON.stringify([(await receiver.next("ParticipantsUpdated", id)).event]));
    await media.unhold(party);
    const participant = await connection.getParticipant(party);
    assert.equal(participant.isOnHold, false);
    assert.ok(held.participants.length >= 1);

    const recording = client.getCallRecording();
    const started = await recording.start({ callConnectionId: id, recordingChannel: "mixed", recordingContent: "audio", recordingFormat: "wav" });
    assert.equal(started.recordingState, "active");
    await recording.pause(started.recordingId);
    assert.equal((await recording.getState(started.recordingId)).recordingState, "inactive");
    await recording.resume(started.recordingId);
    await recording.stop(started.recordingId);

    await connection.hangUp(false);
    const disconnected = await receiver.next("CallDisconnected", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([disconnected.event])).kind, "CallDisconnected");

    for (const r of receiver.received) {
      verifyJwt(r.auth, await (await fetch(`${base}/calling/keys`)).json(), base);
      assert.ok(parseCallAutomationEvent(JSON.stringify([r.event])).kind, `the SDK parses ${r.event.type}`);
    }
  } finally {
    child.kill("SIGTERM");
    receiver.server.close();
    eventGrid.server.close();
  }
});
