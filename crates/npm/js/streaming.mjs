// Media-streaming / transcription WebSocket payloads and the official package's runtime enums,
// so that code importing them keeps working after switching the import line.

import { identifierFromRawId, streamingFrame, outboundAudio } from "./engine.js";

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

/**
 * Parses media-streaming and transcription WebSocket messages (string or bytes), by the engine
 * (crates/npm/src/shapes.rs `streaming_frame`). A kind the engine does not know (the preview's
 * MarkData) does not throw, unlike the official parser: its payload comes back as sent.
 */
export class StreamingData {
  static streamingKind;
  static parse(data) {
    const { kind, result } = JSON.parse(streamingFrame(typeof data === "string" ? data : new TextDecoder().decode(data)));
    StreamingData.streamingKind = kind;
    return result;
  }
  static getStreamingKind() {
    return StreamingData.streamingKind;
  }
}

/** Outbound (bidirectional) audio: a base64 PCM frame as the JSON message to send. */
export const createOutboundAudioData = (data) => outboundAudio(String(data));

/** Outbound "stop audio" message. */
export const createOutboundStopAudioData = () => outboundAudio(undefined);
