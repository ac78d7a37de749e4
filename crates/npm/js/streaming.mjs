// Media-streaming / transcription WebSocket payloads and the official package's runtime enums,
// so that code importing them keeps working after switching the import line.

import { identifierFromRawId } from "./engine.js";

const enumOf = (names) => Object.freeze(Object.fromEntries(names.map((n) => [n[0].toUpperCase() + n.slice(1), n])));

export const DtmfTone = enumOf(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "a", "b", "c", "d", "pound", "asterisk"]);
export const VoiceKind = enumOf(["male", "female"]);
export const RecognizeInputType = enumOf(["dtmf"]);
export const KnownCallRejectReason = enumOf(["none", "busy", "forbidden"]);
export const KnownMediaStreamingAudioChannelType = enumOf(["mixed", "unmixed"]);
export const KnownMediaStreamingContentType = enumOf(["audio"]);
export const KnownStreamingTransportType = enumOf(["websocket"]);
/** A numeric TypeScript-style enum, as the official `Channel`. */
export const Channel = Object.freeze({ 0: "Unknown", 1: "Mono", Unknown: 0, Mono: 1 });

/** Raw id → identifier, as communication-common's createIdentifierFromRawId (the core's raw-id rules). */
export const createIdentifierFromRawId = (rawId) => JSON.parse(identifierFromRawId(rawId));

function fromMessage(o) {
  switch (o.kind) {
    case "TranscriptionMetadata": {
      const m = o.transcriptionMetadata;
      return { subscriptionId: m.subscriptionId, locale: m.locale, callConnectionId: m.callConnectionId, correlationId: m.correlationId, speechRecognitionModelEndpointId: m.speechRecognitionModelEndpointId };
    }
    case "TranscriptionData": {
      const t = o.transcriptionData;
      return {
        text: t.text, format: t.format, confidence: t.confidence, offsetInTicks: t.offset, durationInTicks: t.duration,
        words: t.words.map((w) => ({ text: w.text, offsetInTicks: w.offset, durationInTicks: w.duration })),
        participant: createIdentifierFromRawId(t.participantRawID), resultState: t.resultStatus,
      };
    }
    case "AudioMetadata": {
      const a = o.audioMetadata;
      return { subscriptionId: a.subscriptionId, encoding: a.encoding, sampleRate: a.sampleRate, channels: a.channels };
    }
    case "AudioData": {
      const a = o.audioData;
      const participant = a.participantRawID !== undefined ? createIdentifierFromRawId(a.participantRawID) : undefined;
      return { data: a.data, timestamp: a.timestamp, isSilent: a.silent, participant };
    }
    case "DtmfData":
      return { data: o.dtmfData.data };
    default:
      throw new Error("Unknown data kind: " + o.kind);
  }
}

/** Parses media-streaming and transcription WebSocket messages (string or bytes). */
export class StreamingData {
  static streamingKind;
  static parse(data) {
    const message = JSON.parse(typeof data === "string" ? data : new TextDecoder().decode(data));
    const result = fromMessage(message);
    StreamingData.streamingKind = message.kind;
    return result;
  }
  static getStreamingKind() {
    return StreamingData.streamingKind;
  }
}

/** Outbound (bidirectional) audio: a base64 PCM frame as the JSON message to send. */
export function createOutboundAudioData(data) {
  return JSON.stringify({ kind: "audioData", audioData: { data, isSilent: false }, stopAudio: {} });
}

/** Outbound "stop audio" message. */
export function createOutboundStopAudioData() {
  return JSON.stringify({ kind: "stopAudio", stopAudio: {} });
}
