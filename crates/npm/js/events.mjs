// parseCallAutomationEvent(s): CloudEvents from the callback → typed events.
//
// Decision: this hot path stays in JS on top of the engine's native JSON.parse. A wasm parser
// would still have to hand a JS object back, which costs at least one JSON.parse of its
// output, while this mapping already runs at 0.8-0.9x of a bare JSON.parse of the input
// (BENCHMARKS.md) — so moving it into wasm could only make it slower. The mapping is the official
// one ({...data, kind}, identifier models → identifiers) with two improvements:
// parseCallAutomationEvents returns every event of a batch, and unknown types come back as
// {kind: "Unknown", type, data} instead of throwing.
const PREFIX = "Microsoft.Communication.";
const WITH_PARTICIPANT = new Set([
  "AddParticipantSucceeded", "AddParticipantFailed", "RemoveParticipantSucceeded",
  "RemoveParticipantFailed", "MoveParticipantSucceeded", "MoveParticipantFailed",
]);
const KNOWN = new Set([
  ...WITH_PARTICIPANT, "CallConnected", "CallDisconnected", "CallTransferAccepted",
  "CallTransferFailed", "ParticipantsUpdated", "RecordingStateChanged", "PlayStarted",
  "PlayCompleted", "PlayFailed", "PlayCanceled", "RecognizeCompleted", "RecognizeCanceled",
  "RecognizeFailed", "ContinuousDtmfRecognitionToneReceived", "ContinuousDtmfRecognitionToneFailed",
  "ContinuousDtmfRecognitionStopped", "SendDtmfTonesCompleted", "SendDtmfTonesFailed",
  "CancelAddParticipantSucceeded", "CancelAddParticipantFailed", "TranscriptionStarted",
  "TranscriptionStopped", "TranscriptionUpdated", "TranscriptionFailed", "CreateCallFailed",
  "AnswerFailed", "HoldFailed", "ConnectFailed", "MediaStreamingStarted", "MediaStreamingStopped",
  "MediaStreamingFailed", "StartRecordingFailed",
]);

const KINDS = ["communicationUser", "phoneNumber", "microsoftTeamsUser", "microsoftTeamsApp", "teamsExtensionUser"];

/** Wire identifier model → identifier, as the official communicationIdentifierConverter. */
export function identifierFromModel(m) {
  const rawId = m.rawId;
  const kind = m.kind !== undefined ? m.kind : KINDS.find((k) => m[k] !== undefined);
  const sub = kind && m[kind];
  if (sub !== undefined && sub !== null) {
    switch (kind) {
      case "communicationUser":
        return { communicationUserId: sub.id };
      case "phoneNumber":
        return { phoneNumber: sub.value, rawId };
      case "microsoftTeamsUser":
        return { rawId, microsoftTeamsUserId: sub.userId, isAnonymous: sub.isAnonymous, cloud: sub.cloud };
      case "microsoftTeamsApp":
        return { rawId, teamsAppId: sub.appId, cloud: sub.cloud };
      case "teamsExtensionUser":
        return { rawId, userId: sub.userId, resourceId: sub.resourceId, tenantId: sub.tenantId, cloud: sub.cloud };
    }
  }
  return { id: rawId ? rawId : "" };
}

function toList(input) {
  const value = typeof input === "string" ? JSON.parse(input) : input;
  return Array.isArray(value) ? value : [value];
}

// `owned`: the objects come from our own JSON.parse, so the event's data object can become
// the result in place (no copy); caller-supplied objects are copied, never mutated.
function parseOne(event, strict, owned) {
  const type = event && event.type;
  const kind = typeof type === "string" && type.startsWith(PREFIX) ? type.slice(PREFIX.length) : undefined;
  const data = (event && event.data) || {};
  if (!KNOWN.has(kind)) {
    if (strict) throw new TypeError(`Unknown Call Automation Event type: ${type}`);
    return { kind: "Unknown", type, data };
  }
  let out;
  if (owned && !("kind" in data)) {
    out = data;
    out.kind = kind;
  } else {
    out = { ...data, kind };
  }
  if (WITH_PARTICIPANT.has(kind)) {
    out.participant = data.participant ? identifierFromModel(data.participant) : { id: "" };
  } else if (kind === "ParticipantsUpdated" && data.participants) {
    out.participants = data.participants.map((p) =>
      p.identifier ? { ...p, identifier: identifierFromModel(p.identifier) } : { ...p },
    );
  }
  return out;
}

/** As the official function: the first event of a JSON string, object or array. Throws a TypeError for unknown types. */
export function parseCallAutomationEvent(encodedEvents) {
  const list = toList(encodedEvents);
  if (list.length === 0) throw new Error("Empty event array.");
  return parseOne(list[0], true, typeof encodedEvents === "string");
}

/** Every event of a batch; unknown types become {kind: "Unknown", type, data}. */
export function parseCallAutomationEvents(encodedEvents) {
  const owned = typeof encodedEvents === "string";
  return toList(encodedEvents).map((e) => parseOne(e, false, owned));
}
