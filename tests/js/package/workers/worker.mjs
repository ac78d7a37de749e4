// A Worker using callsteer through its `workerd` entry: GET /?cs=<connection string> calls
// getCallConnectionProperties and returns the result; /events parses a posted batch;
// /processor?cs=… plays, feeds the posted batch to the event processor and returns the play's
// waitForEventProcessor answer (the batch's operationContext "w1" is the play's); /webhook is
// pkg/README.md's flow-webhook Worker ("Verifying a flow webhook"), kept in step with it;
// POST /flows runs the posted `{rules, tests}` through callsteer/flows' `workerd` entry.
import { CallAutomationClient, parseCallAutomationEvents, verifyWebhookSignature } from "../../../../pkg/workerd.mjs";
import { runTests } from "../../../../pkg/flows/workerd.mjs";

const env = { CALLSTEER_WEBHOOK_SECRET: "a-long-random-secret-for-the-step" };

async function webhook(request) {
  const body = new Uint8Array(await request.arrayBuffer()); // the raw bytes as received
  try {
    verifyWebhookSignature(body, request.headers.get("callsteer-signature"), env.CALLSTEER_WEBHOOK_SECRET);
  } catch (e) {
    return new Response(e.code, { status: e.name === "WebhookSignatureError" ? 401 : 500 });
  }
  const facts = JSON.parse(new TextDecoder().decode(body));
  return Response.json({ goto: facts.digits === "1" ? "sales" : "support", set: { checked: "yes" } });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/webhook") return webhook(request);
    if (url.pathname === "/flows") {
      const { rules, tests } = await request.json();
      return Response.json(runTests(rules, tests));
    }
    if (url.pathname === "/events") {
      return Response.json(parseCallAutomationEvents(await request.text()).map((e) => e.kind));
    }
    if (url.pathname === "/processor") {
      const client = new CallAutomationClient(url.searchParams.get("cs"));
      const events = await request.text();
      client.getEventProcessor().processEvents(events); // before the play's response: backlog
      const play = await client.getCallConnection("conn-1").getCallMedia().playToAll([{ kind: "fileSource", url: "https://m.example/a.wav" }], { operationContext: "w1" });
      const timedOut = await client.getEventProcessor().waitForEventProcessor(() => false, undefined, 5).catch((e) => e.name);
      return Response.json({ ...(await play.waitForEventProcessor(undefined, 2000)), timedOut });
    }
    try {
      const client = new CallAutomationClient(url.searchParams.get("cs"));
      const props = await client.getCallConnection("conn-1").getCallConnectionProperties();
      return Response.json(props);
    } catch (e) {
      return Response.json({ name: e.name, message: e.message, statusCode: e.statusCode }, { status: 500 });
    }
  },
};
