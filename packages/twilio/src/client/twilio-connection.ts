import {
  captureDisplayMedia,
  CallportError,
  EventEmitter,
  type ActiveSpeaker,
  type ClientConnection,
  type ConnectionEvents,
  type ConnectionQuality,
  type DeviceKind,
  type LocalTrack,
  type Participant,
  type ScreenShareOptions,
  type Token,
  type TrackEvent,
} from '@callport/core'
import { TWILIO_PROVIDER } from '../shared/provider-id'
import { disconnectReasonOf, errorFromTwilioVideo } from './twilio-errors'
import { localTrackOf, qualityOfLevel, trackNameOf } from './twilio-local-track'
import { toTrack } from './twilio-track'
import type {
  TwilioListener,
  TwilioLocalDataTrack,
  TwilioLocalMediaTrack,
  TwilioRemoteParticipant,
  TwilioRemoteTrack,
  TwilioRemoteTrackPublication,
  TwilioRoom,
  TwilioVideo,
} from './twilio-video-types'

/** A local media track the connection publishes: twilio-video's, and the LocalTrack `localTracks()` gives for it. */
interface Published {
  readonly twilio: TwilioLocalMediaTrack
  readonly local: LocalTrack
  /** Made by the adapter or by twilio-video (stopped when replaced or unpublished); false for the page's preview tracks. */
  readonly owned: boolean
}

const textDecoder = new TextDecoder()

function participantOf(remote: TwilioRemoteParticipant): Participant {
  // Twilio keeps no roles or names: a participant is its identity.
  return { identity: remote.identity, role: 'publisher', providerParticipantId: remote.sid }
}

/**
 * One participant's twilio-video Room. Maps the Room's events to Callport's, keeping what
 * twilio-video emitted as `raw`: participants, subscribed media tracks, a remote track disabled or
 * enabled by its publisher (`trackDisabled` / `trackEnabled` → `track-muted` / `track-unmuted`; a
 * track subscribed while disabled is `track-subscribed`, then `track-muted`), data-track messages,
 * twilio-video's own reconnection, and the end of the call with its Twilio error code as the reason.
 */
export class TwilioConnection<Room = TwilioRoom> extends EventEmitter<ConnectionEvents> implements ClientConnection {
  readonly localParticipant: Participant
  /** The twilio-video Room, for what Callport does not cover. */
  readonly room: TwilioRoom
  /** Sends text to everyone in the room over a LocalDataTrack (present when the adapter publishes one). */
  readonly sendData?: (data: string, options?: { to?: string[] }) => Promise<void>
  readonly #sdk: TwilioVideo
  readonly #remote = new Map<string, Participant>()
  readonly #tracks = new Map<string, TrackEvent>()
  /** Local tracks this connection created (twilio-video stops those it created itself). */
  readonly #created: TwilioLocalMediaTrack[] = []
  readonly #listeners: Array<[{ removeListener(event: string, listener: TwilioListener): unknown }, string, TwilioListener]> = []
  /** Local media tracks published now (or being published), by twilio-video track. */
  readonly #published = new Map<TwilioLocalMediaTrack, Published>()
  /** Tracks the adapter is replacing or unpublishing itself: their `stopped` is no unplugged device. */
  readonly #leaving = new Set<TwilioLocalMediaTrack>()
  /** The screen share's tracks, while sharing. */
  #screen: TwilioLocalMediaTrack[] = []
  /** The identities of the last `active-speakers-changed`, to emit only on change. */
  #speakers: string[] = []
  readonly #quality = new Map<string, ConnectionQuality>()
  #closed = false

  constructor(options: { sdk: TwilioVideo; room: TwilioRoom; token: Token; data: boolean; tracks?: ReadonlyMap<TwilioLocalMediaTrack, LocalTrack> }) {
    super()
    const { sdk, room, token } = options
    this.#sdk = sdk
    this.room = room
    this.localParticipant = { identity: token.identity, role: 'publisher', providerParticipantId: room.localParticipant.sid }
    for (const remote of room.participants.values()) this.#remote.set(remote.sid, participantOf(remote))
    this.#listen()
    // What connect published: the page's tracks (kept as the page's LocalTracks, never stopped) or what twilio-video captured.
    // twilio-video emits no trackPublished for them: the connection announces them once its caller can listen.
    const joined: LocalTrack[] = []
    for (const { track } of [...room.localParticipant.audioTracks.values(), ...room.localParticipant.videoTracks.values()]) {
      const page = options.tracks?.get(track)
      joined.push(this.#track(track, page ?? localTrackOf(track), page === undefined).local)
    }
    if (joined.length > 0) {
      setTimeout(() => {
        if (this.#closed) return
        for (const track of joined) if (this.#publishedLocal(track)) this.emit('local-track-published', { track })
      }, 0)
    }
    if (options.data) this.sendData = this.#publishDataTrack()
  }

  /**
   * The twilio-video Room: the vendor's own object, outside Callport's portable surface. Typed as
   * the `Room` of the `sdk` option's twilio-video (`TwilioRoomOf`); it is the Room its `connect` resolved with.
   */
  get vendor(): Room {
    return this.room as Room
  }

  /** The tracks this participant publishes now: camera, microphone, screen (the page's own LocalTracks where it handed them to join). */
  localTracks(): LocalTrack[] {
    return [...this.#published.values()].map((published) => published.local)
  }

  /**
   * Captures from another camera or microphone: the new track is captured first (so a failure leaves
   * the current one running: DEVICE_NOT_FOUND for an unknown device), then published in place of the
   * old one, which is stopped unless the page handed it to join. Emits `active-device-changed`.
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker') {
      throw new CallportError(
        'UNSUPPORTED',
        'The session plays remote tracks on the chosen speaker itself (setSinkId); the Twilio connection switches cameras and microphones',
        {
          provider: TWILIO_PROVIDER,
        },
      )
    }
    if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The Twilio connection has ended', { provider: TWILIO_PROVIDER })
    await this.#replace(kind, deviceId)
    this.emit('active-device-changed', { kind, deviceId, reason: 'switched' })
  }

  /**
   * Shares a screen, window or tab (`getDisplayMedia` through core's `captureDisplayMedia`, with its
   * audio when asked and the browser gives it), published as LocalVideoTrack `screen` and
   * LocalAudioTrack `screen-audio`: the names the remote sides read as `screen` / `screen-audio`.
   * The browser's "Stop sharing" unpublishes them too.
   */
  async setScreenShareEnabled(enabled: boolean, options: ScreenShareOptions = {}): Promise<void> {
    if (this.#closed) return
    if (!enabled) {
      this.#stopScreenShare()
      return
    }
    if (this.#screen.length > 0) return
    const captured = await captureDisplayMedia({ audio: options.audio === true }, { provider: TWILIO_PROVIDER })
    const tracks = captured.map((local) => {
      const Track = local.kind === 'video' ? this.#sdk.LocalVideoTrack : this.#sdk.LocalAudioTrack
      return this.#track(new Track(local.mediaStreamTrack, { name: trackNameOf(local.source), logLevel: 'warn' }), local, true)
    })
    this.#screen = tracks.map((published) => published.twilio)
    try {
      for (const { twilio } of tracks) await this.room.localParticipant.publishTrack(twilio)
    } catch (error) {
      this.#stopScreenShare()
      throw errorFromTwilioVideo(error)
    }
    if (this.#closed) this.#stopScreenShare()
  }

  /** Remote participants in the room. */
  participants(): Participant[] {
    return [...this.#remote.values()]
  }

  /** Enables or disables the published microphone track; publishes a new one when there is none. */
  setMicrophoneEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('audio', enabled)
  }

  /** Enables or disables the published camera track; publishes a new one when there is none. */
  setCameraEnabled(enabled: boolean): Promise<void> {
    return this.#setEnabled('video', enabled)
  }

  /** Leaves the room. Emits no `disconnected` event; idempotent. */
  async disconnect(): Promise<void> {
    if (this.#close()) this.room.disconnect()
  }

  #listen(): void {
    const listen = (emitter: TwilioRoom | TwilioRemoteParticipant | TwilioRoom['localParticipant'], event: string, listener: TwilioListener) => {
      emitter.on(event, listener)
      this.#listeners.push([emitter, event, listener])
    }
    const on = (event: string, listener: TwilioListener) => listen(this.room, event, listener)
    const local = this.room.localParticipant
    // A track published once connected (a camera turned on, a screen share, a switched device).
    listen(local, 'trackPublished', (publication: { track: TwilioLocalMediaTrack | TwilioLocalDataTrack }) => {
      const { track } = publication
      if (track.kind === 'data') return
      const published = this.#published.get(track) ?? this.#track(track, localTrackOf(track), true)
      if (this.#publishedLocal(published.local)) this.emit('local-track-published', { track: published.local, raw: publication })
    })
    // Network Quality API (connect's networkQuality): 5/4 excellent, 3 good, 2/1 poor, 0 lost; null says nothing.
    const quality = (participant: Participant, isLocal: boolean) => (level: number | null, stats: unknown) => {
      const mapped = qualityOfLevel(level)
      if (mapped === undefined || this.#quality.get(participant.identity) === mapped) return
      this.#quality.set(participant.identity, mapped)
      this.emit('connection-quality-changed', { participant, local: isLocal, quality: mapped, raw: { level, stats } })
    }
    listen(local, 'networkQualityLevelChanged', quality(this.localParticipant, true))
    const watchRemote = (remote: TwilioRemoteParticipant) => listen(remote, 'networkQualityLevelChanged', quality(this.#participant(remote), false))
    for (const remote of this.room.participants.values()) watchRemote(remote)
    on('participantConnected', watchRemote)
    // Dominant Speaker Detection (connect's dominantSpeaker): one speaker at a time, or nobody.
    on('dominantSpeakerChanged', (remote: TwilioRemoteParticipant | null) => {
      const speakers: ActiveSpeaker[] = remote ? [{ participant: this.#participant(remote), level: 1 }] : []
      const identities = speakers.map((speaker) => speaker.participant.identity)
      if (identities.join('\n') === this.#speakers.join('\n')) return
      this.#speakers = identities
      this.emit('active-speakers-changed', { speakers, raw: remote })
    })
    on('participantConnected', (remote: TwilioRemoteParticipant) => {
      const participant = this.#participant(remote)
      this.emit('participant-joined', { participant, raw: remote })
    })
    on('participantDisconnected', (remote: TwilioRemoteParticipant) => {
      const participant = this.#remote.get(remote.sid)
      if (!participant) return
      for (const [sid, event] of this.#tracks) {
        if (event.participant !== participant) continue
        this.#tracks.delete(sid)
        this.emit('track-unsubscribed', { ...event, raw: remote })
      }
      this.#remote.delete(remote.sid)
      this.#quality.delete(participant.identity)
      for (const [index, [emitter, event, listener]] of [...this.#listeners.entries()].reverse()) {
        if (emitter !== remote) continue
        remote.removeListener(event, listener)
        this.#listeners.splice(index, 1)
      }
      this.emit('participant-left', { participant, raw: remote })
    })
    on('trackSubscribed', (track: TwilioRemoteTrack, publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
      if (track.kind === 'data') return
      const sid = track.sid || publication.trackSid
      const event: TrackEvent = { participant: this.#participant(remote), track: toTrack(track, sid), raw: { track, publication, participant: remote } }
      this.#tracks.set(sid, event)
      this.emit('track-subscribed', event)
      if (publication.isTrackEnabled === false && this.#tracks.get(sid) === event) this.emit('track-muted', event)
    })
    for (const [vendorEvent, callportEvent] of [
      ['trackDisabled', 'track-muted'],
      ['trackEnabled', 'track-unmuted'],
    ] as const) {
      on(vendorEvent, (publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
        const event = this.#tracks.get(publication.trackSid)
        if (event) this.emit(callportEvent, { ...event, raw: { publication, participant: remote } })
      })
    }
    on('trackUnsubscribed', (track: TwilioRemoteTrack, publication: TwilioRemoteTrackPublication, remote: TwilioRemoteParticipant) => {
      const sid = track.sid || publication.trackSid
      const event = this.#tracks.get(sid)
      if (!event) return
      this.#tracks.delete(sid)
      this.emit('track-unsubscribed', { ...event, raw: { track, publication, participant: remote } })
    })
    on('trackMessage', (data: string | ArrayBuffer, track: TwilioRemoteTrack, remote: TwilioRemoteParticipant) => {
      const text = typeof data === 'string' ? data : textDecoder.decode(data)
      this.emit('data-received', { participant: this.#remote.get(remote.sid), data: text, raw: { data, track, participant: remote } })
    })
    on('reconnecting', (error: unknown) => this.emit('reconnecting', { attempt: 0, reason: 'connection-lost', raw: error }))
    on('reconnected', () => this.emit('reconnected', {}))
    on('disconnected', (_room: unknown, error: unknown) => {
      if (!this.#close()) return
      const reason = disconnectReasonOf(error)
      this.emit('disconnected', { reason, ...(error ? { error: errorFromTwilioVideo(error) } : {}), raw: error })
    })
  }

  /** The known participant of `remote`, added when twilio-video names it first in a track event. */
  #participant(remote: TwilioRemoteParticipant): Participant {
    let participant = this.#remote.get(remote.sid)
    if (!participant) {
      participant = participantOf(remote)
      this.#remote.set(remote.sid, participant)
    }
    return participant
  }

  /** Stops listening and stops the tracks this connection created; false when already closed. */
  #close(): boolean {
    if (this.#closed) return false
    this.#closed = true
    for (const [emitter, event, listener] of this.#listeners) emitter.removeListener(event, listener)
    this.#listeners.length = 0
    for (const track of this.#created) track.stop()
    for (const { twilio, owned } of this.#published.values()) {
      this.#leaving.add(twilio)
      if (owned) twilio.stop()
    }
    this.#published.clear()
    this.#screen = []
    return true
  }

  /** Whether `track` is still published (a track unpublished before its announcement is not announced). */
  #publishedLocal(track: LocalTrack): boolean {
    return [...this.#published.values()].some((published) => published.local === track)
  }

  /**
   * Records a local media track as published (before `publishTrack`, so `trackPublished` finds it),
   * and watches it: its MediaStreamTrack ending on its own (the device unplugged, the browser's "Stop
   * sharing") falls back to the default device, or ends the screen share.
   */
  #track(twilio: TwilioLocalMediaTrack, local: LocalTrack, owned: boolean): Published {
    const published: Published = { twilio, local, owned }
    this.#published.set(twilio, published)
    const stopped = () => {
      twilio.removeListener('stopped', stopped)
      if (this.#closed || this.#leaving.has(twilio) || !this.#published.has(twilio)) return
      if (this.#screen.includes(twilio)) this.#stopScreenShare()
      else void this.#unplugged(local.source === 'camera' ? 'camera' : 'microphone')
    }
    twilio.on('stopped', stopped)
    return published
  }

  /** Unpublishes a local track (twilio-video emits nothing for it) and stops it when the adapter owns it. */
  #unpublish(twilio: TwilioLocalMediaTrack): void {
    const published = this.#published.get(twilio)
    if (!published) return
    this.#leaving.add(twilio)
    this.#published.delete(twilio)
    this.room.localParticipant.unpublishTrack(twilio.mediaStreamTrack)
    if (published.owned) twilio.stop()
    this.emit('local-track-unpublished', { track: published.local, raw: twilio })
  }

  #stopScreenShare(): void {
    const screen = this.#screen
    this.#screen = []
    for (const track of screen) this.#unpublish(track)
  }

  /** The published camera or microphone (not a screen share's audio). */
  #device(kind: 'camera' | 'microphone'): Published | undefined {
    return [...this.#published.values()].find((published) => published.local.source === kind)
  }

  /** Captures `kind` from `deviceId` (undefined: the default device) and publishes it in place of the current one, keeping its enabled state. */
  async #replace(kind: 'camera' | 'microphone', deviceId: string | undefined): Promise<void> {
    const create = kind === 'camera' ? () => this.#sdk.createLocalVideoTrack(options) : () => this.#sdk.createLocalAudioTrack(options)
    const options = { name: trackNameOf(kind), ...(deviceId === undefined || deviceId === 'default' ? {} : { deviceId: { exact: deviceId } }) }
    let track: TwilioLocalMediaTrack
    try {
      track = await create()
    } catch (error) {
      throw errorFromTwilioVideo(error)
    }
    const current = this.#device(kind)
    if (this.#closed) {
      track.stop()
      return
    }
    if (current && !current.twilio.isEnabled) track.disable()
    // Unpublished first: twilio-video refuses two tracks of one name (53304).
    if (current) this.#unpublish(current.twilio)
    this.#track(track, localTrackOf(track), true)
    try {
      await this.room.localParticipant.publishTrack(track)
    } catch (error) {
      this.#unpublish(track)
      throw errorFromTwilioVideo(error)
    }
  }

  /** The device in use went away: the default device takes over (when it can be captured), with `active-device-changed` (`unplugged`). */
  async #unplugged(kind: 'camera' | 'microphone'): Promise<void> {
    try {
      await this.#replace(kind, undefined)
    } catch {
      // No default device to fall back to: the dead track stays published, as twilio-video leaves it.
      return
    }
    if (!this.#closed) this.emit('active-device-changed', { kind, deviceId: 'default', reason: 'unplugged' })
  }

  async #setEnabled(kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    if (this.#closed) return
    // The camera or microphone only: a screen share is turned off with setScreenShareEnabled.
    const published = this.#device(kind === 'audio' ? 'microphone' : 'camera')
    if (published || !enabled) {
      if (published && enabled) published.twilio.enable(true)
      else published?.twilio.disable()
      return
    }
    try {
      const options = { name: trackNameOf(kind === 'audio' ? 'microphone' : 'camera') }
      const track = await (kind === 'audio' ? this.#sdk.createLocalAudioTrack(options) : this.#sdk.createLocalVideoTrack(options))
      this.#created.push(track)
      if (this.#closed) track.stop()
      else {
        this.#track(track, localTrackOf(track), true)
        await this.room.localParticipant.publishTrack(track)
      }
    } catch (error) {
      throw errorFromTwilioVideo(error)
    }
  }

  /** Publishes a LocalDataTrack and returns `sendData`, which waits for the publication. */
  #publishDataTrack(): (data: string, options?: { to?: string[] }) => Promise<void> {
    const track: TwilioLocalDataTrack = new this.#sdk.LocalDataTrack()
    const published = this.room.localParticipant.publishTrack(track).then(
      () => undefined,
      (error: unknown) => errorFromTwilioVideo(error),
    )
    return async (data, options) => {
      if (options?.to !== undefined && options.to.length > 0) {
        // A Twilio data track reaches everyone: sending it anyway would show the message to others too.
        throw new CallportError('UNSUPPORTED', 'Twilio data tracks reach every participant; sendData cannot address some of them', {
          provider: TWILIO_PROVIDER,
        })
      }
      const failure = await published
      if (failure) throw failure
      if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The Twilio connection has ended', { provider: TWILIO_PROVIDER })
      track.send(data)
    }
  }
}
