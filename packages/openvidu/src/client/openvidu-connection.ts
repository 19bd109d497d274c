import {
  CallportError,
  EventEmitter,
  raceAbort,
  type ActiveSpeaker,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectionQuality,
  type DeviceKind,
  type LocalTrack,
  type Participant,
} from '@callport/core'
import type { OpenViduConnectParameters } from '../shared/connect-parameters'
import { participantOfConnection, splitConnectionData } from '../shared/connection-data'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { LocalMedia, type OpenViduPublisherProperties } from './local-media'
import { disconnectReasonOf, errorFromOpenViduBrowser } from './openvidu-reasons'
import type {
  OpenViduBrowser,
  OpenViduBrowserConnection,
  OpenViduBrowserConnectionEvent,
  OpenViduBrowserNetworkQualityLevelChangedEvent,
  OpenViduBrowserPublisherSpeakingEvent,
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
  /** The page's preview tracks (`ConnectOptions.tracks`), published instead of capturing. */
  tracks?: readonly LocalTrack[]
  /** Listen to `networkQualityLevelChanged` (OpenVidu Pro / Enterprise with network quality on). */
  networkQuality?: boolean
}

/**
 * OpenVidu's network quality level (`NetworkQualityLevelChangedEvent.newValue`, 0 to 5, 5 the best)
 * as a ConnectionQuality, on the scale Callport uses for Twilio's levels: 5 and 4 excellent, 3 good,
 * 2 and 1 poor, 0 lost. Anything else is no quality (no event).
 */
export function connectionQualityOfLevel(level: unknown): ConnectionQuality | undefined {
  if (typeof level !== 'number' || !Number.isInteger(level) || level < 0 || level > 5) return undefined
  return level >= 4 ? 'excellent' : level === 3 ? 'good' : level >= 1 ? 'poor' : 'lost'
}

/** Where each device kind's track is, for `switchDevice`. */
const trackKindOfDevice = { camera: 'video', microphone: 'audio' } as const

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
  /** Who speaks now (publisherStartSpeaking without its publisherStopSpeaking), the latest to start first. */
  #speaking: Participant[] = []
  /** The last quality reported per participant identity (local included). */
  readonly #quality = new Map<string, ConnectionQuality>()
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
      tracks: options.tracks ?? [],
      events: {
        published: (track) => this.emit('local-track-published', { track, raw: undefined }),
        unpublished: (track) => this.emit('local-track-unpublished', { track, raw: undefined }),
        deviceChanged: (event) => this.emit('active-device-changed', event),
      },
    })
  }

  /**
   * The openvidu-browser `Session` of this call, for what the portable surface does not cover.
   * Outside the contract: code that uses it is tied to openvidu-browser 2 (typed with the part of
   * its `Session` this package declares; cast to openvidu-browser's own `Session` for the rest). Do
   * not `disconnect` it or `unpublish` the adapter's publisher yourself: `leave()` and the session's
   * toggles do.
   */
  get vendor(): OpenViduBrowserSession {
    return this.#options.session
  }

  /** The camera and microphone tracks this participant publishes now (the page's preview ones included). */
  localTracks(): LocalTrack[] {
    return this.#media.tracks()
  }

  /**
   * Captures from another camera or microphone (`deviceId` as the browser lists it) and replaces the
   * published track with it (`Publisher.replaceTrack`); emits `active-device-changed` (`switched`).
   * DEVICE_NOT_FOUND for a device the browser does not have. The speaker is the session's
   * (`setSinkId` on the elements tracks are attached to), not the adapter's.
   */
  switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker') {
      return Promise.reject(new CallportError('UNSUPPORTED', 'The session plays remote tracks on the chosen speaker itself (setSinkId)', { provider: OPENVIDU_PROVIDER }))
    }
    return this.#media.switchDevice(trackKindOfDevice[kind], deviceId)
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
    session.on('publisherStartSpeaking', (event) => this.#onSpeaking(event, true))
    session.on('publisherStopSpeaking', (event) => this.#onSpeaking(event, false))
    if (this.#options.networkQuality) session.on('networkQualityLevelChanged', (event) => this.#onNetworkQuality(event))
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
    this.#speaking = []
    this.#quality.clear()
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
    if (this.#hasIdentity(known.participant.identity)) return
    this.emit('participant-left', { participant: known.participant, raw: event })
    this.#quality.delete(known.participant.identity)
    if (this.#speaking.some((speaker) => speaker.identity === known.participant.identity)) {
      this.#speaking = this.#speaking.filter((speaker) => speaker.identity !== known.participant.identity)
      this.#emitSpeakers(event)
    }
  }

  /** The local participant for the local connection (or another of the local identity), else the remote one. */
  #anyParticipantOf(connection: OpenViduBrowserConnection): Participant | undefined {
    return this.#participantOf(connection) ?? this.localParticipant
  }

  /**
   * openvidu-browser's `publisherStartSpeaking` / `publisherStopSpeaking` (hark in the page, over its
   * threshold, for the local stream and every subscribed one): the speakers, the latest to start
   * first, each with level 1 (openvidu-browser says speaking or not, no loudness).
   */
  #onSpeaking(event: OpenViduBrowserPublisherSpeakingEvent, speaking: boolean): void {
    if (this.#phase !== 'connected') return
    const participant = this.#anyParticipantOf(event.connection)
    if (!participant) return
    const others = this.#speaking.filter((speaker) => speaker.identity !== participant.identity)
    const next = speaking ? [participant, ...others] : others
    if (next.map((speaker) => speaker.identity).join('\n') === this.#speaking.map((speaker) => speaker.identity).join('\n')) return
    this.#speaking = next
    this.#emitSpeakers(event)
  }

  #emitSpeakers(raw: unknown): void {
    const speakers: ActiveSpeaker[] = this.#speaking.map((participant) => ({ participant, level: 1 }))
    this.emit('active-speakers-changed', { speakers, raw })
  }

  /** OpenVidu Pro's `networkQualityLevelChanged` → `connection-quality-changed`, only on change. */
  #onNetworkQuality(event: OpenViduBrowserNetworkQualityLevelChangedEvent): void {
    const quality = connectionQualityOfLevel(event.newValue)
    const participant = this.#anyParticipantOf(event.connection)
    if (this.#phase !== 'connected' || !quality || !participant) return
    if (this.#quality.get(participant.identity) === quality) return
    this.#quality.set(participant.identity, quality)
    this.emit('connection-quality-changed', { participant, local: participant === this.localParticipant, quality, raw: event })
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
