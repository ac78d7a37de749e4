// The live stream is pushed by the call's object over a hibernatable WebSocket: an open stream
// costs the object nothing while nothing happens (the polled stream it replaced cost 240
// object requests a minute), and a change reaches it as soon as it is stored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openLive, useStack, waitFor } from "./harness.mjs";

const { stack, adm, emu } = useStack();

test("an idle open stream costs the call's object no request; a change is pushed when it is stored", async () => {
  const placed = await emu("/emulator/incoming-calls", { method: "POST", body: { from: "+14255550111", to: "+18005550100" } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const id = (await waitFor("the routing decision", async () => {
    const r = await adm(`/decisions/${encodeURIComponent(placed.body.serverCallId)}`);
    return r.status === 200 && r.body.decisions[0];
  })).callConnectionId;
  await waitFor("the menu", async () => (await adm(`/calls/${id}`)).body?.pending?.["menu-1"]);
  const live = openLive(stack, id);
  await live.opened;
  await live.next((m) => m.event === "timeline" && m.data.kind === "recognize");
  const served = async () => (await adm(`/calls/${id}`)).body.requestsServed;
  const before = await served();
  // An idle window: what is measured is that nothing happens in it, so it is waited out.
  await new Promise((r) => setTimeout(r, 3000));
  const after = await served();
  assert.ok(after - before <= 1, `requests to the object while the stream idled: ${after - before} (the read itself is 1; polling every 250 ms made 12)`);
  // A tone pressed: the recognition, pushed to the stream.
  const pressed = await emu("/emulator/dtmf", { method: "POST", body: { callConnectionId: id, participant: "4:+14255550111", tones: "3" } });
  assert.ok(pressed.status < 300, JSON.stringify(pressed.body));
  const recognized = await live.next((m) => m.event === "timeline" && m.data.kind === "RecognizeCompleted");
  assert.equal(recognized.data.detail, "tone 3");
  live.close();
});
