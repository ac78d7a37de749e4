// Type-checked (tsc --noEmit) usage of callsteer, written as a user of the official package
// would: only the import line differs. @ts-expect-error lines prove the types are not `any`.
import {
  CallAutomationClient, parseCallAutomationEvent, parseCallAutomationEvents,
  type CallAutomationEvent, type CallInvite, type CallAutomationError, type TokenCredential,
} from "callsteer";

async function main(): Promise<void> {
  const client = new CallAutomationClient("endpoint=https://x.communication.azure.com/;accesskey=pw==", {
    sourceIdentity: { communicationUserId: "8:acs:bot" },
  });
  const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: 0 }) };
  const viaToken = new CallAutomationClient("https://x.communication.azure.com", credential, { apiVersion: "2026-03-12" });
  const viaKey = new CallAutomationClient("https://x.communication.azure.com", { key: "pw==" });
  void viaToken; void viaKey;

  const invite: CallInvite = { targetParticipant: { phoneNumber: "+14255550123" }, sourceCallIdNumber: { phoneNumber: "+14255550100" } };
  const { callConnection, callConnectionProperties } = await client.createCall(invite, "https://app.example/cb", { operationContext: "x" });
  const id: string | undefined = callConnectionProperties.callConnectionId;
  void id;
  const media = callConnection.getCallMedia();
  await media.play([{ kind: "fileSource", url: "https://a/b.wav" }], [{ communicationUserId: "8:acs:u" }], { loop: true });
  await media.startRecognizing({ phoneNumber: "+1" }, { kind: "callMediaRecognizeDtmfOptions", maxTonesToCollect: 4, stopDtmfTones: ["pound"] });
  const dtmf = await media.sendDtmfTones(["one", "two"], { phoneNumber: "+1" });
  const ctx: string | undefined = dtmf.operationContext;
  void ctx;
  const { values } = await callConnection.listParticipants();
  for (const p of values ?? []) if (p.isMuted) await callConnection.muteParticipant(p.identifier!);
  await callConnection.transferCallToParticipant({ phoneNumber: "+1" }, { customCallingContext: [{ kind: "sipx", key: "k", value: "v", sipHeaderPrefix: "X-" }] });
  const rec = client.getCallRecording();
  const state = await rec.start({ callLocator: { id: "srv", kind: "serverCallLocator" }, recordingFormat: "wav" });
  const s: "active" | "inactive" = state.recordingState;
  void s;
  const bytes: Uint8Array = await rec.downloadToBuffer("https://x.asm.skype.com/r", { offset: 0, length: 10 });
  void bytes;
  await callConnection.hangUp(true, { abortSignal: new AbortController().signal });

  const event: CallAutomationEvent = parseCallAutomationEvent("{}");
  if (event.kind === "RecognizeCompleted") {
    const tones = event.dtmfResult?.tones;
    void tones;
  }
  for (const e of parseCallAutomationEvents("[]")) if (e.kind === "Unknown") console.log(e.type);

  try {
    await client.rejectCall("ctx", { callRejectReason: "busy" });
  } catch (err) {
    const e = err as CallAutomationError;
    console.log(e.statusCode, e.code, e.subCode, e.requestId);
  }

  // @ts-expect-error: unknown play source kind
  await media.play([{ kind: "midi", url: "x" }], []);
  // @ts-expect-error: reject reasons are a closed set
  await client.rejectCall("ctx", { callRejectReason: "maybe" });
  // @ts-expect-error: hangUp needs isForEveryone
  await callConnection.hangUp();
  // @ts-expect-error: results are typed, not any
  const n: number = callConnectionProperties.callConnectionState;
  void n;
}
void main;

import { DtmfTone, StreamingData, createOutboundAudioData, type AudioData } from "callsteer";
export function streaming(message: string): string {
  const tone: "pound" = DtmfTone.Pound;
  const parsed = StreamingData.parse(message);
  if (StreamingData.getStreamingKind() === "AudioData") return (parsed as AudioData).data + tone;
  return createOutboundAudioData("AAAA");
}

import { CallAutomationEventProcessor, type PlayCompleted } from "callsteer";
export async function events(client: CallAutomationClient, body: string): Promise<void> {
  const processor: CallAutomationEventProcessor = client.getEventProcessor();
  processor.processEvents(body);
  const { callConnection } = await client.answerCall("ctx", "https://app.example/cb");
  const answered = await (await client.answerCall("ctx", "https://app.example/cb")).waitForEventProcessor();
  if (answered.isSuccess) console.log(answered.successResult?.callConnectionId);
  else console.log(answered.failureResult?.resultInformation?.code);
  const media = callConnection.getCallMedia();
  const played = await (await media.playToAll([{ kind: "fileSource", url: "https://a/b.wav" }])).waitForEventProcessor(new AbortController().signal, 30_000);
  const done: PlayCompleted | undefined = played.successResult;
  void done, played.canceledResult?.kind;
  const recognized = await (await media.startRecognizing({ phoneNumber: "+1" }, { kind: "callMediaRecognizeDtmfOptions" })).waitForEventProcessor();
  console.log(recognized.successResult?.dtmfResult?.tones);
  const canceled = await (await media.cancelAllOperations()).waitForEventProcessor();
  console.log(canceled.playCanceledSuccessResult?.kind, canceled.recognizeCanceledSuccessResult?.kind);
  const held = await (await media.hold({ phoneNumber: "+1" })).waitForEventProcessor();
  console.log(held.isSuccess, held.failureResult?.kind);
  const dtmf = await (await media.sendDtmfTones(["one"], { phoneNumber: "+1" })).waitForEventProcessor();
  console.log(dtmf.successResult?.kind);
  const added = await (await callConnection.addParticipant({ targetParticipant: { phoneNumber: "+1" } })).waitForEventProcessor();
  console.log(added.successResult?.participant);
  const any = await processor.waitForEventProcessor((e) => e.kind === "CallConnected", undefined, 1000);
  console.log(any.kind);
  processor.attachOngoingEventProcessor("call-1", "ParticipantsUpdated", (e) => console.log(e.participants.length));
  processor.detachOngoingEventProcessor("call-1", "ParticipantsUpdated");
  void new CallAutomationClient("endpoint=https://x/;accesskey=pw==", { eventProcessorOptions: { backlogTimeoutInMs: 2000 } });
  // @ts-expect-error: the handler gets the kind it was attached for
  processor.attachOngoingEventProcessor("call-1", "PlayCompleted", (e: { kind: "PlayFailed" }) => void e);
  // @ts-expect-error: not an event kind
  processor.detachOngoingEventProcessor("call-1", "Nope");
  // @ts-expect-error: a play's success is a PlayCompleted
  const wrong: PlayFailed = played.successResult!;
  void wrong;
}
import type { PlayFailed } from "callsteer";

import { verifyWebhookSignature, signWebhookBody, type WebhookSignatureError } from "callsteer";
export function flowWebhook(body: Uint8Array | string, header: string | null, secret: string): number {
  const signed: string = signWebhookBody(body, secret, { now: new Date() });
  void signed;
  // @ts-expect-error: the secret is a string
  signWebhookBody(body, new Uint8Array(16));
  try {
    const { timestamp } = verifyWebhookSignature(body, header, secret, { toleranceInSeconds: 60, now: Date.now() });
    return timestamp;
  } catch (err) {
    const e = err as WebhookSignatureError;
    // @ts-expect-error: the codes are a closed set
    if (e.code === "Unauthorized") return -2;
    if (e.code === "Expired" || e.code === "InvalidSignature" || e.code === "MalformedHeader") return -1;
    throw err;
  }
}
