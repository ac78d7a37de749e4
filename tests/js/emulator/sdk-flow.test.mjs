// The official @azure/communication-call-automation package, unchanged, against the
// real callsteer-emulator binary: create-call → add-participant → hang-up, with every
// callback's JWT verified against the emulator's JWKS using node's crypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CallAutomationClient, parseCallAutomationEvent } from "@azure/communication-call-automation";
import { KEY, RESOURCE, startEmulator, startReceiver, verifyJwt } from "./helpers.mjs";

test("official SDK: create call, add participant, hang up; every callback carries a verifiable JWT", async () => {
  const { child, base } = await startEmulator();
  const receiver = await startReceiver();
  try {
    const jwks = await (await fetch(`${base}/calling/keys`)).json();
    const oidc = await (await fetch(`${base}/calling/.well-known/acsopenidconfiguration`)).json();
    assert.equal(oidc.jwks_uri, `${base}/calling/keys`);

    // allowInsecureConnection is the standard Azure SDK client option for plain-http
    // endpoints; the emulator serves http on loopback.
    const client = new CallAutomationClient(`endpoint=${base}/;accesskey=${KEY}`, { allowInsecureConnection: true });
    const alice = { communicationUserId: `8:acs:${RESOURCE}_alice` };
    const bob = { communicationUserId: `8:acs:${RESOURCE}_bob_delay200` };
    const created = await client.createCall({ targetParticipant: alice }, `${receiver.url}/callbacks`, { operationContext: "sdk-create" });
    const id = created.callConnectionProperties.callConnectionId;
    assert.ok(id);

    const connected = await receiver.next("CallConnected", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([connected.event])).kind, "CallConnected");
    assert.equal(connected.event.data.operationContext, "sdk-create");

    const connection = client.getCallConnection(id);
    const props = await connection.getCallConnectionProperties();
    assert.equal(props.callConnectionState, "connected");

    const added = await connection.addParticipant({ targetParticipant: bob }, { operationContext: "sdk-add" });
    assert.ok(added.invitationId);
    const succeeded = await receiver.next("AddParticipantSucceeded", id);
    const parsed = parseCallAutomationEvent(JSON.stringify([succeeded.event]));
    assert.equal(parsed.kind, "AddParticipantSucceeded");
    assert.equal(parsed.participant.communicationUserId, bob.communicationUserId);
    const participants = await connection.listParticipants();
    assert.equal(participants.values.length, 2);

    await connection.hangUp(true);
    const disconnected = await receiver.next("CallDisconnected", id);
    assert.equal(parseCallAutomationEvent(JSON.stringify([disconnected.event])).kind, "CallDisconnected");

    assert.ok(receiver.received.length >= 5, `callbacks: ${receiver.received.map((r) => r.event.type)}`);
    for (const r of receiver.received) {
      verifyJwt(r.auth, jwks, base);
    }
  } finally {
    child.kill("SIGTERM");
    receiver.server.close();
  }
});
