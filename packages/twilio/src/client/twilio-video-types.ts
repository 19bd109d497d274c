/**
 * The part of twilio-video's API the client adapter uses, written structurally so that the package's
 * types do not depend on twilio-video being installed. `test/twilio-video-types.test-d.ts` checks
 * that the declarations of the oldest and the newest twilio-video of the peer range satisfy each of these types, so they cannot drift.
 */

/** A listener of a twilio-video event emitter. */
export type TwilioListener = (...args: any[]) => void

/** Node-style event emitter methods, as twilio-video's classes have them. */
export interface TwilioEventEmitter {
  on(event: string, listener: TwilioListener): unknown
  removeListener(event: string, listener: TwilioListener): unknown
}

/** `TwilioError`: what twilio-video rejects and disconnects with. */
export interface TwilioVideoError {
  code: number
  message: string
}

/** `RemoteAudioTrack` / `RemoteVideoTrack`. */
export interface TwilioRemoteMediaTrack {
  sid: string
  kind: 'audio' | 'video'
  name: string
  mediaStreamTrack: MediaStreamTrack
  attach(element?: HTMLMediaElement): HTMLMediaElement
  /** The element given, else every attached one (declared as always an array by twilio-video 2.14–2.26). */
  detach(element?: HTMLMediaElement): HTMLMediaElement | HTMLMediaElement[]
}

/** `RemoteDataTrack`. */
export interface TwilioRemoteDataTrack {
  sid: string
  kind: 'data'
  name: string
}

/** `RemoteTrack`. */
export type TwilioRemoteTrack = TwilioRemoteMediaTrack | TwilioRemoteDataTrack

/** `RemoteTrackPublication`. */
export interface TwilioRemoteTrackPublication {
  trackSid: string
  /** False while the publisher has disabled the track (`Room` emits `trackDisabled` / `trackEnabled`). */
  isTrackEnabled: boolean
}

/** `RemoteParticipant`. */
export interface TwilioRemoteParticipant {
  sid: string
  identity: string
}

/** `LocalAudioTrack` / `LocalVideoTrack`. */
export interface TwilioLocalMediaTrack {
  kind: 'audio' | 'video'
  isEnabled: boolean
  enable(enabled?: boolean): unknown
  disable(): unknown
  stop(): unknown
}

/** `LocalDataTrack`. */
export interface TwilioLocalDataTrack {
  kind: 'data'
  send(data: string): void
}

/** `LocalTrackPublication` of a media track. */
export interface TwilioLocalMediaTrackPublication {
  track: TwilioLocalMediaTrack
}

/** `LocalParticipant`. */
export interface TwilioLocalParticipant {
  sid: string
  identity: string
  audioTracks: Map<string, TwilioLocalMediaTrackPublication>
  videoTracks: Map<string, TwilioLocalMediaTrackPublication>
  publishTrack(track: TwilioLocalMediaTrack | TwilioLocalDataTrack): Promise<unknown>
}

/** `Room`: one participant's connection. */
export interface TwilioRoom extends TwilioEventEmitter {
  sid: string
  name: string
  state: string
  localParticipant: TwilioLocalParticipant
  participants: Map<string, TwilioRemoteParticipant>
  disconnect(): unknown
}

/** The `ConnectOptions` the adapter sets, plus whatever else the app passes through. */
export interface TwilioConnectOptions {
  name?: string | null
  audio?: boolean
  video?: boolean
  [option: string]: unknown
}

/** `CancelablePromise<Room>`, as `connect` returns it. */
export type TwilioConnecting = Promise<TwilioRoom> & { cancel?: () => void }

/** The twilio-video module: what `import('twilio-video')` gives, and `window.Twilio.Video` from its browser build. */
export interface TwilioVideo {
  connect(token: string, options?: TwilioConnectOptions): TwilioConnecting
  createLocalAudioTrack(): Promise<TwilioLocalMediaTrack>
  createLocalVideoTrack(): Promise<TwilioLocalMediaTrack>
  LocalDataTrack: new () => TwilioLocalDataTrack
}
