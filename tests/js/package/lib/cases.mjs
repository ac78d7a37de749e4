// Every public method with its option variants. Each case runs the same call on a client of
// either package; the harness compares what went over the wire (and the results).
const acs = { communicationUserId: "8:acs:target" };
const phone = { phoneNumber: "+14255550123" };
const teams = { microsoftTeamsUserId: "aad-1", cloud: "gcch" };
const teamsAnon = { microsoftTeamsUserId: "visitor-1", isAnonymous: true };
const app = { teamsAppId: "app-1" };
const ext = { userId: "u1", tenantId: "t1", resourceId: "r1", cloud: "dod" };
const unknown = { id: "48:weird" };
const cb = "https://app.example/cb";
const file = { kind: "fileSource", url: "https://media.example/a.wav" };
const text = { kind: "textSource", text: "Hello", sourceLocale: "en-US", voiceKind: "female", voiceName: "en-US-JennyNeural", playSourceCacheId: "c1" };
const ssml = { kind: "ssmlSource", ssmlText: "<speak>Hi</speak>", customVoiceEndpointId: "cv-1" };
const ccc = [
  { kind: "voip", key: "vk", value: "vv" },
  { kind: "sipuui", key: "ignored", value: "uui-value" },
  { kind: "sipx", key: "Custom1", value: "x1" },
  { kind: "sipx", key: "Custom2", value: "x2", sipHeaderPrefix: "X-" },
];
const media = { transportUrl: "wss://ws.example", transportType: "websocket", contentType: "audio", audioChannelType: "mixed", startMediaStreaming: true, enableBidirectional: true, audioFormat: "pcm24KMono" };
const transcription = { transportUrl: "wss://ws.example/t", transportType: "websocket", locale: "en-US", startTranscription: false, enableIntermediateResults: true };

const conn = (c) => c.getCallConnection("conn-1");
const mediaOf = (c) => c.getCallConnection("conn-1").getCallMedia();
const rec = (c) => c.getCallRecording();

export const cases = [
  ["createCall acs minimal", (c) => c.createCall({ targetParticipant: acs }, cb)],
  ["createCall pstn full", (c) => c.createCall({ targetParticipant: phone, sourceCallIdNumber: { phoneNumber: "+14255550100" }, sourceDisplayName: "IVR" }, cb, { operationContext: "op", callIntelligenceOptions: { cognitiveServicesEndpoint: "https://cog.example" }, mediaStreamingOptions: media, transcriptionOptions: transcription, teamsAppSource: app })],
  ["createCall teams", (c) => c.createCall({ targetParticipant: teams }, cb)],
  ["createCall teams app", (c) => c.createCall({ targetParticipant: app }, cb)],
  ["createCall teams extension", (c) => c.createCall({ targetParticipant: ext }, cb)],
  ["createGroupCall", (c) => c.createGroupCall([acs, phone, teamsAnon, unknown], cb, { sourceCallIdNumber: { phoneNumber: "+14255550100" }, sourceDisplayName: "Group", operationContext: "g" })],
  ["answerCall minimal", (c) => c.answerCall("incoming-ctx", cb)],
  ["answerCall full", (c) => c.answerCall("incoming-ctx", cb, { operationContext: "a", mediaStreamingOptions: media, transcriptionOptions: transcription, callIntelligenceOptions: { cognitiveServicesEndpoint: "https://cog.example" } })],
  ["redirectCall", (c) => c.redirectCall("incoming-ctx", { targetParticipant: phone })],
  ["rejectCall", (c) => c.rejectCall("incoming-ctx")],
  ["rejectCall busy", (c) => c.rejectCall("incoming-ctx", { callRejectReason: "busy" })],
  ["connectCall server", (c) => c.connectCall({ kind: "serverCallLocator", id: "srv-1" }, cb)],
  ["connectCall group", (c) => c.connectCall({ kind: "groupCallLocator", id: "grp-1" }, cb, { operationContext: "c" })],
  ["connectCall room", (c) => c.connectCall({ kind: "roomCallLocator", id: "room-1" }, cb, { mediaStreamingOptions: media })],
  ["getCallConnectionProperties", (c) => conn(c).getCallConnectionProperties()],
  ["hangUp for everyone", (c) => conn(c).hangUp(true)],
  ["hangUp self", (c) => conn(c).hangUp(false)],
  ["getParticipant acs", (c) => conn(c).getParticipant(acs)],
  ["getParticipant phone", (c) => conn(c).getParticipant(phone)],
  ["listParticipants (two pages)", (c) => conn(c).listParticipants()],
  ["addParticipant minimal", (c) => conn(c).addParticipant({ targetParticipant: acs })],
  ["addParticipant pstn full", (c) => conn(c).addParticipant({ targetParticipant: phone, sourceCallIdNumber: { phoneNumber: "+14255550100" }, sourceDisplayName: "Bot", customCallingContext: ccc }, { invitationTimeoutInSeconds: 30, operationContext: "add", operationCallbackUrl: "https://app.example/op" })],
  ["addParticipant teams phone call details", (c) => conn(c).addParticipant({ targetParticipant: teams, customCallingContext: [{ kind: "TeamsPhoneCallDetails", teamsPhoneCallerDetails: { caller: phone, name: "Caller", phoneNumber: "+14255550123", isAuthenticated: true, additionalCallerInformation: { tier: "gold" } }, teamsPhoneSourceDetails: { source: app, language: "en-US", status: "active", intendedTargets: { main: acs } }, sessionId: "s1", intent: "support", callTopic: "billing" }, { kind: "voip", key: "k", value: "v" }] })],
  ["transferCallToParticipant generated context", (c) => conn(c).transferCallToParticipant(phone)],
  ["transferCallToParticipant full", (c) => conn(c).transferCallToParticipant(teams, { operationContext: "t", operationCallbackUrl: "https://app.example/op", transferee: acs, customCallingContext: ccc, sourceCallIdNumber: { phoneNumber: "+14255550100" } })],
  ["removeParticipant", (c) => conn(c).removeParticipant(acs)],
  ["removeParticipant options", (c) => conn(c).removeParticipant(phone, { operationContext: "r", operationCallbackUrl: "https://app.example/op" })],
  ["muteParticipant", (c) => conn(c).muteParticipant(acs, { operationContext: "m" })],
  ["cancelAddParticipantOperation", (c) => conn(c).cancelAddParticipantOperation("inv-1")],
  ["cancelAddParticipantOperation options", (c) => conn(c).cancelAddParticipantOperation("inv-1", { operationContext: "x", operationCallbackUrl: "https://app.example/op" })],
  ["moveParticipants", (c) => conn(c).moveParticipants([acs, phone], "other-call")],
  ["play file to one", (c) => mediaOf(c).play([file], [acs])],
  ["play text+ssml looped", (c) => mediaOf(c).play([text, ssml], [acs, phone], { loop: true, operationContext: "p", operationCallbackUrl: "https://app.example/op" })],
  ["playToAll", (c) => mediaOf(c).playToAll([file])],
  ["playToAll barge-in", (c) => mediaOf(c).playToAll([text], { loop: false, interruptCallMediaOperation: true, operationContext: "pa" })],
  ["recognize dtmf defaults", (c) => mediaOf(c).startRecognizing(phone, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 4 })],
  ["recognize dtmf full", (c) => mediaOf(c).startRecognizing(phone, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 5, interToneTimeoutInSeconds: 3, stopDtmfTones: ["pound", "asterisk"], initialSilenceTimeoutInSeconds: 10, interruptPrompt: true, playPrompt: file, operationContext: "rd", operationCallbackUrl: "https://app.example/op", interruptCallMediaOperation: true })],
  ["recognize dtmf deprecated signature", (c) => mediaOf(c).startRecognizing(phone, 3, { kind: "callMediaRecognizeDtmfOptions", operationContext: "dep" })],
  ["recognize choices", (c) => mediaOf(c).startRecognizing(acs, { kind: "callMediaRecognizeChoiceOptions", choices: [{ label: "yes", phrases: ["yes", "yeah"], tone: "one" }, { label: "no", phrases: ["no"] }], speechLanguage: "en-US", playPrompts: [text, ssml] })],
  ["recognize speech", (c) => mediaOf(c).startRecognizing(acs, { kind: "callMediaRecognizeSpeechOptions", endSilenceTimeoutInSeconds: 1, speechRecognitionModelEndpointId: "ep-1" })],
  ["recognize speech default silence", (c) => mediaOf(c).startRecognizing(acs, { kind: "callMediaRecognizeSpeechOptions" })],
  ["recognize speechOrDtmf", (c) => mediaOf(c).startRecognizing(phone, { kind: "callMediaRecognizeSpeechOrDtmfOptions", maxTonesToCollect: 2, endSilenceTimeoutInSeconds: 2, playPrompt: ssml })],
  ["cancelAllOperations", (c) => mediaOf(c).cancelAllOperations()],
  ["startContinuousDtmfRecognition", (c) => mediaOf(c).startContinuousDtmfRecognition(phone, { operationContext: "cd" })],
  ["stopContinuousDtmfRecognition", (c) => mediaOf(c).stopContinuousDtmfRecognition(phone, { operationContext: "cd", operationCallbackUrl: "https://app.example/op" })],
  ["sendDtmfTones", (c) => mediaOf(c).sendDtmfTones(["one", "two", "pound"], phone, { operationContext: "dt" })],
  ["hold", (c) => mediaOf(c).hold(phone)],
  ["hold with music", (c) => mediaOf(c).hold(phone, { playSource: file, operationContext: "h", operationCallbackUrl: "https://app.example/op" })],
  ["unhold", (c) => mediaOf(c).unhold(phone, { operationContext: "u" })],
  ["startTranscription", (c) => mediaOf(c).startTranscription({ locale: "en-US", operationContext: "st", speechRecognitionModelEndpointId: "ep" })],
  ["stopTranscription", (c) => mediaOf(c).stopTranscription({ operationContext: "sp" })],
  ["updateTranscription", (c) => mediaOf(c).updateTranscription("fr-FR", { speechRecognitionModelEndpointId: "ep2" })],
  ["startMediaStreaming", (c) => mediaOf(c).startMediaStreaming({ operationCallbackUrl: "https://app.example/op" })],
  ["stopMediaStreaming", (c) => mediaOf(c).stopMediaStreaming({ operationContext: "sm" })],
  ["recording start server call", (c) => rec(c).start({ callLocator: { kind: "serverCallLocator", id: "srv-1" }, recordingStateCallbackEndpointUrl: cb, recordingContent: "audio", recordingChannel: "unmixed", recordingFormat: "wav", pauseOnStart: true, audioChannelParticipantOrdering: [acs, phone], channelAffinity: [{ channel: 0, targetParticipant: phone }] })],
  ["recording start by connection", (c) => rec(c).start({ callConnectionId: "conn-1", recordingStorage: { recordingStorageKind: "azureBlobStorage", recordingDestinationContainerUrl: "https://blob.example/c" } })],
  ["recording start group", (c) => rec(c).start({ callLocator: { kind: "groupCallLocator", id: "grp" } })],
  ["recording getState", (c) => rec(c).getState("rec-1")],
  ["recording stop", (c) => rec(c).stop("rec-1")],
  ["recording pause", (c) => rec(c).pause("rec-1")],
  ["recording resume", (c) => rec(c).resume("rec-1")],
];

export const caseNames = cases.map(([name]) => name);

/** Runs case `name` on `client`; resolves to the JSON-normalized result or {error}. */
export async function runCase(client, name) {
  const [, fn] = cases.find(([n]) => n === name);
  try {
    const result = await fn(client);
    return { result: normalizeResult(result) };
  } catch (e) {
    return { error: String((e && e.message) || e) };
  }
}

function normalizeResult(result) {
  if (result === undefined) return undefined;
  if (result && result.callConnection) {
    return { callConnectionProperties: JSON.parse(JSON.stringify(result.callConnectionProperties)), hasCallConnection: typeof result.callConnection.hangUp === "function" };
  }
  return JSON.parse(JSON.stringify(result));
}
