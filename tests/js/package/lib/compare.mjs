// Wire comparison: both packages must send the same method, path, query and JSON body.
// Fields both sides fill with fresh random UUIDs (operationContext) compare as "<uuid>".
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function normalize(value) {
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    const out = {};
    for (const k of Object.keys(value).sort()) out[k] = normalize(value[k]);
    return out;
  }
  return typeof value === "string" && UUID.test(value) ? "<uuid>" : value;
}

/** The comparable view of one recorded request. */
export function wireView(entry) {
  const h = entry.headers;
  return {
    method: entry.method,
    path: entry.path,
    query: entry.query,
    body: entry.body ? normalize(JSON.parse(entry.body)) : undefined,
    repeatability: h["repeatability-request-id"] === undefined ? "absent"
      : UUID.test(h["repeatability-request-id"]) && HTTP_DATE.test(h["repeatability-first-sent"] || "") ? "uuid+date" : "malformed",
    contentType: entry.body ? (h["content-type"] || "").split(";")[0] : undefined,
  };
}

/** Known, documented differences in results (see pkg/README.md). */
export function resultView(r) {
  const copy = JSON.parse(JSON.stringify(r ?? null));
  // Methods typed Promise<void> resolve to undefined; the official runtime leaks `{}` for some.
  if (copy && copy.result && typeof copy.result === "object" && Object.keys(copy.result).length === 0) delete copy.result;
  const props = copy && copy.result && (copy.result.callConnectionProperties || (copy.result.callConnectionId && copy.result));
  // callsteer also sets the declared `callbackUrl` (the official runtime only fills `callbackUri`).
  if (props) delete props.callbackUrl;
  return copy;
}
