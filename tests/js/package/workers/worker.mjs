// A Worker using callsteer through its `workerd` entry: GET /?cs=<connection string> calls
// getCallConnectionProperties and returns the result; /events parses a posted batch.
import { CallAutomationClient, parseCallAutomationEvents } from "../../../../pkg/workerd.mjs";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/events") {
      return Response.json(parseCallAutomationEvents(await request.text()).map((e) => e.kind));
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
