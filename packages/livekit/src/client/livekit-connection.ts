import {
  CallportError,
  EventEmitter,
  MetadataSchema,
  type ActiveSpeaker,
  type ClientConnection,
  type ConnectionEvents,
  type DeviceKind,
  type LocalTrack,
  type Metadata,
  type Participant,
  type ScreenShareOptions,
  type Token,
  type TrackEvent,
} from '@callport/core'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import type {
  LiveKitConnectionQuality,
  LiveKitListener,
  LiveKitLocalTrack,
  LiveKitLocalTrackPublication,
  LiveKitParticipant,
  LiveKitRemoteParticipant,
  LiveKitRemoteTrack,
  LiveKitRemoteTrackPublication,
  LiveKitRoom,
  LiveKitRoomEvents,
  LiveKitTrackPublication,
  LiveKitTrackSource,
} from './livekit-client-types'
import { disconnectReasonOf, errorFromLiveKit } from './livekit-errors'
import { liveKitSourceOf, localTrackOf, toTrack } from './livekit-track'

/** A local track published now: livekit-client's, the LocalTrack `localTracks()` gives for it, and whose it is. */
interface Published {
  readonly liveKit: LiveKitLocalTrack
  readonly local: LocalTrack
  /** Captured by livekit-client for this connection (stopped when unpublished or at the end); false for the page's own tracks. */
  readonly owned: boolean
}

/** What a connection is made with. */
export interface LiveKitConnectionOptions {
  room: LiveKitRoom
  token: Token
  /** Data packets are sent with this topic and only packets of it are received; without it, every packet, no topic. */
  dataTopic?: string
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/** The camera and microphone devices as livekit-client names their kinds (`switchActiveDevice`). */
const mediaDeviceKindOf = { camera: 'videoinput', microphone: 'audioinput' } as const

/** Callport metadata from LiveKit's metadata string: the JSON object the server half puts there; anything else is left out. */
function metadataOf(metadata: string | undefined): Metadata | undefined {
  if (metadata === undefined || metadata === '') return undefined
  try {
    const parsed = MetadataSchema.safeParse(JSON.parse(metadata))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/**
 * A LiveKit participant as Callport's: its identity and sid, its name (at most 256 characters, as
 * Callport's schema allows), its metadata when it is a JSON object, and its role from its grant
 * (LiveKit tells no moderator apart: `canPublish` false is a subscriber, anything else a publisher).
 */
function participantOf(participant: LiveKitParticipant): Participant {
  const metadata = metadataOf(participant.metadata)
  return {
    identity: participant.identity,
    role: participant.permissions?.canPublish === false ? 'subscriber' : 'publisher',
    providerParticipantId: participant.sid,
    ...(participant.name ? { name: participant.name.slice(0, 256) } : {}),
    ...(metadata === undefined ? {} : { metadata }),
  }
}

/** What `participant-updated` reports of a participant, as text: its name, metadata, attributes and role. */
function snapshotOf(participant: LiveKitParticipant): string {
  const attributes = Object.entries(participant.attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([participant.name ?? '', participant.metadata ?? '', attributes, participant.permissions?.canPublish !== false])
}

/** LiveKit's connection quality as Callport's; `unknown` (no report yet) is no event. */
function qualityOf(quality: LiveKitConnectionQuality): 'excellent' | 'good' | 'poor' | 'lost' | undefined {
  return quality === 'excellent' || quality === 'good' || quality === 'poor' || quality === 'lost' ? quality : undefined
}

/**
 * One participant's livekit-client Room, mapped to Callport's events (keeping livekit-client's
 * arguments as `raw`): participants, subscribed tracks with their sources, remote mutes, active
 * speakers with their levels, connection quality (local and remote), data packets, name / metadata /
 * attribute changes, local tracks, livekit-client's own reconnection, and the end of the call with its
 * `DisconnectReason`. The page's own tracks are published as they are and never stopped; what
 * livekit-client captured for this connection is stopped when unpublished and when the call ends.
 */
export class LiveKitConnection<Room = LiveKitRoom> extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  /** The livekit-client Room, for what Callport does not cover. */
  readonly room: LiveKitRoom
  readonly #dataTopic: string | undefined
  readonly #remote = new Map<string, Participant>()
  /** Remote tracks subscribed now, by track sid. */
  readonly #tracks = new Map<string, TrackEvent>()
  /** The subscriptions announced (`track-subscribed`): one gone before its announcement is not announced gone either. */
  readonly #announced = new WeakSet<TrackEvent>()
  readonly #listeners: Array<[string, LiveKitListener]> = []
  /** Local tracks published now, by livekit-client track. */
  readonly #published = new Map<LiveKitLocalTrack, Published>()
  /** The page's own tracks (handed to join), by MediaStreamTrack: published as they are, never stopped. */
  readonly #pageTracks = new Map<MediaStreamTrack, LocalTrack>()
  /** Sources the participant turned off itself: a mute of one of the others is a moderator's. */
  readonly #off = new Set<LiveKitTrackSource>()
  /** Local tracks whose MediaStreamTrack ended on its own (livekit-client mutes or restarts them: no moderator). */
  readonly #ended = new WeakSet<LiveKitLocalTrack>()
  /** Participants whose name, metadata or attributes changed in this turn (one `participant-updated` for all). */
  readonly #updated = new Set<string>()
  /** What was last said of each remote participant (name, metadata, attributes, role), to announce real changes only. */
  readonly #said = new Map<string, string>()
  /** False while connect publishes: tracks published then are announced once the caller can listen. */
  #announcing = false
  readonly #joined: LocalTrack[] = []
  #closed = false

  constructor(options: LiveKitConnectionOptions) {
    super()
    const { room, token } = options
    this.room = room
    this.#dataTopic = options.dataTopic
    this.localParticipant = { identity: token.identity, role: 'publisher', providerParticipantId: room.localParticipant.sid }
    this.#listen()
    // Participants already in the room are listed, not announced; their tracks subscribed already are announced once the caller listens.
    const subscribed: TrackEvent[] = []
    for (const remote of room.remoteParticipants.values()) {
      const participant = this.#participant(remote)
      for (const publication of remote.trackPublications.values()) {
        if (publication.track && publication.isSubscribed) subscribed.push(this.#subscribe(publication.track, publication, remote, participant))
      }
    }
    if (subscribed.length > 0) {
      setTimeout(() => {
        for (const event of subscribed) this.#announceSubscribed(event.track.id)
      }, 0)
    }
  }

  /**
   * The livekit-client Room: the vendor's own object, outside Callport's portable surface. Typed as
   * the `Room` of the `sdk` option's livekit-client (`LiveKitRoomOf`).
   */
  get vendor(): Room {
    return this.room as Room
  }

  /**
   * Publishes what `join` asks for: the page's tracks as they are (user-provided tracks to
   * livekit-client, under their source), and a microphone / camera livekit-client captures for a kind
   * asked for and not handed. Called once by the adapter's connect; the tracks are announced
   * (`local-track-published`) once the caller can listen.
   */
  async publishJoin(options: { audio: boolean; video: boolean; tracks: readonly LocalTrack[] }): Promise<void> {
    const participant = this.room.localParticipant
    for (const track of options.tracks) this.#pageTracks.set(track.mediaStreamTrack, track)
    try {
      for (const track of options.tracks) {
        const publication = await participant.publishTrack(track.mediaStreamTrack, { source: liveKitSourceOf(track.source, track.kind) })
        this.#record(publication)
      }
      const kinds = new Set(options.tracks.map((track) => track.kind))
      if (options.audio && !kinds.has('audio')) this.#record(await participant.setMicrophoneEnabled(true))
      if (options.video && !kinds.has('video')) this.#record(await participant.setCameraEnabled(true))
    } catch (error) {
      throw errorFromLiveKit(error)
    }
    if (!options.audio && !options.tracks.some((track) => track.kind === 'audio')) this.#off.add('microphone')
    if (!options.video && !options.tracks.some((track) => track.kind === 'video')) this.#off.add('camera')
    this.#announcing = true
    const joined = this.#joined.splice(0)
    if (joined.length === 0) return
    setTimeout(() => {
      if (this.#closed) return
      for (const track of joined) if (this.#isPublished(track)) this.emit('local-track-published', { track })
    }, 0)
  }

  /** The tracks this participant publishes now: camera, microphone, screen (the page's own LocalTracks where it handed them to join). */
  localTracks(): LocalTrack[] {
    return [...this.#published.values()].map((published) => published.local)
  }

  /** Remote participants in the room. */
  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  /**
   * Sends text to everyone, or to the identities of `to` (livekit-client's `destinationIdentities`),
   * as a reliable data packet (with the `dataTopic` option's topic).
   */
  async sendData(data: string, options?: { to?: string[] }): Promise<void> {
    if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The LiveKit connection has ended', { provider: LIVEKIT_PROVIDER })
    const to = options?.to
    try {
      await this.room.localParticipant.publishData(textEncoder.encode(data), {
        reliable: true,
        ...(to !== undefined && to.length > 0 ? { destinationIdentities: [...to] } : {}),
        ...(this.#dataTopic === undefined ? {} : { topic: this.#dataTopic }),
      })
    } catch (error) {
      throw errorFromLiveKit(error)
    }
  }

  /** Turns the microphone on (unmuted, or captured and published by livekit-client when there is none) or off (muted, kept published). */
  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('microphone', enabled)
  }

  /** Turns the camera on (unmuted, or captured and published by livekit-client when there is none) or off (muted, kept published). */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('camera', enabled)
  }

  /**
   * Shares a screen, window or tab with livekit-client's `setScreenShareEnabled` (published as
   * `screen_share`, with `screen_share_audio` when `audio` is asked for and the browser gives it);
   * false unpublishes and stops them, as does the browser's "Stop sharing".
   */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (this.#closed) return
    try {
      if (enabled) this.#off.delete('screen_share')
      else this.#off.add('screen_share')
      this.#record(await this.room.localParticipant.setScreenShareEnabled(enabled, { audio: options.audio === true }))
    } catch (error) {
      throw errorFromLiveKit(error)
    }
  }

  /**
   * Captures from another camera or microphone with livekit-client's `switchActiveDevice` (which
   * restarts the published track on it, and captures from it from now on); emits
   * `active-device-changed`. A device the browser does not list is DEVICE_NOT_FOUND before anything
   * stops. A track the page handed to join is not restarted (that would stop it): it is unpublished,
   * kept running, and livekit-client captures from the new device in its place.
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker') {
      throw new CallportError(
        'UNSUPPORTED',
        'The session plays remote tracks on the chosen speaker itself (setSinkId); the LiveKit connection switches cameras and microphones',
        { provider: LIVEKIT_PROVIDER },
      )
    }
    if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The LiveKit connection has ended', { provider: LIVEKIT_PROVIDER })
    await this.#requireDevice(kind, deviceId)
    await this.#switch(kind, deviceId, true)
    if (!this.#closed) this.emit('active-device-changed', { kind, deviceId, reason: 'switched' })
  }

  /**
   * Leaves the room (`Room.disconnect(false)`: livekit-client stops none of the local tracks), then
   * stops what livekit-client captured for this connection; the page's own tracks keep running.
   * Emits no `disconnected` event; idempotent.
   */
  async disconnect(): Promise<void> {
    const owned = this.#ownedTracks()
    if (!this.#close()) return
    try {
      await this.room.disconnect(false)
    } finally {
      for (const track of owned) track.stop()
    }
  }

  #listen(): void {
    const on = <Event extends keyof LiveKitRoomEvents>(event: Event, listener: LiveKitRoomEvents[Event]) => {
      this.room.on(event, listener)
      this.#listeners.push([event, listener])
    }
    on('participantConnected', (remote) => {
      const participant = this.#participant(remote)
      this.emit('participant-joined', { participant, raw: remote })
    })
    on('participantDisconnected', (remote) => {
      const participant = this.#remote.get(remote.identity)
      if (!participant) return
      for (const [sid, event] of this.#tracks) {
        if (event.participant !== participant) continue
        this.#unsubscribe(sid, event, remote)
      }
      this.#remote.delete(remote.identity)
      this.#said.delete(remote.identity)
      this.emit('participant-left', { participant, raw: remote })
    })
    on('trackSubscribed', (track, publication, remote) => this.#announceSubscribed(this.#subscribe(track, publication, remote, this.#participant(remote)).track.id))
    on('trackUnsubscribed', (track, publication, remote) => {
      const sid = publication.trackSid || track.sid || ''
      const event = this.#tracks.get(sid)
      if (event) this.#unsubscribe(sid, event, { track, publication, participant: remote })
    })
    for (const [vendorEvent, callportEvent] of [
      ['trackMuted', 'track-muted'],
      ['trackUnmuted', 'track-unmuted'],
    ] as const) {
      on(vendorEvent, (publication, participant) => {
        if (participant.isLocal || participant.identity === this.localParticipant.identity) {
          if (vendorEvent === 'trackMuted') this.#localMuted(publication)
          return
        }
        const event = this.#tracks.get(publication.trackSid)
        if (event) this.emit(callportEvent, { ...event, raw: { publication, participant } })
      })
    }
    on('localTrackPublished', (publication) => this.#record(publication))
    on('localTrackUnpublished', (publication) => {
      const track = publication.track
      const published = track && this.#published.get(track)
      if (!track || !published) return
      this.#published.delete(track)
      // livekit-client stops nothing on unpublish here (stopLocalTrackOnUnpublish false): what it captured for us is stopped now.
      if (published.owned) track.stop()
      if (this.#announcing) this.emit('local-track-unpublished', { track: published.local, raw: publication })
    })
    on('activeSpeakersChanged', (speakers) => {
      const listed: ActiveSpeaker[] = speakers.map((speaker) => ({
        participant: speaker.isLocal || speaker.identity === this.localParticipant.identity ? this.localParticipant : this.#participant(speaker),
        level: Math.min(1, Math.max(0, Number.isFinite(speaker.audioLevel) ? speaker.audioLevel : 0)),
      }))
      listed.sort((a, b) => b.level - a.level)
      this.emit('active-speakers-changed', { speakers: listed, raw: speakers })
    })
    on('connectionQualityChanged', (quality, participant) => {
      const mapped = qualityOf(quality)
      if (mapped === undefined) return
      const local = participant.isLocal || participant.identity === this.localParticipant.identity
      this.emit('connection-quality-changed', {
        participant: local ? this.localParticipant : this.#participant(participant),
        local,
        quality: mapped,
        raw: { quality, participant },
      })
    })
    const updated = (participant: LiveKitParticipant) => this.#participantChanged(participant)
    on('participantNameChanged', (_name, participant) => updated(participant))
    on('participantMetadataChanged', (_previous, participant) => updated(participant))
    on('participantAttributesChanged', (_changed, participant) => updated(participant))
    on('participantPermissionsChanged', (_previous, participant) => updated(participant))
    on('dataReceived', (payload, remote, kind, topic) => {
      if (this.#dataTopic !== undefined && topic !== this.#dataTopic) return
      const participant = remote ? this.#participant(remote) : undefined
      this.emit('data-received', { participant, data: textDecoder.decode(payload), raw: { payload, participant: remote, kind, topic } })
    })
    // livekit-client resumes or rejoins by itself, with the token the server refreshed over the signal connection.
    on('reconnecting', () => this.emit('reconnecting', { attempt: 0, reason: 'connection-lost' }))
    on('reconnected', () => this.emit('reconnected', {}))
    on('disconnected', (reason) => {
      const owned = this.#ownedTracks()
      if (!this.#close()) return
      for (const track of owned) track.stop()
      this.emit('disconnected', { reason: disconnectReasonOf(reason), raw: reason })
    })
  }

  /** The known participant of `remote`, added (not announced) when livekit-client names it first. */
  #participant(remote: LiveKitParticipant): Participant {
    let participant = this.#remote.get(remote.identity)
    if (!participant) {
      participant = participantOf(remote)
      this.#remote.set(remote.identity, participant)
      this.#said.set(remote.identity, snapshotOf(remote))
    }
    return participant
  }

  /**
   * A remote participant's name, metadata, attributes or permissions changed: livekit-client applies one update
   * field by field, emitting as it goes, so the change is announced once, after the update is whole.
   */
  #participantChanged(remote: LiveKitParticipant): void {
    if (remote.isLocal || remote.identity === this.localParticipant.identity || this.#updated.has(remote.identity)) return
    this.#updated.add(remote.identity)
    queueMicrotask(() => {
      this.#updated.delete(remote.identity)
      if (this.#closed || !this.#remote.has(remote.identity)) return
      // livekit-client also reports a participant's first permissions as a change: only a real change is announced.
      const snapshot = snapshotOf(remote)
      if (this.#said.get(remote.identity) === snapshot) return
      this.#said.set(remote.identity, snapshot)
      const participant = participantOf(remote)
      const previous = this.#remote.get(remote.identity)
      this.#remote.set(remote.identity, participant)
      // Tracks announced already keep naming the participant as it was: events carry the participant object of their time.
      for (const [sid, event] of this.#tracks) {
        if (event.participant !== previous) continue
        const renamed = { ...event, participant }
        if (this.#announced.has(event)) this.#announced.add(renamed)
        this.#tracks.set(sid, renamed)
      }
      this.emit('participant-updated', { participant, raw: remote })
    })
  }

  #subscribe(track: LiveKitRemoteTrack, publication: LiveKitRemoteTrackPublication, remote: LiveKitRemoteParticipant, participant: Participant): TrackEvent {
    const sid = publication.trackSid || track.sid || ''
    const event: TrackEvent = { participant, track: toTrack(track, sid), raw: { track, publication, participant: remote } }
    this.#tracks.set(sid, event)
    return event
  }

  /** `track-subscribed` of the track `sid` (once, while it is subscribed), then `track-muted` when its publisher had muted it already. */
  #announceSubscribed(sid: string): void {
    const event = this.#tracks.get(sid)
    if (this.#closed || !event || this.#announced.has(event)) return
    this.#announced.add(event)
    this.emit('track-subscribed', event)
    const { publication } = event.raw as { publication: LiveKitTrackPublication }
    const now = this.#tracks.get(sid)
    if (publication.isMuted && now && this.#announced.has(now)) this.emit('track-muted', now)
  }

  /** `track-unsubscribed` while the app's elements are still attached; what the listeners left attached is detached after. */
  #unsubscribe(sid: string, event: TrackEvent, raw: unknown): void {
    this.#tracks.delete(sid)
    if (!this.#announced.has(event)) return
    this.emit('track-unsubscribed', { ...event, raw })
    event.track.detach()
  }

  /**
   * A local track was muted. The participant's own mutes (`setCameraEnabled(false)`…) and the
   * mutes livekit-client makes of a track whose device went away are expected; any other is the
   * server's (RoomService MutePublishedTrack, the server half's muteParticipant): `muted-by-moderator`.
   */
  #localMuted(publication: LiveKitTrackPublication): void {
    const track = publication.track as LiveKitLocalTrack | undefined
    // livekit-client mutes a track whose MediaStreamTrack ended: no moderator. The page's own track may be muted before the adapter
    // hears of the end, but then it has ended (livekit-client never stops the page's tracks; it stops a camera it captured on every mute).
    const ended = track !== undefined && (this.#ended.has(track) || (track.isUserProvided && track.mediaStreamTrack.readyState === 'ended'))
    if (this.#closed || this.#off.has(publication.source) || ended) return
    const kind = publication.kind === 'audio' || publication.kind === 'video' ? publication.kind : track?.mediaStreamTrack.kind === 'audio' ? 'audio' : 'video'
    // Turned off now, as far as the page is concerned: its setCameraEnabled(true) / setMicrophoneEnabled(true) turns it on again.
    if (publication.source === 'camera' || publication.source === 'microphone') this.#off.add(publication.source)
    this.emit('muted-by-moderator', { kind, raw: publication })
  }

  /** Records a published local track (idempotent: from livekit-client's event and from the publishing call) and announces it. */
  #record(publication: LiveKitLocalTrackPublication | undefined): void {
    const track = publication?.track
    if (!publication || !track || this.#closed || this.#published.has(track)) return
    const page = this.#pageTracks.get(track.mediaStreamTrack)
    const published: Published = { liveKit: track, local: page ?? localTrackOf(track, publication.trackSid || track.id), owned: page === undefined }
    this.#published.set(track, published)
    this.#watch(track, publication.source)
    if (this.#announcing) this.emit('local-track-published', { track: published.local, raw: publication })
    else this.#joined.push(published.local)
  }

  /**
   * Watches a camera or microphone for its MediaStreamTrack ending on its own (the device unplugged).
   * livekit-client acts first (`handleTrackEnded`): it restarts a track it captured (on the default
   * microphone; a camera on the same device, which fails) and mutes what it could not restart and the
   * page's own tracks. Once it has (`restarted` or `muted`; at once when the track was muted
   * already, as livekit-client then does nothing), the adapter completes the fallback.
   */
  #watch(track: LiveKitLocalTrack, source: LiveKitTrackSource): void {
    if (source !== 'camera' && source !== 'microphone') return
    const kind = source
    const ended = () => {
      track.off('ended', ended)
      this.#ended.add(track)
      if (this.#closed || !this.#published.has(track)) return
      if (track.isMuted) {
        void this.#unplugged(kind, 'muted')
        return
      }
      const settled = (outcome: 'muted' | 'restarted') => () => {
        track.off('muted', onMuted)
        track.off('restarted', onRestarted)
        if (!this.#closed) void this.#unplugged(kind, outcome)
      }
      const onMuted = settled('muted')
      const onRestarted = settled('restarted')
      track.on('muted', onMuted)
      track.on('restarted', onRestarted)
    }
    track.on('ended', ended)
  }

  /**
   * The device in use went away. When livekit-client restarted the track on another device itself,
   * that device is the one in use; else the browser's first device of the kind (the default one:
   * browsers list it first, and livekit-client's own `selectDefaultDevices` picks it) takes over,
   * turned on again unless the participant had turned it off.
   */
  async #unplugged(kind: 'camera' | 'microphone', outcome: 'muted' | 'restarted'): Promise<void> {
    let deviceId: string
    try {
      if (outcome === 'restarted') {
        deviceId = this.#device(kind)?.track?.mediaStreamTrack.getSettings?.().deviceId ?? 'default'
      } else {
        const first = (await this.#listed(kind))[0]
        deviceId = first ?? 'default'
        const page = await this.#switch(kind, deviceId, first !== undefined)
        if (!page && !this.#off.has(kind) && !this.#closed) await this.#setEnabled(kind, true)
      }
    } catch {
      // No device to fall back to: the track stays published, muted, as livekit-client leaves it.
      return
    }
    if (!this.#closed) this.emit('active-device-changed', { kind, deviceId, reason: 'unplugged' })
  }

  /** The ids of the devices of `kind` the browser lists, in its order (none where it cannot list them). */
  async #listed(kind: 'camera' | 'microphone'): Promise<string[]> {
    const devices = await globalThis.navigator?.mediaDevices?.enumerateDevices?.().catch(() => undefined)
    return (devices ?? []).filter((device) => device.kind === mediaDeviceKindOf[kind] && device.deviceId !== '').map((device) => device.deviceId)
  }

  /** The published camera or microphone. */
  #device(source: 'camera' | 'microphone'): LiveKitLocalTrackPublication | undefined {
    return this.room.localParticipant.getTrackPublication(source)
  }

  /**
   * Captures `kind` from `deviceId` for the published track (and for later captures). The page's
   * own track is unpublished first, kept running, and replaced by one livekit-client captures
   * (muted when the participant had turned `kind` off); if that fails, the page's track is published
   * again. True when it replaced the page's track.
   */
  async #switch(kind: 'camera' | 'microphone', deviceId: string, exact: boolean): Promise<boolean> {
    const participant = this.room.localParticipant
    const current = this.#device(kind)
    const pageTrack = current?.track && this.#pageTracks.has(current.track.mediaStreamTrack) ? current.track : undefined
    const enable = (enabled: boolean) => (kind === 'camera' ? participant.setCameraEnabled(enabled) : participant.setMicrophoneEnabled(enabled))
    try {
      if (!pageTrack) {
        await this.room.switchActiveDevice(mediaDeviceKindOf[kind], deviceId, exact)
        return false
      }
      await participant.unpublishTrack(pageTrack, false)
      await this.room.switchActiveDevice(mediaDeviceKindOf[kind], deviceId, exact)
      try {
        this.#record(await enable(true))
      } catch (error) {
        if (!this.#closed) this.#record(await participant.publishTrack(pageTrack.mediaStreamTrack, { source: kind }))
        throw error
      }
      if (this.#off.has(kind)) await enable(false)
      return true
    } catch (error) {
      throw errorFromLiveKit(error)
    }
  }

  /** DEVICE_NOT_FOUND for a device of `kind` the browser does not list (where it lists devices with ids). */
  async #requireDevice(kind: 'camera' | 'microphone', deviceId: string): Promise<void> {
    if (deviceId === 'default') return
    const listed = await this.#listed(kind)
    if (listed.length === 0 || listed.includes(deviceId)) return
    throw new CallportError('DEVICE_NOT_FOUND', `No ${kind} with the device id ${deviceId}`, { provider: LIVEKIT_PROVIDER, details: { kind, deviceId } })
  }

  async #setEnabled(source: 'camera' | 'microphone', enabled: boolean): Promise<void> {
    if (this.#closed) return
    const participant = this.room.localParticipant
    if (enabled) this.#off.delete(source)
    else this.#off.add(source)
    try {
      const publication = await (source === 'camera' ? participant.setCameraEnabled(enabled) : participant.setMicrophoneEnabled(enabled))
      if (enabled) this.#record(publication)
    } catch (error) {
      throw errorFromLiveKit(error)
    }
  }

  /** Whether `track` is still published (a track unpublished before its announcement is not announced). */
  #isPublished(track: LocalTrack): boolean {
    return [...this.#published.values()].some((published) => published.local === track)
  }

  /** The local tracks livekit-client captured for this connection (published or not), to stop at the end. */
  #ownedTracks(): LiveKitLocalTrack[] {
    const tracks = new Set<LiveKitLocalTrack>()
    for (const published of this.#published.values()) if (published.owned) tracks.add(published.liveKit)
    for (const publication of this.room.localParticipant.trackPublications.values()) {
      const track = publication.track
      if (track && !this.#pageTracks.has(track.mediaStreamTrack)) tracks.add(track)
    }
    return [...tracks]
  }

  /** Stops listening; false when already closed. */
  #close(): boolean {
    if (this.#closed) return false
    this.#closed = true
    for (const [event, listener] of this.#listeners) this.room.off(event, listener)
    this.#listeners.length = 0
    this.#published.clear()
    return true
  }
}
