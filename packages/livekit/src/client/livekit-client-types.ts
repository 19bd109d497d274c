/**
 * The part of livekit-client's API the client adapter uses, written structurally so that the
 * package's types do not depend on livekit-client being installed. `test/livekit-client-types.test-d.ts`
 * checks that the declarations of the oldest (2.5.0) and the newest livekit-client of the peer range
 * satisfy each of these types, and that livekit-client's enums have the values written here, so they
 * cannot drift.
 *
 * livekit-client's enums of strings (`RoomEvent`, `Track.Source`, `Track.Kind`, `ConnectionQuality`,
 * `ConnectionState`) are written as their string values: the adapter never needs the module's enum
 * objects, only its `Room` class. `DisconnectReason` (from `@livekit/protocol`) and
 * `ConnectionErrorReason` are numbers.
 */

/** A listener of a livekit-client event emitter. */
export type LiveKitListener = (...args: any[]) => void

/** Node-style event emitter methods, as livekit-client's classes have them (`events`' EventEmitter, typed by typed-emitter). */
export interface LiveKitEventEmitter {
  on(event: string, listener: LiveKitListener): unknown
  off(event: string, listener: LiveKitListener): unknown
}

/** `Track.Source`: what a track carries. */
export type LiveKitTrackSource = 'camera' | 'microphone' | 'screen_share' | 'screen_share_audio' | 'unknown'

/** `Track.Kind`. */
export type LiveKitTrackKind = 'audio' | 'video' | 'unknown'

/** `ConnectionQuality`: from LiveKit's own network-quality reports (`unknown` until there is one). */
export type LiveKitConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown'

/** `ConnectionState` of a Room (`signalReconnecting` from 2.x on some versions; kept open as a string). */
export type LiveKitConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'signalReconnecting'

/**
 * `DisconnectReason` of `@livekit/protocol` (re-exported by livekit-client): why the server (or the
 * client) ended the connection. 0 UNKNOWN_REASON, 1 CLIENT_INITIATED, 2 DUPLICATE_IDENTITY,
 * 3 SERVER_SHUTDOWN, 4 PARTICIPANT_REMOVED, 5 ROOM_DELETED, 6 STATE_MISMATCH, 7 JOIN_FAILURE,
 * 8 MIGRATION, 9 SIGNAL_CLOSE, 10 ROOM_CLOSED; from newer protocols also 11 USER_UNAVAILABLE,
 * 12 USER_REJECTED, 13 SIP_TRUNK_FAILURE, 14 CONNECTION_TIMEOUT, 15 MEDIA_FAILURE, 16 AGENT_ERROR.
 */
export type LiveKitDisconnectReason = number

/**
 * `ConnectionErrorReason`: 0 NotAllowed (the token or the room refused: `status` 401/403/404),
 * 1 ServerUnreachable, 2 InternalError, 3 Cancelled, 4 LeaveRequest (the server sent a leave while
 * joining: `context` is its DisconnectReason), and from 2.9 on 5 Timeout, 6 WebSocket, 7 ServiceNotFound.
 */
export type LiveKitConnectionErrorReason = number

/** `ConnectionError`: what `Room.connect` rejects with when the join fails. */
export interface LiveKitConnectionError extends Error {
  reason?: LiveKitConnectionErrorReason
  /** The HTTP status of the validation request (`NotAllowed`: 401/403 for a refused token, 404 for a missing room). */
  status?: number
  /** `LeaveRequest`: the DisconnectReason; others: a detail. Absent before 2.9. */
  context?: unknown
}

/** `Track`: what local and remote tracks share. */
export interface LiveKitTrack extends LiveKitEventEmitter {
  readonly kind: LiveKitTrackKind
  source: LiveKitTrackSource
  /** Set once published (local) or always (remote). */
  sid?: string
  readonly mediaStreamTrack: MediaStreamTrack
  isMuted: boolean
  /** The elements it plays in now (livekit-client fills and empties this in attach / detach). */
  attachedElements: HTMLMediaElement[]
  attach(): HTMLMediaElement
  attach(element: HTMLMediaElement): HTMLMediaElement
  detach(): HTMLMediaElement[]
  detach(element: HTMLMediaElement): HTMLMediaElement
}

/** `RemoteTrack` (`RemoteAudioTrack` / `RemoteVideoTrack`). */
export type LiveKitRemoteTrack = LiveKitTrack

/** `LocalTrack` (`LocalAudioTrack` / `LocalVideoTrack`): emits `ended` when its MediaStreamTrack ends. */
export interface LiveKitLocalTrack extends LiveKitTrack {
  /** The MediaStreamTrack's id. */
  readonly id: string
  /** Made from a MediaStreamTrack the app handed to `publishTrack` (livekit-client never restarts those by itself). */
  readonly isUserProvided: boolean
  stop(): void
  mute(): Promise<unknown>
  unmute(): Promise<unknown>
  /** Publishes another MediaStreamTrack in its place (`userProvidedTrack`: the app owns it). */
  replaceTrack(track: MediaStreamTrack, userProvidedTrack?: boolean): Promise<unknown>
}

/** `TrackPublication`: a track as published in the room. */
export interface LiveKitTrackPublication {
  trackSid: string
  trackName: string
  kind: LiveKitTrackKind
  source: LiveKitTrackSource
  readonly isMuted: boolean
  track?: LiveKitTrack
}

/** `RemoteTrackPublication`. */
export interface LiveKitRemoteTrackPublication extends LiveKitTrackPublication {
  track?: LiveKitRemoteTrack
  readonly isSubscribed: boolean
}

/** `LocalTrackPublication`. */
export interface LiveKitLocalTrackPublication extends LiveKitTrackPublication {
  track?: LiveKitLocalTrack
  mute(): Promise<unknown>
  unmute(): Promise<unknown>
}

/** `Participant`: what local and remote participants share. */
export interface LiveKitParticipant {
  sid: string
  identity: string
  name?: string
  metadata?: string
  readonly attributes: Readonly<Record<string, string>>
  /** 0 (silence) to 1, as the server reported it with the last active-speakers update. */
  audioLevel: number
  isSpeaking: boolean
  readonly connectionQuality: LiveKitConnectionQuality
  readonly isLocal: boolean
  /** What the token's grant allows (`canPublish` false: a subscriber); absent until the server sends it. */
  permissions?: { canPublish: boolean }
}

/** `RemoteParticipant`. */
export interface LiveKitRemoteParticipant extends LiveKitParticipant {
  trackPublications: Map<string, LiveKitRemoteTrackPublication>
}

/** `TrackPublishOptions`: what the adapter passes when publishing the page's MediaStreamTracks. */
export interface LiveKitTrackPublishOptions {
  name?: string
  source?: LiveKitTrackSource
}

/** `AudioCaptureOptions` / `VideoCaptureOptions`: what the adapter passes when livekit-client captures. */
export interface LiveKitCaptureOptions {
  deviceId?: string
}

/** `ScreenShareCaptureOptions`: `audio` captures the system or tab audio with the screen. */
export interface LiveKitScreenShareCaptureOptions {
  audio?: boolean
}

/** `DataPublishOptions`. */
export interface LiveKitDataPublishOptions {
  reliable?: boolean
  /** Identities that receive it; everyone when absent or empty. */
  destinationIdentities?: string[]
  topic?: string
}

/** `LocalParticipant`. */
export interface LiveKitLocalParticipant extends LiveKitParticipant {
  trackPublications: Map<string, LiveKitLocalTrackPublication>
  getTrackPublication(source: LiveKitTrackSource): LiveKitLocalTrackPublication | undefined
  /** Captures (`createTracks`) and publishes the camera when none is published, else mutes / unmutes it. */
  setCameraEnabled(enabled: boolean, options?: LiveKitCaptureOptions): Promise<LiveKitLocalTrackPublication | undefined>
  setMicrophoneEnabled(enabled: boolean, options?: LiveKitCaptureOptions): Promise<LiveKitLocalTrackPublication | undefined>
  /** Captures (`getDisplayMedia`) and publishes `screen_share` (+ `screen_share_audio`), or unpublishes and stops them. */
  setScreenShareEnabled(enabled: boolean, options?: LiveKitScreenShareCaptureOptions): Promise<LiveKitLocalTrackPublication | undefined>
  /** Publishes a MediaStreamTrack (wrapped in a user-provided LocalTrack) or a LocalTrack. */
  publishTrack(track: MediaStreamTrack | LiveKitLocalTrack, options?: LiveKitTrackPublishOptions): Promise<LiveKitLocalTrackPublication>
  /** `stopOnUnpublish` (default true for tracks livekit-client captured) false keeps the MediaStreamTrack running. */
  unpublishTrack(track: MediaStreamTrack | LiveKitLocalTrack, stopOnUnpublish?: boolean): Promise<LiveKitLocalTrackPublication | undefined>
  publishData(data: Uint8Array, options?: LiveKitDataPublishOptions): Promise<void>
}

/** `RoomOptions` (`new Room(options)`): adaptiveStream, dynacast, publishDefaults… passed through as the app gives them. */
export interface LiveKitRoomOptions {
  [option: string]: unknown
}

/** `RoomConnectOptions` (`room.connect(url, token, options)`): autoSubscribe, maxRetries, rtcConfig… passed through. */
export interface LiveKitRoomConnectOptions {
  [option: string]: unknown
}

/** `Room`: one participant's connection. Its events (by name) are {@link LiveKitRoomEvents}. */
export interface LiveKitRoom extends LiveKitEventEmitter {
  readonly state: LiveKitConnectionState
  readonly name: string
  localParticipant: LiveKitLocalParticipant
  remoteParticipants: Map<string, LiveKitRemoteParticipant>
  /** Who speaks now, loudest first (the local participant included). */
  activeSpeakers: LiveKitParticipant[]
  /** Resolves the region and warms the connection (DNS, TLS) for `url` ahead of `connect`. */
  prepareConnection(url: string, token?: string): Promise<void>
  connect(url: string, token: string, options?: LiveKitRoomConnectOptions): Promise<void>
  /** `stopTracks` (default true) stops every local track, the app's own included: the adapter passes false. */
  disconnect(stopTracks?: boolean): Promise<void>
  /** Captures from another device for the published tracks of `kind`; emits `activeDeviceChanged`. */
  switchActiveDevice(kind: MediaDeviceKind, deviceId: string, exact?: boolean): Promise<boolean>
  getActiveDevice(kind: MediaDeviceKind): string | undefined
}

/**
 * The Room events the adapter listens to, with their arguments (`RoomEventCallbacks` of
 * livekit-client, in the structural types above). The keys are `RoomEvent`'s values.
 */
export interface LiveKitRoomEvents {
  participantConnected: (participant: LiveKitRemoteParticipant) => void
  participantDisconnected: (participant: LiveKitRemoteParticipant) => void
  trackSubscribed: (track: LiveKitRemoteTrack, publication: LiveKitRemoteTrackPublication, participant: LiveKitRemoteParticipant) => void
  trackUnsubscribed: (track: LiveKitRemoteTrack, publication: LiveKitRemoteTrackPublication, participant: LiveKitRemoteParticipant) => void
  /** Remote and local publications alike (a local one muted by the server, or by the app). */
  trackMuted: (publication: LiveKitTrackPublication, participant: LiveKitParticipant) => void
  trackUnmuted: (publication: LiveKitTrackPublication, participant: LiveKitParticipant) => void
  localTrackPublished: (publication: LiveKitLocalTrackPublication, participant: LiveKitLocalParticipant) => void
  localTrackUnpublished: (publication: LiveKitLocalTrackPublication, participant: LiveKitLocalParticipant) => void
  activeSpeakersChanged: (speakers: LiveKitParticipant[]) => void
  /** The first argument is the previous metadata; the participant has the new one. */
  participantMetadataChanged: (previousMetadata: string | undefined, participant: LiveKitParticipant) => void
  participantNameChanged: (name: string, participant: LiveKitParticipant) => void
  participantAttributesChanged: (changedAttributes: Record<string, string>, participant: LiveKitParticipant) => void
  /** The first argument is the previous permissions; the participant has the new ones (`canPublish`: its role). */
  participantPermissionsChanged: (previousPermissions: unknown, participant: LiveKitParticipant) => void
  connectionQualityChanged: (quality: LiveKitConnectionQuality, participant: LiveKitParticipant) => void
  dataReceived: (payload: Uint8Array, participant?: LiveKitRemoteParticipant, kind?: number, topic?: string) => void
  activeDeviceChanged: (kind: MediaDeviceKind, deviceId: string) => void
  reconnecting: () => void
  reconnected: () => void
  disconnected: (reason?: LiveKitDisconnectReason) => void
}

/** The names of {@link LiveKitRoomEvents}: `RoomEvent` values. */
export type LiveKitRoomEventName = keyof LiveKitRoomEvents

/** The livekit-client module: what `import('livekit-client')` gives, and `window.LivekitClient` from its UMD build. */
export interface LiveKitClientModule {
  Room: new (options?: LiveKitRoomOptions) => LiveKitRoom
}
