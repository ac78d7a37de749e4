// Type declarations of callsteer: the public API of @azure/communication-call-automation 1.6.0
// (call control), with the same names, argument orders, option bags and result shapes.

// ---------- identifiers ----------
export type CommunicationCloudEnvironment = "public" | "dod" | "gcch";
export interface CommunicationUserIdentifier { communicationUserId: string; }
export interface PhoneNumberIdentifier { phoneNumber: string; rawId?: string; isAnonymous?: boolean; assertedId?: string; }
export interface MicrosoftTeamsUserIdentifier { microsoftTeamsUserId: string; rawId?: string; isAnonymous?: boolean; cloud?: CommunicationCloudEnvironment; }
export interface MicrosoftTeamsAppIdentifier { teamsAppId: string; rawId?: string; cloud?: CommunicationCloudEnvironment; }
export interface TeamsExtensionUserIdentifier { userId: string; tenantId: string; resourceId: string; rawId?: string; cloud?: CommunicationCloudEnvironment; }
export interface UnknownIdentifier { id: string; }
export type CommunicationIdentifier =
  | CommunicationUserIdentifier | PhoneNumberIdentifier | MicrosoftTeamsUserIdentifier
  | MicrosoftTeamsAppIdentifier | TeamsExtensionUserIdentifier | UnknownIdentifier;

// ---------- credentials and client options ----------
export interface KeyCredential { readonly key: string; }
export interface AccessToken { token: string; expiresOnTimestamp: number; }
export interface TokenCredential { getToken(scopes: string | string[], options?: object): Promise<AccessToken | null>; }
export interface AbortSignalLike { readonly aborted: boolean; addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void; removeEventListener(type: "abort", listener: () => void): void; }
export interface OperationOptions { abortSignal?: AbortSignalLike; }
export interface RetryOptions { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number; }
export interface CallAutomationClientOptions {
  /** api-version sent with every request (default "2026-03-12"). */
  apiVersion?: string;
  sourceIdentity?: CommunicationUserIdentifier;
  retryOptions?: RetryOptions;
  /** Accepted for compatibility; plain http endpoints are always allowed. */
  allowInsecureConnection?: boolean;
  /** Options of the client's event processor (getEventProcessor). */
  eventProcessorOptions?: CallAutomationEventProcessorOptions;
}

// ---------- models ----------
export type CallLocatorType = "serverCallLocator" | "groupCallLocator" | "roomCallLocator";
export interface CallLocator { id: string; kind: CallLocatorType; }
export type DtmfTone = "zero" | "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "a" | "b" | "c" | "d" | "pound" | "asterisk";
export type Tone = DtmfTone;
export type VoiceKind = "male" | "female";
export interface FileSource { kind: "fileSource"; url: string; playSourceCacheId?: string; }
export interface TextSource { kind: "textSource"; text: string; sourceLocale?: string; voiceKind?: VoiceKind; voiceName?: string; customVoiceEndpointId?: string; playSourceCacheId?: string; }
export interface SsmlSource { kind: "ssmlSource"; ssmlText: string; customVoiceEndpointId?: string; playSourceCacheId?: string; }
export type PlaySource = FileSource | TextSource | SsmlSource;
export interface VoipHeader { kind: "voip"; key: string; value: string; }
export interface SipUserToUserHeader { kind: "sipuui"; key: string; value: string; }
export interface SipCustomHeader { kind: "sipx"; key: string; value: string; sipHeaderPrefix?: "X-" | "X-MS-Custom-"; }
export interface TeamsPhoneCallerDetails { caller: CommunicationIdentifier; name: string; phoneNumber: string; recordId?: string; screenPopUrl?: string; isAuthenticated?: boolean; additionalCallerInformation?: Record<string, string>; }
export interface TeamsPhoneSourceDetails { source: CommunicationIdentifier; language: string; status: string; intendedTargets?: Record<string, CommunicationIdentifier>; }
export interface TeamsPhoneCallDetails { kind: "TeamsPhoneCallDetails"; teamsPhoneCallerDetails?: TeamsPhoneCallerDetails; teamsPhoneSourceDetails?: TeamsPhoneSourceDetails; sessionId?: string; intent?: string; callTopic?: string; callContext?: string; transcriptUrl?: string; callSentiment?: string; suggestedActions?: string; }
export type CustomCallingContext = (VoipHeader | SipUserToUserHeader | SipCustomHeader | TeamsPhoneCallDetails)[];
export interface CallInvite {
  readonly targetParticipant: PhoneNumberIdentifier | CommunicationUserIdentifier | MicrosoftTeamsUserIdentifier | MicrosoftTeamsAppIdentifier | TeamsExtensionUserIdentifier;
  readonly sourceCallIdNumber?: PhoneNumberIdentifier;
  sourceDisplayName?: string;
  customCallingContext?: CustomCallingContext;
}
export interface CallIntelligenceOptions { cognitiveServicesEndpoint?: string; }
export interface MediaStreamingOptions { transportUrl?: string; transportType: "websocket"; contentType?: "audio"; audioChannelType: "mixed" | "unmixed"; startMediaStreaming?: boolean; enableBidirectional?: boolean; audioFormat?: "pcm16KMono" | "pcm24KMono"; enableDtmfTones?: boolean; }
export interface TranscriptionOptions { transportUrl?: string; transportType: "websocket"; locale: string; speechModelEndpointId?: string; startTranscription?: boolean; enableIntermediateResults?: boolean; }
export type CallConnectionStateModel = "unknown" | "connecting" | "connected" | "transferring" | "transferAccepted" | "disconnecting" | "disconnected";
export interface MediaStreamingSubscription { id?: string; state?: string; subscribedContentTypes?: string[]; }
export interface TranscriptionSubscription { id?: string; state?: string; subscribedResultTypes?: string[]; locale?: string; }
export interface CallConnectionProperties {
  callConnectionId?: string; serverCallId?: string; targetParticipants?: CommunicationIdentifier[];
  callConnectionState?: CallConnectionStateModel;
  /** The callback URL; set under both names (the official runtime only fills `callbackUri`). */
  callbackUrl?: string; callbackUri?: string;
  sourceCallerIdNumber?: PhoneNumberIdentifier; sourceDisplayName?: string; source?: CommunicationIdentifier;
  correlationId?: string; answeredby?: CommunicationUserIdentifier; answeredFor?: PhoneNumberIdentifier;
  mediaStreamingSubscription?: MediaStreamingSubscription; transcriptionSubscription?: TranscriptionSubscription;
}
export interface CallParticipant { identifier?: CommunicationIdentifier; isMuted?: boolean; isOnHold?: boolean; }
export interface RecognitionChoice { label: string; phrases: string[]; tone?: DtmfTone; }
export type RecordingContent = "audio" | "audioVideo";
export type RecordingChannel = "mixed" | "unmixed";
export type RecordingFormat = "mp3" | "mp4" | "wav";
export interface RecordingStorage { recordingStorageKind: "azureCommunicationServices" | "azureBlobStorage"; recordingDestinationContainerUrl?: string; }
export interface ChannelAffinity { channel?: number; targetParticipant: CommunicationIdentifier; }

// ---------- option bags ----------
export interface CreateCallOptions extends OperationOptions { sourceCallIdNumber?: PhoneNumberIdentifier; sourceDisplayName?: string; operationContext?: string; callIntelligenceOptions?: CallIntelligenceOptions; mediaStreamingOptions?: MediaStreamingOptions; transcriptionOptions?: TranscriptionOptions; teamsAppSource?: MicrosoftTeamsAppIdentifier; }
export interface AnswerCallOptions extends OperationOptions { callIntelligenceOptions?: CallIntelligenceOptions; mediaStreamingOptions?: MediaStreamingOptions; transcriptionOptions?: TranscriptionOptions; operationContext?: string; }
export interface ConnectCallOptions extends OperationOptions { operationContext?: string; callIntelligenceOptions?: CallIntelligenceOptions; mediaStreamingOptions?: MediaStreamingOptions; transcriptionOptions?: TranscriptionOptions; }
export type RedirectCallOptions = OperationOptions;
export interface RejectCallOptions extends OperationOptions { callRejectReason?: "none" | "busy" | "forbidden"; }
export type GetCallConnectionPropertiesOptions = OperationOptions;
export type HangUpOptions = OperationOptions;
export type GetParticipantOptions = OperationOptions;
export type ListParticipantsOptions = OperationOptions;
export interface OperationContextOptions extends OperationOptions { operationContext?: string; operationCallbackUrl?: string; }
export interface AddParticipantOptions extends OperationContextOptions { invitationTimeoutInSeconds?: number; }
export interface TransferCallToParticipantOptions extends OperationContextOptions { transferee?: CommunicationIdentifier; customCallingContext?: CustomCallingContext; sourceCallIdNumber?: PhoneNumberIdentifier; }
export type RemoveParticipantsOption = OperationContextOptions;
export interface MuteParticipantOption extends OperationOptions { operationContext?: string; }
export type CancelAddParticipantOperationOptions = OperationContextOptions;
export type MoveParticipantsOptions = OperationContextOptions;
export interface PlayOptions extends OperationContextOptions { loop?: boolean; }
export interface PlayToAllOptions extends PlayOptions { interruptCallMediaOperation?: boolean; }
export interface CallMediaRecognizeOptions extends OperationContextOptions { playPrompt?: PlaySource; playPrompts?: PlaySource[]; interruptCallMediaOperation?: boolean; stopCurrentOperations?: boolean; interruptPrompt?: boolean; initialSilenceTimeoutInSeconds?: number; }
export interface CallMediaRecognizeDtmfOptions extends CallMediaRecognizeOptions { readonly kind: "callMediaRecognizeDtmfOptions"; interToneTimeoutInSeconds?: number; stopDtmfTones?: DtmfTone[]; maxTonesToCollect?: number; }
export interface CallMediaRecognizeChoiceOptions extends CallMediaRecognizeOptions { readonly kind: "callMediaRecognizeChoiceOptions"; choices: RecognitionChoice[]; speechLanguage?: string; speechRecognitionModelEndpointId?: string; }
export interface CallMediaRecognizeSpeechOptions extends CallMediaRecognizeOptions { readonly kind: "callMediaRecognizeSpeechOptions"; endSilenceTimeoutInSeconds?: number; speechLanguage?: string; speechRecognitionModelEndpointId?: string; }
export interface CallMediaRecognizeSpeechOrDtmfOptions extends CallMediaRecognizeOptions { readonly kind: "callMediaRecognizeSpeechOrDtmfOptions"; endSilenceTimeoutInSeconds?: number; interToneTimeoutInSeconds?: number; stopDtmfTones?: DtmfTone[]; maxTonesToCollect?: number; speechLanguage?: string; speechRecognitionModelEndpointId?: string; }
export type ContinuousDtmfRecognitionOptions = OperationContextOptions;
export type SendDtmfTonesOptions = OperationContextOptions;
export interface HoldOptions extends OperationContextOptions { playSource?: PlaySource; }
export type UnholdOptions = OperationContextOptions;
export interface StartTranscriptionOptions extends OperationContextOptions { locale?: string; speechRecognitionModelEndpointId?: string; }
export type StopTranscriptionOptions = OperationContextOptions;
export interface UpdateTranscriptionOptions extends OperationContextOptions { speechRecognitionModelEndpointId?: string; }
export type StartMediaStreamingOptions = OperationContextOptions;
export type StopMediaStreamingOptions = OperationContextOptions;
export interface StartRecordingOptions extends OperationOptions { callLocator?: CallLocator; callConnectionId?: string; recordingStateCallbackEndpointUrl?: string; recordingContent?: RecordingContent; recordingChannel?: RecordingChannel; recordingFormat?: RecordingFormat; recordingStorage?: RecordingStorage; pauseOnStart?: boolean; audioChannelParticipantOrdering?: CommunicationIdentifier[]; channelAffinity?: ChannelAffinity[]; }
export interface DownloadRecordingOptions extends OperationOptions { offset?: number; length?: number; }
export type DeleteRecordingOptions = OperationOptions;

// ---------- results ----------
/**
 * What an operation result's waitForEventProcessor resolves to: the event that settled the
 * operation (matched on callConnectionId + operationContext). `canceledResult`: the operation
 * was canceled (PlayCanceled, RecognizeCanceled; isSuccess false).
 */
export interface EventResult<S, F, C = never> { isSuccess: boolean; successResult?: S; failureResult?: F; canceledResult?: C; }
/** An operation result that can wait for the event that settles it. */
export interface WaitsForEvent<R> {
  /**
   * The event that settles this operation, from the client's event processor (backlog first).
   * Rejects with a TimeoutError after `timeoutInMs` (default 240000), an AbortError, or a
   * CallDisconnectedError (with `event`) when the call ends first.
   */
  waitForEventProcessor(abortSignal?: AbortSignalLike, timeoutInMs?: number): Promise<R>;
}
export type CreateCallEventResult = EventResult<CallConnected, CreateCallFailed>;
export type AnswerCallEventResult = EventResult<CallConnected, AnswerFailed>;
export type ConnectCallEventResult = EventResult<CallConnected, ConnectFailed>;
export type AddParticipantEventResult = EventResult<AddParticipantSucceeded, AddParticipantFailed>;
export type RemoveParticipantEventResult = EventResult<RemoveParticipantSucceeded, RemoveParticipantFailed>;
export type TransferCallToParticipantEventResult = EventResult<CallTransferAccepted, CallTransferFailed>;
export type CancelAddParticipantEventResult = EventResult<CancelAddParticipantSucceeded, CancelAddParticipantFailed>;
export type PlayEventResult = EventResult<PlayCompleted, PlayFailed, PlayCanceled>;
export type StartRecognizingEventResult = EventResult<RecognizeCompleted, RecognizeFailed, RecognizeCanceled>;
export type SendDtmfTonesEventResult = EventResult<SendDtmfTonesCompleted, SendDtmfTonesFailed>;
/** Hold has no success event: `{isSuccess: true}` when no HoldFailed arrived within the processor's backlog window. */
export type HoldEventResult = EventResult<never, HoldFailed>;
export interface CancelAllMediaOperationsEventResult { isSuccess: boolean; playCanceledSuccessResult?: PlayCanceled; recognizeCanceledSuccessResult?: RecognizeCanceled; }
export interface PlayResult extends WaitsForEvent<PlayEventResult> {}
export interface StartRecognizingResult extends WaitsForEvent<StartRecognizingEventResult> {}
export interface CancelAllMediaOperationsResult extends WaitsForEvent<CancelAllMediaOperationsEventResult> {}
export interface HoldResult extends WaitsForEvent<HoldEventResult> {}
export interface CallResult { callConnectionProperties: CallConnectionProperties; callConnection: CallConnection; }
export type CreateCallResult = CallResult & WaitsForEvent<CreateCallEventResult>;
export type AnswerCallResult = CallResult & WaitsForEvent<AnswerCallEventResult>;
export type ConnectCallResult = CallResult & WaitsForEvent<ConnectCallEventResult>;
export interface ListParticipantsResult { values?: CallParticipant[]; nextLink?: string; }
export interface AddParticipantResult extends WaitsForEvent<AddParticipantEventResult> { participant?: CallParticipant; operationContext?: string; invitationId?: string; }
export interface TransferCallResult extends WaitsForEvent<TransferCallToParticipantEventResult> { operationContext?: string; }
export interface RemoveParticipantResult extends WaitsForEvent<RemoveParticipantEventResult> { operationContext?: string; }
export interface MuteParticipantResult { operationContext?: string; }
export interface CancelAddParticipantOperationResult extends WaitsForEvent<CancelAddParticipantEventResult> { invitationId?: string; operationContext?: string; }
export interface MoveParticipantsResult { participants?: CallParticipant[]; operationContext?: string; fromCall?: string; }
export interface SendDtmfTonesResult extends WaitsForEvent<SendDtmfTonesEventResult> { operationContext?: string; }
export interface RecordingStateResult { recordingId: string; recordingKind: "azureCommunicationServices" | "teams" | "teamsCompliance"; recordingState: "active" | "inactive"; }

/** Thrown errors: always `Error` instances. */
export interface CallAutomationError extends Error {
  name: "RestError" | "AbortError" | "InvalidInputError" | "DecodeError" | "AuthenticationError";
  code: string;
  statusCode?: number;
  subCode?: number;
  requestId?: string;
  /** For InvalidInputError: the offending argument path, e.g. "playSources[0].url". */
  field?: string;
}

// ---------- classes ----------
export declare class CallAutomationClient {
  constructor(connectionString: string, options?: CallAutomationClientOptions);
  constructor(endpoint: string, credential: TokenCredential | KeyCredential, options?: CallAutomationClientOptions);
  getCallConnection(callConnectionId: string): CallConnection;
  getCallRecording(): CallRecording;
  getSourceIdentity(): CommunicationUserIdentifier | undefined;
  /** The client's one event processor: feed it the callback's events with processEvents. */
  getEventProcessor(): CallAutomationEventProcessor;
  createCall(targetParticipant: CallInvite, callbackUrl: string, options?: CreateCallOptions): Promise<CreateCallResult>;
  createGroupCall(targetParticipants: CommunicationIdentifier[], callbackUrl: string, options?: CreateCallOptions): Promise<CreateCallResult>;
  answerCall(incomingCallContext: string, callbackUrl: string, options?: AnswerCallOptions): Promise<AnswerCallResult>;
  redirectCall(incomingCallContext: string, targetParticipant: CallInvite, options?: RedirectCallOptions): Promise<void>;
  rejectCall(incomingCallContext: string, options?: RejectCallOptions): Promise<void>;
  connectCall(callLocator: CallLocator, callbackUrl: string, options?: ConnectCallOptions): Promise<ConnectCallResult>;
}

export declare class CallConnection {
  private constructor();
  getCallMedia(): CallMedia;
  getCallConnectionProperties(options?: GetCallConnectionPropertiesOptions): Promise<CallConnectionProperties>;
  hangUp(isForEveryone: boolean, options?: HangUpOptions): Promise<void>;
  getParticipant(targetParticipant: CommunicationIdentifier, options?: GetParticipantOptions): Promise<CallParticipant>;
  listParticipants(options?: ListParticipantsOptions): Promise<ListParticipantsResult>;
  addParticipant(targetParticipant: CallInvite, options?: AddParticipantOptions): Promise<AddParticipantResult>;
  transferCallToParticipant(targetParticipant: CommunicationIdentifier, options?: TransferCallToParticipantOptions): Promise<TransferCallResult>;
  removeParticipant(participant: CommunicationIdentifier, options?: RemoveParticipantsOption): Promise<RemoveParticipantResult>;
  muteParticipant(participant: CommunicationIdentifier, options?: MuteParticipantOption): Promise<MuteParticipantResult>;
  cancelAddParticipantOperation(invitationId: string, options?: CancelAddParticipantOperationOptions): Promise<CancelAddParticipantOperationResult>;
  moveParticipants(targetParticipants: CommunicationIdentifier[], fromCall: string, options?: MoveParticipantsOptions): Promise<MoveParticipantsResult>;
}

export declare class CallMedia {
  private constructor();
  play(playSources: PlaySource[], playTo: CommunicationIdentifier[], options?: PlayOptions): Promise<PlayResult>;
  playToAll(playSources: PlaySource[], options?: PlayToAllOptions): Promise<PlayResult>;
  /** @deprecated Set maxTonesToCollect in the options instead. */
  startRecognizing(targetParticipant: CommunicationIdentifier, maxTonesToCollect: number, options: CallMediaRecognizeDtmfOptions): Promise<StartRecognizingResult>;
  startRecognizing(targetParticipant: CommunicationIdentifier, options: CallMediaRecognizeDtmfOptions | CallMediaRecognizeChoiceOptions | CallMediaRecognizeSpeechOptions | CallMediaRecognizeSpeechOrDtmfOptions): Promise<StartRecognizingResult>;
  cancelAllOperations(options?: OperationOptions): Promise<CancelAllMediaOperationsResult>;
  startContinuousDtmfRecognition(targetParticipant: CommunicationIdentifier, options?: ContinuousDtmfRecognitionOptions): Promise<void>;
  stopContinuousDtmfRecognition(targetParticipant: CommunicationIdentifier, options?: ContinuousDtmfRecognitionOptions): Promise<void>;
  sendDtmfTones(tones: Tone[] | DtmfTone[], targetParticipant: CommunicationIdentifier, options?: SendDtmfTonesOptions): Promise<SendDtmfTonesResult>;
  hold(targetParticipant: CommunicationIdentifier, options?: HoldOptions): Promise<HoldResult>;
  unhold(targetParticipant: CommunicationIdentifier, options?: UnholdOptions): Promise<void>;
  startTranscription(options?: StartTranscriptionOptions): Promise<void>;
  stopTranscription(options?: StopTranscriptionOptions): Promise<void>;
  updateTranscription(locale: string, options?: UpdateTranscriptionOptions): Promise<void>;
  startMediaStreaming(options?: StartMediaStreamingOptions): Promise<void>;
  stopMediaStreaming(options?: StopMediaStreamingOptions): Promise<void>;
}

/** Anything with write/once/end, such as a Node `Writable`. */
export interface NodeWritableLike { write(chunk: Uint8Array): boolean; once(event: string, listener: (...args: unknown[]) => void): unknown; end(callback?: () => void): unknown; }

export declare class CallRecording {
  private constructor();
  start(options: StartRecordingOptions): Promise<RecordingStateResult>;
  getState(recordingId: string, options?: OperationOptions): Promise<RecordingStateResult>;
  stop(recordingId: string, options?: OperationOptions): Promise<void>;
  pause(recordingId: string, options?: OperationOptions): Promise<void>;
  resume(recordingId: string, options?: OperationOptions): Promise<void>;
  delete(recordingLocationUrl: string, options?: DeleteRecordingOptions): Promise<void>;
  /** A web ReadableStream (in Node: `Readable.fromWeb(stream)` gives a Node stream). */
  downloadStreaming(sourceLocationUrl: string, options?: DownloadRecordingOptions): Promise<ReadableStream<Uint8Array>>;
  /** The recording (or the requested range) as bytes; works in browsers. */
  downloadToBuffer(sourceLocationUrl: string, options?: DownloadRecordingOptions): Promise<Uint8Array>;
  downloadToStream(sourceLocationUrl: string, destinationStream: WritableStream<Uint8Array> | NodeWritableLike, options?: DownloadRecordingOptions): Promise<void>;
  /** Node only. */
  downloadToPath(sourceLocationUrl: string, destinationPath: string, options?: DownloadRecordingOptions): Promise<void>;
}

// ---------- events ----------
export interface ResultInformation { code: number; subCode: number; message: string; sipDetails?: { code?: number; message?: string }; q850Details?: { code?: number; message?: string }; }
interface EventBase<K extends string> {
  kind: K;
  callConnectionId: string;
  serverCallId: string;
  correlationId: string;
  operationContext?: string;
  resultInformation?: ResultInformation;
}
interface ParticipantEvent<K extends string> extends EventBase<K> { participant?: CommunicationIdentifier; }
export interface DtmfResult { tones?: Tone[]; }
export interface ChoiceResult { label?: string; recognizedPhrase?: string; confidence?: number; }
export interface SpeechResult { speech?: string; confidence?: number; }
export type AddParticipantSucceeded = ParticipantEvent<"AddParticipantSucceeded">;
export type AddParticipantFailed = ParticipantEvent<"AddParticipantFailed">;
export type RemoveParticipantSucceeded = ParticipantEvent<"RemoveParticipantSucceeded">;
export type RemoveParticipantFailed = ParticipantEvent<"RemoveParticipantFailed">;
export interface MoveParticipantSucceeded extends ParticipantEvent<"MoveParticipantSucceeded"> { fromCall?: string; }
export interface MoveParticipantFailed extends ParticipantEvent<"MoveParticipantFailed"> { fromCall?: string; }
export type CallConnected = EventBase<"CallConnected">;
export type CallDisconnected = EventBase<"CallDisconnected">;
export interface CallTransferAccepted extends EventBase<"CallTransferAccepted"> { transferee?: CommunicationIdentifier; transferTarget?: CommunicationIdentifier; }
export type CallTransferFailed = EventBase<"CallTransferFailed">;
export interface ParticipantsUpdated extends EventBase<"ParticipantsUpdated"> { sequenceNumber?: number; participants: CallParticipant[]; }
export interface RecordingStateChanged extends EventBase<"RecordingStateChanged"> { recordingId?: string; state?: "active" | "inactive"; startDateTime?: string; recordingKind?: string; }
export interface StartRecordingFailed extends EventBase<"StartRecordingFailed"> { recordingId?: string; }
export type PlayStarted = EventBase<"PlayStarted">;
export type PlayCompleted = EventBase<"PlayCompleted">;
export interface PlayFailed extends EventBase<"PlayFailed"> { failedPlaySourceIndex?: number; }
export type PlayCanceled = EventBase<"PlayCanceled">;
export interface RecognizeCompleted extends EventBase<"RecognizeCompleted"> { recognitionType: "dtmf" | "speech" | "choices"; dtmfResult?: DtmfResult; choiceResult?: ChoiceResult; speechResult?: SpeechResult; }
export type RecognizeCanceled = EventBase<"RecognizeCanceled">;
export interface RecognizeFailed extends EventBase<"RecognizeFailed"> { failedPlaySourceIndex?: number; }
export interface ContinuousDtmfRecognitionToneReceived extends EventBase<"ContinuousDtmfRecognitionToneReceived"> { tone?: Tone; sequenceId?: number; }
export type ContinuousDtmfRecognitionToneFailed = EventBase<"ContinuousDtmfRecognitionToneFailed">;
export type ContinuousDtmfRecognitionStopped = EventBase<"ContinuousDtmfRecognitionStopped">;
export type SendDtmfTonesCompleted = EventBase<"SendDtmfTonesCompleted">;
export type SendDtmfTonesFailed = EventBase<"SendDtmfTonesFailed">;
export interface CancelAddParticipantSucceeded extends EventBase<"CancelAddParticipantSucceeded"> { invitationId?: string; }
export interface CancelAddParticipantFailed extends EventBase<"CancelAddParticipantFailed"> { invitationId?: string; }
export interface TranscriptionUpdate { transcriptionStatus?: string; transcriptionStatusDetails?: string; }
export interface TranscriptionStarted extends EventBase<"TranscriptionStarted"> { transcriptionUpdate?: TranscriptionUpdate; }
export interface TranscriptionStopped extends EventBase<"TranscriptionStopped"> { transcriptionUpdate?: TranscriptionUpdate; }
export interface TranscriptionUpdated extends EventBase<"TranscriptionUpdated"> { transcriptionUpdate?: TranscriptionUpdate; }
export interface TranscriptionFailed extends EventBase<"TranscriptionFailed"> { transcriptionUpdate?: TranscriptionUpdate; }
export type CreateCallFailed = EventBase<"CreateCallFailed">;
export type AnswerFailed = EventBase<"AnswerFailed">;
export type HoldFailed = EventBase<"HoldFailed">;
export type ConnectFailed = EventBase<"ConnectFailed">;
export interface MediaStreamingUpdate { contentType?: string; mediaStreamingStatus?: string; mediaStreamingStatusDetails?: string; }
export interface MediaStreamingStarted extends EventBase<"MediaStreamingStarted"> { mediaStreamingUpdate?: MediaStreamingUpdate; }
export interface MediaStreamingStopped extends EventBase<"MediaStreamingStopped"> { mediaStreamingUpdate?: MediaStreamingUpdate; }
export interface MediaStreamingFailed extends EventBase<"MediaStreamingFailed"> { mediaStreamingUpdate?: MediaStreamingUpdate; }
export type CallAutomationEvent =
  | AddParticipantSucceeded | AddParticipantFailed | RemoveParticipantSucceeded | RemoveParticipantFailed
  | MoveParticipantSucceeded | MoveParticipantFailed | CallConnected | CallDisconnected | CallTransferAccepted
  | CallTransferFailed | ParticipantsUpdated | RecordingStateChanged | StartRecordingFailed | PlayStarted
  | PlayCompleted | PlayFailed | PlayCanceled | RecognizeCompleted | RecognizeCanceled | RecognizeFailed
  | ContinuousDtmfRecognitionToneReceived | ContinuousDtmfRecognitionToneFailed | ContinuousDtmfRecognitionStopped
  | SendDtmfTonesCompleted | SendDtmfTonesFailed | CancelAddParticipantSucceeded | CancelAddParticipantFailed
  | TranscriptionStarted | TranscriptionStopped | TranscriptionUpdated | TranscriptionFailed | CreateCallFailed
  | AnswerFailed | HoldFailed | ConnectFailed | MediaStreamingStarted | MediaStreamingStopped | MediaStreamingFailed;
/** An event type this version does not know (only from parseCallAutomationEvents). */
export interface UnknownCallAutomationEvent { kind: "Unknown"; type: string | undefined; data: Record<string, unknown>; }
/** A CloudEvent as posted to the callback URL. */
export interface CallAutomationCloudEvent { id?: string; source?: string; type: string; data: Record<string, unknown>; time?: string; specversion?: string; datacontenttype?: string; subject?: string; }

/** The first event of a JSON string, object or array; throws a TypeError for unknown types (as the official function). */
export declare function parseCallAutomationEvent(encodedEvents: string | CallAutomationCloudEvent | CallAutomationCloudEvent[] | Record<string, unknown>): CallAutomationEvent;
/** Every event of a batch; unknown types come back as {kind: "Unknown", type, data}. */
export declare function parseCallAutomationEvents(encodedEvents: string | CallAutomationCloudEvent | CallAutomationCloudEvent[]): (CallAutomationEvent | UnknownCallAutomationEvent)[];
export interface CallAutomationEventProcessorOptions {
  /** How long an event no wait took stays in the backlog, in ms (default 5000). */
  backlogTimeoutInMs?: number;
}
/** A parsed event or an unknown one, as the event processor hands them out. */
export type ProcessedEvent = CallAutomationEvent | UnknownCallAutomationEvent;
/**
 * The event processor of the official SDK family (client.getEventProcessor()). Runs in
 * browsers, Workers and Node (no node:events).
 */
export declare class CallAutomationEventProcessor {
  constructor(options?: CallAutomationEventProcessorOptions);
  readonly backlogTimeoutInMs: number;
  /** A CloudEvent batch as received (JSON string, parsed array or object) or one parsed event. Throws an InvalidInputError (field "events") for anything else; rethrows the first error of an ongoing handler after the whole batch. */
  processEvents(events: string | CallAutomationCloudEvent | CallAutomationCloudEvent[] | ProcessedEvent): void;
  /** The first event matching `predicate`, backlog first. Rejects with a TimeoutError ("Timeout: Matching event did not arrive within timeout.") after `timeoutInMs` (default 240000), or an AbortError. */
  waitForEventProcessor(predicate: (event: ProcessedEvent) => boolean, abortSignal?: AbortSignalLike, timeoutInMs?: number): Promise<ProcessedEvent>;
  /** Calls `handler` for every event of `kind` on the call until detached or until its CallDisconnected. */
  attachOngoingEventProcessor<K extends CallAutomationEvent["kind"]>(callConnectionId: string, kind: K, handler: (event: Extract<CallAutomationEvent, { kind: K }>) => void): void;
  detachOngoingEventProcessor(callConnectionId: string, kind: CallAutomationEvent["kind"]): void;
}
/** Wire identifier model → identifier. */
export declare function identifierFromModel(model: { rawId?: string; kind?: string; [typed: string]: unknown }): CommunicationIdentifier;

// ---------- runtime enums (same members and values as the official package) ----------
export declare const DtmfTone: { readonly Zero: "zero"; readonly One: "one"; readonly Two: "two"; readonly Three: "three"; readonly Four: "four"; readonly Five: "five"; readonly Six: "six"; readonly Seven: "seven"; readonly Eight: "eight"; readonly Nine: "nine"; readonly A: "a"; readonly B: "b"; readonly C: "c"; readonly D: "d"; readonly Pound: "pound"; readonly Asterisk: "asterisk" };
export declare const VoiceKind: { readonly Male: "male"; readonly Female: "female" };
export declare const RecognizeInputType: { readonly Dtmf: "dtmf" };
export declare const KnownCallRejectReason: { readonly None: "none"; readonly Busy: "busy"; readonly Forbidden: "forbidden" };
export declare const KnownMediaStreamingAudioChannelType: { readonly Mixed: "mixed"; readonly Unmixed: "unmixed" };
export declare const KnownMediaStreamingContentType: { readonly Audio: "audio" };
export declare const KnownStreamingTransportType: { readonly Websocket: "websocket" };
export declare const Channel: { readonly Unknown: 0; readonly Mono: 1; readonly 0: "Unknown"; readonly 1: "Mono" };

// ---------- media streaming / transcription payloads ----------
export type StreamingDataKind = "AudioData" | "AudioMetadata" | "TranscriptionData" | "TranscriptionMetadata" | "DtmfData";
export interface AudioMetadata { subscriptionId: string; encoding: string; sampleRate: number; channels: 0 | 1; }
export interface AudioData { data: string; timestamp: string; participant?: CommunicationIdentifier; isSilent: boolean; }
export interface TranscriptionMetadata { subscriptionId: string; locale: string; callConnectionId: string; correlationId: string; speechRecognitionModelEndpointId?: string; }
export interface WordData { text: string; offsetInTicks: number; durationInTicks: number; }
export interface TranscriptionData { text: string; format: string; confidence: number; offsetInTicks: number; durationInTicks: number; words: WordData[]; participant: CommunicationIdentifier; resultState: string; }
export interface DtmfData { data: string; }
export type StreamingDataResult = AudioData | AudioMetadata | TranscriptionData | TranscriptionMetadata | DtmfData;
export declare class StreamingData {
  /**
   * One media streaming or transcription WebSocket message. A message kind not listed in
   * `StreamingDataKind` (the preview's `MarkData`, …) does not throw: its payload is returned as
   * sent, and `getStreamingKind()` returns that kind's name.
   */
  static parse(data: string | ArrayBuffer): StreamingDataResult;
  static getStreamingKind(): StreamingDataKind | undefined;
}
export declare function createOutboundAudioData(data: string): string;
export declare function createOutboundStopAudioData(): string;
/** Raw id (`8:acs:…`, `4:+1…`, …) → identifier, as communication-common's function. */
export declare function createIdentifierFromRawId(rawId: string): CommunicationIdentifier & { kind: string };

// ---------- flow webhooks of the edge worker (our own addition: not in the official package) ----------
/**
 * Thrown by `verifyWebhookSignature` when it refuses a request (answer 401 then). Its `code`:
 * - `"MalformedHeader"`: the `Callsteer-Signature` header is missing, empty or unreadable (no
 *   `t`, a `t` that is not decimal seconds, no `v1`, a `v1` that is not 64 hex digits); the
 *   message names the reason;
 * - `"Expired"`: `t` is further than the tolerance from now, either way (a replay, a request
 *   held up, or a clock that is off); the message gives both times and the tolerance;
 * - `"InvalidSignature"`: no `v1` entry is the HMAC of this body under this secret (another
 *   secret, a changed body — parsed and re-serialized JSON included — or a forgery).
 *
 * The message never contains the secret or the expected signature. Bad arguments (a secret
 * shorter than 16 bytes, a body that is not a string or bytes, an invalid `now`) throw an
 * `InvalidInputError` instead: a bug in the app, not a refused request.
 */
export interface WebhookSignatureError extends Error {
  name: "WebhookSignatureError";
  code: "MalformedHeader" | "Expired" | "InvalidSignature";
}
export interface VerifyWebhookSignatureOptions {
  /** How far the header's `t` may be from `now`, either way, in seconds (default 300). */
  toleranceInSeconds?: number;
  /** The time to check against: a `Date` or milliseconds since the epoch (default `Date.now()`). */
  now?: Date | number;
}
export interface SignWebhookBodyOptions {
  /** The signing time, `t`: a `Date` or milliseconds since the epoch (default `Date.now()`). */
  now?: Date | number;
}
/**
 * Verifies that a request came from the callsteer edge worker's `webhook` flow step: its
 * `Callsteer-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`,
 * several `v1` entries during a secret rotation, any match passes) signs `body` under `secret`,
 * and `t` is within the tolerance of now. Verify before parsing the body.
 *
 * @param body The raw request body exactly as received: a string (encoded as UTF-8) or bytes
 *   (`Uint8Array`, `Buffer`, `ArrayBuffer`). Not a parsed-and-re-serialized object.
 * @param signatureHeader The `Callsteer-Signature` header's value (`null`/`undefined` when the
 *   request had none: refused as `MalformedHeader`).
 * @param secret The secret shared with the worker, at least 16 bytes of UTF-8.
 * @returns `{ timestamp }`: the header's `t`, in Unix seconds.
 * @throws {WebhookSignatureError} when the request is refused (see its `code`).
 * @throws {CallAutomationError} `InvalidInputError` (with `field`) for a bad argument.
 */
export declare function verifyWebhookSignature(body: string | Uint8Array | ArrayBuffer, signatureHeader: string | null | undefined, secret: string, options?: VerifyWebhookSignatureOptions): { timestamp: number };
/**
 * The `Callsteer-Signature` header value the edge worker would send for `body`: for testing an
 * app's verification (send a request to it as the worker would). Same scheme as the worker's,
 * run by the same Rust core.
 * @throws {CallAutomationError} `InvalidInputError` (with `field`) for a secret shorter than 16 bytes or a bad argument.
 */
export declare function signWebhookBody(body: string | Uint8Array | ArrayBuffer, secret: string, options?: SignWebhookBodyOptions): string;
