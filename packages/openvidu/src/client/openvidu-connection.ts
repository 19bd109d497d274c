import { CallportError, EventEmitter, raceAbort, type ClientConnection, type ConnectionEvents, type Participant } from '@callport/core'
import type { OpenViduConnectParameters } from '../shared/connect-parameters'
import { participantOfConnection, splitConnectionData } from '../shared/connection-data'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { LocalMedia, type OpenViduPublisherProperties } from './local-media'
import { disconnectReasonOf, errorFromOpenViduBrowser } from './openvidu-reasons'
import type {
  OpenViduBrowser,
  OpenViduBrowserConnection,
  OpenViduBrowserConnectionEvent,
  OpenViduBrowserSession,
  OpenViduBrowserSignalEvent,
  OpenViduBrowserStream,
  OpenViduBrowserStreamEvent,
  OpenViduBrowserStreamPropertyChangedEvent,
} from './openvidu-browser-types'
import { tracksOfStream, type OpenViduRemoteTrack } from './remote-track'

/** The `type` of the signals `sendData` sends (receivers see `signal:callport-data`). */
export const DATA_SIGNAL_TYPE = 'callport-data'

/**
 * The `type` of a received `SignalEvent` that `sendData` sent. openvidu-browser 2.32.2 sends the type
 * as `signal:<type>` (`Session.signal`), strips `signal:` on receipt (`Session.onNewMessage`) and its
 * `SignalEvent` constructor puts it back: `event.type` is `signal:callport-data`.
 */
export const RECEIVED_DATA_SIGNAL_TYPE = `signal:${DATA_SIGNAL_TYPE}`

export interface OpenViduConnectionOptions {
  openVidu: OpenViduBrowser
  session: OpenViduBrowserSession
  /** The token string openvidu-browser connects with. */
  token: string
  identity: string
  connect: OpenViduConnectParameters
  publisher: OpenViduPublisherProperties
}

type Phase = 'connecting' | 'connected' | 'closed'

interface RemoteConnection {
  connection: OpenViduBrowserConnection
  participant: Participant
}

interface Subscription {
  participant: Participant
  tracks: OpenViduRemoteTrack[]
  /** The kinds whose track the app was told is muted (`track-muted`). */
  muted: Set<'audio' | 'video'>
}

/** The Stream property that says whether a track of that kind is on. */
const activeProperty = { audio: 'audioActive', video: 'videoActive' } as const

/**
 * One openvidu-browser Session as a Callport connection. Session events become ConnectionEvents
 * (the vendor's event kept as `raw`): connections → participants (identity from the connection's
 * server data; several connections of one identity are one participant), remote streams →
 * subscriptions → tracks, `streamPropertyChanged` of `videoActive` / `audioActive` → `track-muted` /
 * `track-unmuted` (a stream subscribed while inactive: `track-subscribed`, then `track-muted`),
 * `reconnecting`/`reconnected`, `sessionDisconnected` → `disconnected`
 * with the reason mapped, `signal` of Callport's type (`signal:callport-data`) → `data-received`
 * (other signal types are ignored).
 */
export class OpenViduConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  readonly #options: OpenViduConnectionOptions
  readonly #media: LocalMedia
  readonly #remote = new Map<string, RemoteConnection>()
  readonly #subscriptions = new Map<string, Subscription>()
  /** Streams announced while connecting: subscribed once `connect` has returned. */
  #early: OpenViduBrowserStream[] = []
  #phase: Phase = 'connecting'

  constructor(options: OpenViduConnectionOptions) {
    super()
    this.#options = options
    const { connect } = options
    this.localParticipant = {
      identity: options.identity,
      role: connect.role,
      providerParticipantId: connect.connectionId,
      ...(connect.name === undefined ? {} : { name: connect.name }),
    }
    this.#media = new LocalMedia({
      openVidu: options.openVidu,
      session: options.session,
      canPublish: connect.role !== 'subscriber',
      properties: options.publisher,
    })
  }

  /** Listens to the session, connects, and publishes what `media` asks for (a subscriber publishes nothing). */
  async open(media: { audio: boolean; video: boolean }, signal?: AbortSignal): Promise<void> {
    const { session } = this.#options
    session.on('connectionCreated', (event) => this.#onConnectionCreated(event))
    session.on('connectionDestroyed', (event) => this.#onConnectionDestroyed(event))
    session.on('streamCreated', (event) => this.#onStreamCreated(event))
    session.on('streamDestroyed', (event) => this.#onStreamDestroyed(event))
    session.on('streamPropertyChanged', (event) => this.#onStreamPropertyChanged(event))
    session.on('signal', (event) => this.#onSignal(event))
    session.on('reconnecting', (event) => this.#phase === 'connected' && this.emit('reconnecting', { attempt: 0, reason: 'connection-lost', raw: event }))
    session.on('reconnected', (event) => this.#phase === 'connected' && this.emit('reconnected', { raw: event }))
    session.on('sessionDisconnected', (event) => this.#onSessionDisconnected(event.reason, event))
    const connecting = session.connect(this.#options.token)
    try {
      await raceAbort(
        connecting.catch((error: unknown) => {
          throw errorFromOpenViduBrowser(error, 'openvidu-browser could not connect')
        }),
        signal,
        undefined,
        OPENVIDU_PROVIDER,
      )
      if (this.localParticipant.role !== 'subscriber' && (media.audio || media.video)) await raceAbort(this.#media.set(media), signal, undefined, OPENVIDU_PROVIDER)
    } catch (error) {
      await this.disconnect()
      // Given up while openvidu-browser was still joining: leave once it has joined.
      connecting.then(
        () => session.disconnect(),
        () => undefined,
      )
      throw error
    }
    this.#phase = 'connected'
    // Streams that were already published reach the app after `connect` has returned, as new ones do.
    const early = this.#early
    this.#early = []
    setTimeout(() => early.forEach((stream) => this.#subscribe(stream)), 0)
  }

  participants(): Participant[] {
    const byIdentity = new Map<string, Participant>()
    for (const { participant } of this.#remote.values()) if (!byIdentity.has(participant.identity)) byIdentity.set(participant.identity, participant)
    return [...byIdentity.values()]
  }

  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.#media.set({ audio: enabled })
  }

  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#media.set({ video: enabled })
  }

  async sendData(data: string, options: { to?: string[] } = {}): Promise<void> {
    if (this.#phase !== 'connected') throw new CallportError('CONNECTION_FAILED', 'The OpenVidu call is not connected', { provider: OPENVIDU_PROVIDER })
    let to: OpenViduBrowserConnection[] | undefined
    if (options.to !== undefined) {
      const wanted = new Set(options.to)
      if (wanted.size === 0) return
      to = [...this.#remote.values()].filter(({ participant }) => wanted.has(participant.identity)).map(({ connection }) => connection)
      // An empty `to` would be a broadcast for OpenVidu.
      if (to.length === 0) throw new CallportError('PARTICIPANT_NOT_FOUND', 'None of the recipients is in the room', { provider: OPENVIDU_PROVIDER })
    }
    try {
      await this.#options.session.signal({ data, type: DATA_SIGNAL_TYPE, ...(to ? { to } : {}) })
    } catch (error) {
      throw errorFromOpenViduBrowser(error, 'openvidu-browser could not send the message')
    }
  }

  async disconnect(): Promise<void> {
    if (this.#phase === 'closed') return
    this.#close()
    this.#options.session.disconnect()
  }

  #close(): void {
    this.#phase = 'closed'
    this.#media.close()
    this.#remote.clear()
    this.#subscriptions.clear()
    this.#early = []
  }

  #isLocal(connection: OpenViduBrowserConnection): boolean {
    const id = connection.connectionId
    return id === this.#options.connect.connectionId || id === this.#options.session.connection?.connectionId
  }

  /** The participant of a remote connection; undefined for the local one and for other connections of the local identity. */
  #participantOf(connection: OpenViduBrowserConnection): Participant | undefined {
    if (this.#isLocal(connection)) return undefined
    const known = this.#remote.get(connection.connectionId)
    if (known) return known.participant
    const participant = participantOfConnection({ connectionId: connection.connectionId, ...splitConnectionData(connection.data) })
    return participant.identity === this.localParticipant.identity ? undefined : participant
  }

  #hasIdentity(identity: string): boolean {
    for (const { participant } of this.#remote.values()) if (participant.identity === identity) return true
    return false
  }

  #onConnectionCreated(event: OpenViduBrowserConnectionEvent): void {
    if (this.#phase === 'closed' || this.#remote.has(event.connection.connectionId)) return
    const participant = this.#participantOf(event.connection)
    if (!participant) return
    const first = !this.#hasIdentity(participant.identity)
    this.#remote.set(event.connection.connectionId, { connection: event.connection, participant })
    if (first) this.emit('participant-joined', { participant, raw: event })
  }

  #onConnectionDestroyed(event: OpenViduBrowserConnectionEvent): void {
    const known = this.#remote.get(event.connection.connectionId)
    if (this.#phase === 'closed' || !known) return
    this.#remote.delete(event.connection.connectionId)
    if (!this.#hasIdentity(known.participant.identity)) this.emit('participant-left', { participant: known.participant, raw: event })
  }

  #onStreamCreated(event: OpenViduBrowserStreamEvent): void {
    if (this.#phase === 'closed') return
    if (this.#phase === 'connecting') this.#early.push(event.stream)
    else this.#subscribe(event.stream, event)
  }

  #subscribe(stream: OpenViduBrowserStream, raw?: OpenViduBrowserStreamEvent): void {
    const participant = this.#participantOf(stream.connection)
    if (this.#phase !== 'connected' || !participant || this.#subscriptions.has(stream.streamId)) return
    const subscription: Subscription = { participant, tracks: [], muted: new Set() }
    this.#subscriptions.set(stream.streamId, subscription)
    this.#options.session.subscribe(stream, undefined, { subscribeToAudio: true, subscribeToVideo: true }, (error) => {
      // The stream may have gone, or the call ended, while subscribing.
      if (error || this.#subscriptions.get(stream.streamId) !== subscription) {
        if (this.#subscriptions.get(stream.streamId) === subscription) this.#subscriptions.delete(stream.streamId)
        return
      }
      subscription.tracks = tracksOfStream(stream)
      for (const track of subscription.tracks) this.emit('track-subscribed', { participant, track, raw: raw ?? stream })
      for (const track of subscription.tracks) this.#setMuted(subscription, track, stream[activeProperty[track.kind]] === false, raw ?? stream)
    })
  }

  /** openvidu-browser's `streamPropertyChanged`: `videoActive` / `audioActive` of a subscribed stream mute or unmute its track. */
  #onStreamPropertyChanged(event: OpenViduBrowserStreamPropertyChangedEvent): void {
    const kind = event.changedProperty === 'videoActive' ? 'video' : event.changedProperty === 'audioActive' ? 'audio' : undefined
    const subscription = this.#subscriptions.get(event.stream.streamId)
    const track = subscription?.tracks.find((candidate) => candidate.kind === kind)
    if (this.#phase !== 'connected' || !subscription || !track) return
    this.#setMuted(subscription, track, event.newValue === false, event)
  }

  /** Emits `track-muted` / `track-unmuted` when the track's state changes. */
  #setMuted(subscription: Subscription, track: OpenViduRemoteTrack, muted: boolean, raw: unknown): void {
    if (subscription.muted.has(track.kind) === muted) return
    if (muted) subscription.muted.add(track.kind)
    else subscription.muted.delete(track.kind)
    this.emit(muted ? 'track-muted' : 'track-unmuted', { participant: subscription.participant, track, raw })
  }

  #onStreamDestroyed(event: OpenViduBrowserStreamEvent): void {
    this.#early = this.#early.filter((stream) => stream.streamId !== event.stream.streamId)
    const subscription = this.#subscriptions.get(event.stream.streamId)
    if (!subscription) return
    this.#subscriptions.delete(event.stream.streamId)
    for (const track of subscription.tracks) {
      // Emit first: the listener's `track.detach()` returns the elements the app attached (and removes them).
      this.emit('track-unsubscribed', { participant: subscription.participant, track, raw: event })
      track.detach()
    }
  }

  #onSignal(event: OpenViduBrowserSignalEvent): void {
    // Only Callport's own signals are data: the signals of pages written for OpenVidu (chat, custom types) are not.
    if (event.type !== RECEIVED_DATA_SIGNAL_TYPE) return
    if (this.#phase !== 'connected' || (event.from && this.#isLocal(event.from))) return
    const participant = event.from ? this.#participantOf(event.from) : undefined
    // Another connection of the local identity is not a remote participant.
    if (event.from && !participant) return
    this.emit('data-received', { participant, data: event.data ?? '', raw: event })
  }

  #onSessionDisconnected(reason: string, raw: unknown): void {
    if (this.#phase !== 'connected') return
    this.#close()
    this.emit('disconnected', { reason: disconnectReasonOf(reason), raw })
  }
}
