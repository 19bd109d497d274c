import {
  CallportError,
  EventEmitter,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectionQuality,
  type DeviceKind,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
  type Token,
  type TrackKind,
} from '@callport/core'
import { MemoryLocalTrack } from './memory-local-track'
import type { MemberEndpoint, Membership, ParticipantUpdate } from './memory-room'
import type { MemoryTrackSource } from './memory-track'
import { memoryProviderId, type MemoryTokenClaims } from './memory-token'

/** The simulated browser's devices, as a connection sees them. */
export interface MemoryConnectionDevices {
  has(kind: DeviceKind, deviceId: string): boolean
  /** Calls `listener` with each device unplugged; returns the function that stops it. */
  onUnplug(listener: (kind: DeviceKind, deviceId: string) => number): () => void
}

export interface MemoryConnectionOptions {
  /** Joins the room, handing it the endpoint through which the room reaches this connection. */
  join(endpoint: MemberEndpoint): Membership
  verifyToken: (token: Token) => MemoryTokenClaims
  devices: MemoryConnectionDevices
}

/** A local track this connection publishes, and whether the connection captured it (and so stops it). */
interface Published {
  track: LocalTrack
  owned: boolean
}

type CaptureKind = 'camera' | 'microphone'

const sourceOfKind = { audio: 'microphone', video: 'camera' } as const satisfies Record<TrackKind, CaptureKind>

/** A participant's connection to a memory room. */
export class MemoryConnection extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly #verifyToken: (token: Token) => MemoryTokenClaims
  readonly #devices: MemoryConnectionDevices
  #stopWatchingDevices: () => void = () => undefined
  #membership: Membership | undefined
  #participant: Participant
  readonly #published = new Map<MemoryTrackSource, Published>()
  /** The device each capture uses; `default` until `switchDevice` (or a handed track) says otherwise. */
  readonly #deviceIds: Record<CaptureKind, string> = { camera: 'default', microphone: 'default' }

  constructor(options: MemoryConnectionOptions) {
    super()
    this.#verifyToken = options.verifyToken
    this.#devices = options.devices
    this.#membership = options.join({
      events: this,
      ended: (reason) => {
        this.#end()
        this.emit('disconnected', { reason, raw: { type: 'connection-ended', reason } })
      },
      mutedByModerator: (kind) => {
        this.#setPublished(sourceOfKind[kind], false)
        this.emit('muted-by-moderator', { kind, raw: { type: 'muted-by-moderator', kind } })
      },
    })
    this.#participant = this.#membership.participant
    this.#stopWatchingDevices = this.#devices.onUnplug((kind, deviceId) => this.#unplugged(kind, deviceId))
  }

  /** This participant, as the others see it now (`updateParticipant` changes it). */
  get localParticipant(): Participant {
    if (this.#membership) this.#participant = this.#membership.participant
    return this.#participant
  }

  /** True until `disconnect()` or until the hub ends the connection. */
  get connected(): boolean {
    return this.#membership !== undefined
  }

  /**
   * The memory provider's own object behind the connection: the connection itself, with its
   * simulation controls (`setSpeaking`, `setConnectionQuality`, `updateParticipant`, `setTrackMuted`).
   */
  get vendor(): MemoryConnection {
    return this
  }

  participants(): Participant[] {
    return this.#membership?.others() ?? []
  }

  /**
   * Publishes (or stops) a microphone: a preview's audio track handed to `connect`, else a
   * synthetic one captured from the chosen device; a no-op once the connection has ended.
   */
  async setMicrophoneEnabled(enabled: boolean): Promise<void> {
    this.#setPublished('microphone', enabled)
  }

  /** Publishes (or stops) a camera, as `setMicrophoneEnabled` does a microphone. */
  async setCameraEnabled(enabled: boolean): Promise<void> {
    this.#setPublished('camera', enabled)
  }

  /**
   * Publishes the tracks a page captured (`ConnectOptions.tracks`) for the kinds asked for, and
   * captures synthetic ones for the kinds asked for that they lack. Used by `connect`.
   */
  publishInitial(request: { audio: boolean; video: boolean; tracks?: readonly LocalTrack[] }): void {
    for (const kind of ['audio', 'video'] as const) {
      if (!request[kind]) continue
      const source = sourceOfKind[kind]
      const handed = request.tracks?.find((track) => track.kind === kind && track.source !== 'screen' && track.source !== 'screen-audio')
      if (handed) this.#deviceIds[source] = handed.deviceId ?? 'default'
      this.#setPublished(source, true, handed)
    }
  }

  /** The tracks this participant publishes now, screen shares included. */
  localTracks(): LocalTrack[] {
    return [...this.#published.values()].map(({ track }) => track)
  }

  /**
   * Captures from another camera or microphone of the hub's devices: a published track of that
   * kind is replaced (`local-track-unpublished` of the old one, stopped when the connection captured
   * it, then `local-track-published` of the new one; the others keep their subscription), then
   * `active-device-changed` (`switched`). DEVICE_NOT_FOUND for a device the hub does not have;
   * UNSUPPORTED for `speaker` (the session switches the speaker of a `tracks` provider).
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.#requireMembership()
    if (kind === 'speaker') {
      throw new CallportError('UNSUPPORTED', 'The memory provider plays no audio: the session switches the speaker of attached elements', { provider: memoryProviderId })
    }
    if (!this.#devices.has(kind, deviceId)) {
      throw new CallportError('DEVICE_NOT_FOUND', `No ${kind} with deviceId "${deviceId}"`, { provider: memoryProviderId, retryable: false })
    }
    this.#useDevice(kind, deviceId, 'switched')
  }

  /**
   * Starts or stops a synthetic screen share: a `screen` track, and a `screen-audio` track with
   * `audio`; each emits `local-track-published` / `local-track-unpublished`, and the others
   * subscribe to them. Starting while sharing changes nothing.
   */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (!enabled) {
      this.#setPublished('screen-audio', false)
      this.#setPublished('screen', false)
      return
    }
    if (this.#published.has('screen')) return
    this.#setPublished('screen', true)
    if (options.audio) this.#setPublished('screen-audio', true)
  }

  /**
   * Mutes (or unmutes) this participant's published synthetic track of `source`, keeping it
   * published: the others see `track-muted` / `track-unmuted` with the track they subscribed to. A
   * no-op when that source is not published or the connection has ended.
   */
  async setTrackMuted(source: MemoryTrackSource, muted: boolean): Promise<void> {
    this.#membership?.setMuted(source, muted)
  }

  /**
   * Simulation control: this participant speaks at `level` (0 to 1; 0 is silence). Everyone in the
   * room, this connection included, sees `active-speakers-changed` when the speakers, loudest
   * first, change. A no-op once the connection has ended.
   */
  async setSpeaking(level: number): Promise<void> {
    this.#membership?.setSpeaking(level)
  }

  /**
   * Simulation control: this participant's connection quality. It emits `connection-quality-changed`
   * (`local: true`) and the others see it (`local: false`), when it changes.
   */
  async setConnectionQuality(quality: ConnectionQuality): Promise<void> {
    this.#membership?.setQuality(quality)
  }

  /** Simulation control: changes this participant's name and/or metadata; the others see `participant-updated`. */
  async updateParticipant(update: ParticipantUpdate): Promise<void> {
    this.#membership?.update(update)
  }

  async disconnect(): Promise<void> {
    const membership = this.#membership
    this.#end()
    membership?.leave()
  }

  /** Takes a fresh token for the same room and identity; its `exp` replaces the current one. */
  async updateToken(token: Token): Promise<void> {
    const membership = this.#requireMembership()
    const claims = this.#verifyToken(token)
    if (claims.identity !== this.localParticipant.identity || claims.providerRoomId !== membership.room.providerRoomId) {
      throw new CallportError('INVALID_INPUT', 'updateToken needs a token for the same room and identity', { provider: memoryProviderId })
    }
    membership.renew(claims.exp)
  }

  /** Sends `data` to everyone else in the room, or to the identities in `options.to`. */
  async sendData(data: string, options: { to?: string[] } = {}): Promise<void> {
    this.#requireMembership().send(data, options.to)
  }

  /**
   * Publishes `source` (with `handed`, a track the page owns, or a synthetic track captured from
   * the chosen device) or stops publishing it, with the local-track events. A no-op when it is
   * already so, or once the connection has ended.
   */
  #setPublished(source: MemoryTrackSource, published: boolean, handed?: LocalTrack): void {
    const membership = this.#membership
    if (!membership || this.#published.has(source) === published) return
    if (published) {
      const track = handed ?? new MemoryLocalTrack({ source, deviceId: this.#deviceIdOf(source) })
      this.#published.set(source, { track, owned: handed === undefined })
      membership.setPublished(source, true)
      if (source === 'screen') {
        // The browser's own "Stop sharing" ends the capture: the share stops as setScreenShareEnabled(false) stops it.
        track.mediaStreamTrack.addEventListener('ended', () => this.#published.get('screen')?.track === track && void this.setScreenShareEnabled(false), { once: true })
      }
      this.emit('local-track-published', { track, raw: { type: 'local-track-published', source } })
    } else {
      const { track, owned } = this.#published.get(source)!
      this.#published.delete(source)
      membership.setPublished(source, false)
      this.emit('local-track-unpublished', { track, raw: { type: 'local-track-unpublished', source } })
      if (owned) track.stop()
    }
  }

  #deviceIdOf(source: MemoryTrackSource): string | undefined {
    return source === 'camera' || source === 'microphone' ? this.#deviceIds[source] : undefined
  }

  /** Captures `kind` from `deviceId` from now on, replacing a published track of it, then says so. */
  #useDevice(kind: CaptureKind, deviceId: string, reason: 'switched' | 'unplugged'): void {
    this.#deviceIds[kind] = deviceId
    const current = this.#published.get(kind)
    if (current) {
      const track = new MemoryLocalTrack({ source: kind, deviceId })
      // The publication stays (as replaceTrack keeps a sender): only the local track changes.
      this.#published.set(kind, { track, owned: true })
      this.emit('local-track-unpublished', { track: current.track, raw: { type: 'local-track-replaced', source: kind } })
      if (current.owned) current.track.stop()
      this.emit('local-track-published', { track, raw: { type: 'local-track-replaced', source: kind } })
    }
    this.emit('active-device-changed', { kind, deviceId, reason, raw: { type: 'active-device-changed', kind, deviceId, reason } })
  }

  /** The hub unplugged a device: the capture using it falls back to the default. Returns 1 when it did. */
  #unplugged(kind: DeviceKind, deviceId: string): number {
    if (!this.#membership || kind === 'speaker' || this.#deviceIds[kind] !== deviceId) return 0
    this.#useDevice(kind, 'default', 'unplugged')
    return 1
  }

  /** Forgets the room: stops the tracks the connection captured (not the page's), without events. */
  #end(): void {
    this.#membership = undefined
    this.#stopWatchingDevices()
    for (const { track, owned } of this.#published.values()) if (owned) track.stop()
    this.#published.clear()
  }

  #requireMembership(): Membership {
    if (this.#membership) return this.#membership
    throw new CallportError('CONNECTION_FAILED', 'The connection has ended', { provider: memoryProviderId, retryable: false })
  }
}
