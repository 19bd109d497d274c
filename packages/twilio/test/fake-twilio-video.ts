import { EventEmitter } from 'node:events'
import type { ConnectOptions, CreateLocalTrackOptions, LocalAudioTrack, LocalDataTrack, LocalTrackOptions, RemoteParticipant, RemoteVideoTrack, Room } from 'twilio-video'
import { FakeTwilioError, sid, type CloudClient, type CloudParticipant, type CloudRoom, type CloudTrack, type FakeTwilioCloud } from './fake-twilio-cloud'
import { asMediaStreamTrack, FakeMediaStreamTrack } from '@callport/test-environment'

/**
 * A fake of the twilio-video module over a FakeTwilioCloud. Its classes carry the fields of the real
 * ones they stand for (`Pick<Room, …>` and so on, checked in test/fake-twilio-video.test-d.ts), and
 * `connect` takes twilio-video's own `ConnectOptions`.
 */

/** A media element stand-in: there is no DOM in these tests. */
export interface FakeMediaElement {
  readonly id: number
}

let elements = 0

/** What twilio-video's media tracks share: `attach` (a new element when none is given) and `detach` (the given element, else every attached one). */
export class FakeAttachableTrack extends EventEmitter {
  /** Elements the track is attached to. */
  readonly attached = new Set<HTMLMediaElement>()

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const target = element ?? ({ id: ++elements } satisfies FakeMediaElement as unknown as HTMLMediaElement)
    this.attached.add(target)
    return target
  }

  detach(element: HTMLMediaElement): HTMLMediaElement
  detach(): HTMLMediaElement[]
  detach(element?: HTMLMediaElement): HTMLMediaElement | HTMLMediaElement[] {
    if (element) {
      this.attached.delete(element)
      return element
    }
    const all = [...this.attached]
    this.attached.clear()
    return all
  }
}

/** `RemoteAudioTrack` / `RemoteVideoTrack` as one participant sees another's. */
export class FakeRemoteMediaTrack extends FakeAttachableTrack implements Pick<RemoteVideoTrack, 'sid' | 'name' | 'isEnabled' | 'isStarted' | 'isSwitchedOff'> {
  /** False while the publisher has disabled it; the track emits `disabled` / `enabled`, as twilio-video's. */
  isEnabled = true
  readonly isStarted = true
  readonly isSwitchedOff = false
  readonly mediaStreamTrack: MediaStreamTrack

  constructor(
    readonly sid: string,
    readonly kind: 'audio' | 'video',
    readonly name: string,
  ) {
    super()
    this.mediaStreamTrack = { id: `${sid}-msid`, kind } as unknown as MediaStreamTrack
  }
}

/** `RemoteDataTrack`. */
export class FakeRemoteDataTrack extends EventEmitter {
  readonly kind = 'data' as const
  constructor(
    readonly sid: string,
    readonly name: string,
  ) {
    super()
  }
}

/** `RemoteTrackPublication`. */
export interface FakeRemoteTrackPublication {
  trackSid: string
  trackName: string
  kind: 'audio' | 'video' | 'data'
  /** False while the publisher has disabled the track. */
  isTrackEnabled: boolean
}

/** `RemoteParticipant`, as one participant sees another. */
export class FakeRemoteParticipant extends EventEmitter implements Pick<RemoteParticipant, 'sid' | 'identity' | 'state' | 'networkQualityLevel'> {
  state = 'connected'
  /** Set by the Network Quality API when the Room has `networkQuality.remote` above 0; `networkQualityLevelChanged` on change. */
  networkQualityLevel: number | null = null
  readonly tracks = new Map<string, FakeRemoteMediaTrack | FakeRemoteDataTrack>()
  constructor(
    readonly sid: string,
    readonly identity: string,
  ) {
    super()
  }
}

/**
 * `LocalAudioTrack` / `LocalVideoTrack` over a MediaStreamTrack, as twilio-video's LocalMediaTrack:
 * `id` is the MediaStreamTrack's, `name` defaults to it, `isEnabled` / `isStopped` read the
 * MediaStreamTrack, and the track emits `stopped` once when its MediaStreamTrack ends (`stop()`, or
 * an `ended` event: the device unplugged, the browser's "Stop sharing").
 */
export class FakeLocalMediaTrack extends FakeAttachableTrack implements Pick<LocalAudioTrack, 'id' | 'name' | 'isEnabled' | 'isStopped' | 'mediaStreamTrack'> {
  readonly id: string
  readonly name: string
  readonly mediaStreamTrack: MediaStreamTrack
  /** twilio-video's `_isCreatedByCreateLocalTracks`: made by `connect`'s capture or `createLocal…Track`, not by the constructor. */
  createdBySdk = false
  /** Set when published: tells the room's other participants (twilio-video signals it; their Rooms emit `trackDisabled` / `trackEnabled`). */
  signalEnabled: ((enabled: boolean) => void) | undefined
  #ended = false
  constructor(
    readonly kind: 'audio' | 'video',
    name?: string,
    mediaStreamTrack: MediaStreamTrack = asMediaStreamTrack(new FakeMediaStreamTrack(kind, `Default ${kind}`, 'default')),
  ) {
    super()
    this.mediaStreamTrack = mediaStreamTrack
    this.id = mediaStreamTrack.id
    this.name = name ?? this.id
    mediaStreamTrack.addEventListener('ended', () => this.#end(), { once: true })
  }
  get isEnabled(): boolean {
    return this.mediaStreamTrack.enabled
  }
  get isStopped(): boolean {
    return this.mediaStreamTrack.readyState === 'ended'
  }
  enable(enabled = true): this {
    if (this.isEnabled === enabled) return this
    this.mediaStreamTrack.enabled = enabled
    this.emit(enabled ? 'enabled' : 'disabled', this)
    this.signalEnabled?.(enabled)
    return this
  }
  disable(): this {
    return this.enable(false)
  }
  stop(): this {
    this.mediaStreamTrack.stop()
    this.#end()
    return this
  }
  /** twilio-video's `_end`: `stopped` once. */
  #end(): void {
    if (this.#ended) return
    this.#ended = true
    this.emit('stopped', this)
  }
}

/** `new LocalAudioTrack(mediaStreamTrack, options)`. */
export class FakeLocalAudioTrack extends FakeLocalMediaTrack {
  constructor(mediaStreamTrack: MediaStreamTrack, options?: LocalTrackOptions) {
    super('audio', options?.name, mediaStreamTrack)
  }
}

/** `new LocalVideoTrack(mediaStreamTrack, options)`. */
export class FakeLocalVideoTrack extends FakeLocalMediaTrack {
  constructor(mediaStreamTrack: MediaStreamTrack, options?: LocalTrackOptions) {
    super('video', options?.name, mediaStreamTrack)
  }
}

/** `LocalDataTrack`. Messages sent before it is published are lost, as with twilio-video. */
export class FakeLocalDataTrack extends EventEmitter implements Pick<LocalDataTrack, 'id' | 'name' | 'ordered' | 'reliable'> {
  readonly kind = 'data' as const
  readonly id = sid('')
  readonly name = `data-${this.id.slice(0, 8)}`
  readonly ordered = true
  readonly reliable = true
  /** Set when published: relays a message to the room. */
  deliver: ((data: string) => void) | undefined
  readonly sent: string[] = []
  send(data: string): void {
    this.sent.push(data)
    this.deliver?.(data)
  }
}

type FakeLocalTrack = FakeLocalMediaTrack | FakeLocalDataTrack

/** `LocalTrackPublication`. */
export interface FakeLocalTrackPublication<Track extends FakeLocalTrack = FakeLocalTrack> {
  trackSid: string
  trackName: string
  kind: Track['kind']
  track: Track
}

/**
 * `LocalParticipant`. As twilio-video's: `trackPublished` only for a track published once the Room
 * is connected (not for those `connect` publishes), emitted in a later task after `publishTrack`
 * resolved; no event when a track is unpublished; `networkQualityLevelChanged` on change.
 */
export class FakeLocalParticipant extends EventEmitter {
  /** True once `connect` resolved; `trackPublished` is emitted from then on. */
  connected = false
  networkQualityLevel: number | null = null
  readonly audioTracks = new Map<string, FakeLocalTrackPublication<FakeLocalMediaTrack>>()
  readonly videoTracks = new Map<string, FakeLocalTrackPublication<FakeLocalMediaTrack>>()
  readonly dataTracks = new Map<string, FakeLocalTrackPublication<FakeLocalDataTrack>>()
  /** Makes the next publishTrack fail with this error. */
  failNextPublish: Error | undefined

  constructor(
    private readonly cloud: FakeTwilioCloud,
    private readonly room: CloudRoom,
    private readonly participant: CloudParticipant,
  ) {
    super()
  }

  get sid(): string {
    return this.participant.json.sid
  }

  get identity(): string {
    return this.participant.json.identity
  }

  async publishTrack(track: FakeLocalTrack): Promise<FakeLocalTrackPublication> {
    const failure = this.failNextPublish
    this.failNextPublish = undefined
    if (failure) throw failure
    const trackSid = sid('MT')
    const cloudTrack: CloudTrack = { sid: trackSid, kind: track.kind, name: track.name }
    const publication = { trackSid, trackName: track.name, kind: track.kind, track } as FakeLocalTrackPublication
    if (track.kind === 'data') {
      this.dataTracks.set(trackSid, publication as FakeLocalTrackPublication<FakeLocalDataTrack>)
      track.deliver = (data) => this.cloud.message(this.room, this.participant, cloudTrack, data)
    } else {
      ;(track.kind === 'audio' ? this.audioTracks : this.videoTracks).set(trackSid, publication as FakeLocalTrackPublication<FakeLocalMediaTrack>)
      cloudTrack.enabled = track.isEnabled
      track.signalEnabled = (enabled) => this.cloud.setEnabled(this.room, this.participant, trackSid, enabled)
    }
    this.cloud.publish(this.room, this.participant, cloudTrack)
    if (this.connected) setTimeout(() => this.emit('trackPublished', publication), 0)
    return publication
  }

  /** As twilio-video's: the LocalTrack or its MediaStreamTrack, found by the id they share. */
  unpublishTrack(track: { id: string }): FakeLocalTrackPublication | null {
    for (const publications of [this.audioTracks, this.videoTracks, this.dataTracks] as Map<string, FakeLocalTrackPublication>[]) {
      for (const [trackSid, publication] of publications) {
        if (publication.track.id !== track.id) continue
        publications.delete(trackSid)
        const published = publication.track
        if (published.kind !== 'data') published.signalEnabled = undefined
        this.cloud.unpublish(this.room, this.participant, { sid: trackSid, kind: published.kind, name: published.name })
        return publication
      }
    }
    return null
  }
}

/** `Room`: one participant's connection, driven by the cloud. */
export class FakeRoom extends EventEmitter implements CloudClient, Pick<Room, 'sid' | 'name' | 'state' | 'isRecording' | 'mediaRegion'> {
  state = 'connected'
  readonly isRecording = false
  readonly mediaRegion = 'us1'
  readonly participants = new Map<string, FakeRemoteParticipant>()
  localParticipant!: FakeLocalParticipant
  /** Tracks twilio-video created for `audio`/`video` and stops on disconnect. */
  readonly createdTracks: FakeLocalMediaTrack[] = []
  #cloudRoom!: CloudRoom
  #participant!: CloudParticipant
  #dominantSpeakerSid: string | null = null

  constructor(
    private readonly cloud: FakeTwilioCloud,
    readonly identity: string,
    /** The ConnectOptions of `connect`: `dominantSpeaker` and `networkQuality` decide which events this Room emits. */
    readonly options: ConnectOptions = {},
  ) {
    super()
  }

  /** As twilio-video's: the RemoteParticipant of the dominant speaker's SID, null when none (or when it left). */
  get dominantSpeaker(): FakeRemoteParticipant | null {
    return (this.#dominantSpeakerSid && this.participants.get(this.#dominantSpeakerSid)) || null
  }

  /** The Network Quality API's verbosity for this participant (`local`) and the others (`remote`): `true` is `{ local: 1, remote: 0 }`. */
  #networkQuality(which: 'local' | 'remote'): number {
    const option = this.options.networkQuality
    if (option === undefined || option === false) return 0
    if (option === true) return which === 'local' ? 1 : 0
    return option[which] ?? (which === 'local' ? 1 : 0)
  }

  get sid(): string {
    return this.#cloudRoom.json.sid
  }

  get name(): string {
    return this.#cloudRoom.json.unique_name
  }

  /** Joins the cloud room; called once by `connect`. */
  attach(roomName: string): void {
    const { room, participant } = this.cloud.join(roomName, this.identity, this)
    this.#cloudRoom = room
    this.#participant = participant
    this.localParticipant = new FakeLocalParticipant(this.cloud, room, participant)
    for (const other of this.cloud.others(room, participant)) this.participants.set(other.json.sid, new FakeRemoteParticipant(other.json.sid, other.json.identity))
    this.on('cloud:participant-connected', (other: CloudParticipant) => {
      const remote = new FakeRemoteParticipant(other.json.sid, other.json.identity)
      this.participants.set(other.json.sid, remote)
      this.emit('participantConnected', remote)
    })
    this.on('cloud:track-published', (other: CloudParticipant, track: CloudTrack) => void this.#subscribe(other, track, false))
    this.on('cloud:track-unpublished', (other: CloudParticipant, track: CloudTrack) => this.#unsubscribe(other, track))
    // twilio-video: the RemoteTrack emits disabled/enabled, then the RemoteParticipant and the Room trackDisabled/trackEnabled.
    this.on('cloud:track-enabled', (other: CloudParticipant, track: CloudTrack, enabled: boolean) => {
      const remote = this.participants.get(other.json.sid)
      const remoteTrack = remote?.tracks.get(track.sid)
      if (!remote || !(remoteTrack instanceof FakeRemoteMediaTrack)) return
      remoteTrack.isEnabled = enabled
      const publication = this.#publication(track)
      remoteTrack.emit(enabled ? 'enabled' : 'disabled', remoteTrack)
      remote.emit(enabled ? 'trackEnabled' : 'trackDisabled', publication)
      this.emit(enabled ? 'trackEnabled' : 'trackDisabled', publication, remote)
    })
    // Dominant Speaker Detection: only with `dominantSpeaker: true`; twilio-video emits the RemoteParticipant, or null.
    this.on('cloud:dominant-speaker', (speakerSid: string | null) => {
      if (this.options.dominantSpeaker !== true || speakerSid === this.#dominantSpeakerSid) return
      this.#dominantSpeakerSid = speakerSid
      this.emit('dominantSpeakerChanged', this.dominantSpeaker)
    })
    // Network Quality API: the participant emits networkQualityLevelChanged(level, stats) when its level changes (stats null at verbosity 1).
    this.on('cloud:network-quality', (scored: CloudParticipant, level: number) => {
      const local = scored === participant
      if (this.#networkQuality(local ? 'local' : 'remote') === 0) return
      const target = local ? this.localParticipant : this.participants.get(scored.json.sid)
      if (!target || target.networkQualityLevel === level) return
      target.networkQualityLevel = level
      target.emit('networkQualityLevelChanged', level, null)
    })
    this.on('cloud:message', (other: CloudParticipant, track: CloudTrack, data: string) => {
      const remote = this.participants.get(other.json.sid)
      const remoteTrack = remote?.tracks.get(track.sid)
      if (remote && remoteTrack) this.emit('trackMessage', data, remoteTrack, remote)
    })
    this.on('cloud:participant-disconnected', (other: CloudParticipant) => {
      const remote = this.participants.get(other.json.sid)
      if (!remote) return
      for (const track of other.tracks.values()) this.#unsubscribe(other, track)
      remote.state = 'disconnected'
      const dominantSpeaker = this.dominantSpeaker
      this.participants.delete(other.json.sid)
      this.emit('participantDisconnected', remote)
      // twilio-video: the dominant speaker who left is no longer one (Room.dominantSpeaker is then null).
      if (remote === dominantSpeaker) this.emit('dominantSpeakerChanged', this.dominantSpeaker)
    })
    // What the others already publish is subscribed during connect; the events come after connect resolves, as in twilio-video.
    const announcements = this.cloud.others(room, participant).flatMap((other) => [...other.tracks.values()].map((track) => this.#subscribe(other, track)))
    setTimeout(() => announcements.forEach((announce) => announce?.()), 0)
  }

  /** Subscribes to another participant's track; returns what emits `trackSubscribed`, and calls it unless `deferred`. */
  #subscribe(other: CloudParticipant, track: CloudTrack, deferred = true): (() => void) | undefined {
    const remote = this.participants.get(other.json.sid)
    if (!remote || remote.tracks.has(track.sid) || this.state === 'disconnected') return undefined
    const remoteTrack = track.kind === 'data' ? new FakeRemoteDataTrack(track.sid, track.name) : new FakeRemoteMediaTrack(track.sid, track.kind, track.name)
    if (remoteTrack instanceof FakeRemoteMediaTrack) remoteTrack.isEnabled = track.enabled !== false
    remote.tracks.set(track.sid, remoteTrack)
    const publication = this.#publication(track)
    const announce = () => void this.emit('trackSubscribed', remoteTrack, publication, remote)
    if (!deferred) announce()
    return announce
  }

  #unsubscribe(other: CloudParticipant, track: CloudTrack): void {
    const remote = this.participants.get(other.json.sid)
    const remoteTrack = remote?.tracks.get(track.sid)
    if (!remote || !remoteTrack) return
    remote.tracks.delete(track.sid)
    const publication = this.#publication(track)
    this.emit('trackUnsubscribed', remoteTrack, publication, remote)
  }

  /** The RemoteTrackPublication of `track` as this participant sees it now. */
  #publication(track: CloudTrack): FakeRemoteTrackPublication {
    return { trackSid: track.sid, trackName: track.name, kind: track.kind, isTrackEnabled: track.enabled !== false }
  }

  disconnect(): this {
    if (this.state !== 'disconnected') this.cloud.leave(this.#cloudRoom, this.#participant, null)
    return this
  }

  ended(error: FakeTwilioError | null): void {
    if (this.state === 'disconnected') return
    this.state = 'disconnected'
    for (const track of this.createdTracks) track.stop()
    if (error) this.emit('disconnected', this, error)
    else this.emit('disconnected', this)
  }

  /** twilio-video lost the signaling (53001) or media (53405) connection and reconnects. */
  interrupt(code: 53001 | 53405 = 53001): void {
    this.state = 'reconnecting'
    this.emit('reconnecting', new FakeTwilioError(code, code === 53001 ? 'Signaling connection disconnected' : 'Media connection failed'))
  }

  /** twilio-video reconnected. */
  restore(): void {
    this.state = 'connected'
    this.emit('reconnected')
  }

  /** twilio-video gave up, or Twilio ended the connection, with this error code. */
  drop(code: number, message = `Twilio error ${code}`): void {
    this.cloud.leave(this.#cloudRoom, this.#participant, new FakeTwilioError(code, message))
  }
}

/** `CancelablePromise<Room>`. */
export type FakeConnecting = Promise<FakeRoom> & { cancel: () => void }

/** The fake twilio-video module. */
export interface FakeTwilioVideo {
  connect(token: string, options?: ConnectOptions): FakeConnecting
  createLocalAudioTrack(options?: CreateLocalTrackOptions): Promise<FakeLocalMediaTrack>
  createLocalVideoTrack(options?: CreateLocalTrackOptions): Promise<FakeLocalMediaTrack>
  LocalDataTrack: typeof FakeLocalDataTrack
  LocalAudioTrack: typeof FakeLocalAudioTrack
  LocalVideoTrack: typeof FakeLocalVideoTrack
  /** Every Room `connect` resolved with, oldest first. */
  readonly rooms: FakeRoom[]
  /** The options each `connect` was called with. */
  readonly connectCalls: Array<{ token: string; options: ConnectOptions | undefined }>
  /** Holds the next connects until the returned function is called. */
  hold(): () => void
  /** Makes the next connect reject with this error. */
  failNextConnect(error: Error): void
  /** Resolves once every connect so far has finished its work (made its Room, failed, or stopped on cancel). */
  settled(): Promise<void>
}

/** Captures with `navigator.mediaDevices.getUserMedia` (the test's fake devices, when installed), as twilio-video does. */
async function captureTrack(kind: 'audio' | 'video', options: CreateLocalTrackOptions = {}): Promise<FakeLocalMediaTrack> {
  const { name, logLevel: _logLevel, ...constraints } = options
  const devices = (globalThis as { navigator?: { mediaDevices?: Pick<MediaDevices, 'getUserMedia'> } }).navigator?.mediaDevices
  const mediaStreamTrack = devices
    ? (await devices.getUserMedia({ [kind]: Object.keys(constraints).length > 0 ? constraints : true })).getTracks()[0]!
    : asMediaStreamTrack(new FakeMediaStreamTrack(kind, `Default ${kind}`, 'default'))
  return Object.assign(new FakeLocalMediaTrack(kind, name, mediaStreamTrack), { createdBySdk: true })
}

export function createFakeTwilioVideo(cloud: FakeTwilioCloud): FakeTwilioVideo {
  const rooms: FakeRoom[] = []
  const connectCalls: FakeTwilioVideo['connectCalls'] = []
  let gate: Promise<void> | undefined
  let nextFailure: Error | undefined
  const work: Promise<unknown>[] = []

  return {
    rooms,
    connectCalls,
    LocalDataTrack: FakeLocalDataTrack,
    LocalAudioTrack: FakeLocalAudioTrack,
    LocalVideoTrack: FakeLocalVideoTrack,
    hold() {
      let release!: () => void
      gate = new Promise((resolve) => (release = resolve))
      return () => {
        gate = undefined
        release()
      }
    },
    failNextConnect(error) {
      nextFailure = error
    },
    async settled() {
      await Promise.allSettled(work)
    },
    // twilio-video's createLocal…Track: getUserMedia (navigator.mediaDevices, the browser's errors passed on as they are), then a track named `name` (else its id).
    async createLocalAudioTrack(options?: CreateLocalTrackOptions) {
      return captureTrack('audio', options)
    },
    async createLocalVideoTrack(options?: CreateLocalTrackOptions) {
      return captureTrack('video', options)
    },
    connect(token, options) {
      connectCalls.push({ token, options })
      let cancelled = false
      let cancel!: () => void
      const waiting = gate
      const failure = nextFailure
      nextFailure = undefined
      const connecting = new Promise<FakeRoom>((resolve, reject) => {
        cancel = () => {
          cancelled = true
          reject(new Error('Canceled'))
        }
        const task = (async () => {
          await new Promise((next) => setTimeout(next, 0))
          await waiting
          if (cancelled) return
          if (failure) return reject(failure)
          const name = typeof options?.name === 'string' ? options.name : ''
          const { identity } = cloud.verifyAccessToken(token, name)
          const room = new FakeRoom(cloud, identity, options)
          room.attach(name)
          // twilio-video: `tracks` are published as given (audio and video ignored); else it captures what audio/video ask for.
          if (options?.tracks) {
            for (const track of options.tracks) await room.localParticipant.publishTrack(track as unknown as FakeLocalMediaTrack | FakeLocalDataTrack)
          } else {
            for (const kind of ['audio', 'video'] as const) {
              if (options?.[kind] === false) continue
              const track = await captureTrack(kind)
              room.createdTracks.push(track)
              await room.localParticipant.publishTrack(track)
            }
          }
          room.localParticipant.connected = true
          rooms.push(room)
          resolve(room)
        })().catch(reject)
        work.push(task)
      })
      return Object.assign(connecting, { cancel })
    },
  }
}
