// verifyWebhookSignature / signWebhookBody: each case runs on the package module `ours` with the
// vectors of tests/fixtures/webhook-signature.json (computed outside callsteer, shared with the
// core's tests/webhook_signature.rs) and returns plain data; `expected` is what it must return.
// Run in Node (test/webhook-node.test.mjs) and in Chromium (test/webhook-chromium.test.mjs).

// What a call threw, as data: null when it returned.
function thrown(f) {
  try {
    f();
    return null;
  } catch (e) {
    return { isError: e instanceof Error, name: e.name, code: e.code, field: e.field, message: e.message };
  }
}
const codeOf = (f) => {
  const e = thrown(f);
  return e && [e.isError, e.name, e.code];
};
const ms = (t) => t * 1000;
const v1Of = (header) => header.split(",").find((e) => e.startsWith("v1="));

export const webhookCases = [
  [
    "the fixed vectors verify, and signing gives them byte for byte",
    (ours, { vectors }) =>
      vectors.map(({ secret, timestamp, body, header }) => [
        ours.verifyWebhookSignature(body, header, secret, { now: ms(timestamp) }).timestamp,
        ours.signWebhookBody(body, secret, { now: new Date(ms(timestamp) + 999) }) === header,
      ]),
    [[1700000000, true], [1765000000, true], [0, true]],
  ],
  [
    "string, Uint8Array, ArrayBuffer and a view into a larger buffer are the same body",
    (ours, { vectors: [, { secret, timestamp, body, header }] }) => {
      const bytes = new TextEncoder().encode(body);
      const bigger = new Uint8Array(bytes.length + 8);
      bigger.set(bytes, 4);
      const now = { now: ms(timestamp) };
      return [body, bytes, bytes.slice().buffer, bigger.subarray(4, 4 + bytes.length)].map((b) => [
        ours.verifyWebhookSignature(b, header, secret, now).timestamp,
        ours.signWebhookBody(b, secret, now) === header,
      ]);
    },
    [[1765000000, true], [1765000000, true], [1765000000, true], [1765000000, true]],
  ],
  [
    "a tampered body fails with InvalidSignature (one flipped bit, re-serialized JSON)",
    (ours, { vectors: [{ secret, timestamp, body, header }] }) => {
      const flipped = new TextEncoder().encode(body);
      flipped[10] ^= 1;
      const reserialized = JSON.stringify(JSON.parse(body), null, 1);
      const moved = header.replace(`t=${timestamp}`, `t=${timestamp + 1}`);
      const now = { now: ms(timestamp) };
      return [
        codeOf(() => ours.verifyWebhookSignature(flipped, header, secret, now)),
        codeOf(() => ours.verifyWebhookSignature(reserialized, header, secret, now)),
        codeOf(() => ours.verifyWebhookSignature(body, moved, secret, now)),
      ];
    },
    [[true, "WebhookSignatureError", "InvalidSignature"], [true, "WebhookSignatureError", "InvalidSignature"], [true, "WebhookSignatureError", "InvalidSignature"]],
  ],
  [
    "outside the tolerance fails with Expired, either way; its edge passes and it is configurable",
    (ours, { vectors: [{ secret, timestamp: t, body, header }] }) => {
      const at = (seconds, toleranceInSeconds) => {
        const e = thrown(() => ours.verifyWebhookSignature(body, header, secret, { now: ms(seconds), toleranceInSeconds }));
        return e ? e.code : "ok";
      };
      const old = thrown(() => ours.verifyWebhookSignature(body, header, secret, { now: new Date(ms(t + 301)) }));
      return {
        edges: [at(t + 300), at(t - 300), at(t + 301), at(t - 301), at(t + 3600, 3600), at(t + 1, 0)],
        old: [old.name, old.code, old.message],
        future: thrown(() => ours.verifyWebhookSignature(body, header, secret, { now: ms(t - 400) })).message,
      };
    },
    {
      edges: ["ok", "ok", "Expired", "Expired", "ok", "Expired"],
      old: ["WebhookSignatureError", "Expired", "Callsteer-Signature is too old: t=1700000000 is 301 s before now (1700000301), more than the tolerance of 300 s"],
      future: "Callsteer-Signature is in the future: t=1700000000 is 400 s after now (1699999600), more than the tolerance of 300 s",
    },
  ],
  [
    "a wrong secret fails with InvalidSignature and shows neither secret nor signature",
    (ours, { vectors: [{ secret, timestamp, body, header }] }) => {
      const wrong = "another-secret-of-the-operator";
      const e = thrown(() => ours.verifyWebhookSignature(body, header, wrong, { now: ms(timestamp) }));
      const leaked = [secret, wrong, v1Of(header).slice(3), v1Of(ours.signWebhookBody(body, wrong, { now: ms(timestamp) })).slice(3)].filter((s) => e.message.includes(s));
      return [e.isError, e.name, e.code, leaked];
    },
    [true, "WebhookSignatureError", "InvalidSignature", []],
  ],
  [
    "during a secret rotation any v1 entry passes; unknown keys are ignored",
    (ours, { vectors: [{ secret, timestamp, body, header }] }) => {
      const old = "the-secret-before-the-rotation";
      const now = { now: ms(timestamp) };
      const both = `${ours.signWebhookBody(body, old, now)}, ${v1Of(header)} , v2=later`;
      return [ours.verifyWebhookSignature(body, both, secret, now).timestamp, ours.verifyWebhookSignature(body, both, old, now).timestamp];
    },
    [1700000000, 1700000000],
  ],
  [
    "a missing or malformed header fails with MalformedHeader, naming the reason",
    (ours, { vectors: [{ secret, timestamp, body, header }] }) => {
      const now = { now: ms(timestamp) };
      const v1 = v1Of(header);
      return [null, undefined, "", `t=soon,${v1}`, `t=${timestamp}`, `t=${timestamp},v1=abc`, v1].map((h) => {
        const e = thrown(() => ours.verifyWebhookSignature(body, h, secret, now));
        return [e.name, e.code, e.message.replace("invalid Callsteer-Signature: ", "")];
      });
    },
    [
      ["WebhookSignatureError", "MalformedHeader", "is empty"],
      ["WebhookSignatureError", "MalformedHeader", "is empty"],
      ["WebhookSignatureError", "MalformedHeader", "is empty"],
      ["WebhookSignatureError", "MalformedHeader", "t is not a decimal number of Unix seconds"],
      ["WebhookSignatureError", "MalformedHeader", "has no v1 entry (the signature)"],
      ["WebhookSignatureError", "MalformedHeader", "v1 is not 64 hex digits (an HMAC-SHA256)"],
      ["WebhookSignatureError", "MalformedHeader", "has no t entry (the timestamp)"],
    ],
  ],
  [
    "bad arguments are InvalidInputErrors naming the argument, not refusals",
    (ours, { vectors: [{ secret, timestamp, body, header }] }) =>
      [
        () => ours.verifyWebhookSignature(body, header, "short-secret", { now: ms(timestamp) }),
        () => ours.verifyWebhookSignature(body, header, undefined),
        () => ours.verifyWebhookSignature({ body }, header, secret),
        () => ours.verifyWebhookSignature(body, header, secret, { now: "yesterday" }),
        () => ours.verifyWebhookSignature(body, header, secret, { now: new Date("nope") }),
        () => ours.verifyWebhookSignature(body, header, secret, { toleranceInSeconds: -1 }),
        () => ours.signWebhookBody(body, "short-secret"),
      ].map((f) => {
        const e = thrown(f);
        return [e.name, e.code, e.field, e.message.includes("short-secret")];
      }),
    [
      ["InvalidInputError", "InvalidInput", "secret", false],
      ["InvalidInputError", "InvalidInput", "secret", false],
      ["InvalidInputError", "InvalidInput", "body", false],
      ["InvalidInputError", "InvalidInput", "now", false],
      ["InvalidInputError", "InvalidInput", "now", false],
      ["InvalidInputError", "InvalidInput", "toleranceInSeconds", false],
      ["InvalidInputError", "InvalidInput", "secret", false],
    ],
  ],
  [
    "without `now` both read the clock",
    (ours, { vectors: [{ secret, body }] }) => {
      const before = Math.floor(Date.now() / 1000);
      const header = ours.signWebhookBody(body, secret);
      const { timestamp } = ours.verifyWebhookSignature(body, header, secret);
      return [timestamp >= before && timestamp <= before + 5, header === `t=${timestamp},${v1Of(header)}`];
    },
    [true, true],
  ],
];

/** Runs the case `name` on `ours`: what it returned. */
export function runWebhookCase(ours, name, fixture) {
  const [, run] = webhookCases.find(([n]) => n === name);
  return run(ours, fixture);
}
