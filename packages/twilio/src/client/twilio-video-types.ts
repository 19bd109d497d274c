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

/** `RemoteParticipant`: emits `networkQualityLevelChanged(level, stats)` when the Room has `networkQuality.remote` above 0. */
export interface TwilioRemoteParticipant extends TwilioEventEmitter {
  sid: string
  identity: string
  /** 0 (network down) to 5 (excellent); null until Twilio reports one. */
  networkQualityLevel: number | null
}

/** `LocalAudioTrack` / `LocalVideoTrack`: emits `stopped` when its MediaStreamTrack ends (stopped, or the device unplugged). */
export interface TwilioLocalMediaTrack extends TwilioEventEmitter {
  kind: 'audio' | 'video'
  /** The MediaStreamTrack's id, fixed when the track is made. */
  id: string
  /** The name it is published under (remote sides read `screen…` as a screen share). */
  name: string
  mediaStreamTrack: MediaStreamTrack
  isEnabled: boolean
  isStopped: boolean
  enable(enabled?: boolean): unknown
  disable(): unknown
  stop(): unknown
  attach(element?: HTMLMediaElement): HTMLMediaElement
  detach(element?: HTMLMediaElement): HTMLMediaElement | HTMLMediaElement[]
}

/**
 * `LocalTrackOptions`: what the adapter passes to the LocalAudioTrack / LocalVideoTrack constructors.
 * twilio-video 2.14 declares the deprecated `logLevel` required; the adapter passes `'warn'`, the
 * default of every version (`DEFAULT_LOG_LEVEL`).
 */
export interface TwilioLocalTrackOptions {
  name: string
  logLevel: 'warn'
}

/** The `LocalAudioTrack` / `LocalVideoTrack` constructor: a track of a MediaStreamTrack the page (or the adapter) captured. */
export type TwilioLocalMediaTrackConstructor = new (mediaStreamTrack: MediaStreamTrack, options?: TwilioLocalTrackOptions) => TwilioLocalMediaTrack

/** `LocalDataTrack`. */
export interface TwilioLocalDataTrack {
  kind: 'data'
  send(data: string): void
}

/** `LocalTrackPublication` of a media track. */
export interface TwilioLocalMediaTrackPublication {
  track: TwilioLocalMediaTrack
}

/**
 * `LocalParticipant`: emits `trackPublished(publication)` for a track published once connected (not
 * for those of `connect`), and `networkQualityLevelChanged(level, stats)`. It has no
 * `trackUnpublished` event: `unpublishTrack` returns the publication.
 */
export interface TwilioLocalParticipant extends TwilioEventEmitter {
  sid: string
  identity: string
  /** 0 (network down) to 5 (excellent); null until Twilio reports one. */
  networkQualityLevel: number | null
  audioTracks: Map<string, TwilioLocalMediaTrackPublication>
  videoTracks: Map<string, TwilioLocalMediaTrackPublication>
  publishTrack(track: TwilioLocalMediaTrack | TwilioLocalDataTrack): Promise<unknown>
  /**
   * Unpublishes the local track of this MediaStreamTrack (twilio-video takes the LocalTrack or its
   * MediaStreamTrack, finding either by the id they share); the adapter passes the MediaStreamTrack,
   * which both ends of the peer range declare.
   */
  unpublishTrack(track: MediaStreamTrack): unknown
}

/** `Room`: one participant's connection. */
export interface TwilioRoom extends TwilioEventEmitter {
  sid: string
  name: string
  state: string
  localParticipant: TwilioLocalParticipant
  participants: Map<string, TwilioRemoteParticipant>
  /** Who speaks most now (`dominantSpeakerChanged`), when `connect` had `dominantSpeaker: true`. */
  dominantSpeaker: TwilioRemoteParticipant | null
  disconnect(): unknown
}

/**
 * The `ConnectOptions` the adapter sets, plus whatever else the app passes through. `tracks` (the
 * LocalAudioTrack / LocalVideoTrack the adapter made with the module's own constructors, published
 * instead of capturing: twilio-video then ignores `audio` and `video`) goes through the index
 * signature, twilio-video's own type of it naming its own classes.
 */
export interface TwilioConnectOptions {
  name?: string | null
  audio?: boolean
  video?: boolean
  /** Dominant Speaker Detection: the Room emits `dominantSpeakerChanged`. */
  dominantSpeaker?: boolean
  /** Network Quality API: participants emit `networkQualityLevelChanged` (verbosity 1: the level only). */
  networkQuality?: boolean | { local?: 0 | 1 | 2 | 3; remote?: 0 | 1 | 2 | 3 }
  [option: string]: unknown
}

/** `CreateLocalTrackOptions`: the constraints the adapter passes when it captures. */
export interface TwilioCreateLocalTrackOptions {
  deviceId?: { exact: string }
  name?: string
}

/** `CancelablePromise<Room>`, as `connect` returns it. */
export type TwilioConnecting = Promise<TwilioRoom> & { cancel?: () => void }

/** The twilio-video module: what `import('twilio-video')` gives, and `window.Twilio.Video` from its browser build. */
export interface TwilioVideo {
  connect(token: string, options?: TwilioConnectOptions): TwilioConnecting
  /** Captures the microphone (`deviceId: { exact }` for a chosen one) with twilio-video's getUserMedia. */
  createLocalAudioTrack(options?: TwilioCreateLocalTrackOptions): Promise<TwilioLocalMediaTrack>
  /** Captures the camera (`deviceId: { exact }` for a chosen one) with twilio-video's getUserMedia. */
  createLocalVideoTrack(options?: TwilioCreateLocalTrackOptions): Promise<TwilioLocalMediaTrack>
  LocalDataTrack: new () => TwilioLocalDataTrack
  LocalAudioTrack: TwilioLocalMediaTrackConstructor
  LocalVideoTrack: TwilioLocalMediaTrackConstructor
}
