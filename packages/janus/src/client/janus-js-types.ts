/**
 * The part of janus.js (npm `janus-gateway`, 1.1.4 and later; `Janus` of its ES module's default
 * export, or of the demos' script) the client half uses, typed structurally so that the package
 * builds without janus-gateway installed. janus-gateway's own declarations (`npm/janus.d.ts`) are
 * assignable to these (test/client-janus-js-types.test-d.ts). Callbacks are declared as methods, so
 * that they compare both ways as janus-gateway's own (looser) declarations need.
 */

/** A session description as janus.js passes it around. */
export interface JanusJsJsep {
  type?: string
  sdp?: string
}

/** One entry of janus.js's `tracks` (createOffer / createAnswer / replaceTracks). */
export interface JanusJsTrackOption {
  type: 'audio' | 'video' | 'screen' | 'data'
  capture: boolean | MediaTrackConstraints | MediaStreamTrack
  recv?: boolean
  add?: boolean
  replace?: boolean
  remove?: boolean
  mid?: string
  dontStop?: boolean
}

/** A VideoRoom message or event, as janus.js hands it to `onmessage` (`plugindata.data`). */
export interface JanusJsMessage {
  videoroom?: string
  error?: string
  error_code?: number
  [key: string]: unknown
}

/** A handle attached to a plugin (here always `janus.plugin.videoroom`). */
export interface JanusJsPluginHandle {
  getId(): string
  send(parameters: { message: { request: string; [key: string]: unknown }; jsep?: JanusJsJsep; success?(data?: unknown): void; error?(error: string): void }): void
  createOffer(parameters: { tracks?: JanusJsTrackOption[]; success(jsep: JanusJsJsep): void; error(error: Error): void }): void
  createAnswer(parameters: { jsep: JanusJsJsep; tracks?: JanusJsTrackOption[]; success?(jsep: JanusJsJsep): void; error?(error: string): void }): void
  handleRemoteJsep(parameters: { jsep: JanusJsJsep; success?(jsep: JanusJsJsep): void; error?(error: string): void }): void
  replaceTracks(parameters: { tracks: JanusJsTrackOption[]; success?(data: unknown): void; error?(error: string): void }): void
  /** What this handle sends, by mid (null before it has a peer connection). */
  getLocalTracks(): Array<{ mid?: string; type?: string; id?: string; label?: string }> | null
  muteAudio(): void
  unmuteAudio(): void
  muteVideo(): void
  unmuteVideo(): void
  hangup(sendRequest?: boolean): void
  detach(parameters?: { success?(): void; error?(error: string): void; noRequest?: boolean }): void
  /** janus.js's internals: the peer connection among them (getStats, receivers; null before the first offer or answer, see {@link peerConnectionOf}). */
  webrtcStuff: { pc: RTCPeerConnection }
}

/** What `attach` takes (janus.js PluginOptions). */
export interface JanusJsAttachOptions {
  plugin: string
  opaqueId?: string
  token?: string
  success?(handle: JanusJsPluginHandle): void
  error?(error: string): void
  iceState?(state: 'connected' | 'failed' | 'disconnected' | 'closed'): void
  webrtcState?(isConnected: boolean): void
  mediaState?(medium: 'audio' | 'video', receiving: boolean, mid?: number): void
  slowLink?(uplink: boolean, lost: number, mid: string): void
  onmessage?(message: JanusJsMessage, jsep?: JanusJsJsep): void
  onlocaltrack?(track: MediaStreamTrack, on: boolean): void
  onremotetrack?(track: MediaStreamTrack, mid: string, on: boolean, metadata?: { reason: 'created' | 'ended' | 'mute' | 'unmute' }): void
  oncleanup?(): void
  ondetached?(): void
}

/** A Janus session (`new Janus(…)`). */
export interface JanusJsSession {
  attach(options: JanusJsAttachOptions): void
  getSessionId(): number
  isConnected(): boolean
  destroy(options: { cleanupHandles?: boolean; notifyDestroyed?: boolean; unload?: boolean; success?(): void; error?(error: string): void }): void
}

/** What `new Janus(…)` takes (janus.js ConstructorOptions). */
export interface JanusJsSessionOptions {
  server: string | string[]
  iceServers?: RTCIceServer[]
  iceTransportPolicy?: RTCIceTransportPolicy
  token?: string
  withCredentials?: boolean
  keepAlivePeriod?: number
  longPollTimeout?: number
  destroyOnUnload?: boolean
  success?(): void
  error?(error: unknown): void
  destroyed?(): void
}

/** The `Janus` constructor and its statics. */
export interface JanusJs {
  new (options: JanusJsSessionOptions): JanusJsSession
  /** `dependencies` is what `useDefaultDependencies` gave; `callback` is called once janus.js is ready (typed loosely: janus-gateway declares it as `Function`). */
  init(options: { debug?: boolean | 'all' | readonly string[]; dependencies?: unknown; callback?: unknown }): void
  /** Dependencies for `init`: the browser's fetch, WebSocket and Promise, and webrtc-adapter. */
  useDefaultDependencies(dependencies?: { adapter?: unknown }): unknown
  isWebrtcSupported(): boolean
}

/** A handle's peer connection, or undefined before janus.js made one (janus.js declares it always present). */
export function peerConnectionOf(handle: JanusJsPluginHandle | undefined): RTCPeerConnection | undefined {
  const pc: RTCPeerConnection | null | undefined = handle?.webrtcStuff.pc
  return pc ?? undefined
}
