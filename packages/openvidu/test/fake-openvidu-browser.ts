import type {
  Connection,
  ConnectionEvent,
  OpenVidu,
  Publisher,
  PublisherProperties,
  Session,
  SessionDisconnectedEvent,
  SessionEventMap,
  SignalEvent,
  SignalOptions,
  Stream,
  StreamEvent,
  StreamPropertyChangedEvent,
  Subscriber,
  SubscriberProperties,
} from 'openvidu-browser'
// openvidu-browser's own SignalEvent class (it loads without a browser): the fake dispatches real ones.
import { SignalEvent as OpenViduSignalEvent } from 'openvidu-browser/lib/OpenViduInternal/Events/SignalEvent'
import type { FakeOpenVidu } from './fake-openvidu'

/**
 * A fake of openvidu-browser 2.32 for unit tests, joined to the fake OpenVidu REST API (tokens are
 * the connections that API created; joining turns them active). Its classes implement `Pick`s of
 * openvidu-browser's own declarations, and every object it hands out is a `Pick` of the SDK type it
 * stands for, so it cannot drift from the SDK. The one unchecked step is `asSdk`, which hands a
 * `Pick` out where the SDK's signature names the whole class.
 */

/** Hands out a `Pick` of an SDK type where the SDK's signature names the whole type. */
const asSdk = <T>(value: object): T => value as T

export type FakeConnection = Pick<Connection, 'connectionId' | 'data'>
export type FakeStream = Pick<Stream, 'streamId' | 'hasAudio' | 'hasVideo' | 'typeOfVideo' | 'audioActive' | 'videoActive' | 'getMediaStream'> & { connection: FakeConnection }

/** A MediaStreamTrack as far as the adapter reads one. */
export type FakeTrack = Pick<MediaStreamTrack, 'kind' | 'id'>

let counter = 0
const nextId = (prefix: string): string => `${prefix}${(counter += 1).toString(36).padStart(6, '0')}`

function fakeMediaStream(kinds: readonly ('audio' | 'video')[]): MediaStream {
  const tracks: FakeTrack[] = kinds.map((kind) => ({ kind, id: nextId(`${kind}-`) }))
  return asSdk<MediaStream>({ getTracks: () => tracks as MediaStreamTrack[], id: nextId('stream-') })
}

/** The error openvidu-browser's `connect` rejects with when openvidu-server refuses the token (JSON-RPC error). */
export interface JsonRpcError {
  code: number
  message: string
}

/** Where fake sessions meet: the OpenVidu media side, behind the fake REST API. */
export class FakeOpenViduMedia {
  readonly rest: FakeOpenVidu
  /** Live sessions by OpenVidu session id. */
  readonly rooms = new Map<string, Set<FakeSession>>()
  /** How long `connect` takes (the WebSocket and joinRoom round trips). */
  connectDelayMilliseconds = 0

  constructor(rest: FakeOpenVidu) {
    this.rest = rest
    rest.onDelete((sessionId, connectionId) => {
      for (const session of [...(this.rooms.get(sessionId) ?? [])]) {
        if (connectionId === undefined) session.serverDisconnect('sessionClosedByServer')
        else if (session.connection?.connectionId === connectionId) session.serverDisconnect('forceDisconnectByServer')
      }
    })
  }

  /** The `OpenVidu` class to give the adapter: `openvidu({ OpenVidu: media.OpenVidu })`. */
  get OpenVidu(): new () => FakeOpenViduBrowser {
    return openViduClassOf(this)
  }

  /** Everyone in the session but `except`. */
  others(sessionId: string, except: FakeSession): FakeSession[] {
    return [...(this.rooms.get(sessionId) ?? [])].filter((session) => session !== except)
  }

  /**
   * Joins with a token the REST API issued: the pending connection becomes active. Refusals are those
   * of openvidu-server 2.32.2 `rpc/RpcHandler.java` `joinRoom`, as JSON-RPC errors (what
   * openvidu-browser's `Session.connect` rejects with, `Session.connectAux`): no session of that id →
   * 202 ROOM_NOT_FOUND ("Unable to join session. Session … cannot be found"); a token the session does
   * not hold (used, voided, or of an earlier session of the same id) → 401 USER_UNAUTHORIZED.
   */
  join(session: FakeSession, token: string, clientData: string): { sessionId: string; connection: FakeConnection } {
    const match = /^wss?:\/\/[^?]+\?sessionId=([A-Za-z0-9_-]+)&token=(tok_[A-Za-z0-9]+)$/.exec(token)
    const [, sessionId = '', tokenId = ''] = match ?? []
    const live = this.rest.sessions.get(sessionId)
    if (match && !live) {
      throw { code: 202, message: `Unable to join session. Session ${sessionId} cannot be found` } satisfies JsonRpcError
    }
    const pending = [...(live?.connections.values() ?? [])].find(
      (connection) => typeof connection.json.token === 'string' && connection.json.token.endsWith(`token=${tokenId}`),
    )
    if (!match || !pending || pending.json.status !== 'pending') {
      throw { code: 401, message: `Unable to join session ${sessionId}. Token ${token} is not valid` } satisfies JsonRpcError
    }
    const connectionId = String(pending.json.id)
    this.rest.activate(sessionId, connectionId, clientData)
    const serverData = typeof pending.json.serverData === 'string' ? pending.json.serverData : ''
    // openvidu-server's Participant.getFullMetadata: both joined by "%/%", else the one that is set.
    const data = clientData !== '' && serverData !== '' ? `${clientData}%/%${serverData}` : `${clientData}${serverData}`
    const room = this.rooms.get(sessionId) ?? new Set<FakeSession>()
    this.rooms.set(sessionId, room)
    room.add(session)
    return { sessionId, connection: { connectionId, data } }
  }

  /**
   * A participant leaves. When it was the last one, openvidu-server closes the session
   * (`kurento/core/KurentoSessionManager.java` `leaveRoom`, reason `lastParticipantLeft`; recordings
   * aside), and every pending token of it dies with it.
   */
  leave(sessionId: string, session: FakeSession): void {
    const room = this.rooms.get(sessionId)
    room?.delete(session)
    this.rest.sessions.get(sessionId)?.connections.delete(session.connection?.connectionId ?? '')
    if (room && room.size === 0) {
      this.rooms.delete(sessionId)
      this.rest.dropSession(sessionId)
    }
  }
}

/** A no-argument `OpenVidu` class whose instances use `media` (what the adapter's `OpenVidu` option takes). */
function openViduClassOf(media: FakeOpenViduMedia): new () => FakeOpenViduBrowser {
  return class extends FakeOpenViduBrowser {
    constructor() {
      super(media)
    }
  }
}

/**
 * The type `Session.signal` puts on the wire (openvidu-browser 2.32.2 `Session.signal`): the given
 * type, or `signal` when none, prefixed with `signal:` unless it already starts with it.
 */
export function signalWireType(type: string | undefined): string {
  const given = type ? type : 'signal'
  return given.substring(0, 7) === 'signal:' ? given : `signal:${given}`
}

/**
 * The `SignalEvent` a receiver's session dispatches for a wire type, as openvidu-browser 2.32.2's
 * `Session.onNewMessage` makes it: it strips `signal:` (`type.replace(/^(signal:)/, '')`) and passes
 * the rest to openvidu-browser's own `SignalEvent`, whose constructor puts `signal:` back.
 */
export function receivedSignalEvent(target: object, wireType: string, data: string | undefined, from: FakeConnection | undefined): SignalEvent {
  const stripped = wireType.replace(/^(signal:)/, '')
  return new OpenViduSignalEvent(asSdk<Session>(target), stripped || undefined, data, from && asSdk<Connection>(from))
}

type Handler = (event: never) => void

/** Fake `Session`. */
export class FakeSession implements Pick<Session, 'connect' | 'disconnect' | 'on' | 'off' | 'subscribe' | 'publish' | 'unpublish' | 'signal'> {
  connection: FakeConnection | undefined
  sessionId: string | undefined
  readonly publishers = new Set<FakePublisher>()
  readonly subscribed: FakeStream[] = []
  readonly received: { type: string; data: string | undefined; from: string | undefined }[] = []
  readonly #media: FakeOpenViduMedia
  readonly #handlers = new Map<string, Set<Handler>>()

  constructor(media: FakeOpenViduMedia) {
    this.#media = media
  }

  on<K extends keyof SessionEventMap>(type: K, handler: (event: SessionEventMap[K]) => void): Session {
    const handlers = this.#handlers.get(type) ?? new Set<Handler>()
    this.#handlers.set(type, handlers)
    handlers.add(handler)
    return asSdk<Session>(this)
  }

  off<K extends keyof SessionEventMap>(type: K, handler?: (event: SessionEventMap[K]) => void): Session {
    if (handler) this.#handlers.get(type)?.delete(handler)
    else this.#handlers.delete(type)
    return asSdk<Session>(this)
  }

  /** Dispatches an event (a `Pick` of the SDK's) to the handlers, as openvidu-browser's EventDispatcher does; `reconnecting`/`reconnected` carry none. */
  dispatch<K extends keyof SessionEventMap>(type: K, event?: Partial<SessionEventMap[K]>): void {
    for (const handler of [...(this.#handlers.get(type) ?? [])]) (handler as (event: SessionEventMap[K]) => void)(event as SessionEventMap[K])
  }

  listenerCount(type: keyof SessionEventMap): number {
    return this.#handlers.get(type)?.size ?? 0
  }

  connectionEvent(type: 'connectionCreated' | 'connectionDestroyed', connection: FakeConnection, reason: ConnectionEvent['reason']): void {
    this.dispatch(type, { type, connection: asSdk<Connection>(connection), reason })
  }

  streamEvent(type: 'streamCreated' | 'streamDestroyed', stream: FakeStream, reason: StreamEvent['reason']): void {
    this.dispatch(type, { type, stream: asSdk<Stream>(stream), reason })
  }

  async connect(token: string, metadata?: unknown): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.#media.connectDelayMilliseconds))
    // openvidu-browser's stringClientMetadata: strings as they are, anything else as JSON.
    const clientData = metadata === undefined || metadata === null ? '' : typeof metadata === 'string' ? metadata : JSON.stringify(metadata)
    const { sessionId, connection } = this.#media.join(this, token, clientData)
    this.sessionId = sessionId
    this.connection = connection
    // What openvidu-browser does with the joinRoom answer: its own connection, the existing ones, their streams.
    const others = this.#media.others(sessionId, this).filter((other) => other.connection !== undefined)
    this.connectionEvent('connectionCreated', connection, '')
    for (const other of others) this.connectionEvent('connectionCreated', other.connection!, '')
    for (const other of others) for (const publisher of other.publishers) this.streamEvent('streamCreated', publisher.stream, '')
    // The others hear of it through openvidu-server's participantJoined.
    for (const other of others) other.connectionEvent('connectionCreated', connection, '')
  }

  disconnect(): void {
    this.#leave('disconnect')
  }

  /** openvidu-server ended this connection (REST DELETE, session closed, eviction). */
  serverDisconnect(reason: SessionDisconnectedEvent['reason']): void {
    this.#leave(reason)
  }

  /** The WebSocket dropped: `reconnecting`, then `reconnected` or (when it could not) `sessionDisconnected` with `networkDisconnect`. */
  networkDrop(outcome: 'reconnected' | 'lost'): void {
    this.dispatch('reconnecting')
    if (outcome === 'reconnected') this.dispatch('reconnected')
    else this.#leave('networkDisconnect')
  }

  #leave(reason: SessionDisconnectedEvent['reason']): void {
    const { sessionId, connection } = this
    if (!sessionId || !connection) return
    this.sessionId = undefined
    for (const other of this.#media.others(sessionId, this)) {
      for (const publisher of this.publishers) other.streamEvent('streamDestroyed', publisher.stream, reason)
      other.connectionEvent('connectionDestroyed', connection, reason)
    }
    // The Publisher's streamDestroyed default behaviour (StreamEvent.callDefaultBehavior) disposes its MediaStream: every track is stopped.
    for (const publisher of this.publishers) publisher.disposeMediaStream()
    this.publishers.clear()
    this.#media.leave(sessionId, this)
    this.dispatch('sessionDisconnected', { type: 'sessionDisconnected', reason })
  }

  subscribe(
    stream: Stream,
    targetElement: string | HTMLElement | undefined,
    properties?: SubscriberProperties | ((error: Error | undefined) => void),
    completionHandler?: (error: Error | undefined) => void,
  ): Subscriber {
    const done = typeof properties === 'function' ? properties : completionHandler
    if (targetElement !== undefined) throw new Error('The adapter must not let openvidu-browser create video elements')
    this.subscribed.push(stream)
    setTimeout(() => done?.(this.sessionId ? undefined : new Error('not connected')), 0)
    return asSdk<Subscriber>({ stream })
  }

  /**
   * A published stream's `audioActive` / `videoActive` changed (`publishAudio` / `publishVideo`): as
   * openvidu-server's `streamPropertyChanged` and openvidu-browser's `Session.onStreamPropertyChanged`,
   * every session of the room, this one included, sets the Stream's property and dispatches a
   * `streamPropertyChanged` (the others once the remote connection is looked up, asynchronously).
   */
  streamPropertyChanged(stream: FakeStream, property: 'audioActive' | 'videoActive', newValue: boolean): void {
    if (!this.sessionId) return
    const oldValue = stream[property]
    stream[property] = newValue
    const reason = property === 'videoActive' ? 'publishVideo' : 'publishAudio'
    const event: Partial<StreamPropertyChangedEvent> = { type: 'streamPropertyChanged', stream: asSdk<Stream>(stream), changedProperty: property, newValue, oldValue, reason }
    this.dispatch('streamPropertyChanged', event)
    for (const other of this.#media.others(this.sessionId, this)) void Promise.resolve().then(() => other.dispatch('streamPropertyChanged', event))
  }

  async publish(publisher: Publisher): Promise<void> {
    const fake = publisher as unknown as FakePublisher
    if (!this.sessionId || !this.connection) throw { name: 'OPENVIDU_NOT_CONNECTED', message: 'not connected' }
    fake.stream.connection = this.connection
    fake.session = this
    this.publishers.add(fake)
    for (const other of this.#media.others(this.sessionId, this)) other.streamEvent('streamCreated', fake.stream, '')
  }

  async unpublish(publisher: Publisher): Promise<void> {
    const fake = publisher as unknown as FakePublisher
    if (!this.publishers.delete(fake) || !this.sessionId) return
    fake.session = undefined
    for (const other of this.#media.others(this.sessionId, this)) other.streamEvent('streamDestroyed', fake.stream, 'unpublish')
    // As openvidu-browser: the Publisher's streamDestroyed ('unpublish') default behaviour disposes its MediaStream.
    fake.disposeMediaStream()
  }

  /** A `publisherStartSpeaking` / `publisherStopSpeaking` (hark in the page, for the local stream and the subscribed ones). */
  speakingEvent(type: 'publisherStartSpeaking' | 'publisherStopSpeaking', connection: FakeConnection, streamId: string): void {
    this.dispatch(type, { type, connection: asSdk<Connection>(connection), streamId })
  }

  /** A `networkQualityLevelChanged` (OpenVidu Pro/Enterprise): `Session.onNetworkQualityLevelChangedChanged`, with the connection of the level. */
  networkQualityEvent(connection: FakeConnection, newValue: number, oldValue: number): void {
    this.dispatch('networkQualityLevelChanged', { type: 'networkQualityLevelChanged', connection: asSdk<Connection>(connection), newValue, oldValue })
  }

  async signal(signal: SignalOptions): Promise<void> {
    if (!this.sessionId || !this.connection) throw { name: 'OPENVIDU_NOT_CONNECTED', message: 'not connected' }
    const to = signal.to?.map((connection) => connection.connectionId)
    const everyone = [this, ...this.#media.others(this.sessionId, this)]
    const wireType = signalWireType(signal.type)
    for (const session of everyone) {
      // Like openvidu-server: no `to` (or an empty one) reaches everyone, the sender included.
      if (to && to.length > 0 && !to.includes(session.connection?.connectionId ?? '')) continue
      // Session.signal sends `data` or '' (signalMessage['data'] = signal.data ? signal.data : '').
      const event = receivedSignalEvent(session, wireType, signal.data ? signal.data : '', this.connection)
      session.received.push({ type: event.type, data: event.data, from: this.connection.connectionId })
      session.dispatch('signal', event)
    }
  }
}

const isTrack = (source: PublisherProperties['audioSource']): source is MediaStreamTrack => typeof source === 'object' && source !== null

/** Fake `Publisher`. */
export class FakePublisher implements Pick<Publisher, 'publishAudio' | 'publishVideo' | 'replaceTrack'> {
  readonly stream: FakeStream
  readonly properties: PublisherProperties
  audioActive: boolean
  videoActive: boolean
  /** True once `publishVideo(false, true)` released the camera. */
  cameraReleased = false
  /** The session it is published in (openvidu-browser's `Publisher.session`), which tells the others of property changes. */
  session: FakeSession | undefined
  /** The tracks of its MediaStream, where they were given as `audioSource` / `videoSource` (openvidu-browser's addAlreadyProvidedTracks). */
  readonly tracks: MediaStreamTrack[] = []

  constructor(properties: PublisherProperties) {
    this.properties = properties
    const hasAudio = properties.audioSource !== false
    const hasVideo = properties.videoSource !== false
    const given = [properties.videoSource, properties.audioSource].filter(isTrack)
    this.tracks.push(...given)
    const mediaStream =
      given.length > 0
        ? asSdk<MediaStream>({ id: nextId('stream-'), getTracks: () => [...this.tracks], getVideoTracks: () => this.tracks.filter((track) => track.kind === 'video') })
        : fakeMediaStream([...(hasVideo ? ['video' as const] : []), ...(hasAudio ? ['audio' as const] : [])])
    this.stream = {
      streamId: nextId('str_CAM_'),
      hasAudio,
      hasVideo,
      // Stream.ts: CUSTOM for a MediaStreamTrack given as videoSource, SCREEN for 'screen', else CAMERA.
      typeOfVideo: hasVideo ? (isTrack(properties.videoSource) ? 'CUSTOM' : properties.videoSource === 'screen' ? 'SCREEN' : 'CAMERA') : undefined,
      audioActive: properties.publishAudio ?? true,
      videoActive: properties.publishVideo ?? true,
      getMediaStream: () => mediaStream,
      connection: { connectionId: '', data: '' },
    }
    this.audioActive = properties.publishAudio ?? true
    this.videoActive = properties.publishVideo ?? true
  }

  publishAudio(enabled: boolean): void {
    const changed = this.stream.audioActive !== enabled
    this.audioActive = enabled
    if (changed) for (const track of this.tracks) if (track.kind === 'audio') track.enabled = enabled
    if (changed) this.#propertyChanged('audioActive', enabled)
  }

  /**
   * As openvidu-browser 2.32 `Publisher.publishVideo`: on a change, the video tracks' `enabled`
   * follows; `(false, true)` also stops them (the camera is released); `(true)` with an ended track
   * gets a new one — the given MediaStreamTrack, else a `getUserMedia` with the last video
   * constraints, which a Publisher made from a MediaStreamTrack never had (a TypeError here).
   */
  async publishVideo<T extends boolean>(enabled: T, resource?: T extends false ? boolean : MediaStreamTrack): Promise<void> {
    const changed = this.stream.videoActive !== enabled
    if (changed) {
      const video = this.tracks.filter((track) => track.kind === 'video')
      for (const track of video) {
        track.enabled = enabled
        if (!enabled && resource === true) track.stop()
      }
      const ended = video.find((track) => track.readyState === 'ended')
      if (enabled && ended) {
        if (!isTrack(resource)) throw new TypeError("Failed to execute 'getUserMedia' on 'MediaDevices': no last video constraints")
        this.tracks.splice(this.tracks.indexOf(ended), 1, resource)
      }
    }
    this.videoActive = enabled
    this.cameraReleased = !enabled && resource === true
    if (changed) this.#propertyChanged('videoActive', enabled)
  }

  /**
   * As openvidu-browser 2.32 `Publisher.replaceTrack` (`replaceTrackAux`): the new track's `enabled`
   * follows the stream's `audioActive` / `videoActive`, the replaced track of that kind is disabled,
   * stopped and removed; published, the RTCRtpSender of that kind must exist, else it throws.
   */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const index = this.tracks.findIndex((candidate) => candidate.kind === track.kind)
    if (index === -1) throw new Error("There's no replaceable track for that kind of MediaStreamTrack in this Publisher object")
    track.enabled = track.kind === 'video' ? this.stream.videoActive : this.stream.audioActive
    const removed = this.tracks[index]!
    removed.enabled = false
    removed.stop()
    this.tracks.splice(index, 1, track)
  }

  /** Stream.disposeMediaStream: every track of its MediaStream is stopped. */
  disposeMediaStream(): void {
    for (const track of this.tracks) track.stop()
  }

  /** Unpublished, the Stream's property changes here only; published, the session tells everyone. */
  #propertyChanged(property: 'audioActive' | 'videoActive', value: boolean): void {
    if (this.session) this.session.streamPropertyChanged(this.stream, property, value)
    else this.stream[property] = value
  }
}

/** Fake `OpenVidu`. */
export class FakeOpenViduBrowser implements Pick<OpenVidu, 'initSession' | 'initPublisherAsync' | 'enableProdMode'> {
  static readonly instances: FakeOpenViduBrowser[] = []
  readonly sessions: FakeSession[] = []
  readonly publishers: FakePublisher[] = []
  productionMode = false
  /** Makes the next `initPublisherAsync` reject with this OpenViduError. */
  failNextPublisher: { name: string; message: string } | undefined
  readonly #media: FakeOpenViduMedia

  constructor(media: FakeOpenViduMedia) {
    this.#media = media
    FakeOpenViduBrowser.instances.push(this)
  }

  initSession(): Session {
    const session = new FakeSession(this.#media)
    this.sessions.push(session)
    return asSdk<Session>(session)
  }

  async initPublisherAsync(targetElement: string | HTMLElement | undefined, properties?: PublisherProperties): Promise<Publisher> {
    if (targetElement !== undefined) throw new Error('The adapter must not let openvidu-browser create video elements')
    const failure = this.failNextPublisher
    this.failNextPublisher = undefined
    if (failure) throw failure
    const publisher = new FakePublisher(properties ?? {})
    this.publishers.push(publisher)
    return asSdk<Publisher>(publisher)
  }

  enableProdMode(): void {
    this.productionMode = true
  }
}
