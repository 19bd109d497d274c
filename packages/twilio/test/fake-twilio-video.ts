import { EventEmitter } from 'node:events'
import type { ConnectOptions, LocalAudioTrack, LocalDataTrack, RemoteParticipant, RemoteVideoTrack, Room } from 'twilio-video'
import { FakeTwilioError, sid, type CloudClient, type CloudParticipant, type CloudRoom, type CloudTrack, type FakeTwilioCloud } from './fake-twilio-cloud'

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

/** `RemoteAudioTrack` / `RemoteVideoTrack` as one participant sees another's. */
export class FakeRemoteMediaTrack extends EventEmitter implements Pick<RemoteVideoTrack, 'sid' | 'name' | 'isEnabled' | 'isStarted' | 'isSwitchedOff'> {
  /** False while the publisher has disabled it; the track emits `disabled` / `enabled`, as twilio-video's. */
  isEnabled = true
  readonly isStarted = true
  readonly isSwitchedOff = false
  readonly mediaStreamTrack: MediaStreamTrack
  /** Elements the track is attached to. */
  readonly attached = new Set<HTMLMediaElement>()

  constructor(
    readonly sid: string,
    readonly kind: 'audio' | 'video',
    readonly name: string,
  ) {
    super()
    this.mediaStreamTrack = { id: `${sid}-msid`, kind } as unknown as MediaStreamTrack
  }

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
export class FakeRemoteParticipant extends EventEmitter implements Pick<RemoteParticipant, 'sid' | 'identity' | 'state'> {
  state = 'connected'
  readonly tracks = new Map<string, FakeRemoteMediaTrack | FakeRemoteDataTrack>()
  constructor(
    readonly sid: string,
    readonly identity: string,
  ) {
    super()
  }
}

/** `LocalAudioTrack` / `LocalVideoTrack`. */
export class FakeLocalMediaTrack extends EventEmitter implements Pick<LocalAudioTrack, 'id' | 'name' | 'isEnabled' | 'isStopped'> {
  readonly id = sid('')
  readonly name: string
  isEnabled = true
  isStopped = false
  /** Set when published: tells the room's other participants (twilio-video signals it; their Rooms emit `trackDisabled` / `trackEnabled`). */
  signalEnabled: ((enabled: boolean) => void) | undefined
  constructor(
    readonly kind: 'audio' | 'video',
    name?: string,
  ) {
    super()
    this.name = name ?? `${kind}-${this.id.slice(0, 8)}`
  }
  enable(enabled = true): this {
    if (this.isEnabled === enabled) return this
    this.isEnabled = enabled
    this.emit(enabled ? 'enabled' : 'disabled', this)
    this.signalEnabled?.(enabled)
    return this
  }
  disable(): this {
    return this.enable(false)
  }
  stop(): this {
    this.isStopped = true
    return this
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
  track: Track
}

/** `LocalParticipant`. */
export class FakeLocalParticipant extends EventEmitter {
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
    if (track.kind === 'data') {
      this.dataTracks.set(trackSid, { trackSid, track })
      track.deliver = (data) => this.cloud.message(this.room, this.participant, cloudTrack, data)
    } else {
      ;(track.kind === 'audio' ? this.audioTracks : this.videoTracks).set(trackSid, { trackSid, track })
      cloudTrack.enabled = track.isEnabled
      track.signalEnabled = (enabled) => this.cloud.setEnabled(this.room, this.participant, trackSid, enabled)
    }
    this.cloud.publish(this.room, this.participant, cloudTrack)
    return { trackSid, track }
  }

  unpublishTrack(track: FakeLocalTrack): FakeLocalTrackPublication | null {
    for (const publications of [this.audioTracks, this.videoTracks, this.dataTracks] as Map<string, FakeLocalTrackPublication>[]) {
      for (const [trackSid, publication] of publications) {
        if (publication.track !== track) continue
        publications.delete(trackSid)
        if (track.kind !== 'data') track.signalEnabled = undefined
        this.cloud.unpublish(this.room, this.participant, { sid: trackSid, kind: track.kind, name: track.name })
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

  constructor(
    private readonly cloud: FakeTwilioCloud,
    readonly identity: string,
  ) {
    super()
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
      this.participants.delete(other.json.sid)
      this.emit('participantDisconnected', remote)
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
  createLocalAudioTrack(): Promise<FakeLocalMediaTrack>
  createLocalVideoTrack(): Promise<FakeLocalMediaTrack>
  LocalDataTrack: typeof FakeLocalDataTrack
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
    async createLocalAudioTrack() {
      return new FakeLocalMediaTrack('audio')
    },
    async createLocalVideoTrack() {
      return new FakeLocalMediaTrack('video')
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
          const room = new FakeRoom(cloud, identity)
          room.attach(name)
          for (const kind of ['audio', 'video'] as const) {
            if (options?.[kind] === false) continue
            const track = new FakeLocalMediaTrack(kind)
            room.createdTracks.push(track)
            await room.localParticipant.publishTrack(track)
          }
          rooms.push(room)
          resolve(room)
        })().catch(reject)
        work.push(task)
      })
      return Object.assign(connecting, { cancel })
    },
  }
}
