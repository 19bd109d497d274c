/**
 * The part of openvidu-browser's API the client adapter uses, written structurally so that the
 * package's types do not depend on openvidu-browser being installed. `test/openvidu-browser-types.test-d.ts`
 * checks that openvidu-browser 2.32's own declarations satisfy every one of these types, so they
 * cannot drift from the SDK.
 */

/** `Connection`: one participant's connection; `data` is `<clientData>%/%<serverData>` (or the one that is set). */
export interface OpenViduBrowserConnection {
  connectionId: string
  data: string
}

/** `Stream`: what a connection publishes. */
export interface OpenViduBrowserStream {
  streamId: string
  connection: OpenViduBrowserConnection
  hasAudio: boolean
  hasVideo: boolean
  /** `CAMERA`, `SCREEN`, `IPCAM` or `CUSTOM`; absent for audio-only streams. */
  typeOfVideo?: string | undefined
  /** False while the publisher has muted its audio (`publishAudio(false)`). */
  audioActive: boolean
  /** False while the publisher has turned its video off (`publishVideo(false)`). */
  videoActive: boolean
  getMediaStream(): MediaStream
}

/** `Subscriber`: the local end of a remote stream. */
export interface OpenViduBrowserSubscriber {
  stream: OpenViduBrowserStream
}

/** `Publisher`: the local camera and microphone. */
export interface OpenViduBrowserPublisher {
  stream: OpenViduBrowserStream
  publishAudio(enabled: boolean): void
  /**
   * `resource: true` with `enabled: false` also stops the video track (the camera is released);
   * `enabled: true` with a MediaStreamTrack puts that track back in place of the ended one.
   */
  publishVideo(enabled: boolean, resource?: boolean | MediaStreamTrack): Promise<void>
  /** Replaces the published track of that kind (`RTCRtpSender.replaceTrack`); openvidu-browser stops the replaced one. */
  replaceTrack(track: MediaStreamTrack): Promise<void>
}

/** `PublisherProperties`, as far as the adapter sets them. */
export interface OpenViduBrowserPublisherProperties {
  /** A MediaStreamTrack to publish (openvidu-browser captures nothing then), or `false` for none. */
  audioSource?: string | boolean | MediaStreamTrack | undefined
  videoSource?: string | boolean | MediaStreamTrack | undefined
  publishAudio?: boolean
  publishVideo?: boolean
  resolution?: string
  frameRate?: number
  mirror?: boolean
}

export interface OpenViduBrowserConnectionEvent {
  connection: OpenViduBrowserConnection
  reason: string
}

export interface OpenViduBrowserStreamEvent {
  stream: OpenViduBrowserStream
  reason: string
}

/** `StreamPropertyChangedEvent`: `changedProperty` `videoActive` / `audioActive` carry the new boolean as `newValue`. */
export interface OpenViduBrowserStreamPropertyChangedEvent {
  stream: OpenViduBrowserStream
  changedProperty: string
  newValue: unknown
  reason: string
}

export interface OpenViduBrowserSessionDisconnectedEvent {
  reason: string
}

/** `PublisherSpeakingEvent`: a stream with audio started or stopped speaking (hark, in the page). */
export interface OpenViduBrowserPublisherSpeakingEvent {
  connection: OpenViduBrowserConnection
  streamId: string
}

/** `NetworkQualityLevelChangedEvent` (OpenVidu Pro and Enterprise only): a connection's level, 0 to 5. */
export interface OpenViduBrowserNetworkQualityLevelChangedEvent {
  connection: OpenViduBrowserConnection
  newValue: number
  oldValue: number
}

export interface OpenViduBrowserSignalEvent {
  type: string
  data?: string | undefined
  from?: OpenViduBrowserConnection | undefined
}

/** The `Session` events the adapter listens to (openvidu-browser's `SessionEventMap`). */
export interface OpenViduBrowserSessionEvents {
  connectionCreated: OpenViduBrowserConnectionEvent
  connectionDestroyed: OpenViduBrowserConnectionEvent
  streamCreated: OpenViduBrowserStreamEvent
  streamDestroyed: OpenViduBrowserStreamEvent
  streamPropertyChanged: OpenViduBrowserStreamPropertyChangedEvent
  sessionDisconnected: OpenViduBrowserSessionDisconnectedEvent
  signal: OpenViduBrowserSignalEvent
  publisherStartSpeaking: OpenViduBrowserPublisherSpeakingEvent
  publisherStopSpeaking: OpenViduBrowserPublisherSpeakingEvent
  networkQualityLevelChanged: OpenViduBrowserNetworkQualityLevelChangedEvent
  reconnecting: never
  reconnected: never
}

/** `Session`: one connection to an OpenVidu session. */
export interface OpenViduBrowserSession {
  /** The local connection, once connected. */
  connection: OpenViduBrowserConnection | undefined
  connect(token: string): Promise<unknown>
  disconnect(): void
  on<Name extends keyof OpenViduBrowserSessionEvents>(type: Name, handler: (event: OpenViduBrowserSessionEvents[Name]) => void): unknown
  subscribe(
    stream: OpenViduBrowserStream,
    targetElement: undefined,
    properties: { subscribeToAudio?: boolean; subscribeToVideo?: boolean },
    completionHandler: (error: Error | undefined) => void,
  ): OpenViduBrowserSubscriber
  publish(publisher: OpenViduBrowserPublisher): Promise<void>
  unpublish(publisher: OpenViduBrowserPublisher): Promise<void>
  signal(signal: { data?: string; type?: string; to?: OpenViduBrowserConnection[] }): Promise<void>
}

/** An `OpenVidu` object: the entry point of openvidu-browser. */
export interface OpenViduBrowser {
  initSession(): OpenViduBrowserSession
  initPublisherAsync(targetElement: undefined, properties: OpenViduBrowserPublisherProperties): Promise<OpenViduBrowserPublisher>
  enableProdMode(): void
}

/** openvidu-browser's `OpenVidu` class (`import { OpenVidu } from 'openvidu-browser'`). */
export type OpenViduBrowserConstructor = new () => OpenViduBrowser
