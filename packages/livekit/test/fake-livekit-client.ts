import { EventEmitter } from 'node:events'
import {
  ConnectionError,
  ConnectionErrorReason,
  ConnectionQuality,
  ConnectionState,
  DataPacket_Kind,
  DisconnectReason,
  Encryption_Type,
  ParticipantEvent,
  PublishTrackError,
  RoomEvent,
  Track as LiveKitTrackClass,
  TrackEvent,
  type AudioCaptureOptions,
  type DataPublishOptions,
  type RoomConnectOptions,
  type RoomOptions,
  type ScreenShareCaptureOptions,
  type TrackPublishOptions,
  type VideoCaptureOptions,
} from 'livekit-client'
import { FakeMediaStreamTrack } from '@callport/test-environment'
import {
  JoinRefused,
  type CloudClient,
  type CloudDataPacket,
  type CloudParticipantInfo,
  type FakeLiveKit,
  type FakeParticipant as CloudParticipant,
  type FakePermission,
  type FakeRoom as CloudRoom,
  type FakeTrack as CloudTrack,
  type FakeTrackSource,
} from './fake-livekit'

/**
 * A fake of the livekit-client module over a FakeLiveKit cloud (test/fake-livekit.ts), as far as
 * the client adapter uses it. Its classes behave as livekit-client 2.x's source
 * (`dist/livekit-client.esm.mjs`) does, down to the order of events:
 *
 * - `Room.connect(url, token, options)` rejects with livekit-client's own `ConnectionError`
 *   (`NotAllowed`, status 401) for a token the cloud refuses, after emitting `disconnected`
 *   (USER_REJECTED), as `connect`'s failure path calls `handleDisconnect`; participants already in
 *   the room get no `participantConnected`; their tracks are `trackSubscribed` once the Room is
 *   connected, right after `connected` and before `connect` resolves.
 * - A participant who joins later: `participantConnected`, `trackPublished`, then `trackSubscribed`.
 * - A remote track unpublished: the publication detaches the track (`detach()`), then
 *   `trackUnsubscribed`, then `trackUnpublished`; a participant who leaves: those, then `participantDisconnected`.
 * - `disconnect(stopTracks = true)`: leaves, unpublishes the local tracks (stopping them unless
 *   `stopTracks` is false), then `disconnected(CLIENT_INITIATED)`. The server's `leave` (RoomService
 *   RemoveParticipant, DeleteRoom, a duplicate identity) disconnects with its reason, stopping the
 *   local tracks unless `RoomOptions.stopLocalTrackOnUnpublish` is false.
 * - The server's `mute` (MutePublishedTrack): the LocalTrackPublication's `mute()` → the track's
 *   `muted` → the publication's → `trackMuted(publication, localParticipant)`, and the others'
 *   Rooms `trackMuted(publication, participant)`.
 * - `setCameraEnabled(false)` mutes a published camera (stopping its MediaStreamTrack, when
 *   livekit-client captured it) and `setCameraEnabled(true)` unmutes it (capturing again);
 *   `setScreenShareEnabled(false)` unpublishes the screen and its audio.
 * - `switchActiveDevice` restarts the published tracks of the kind on the device (the old
 *   MediaStreamTrack is stopped before capturing, as livekit-client does; a device that is not
 *   there rejects with the browser's OverconstrainedError); `activeDeviceChanged` follows.
 * - Events are livekit-client's (`RoomEvent`, `ParticipantEvent`, `TrackEvent` values); enum values
 *   are livekit-client's own, re-exported.
 */

type Source = LiveKitTrackClass.Source
type Kind = LiveKitTrackClass.Kind
const Source = LiveKitTrackClass.Source
const Kind = LiveKitTrackClass.Kind

const sourceOfCloud: Readonly<Record<FakeTrackSource, Source>> = {
  CAMERA: Source.Camera,
  MICROPHONE: Source.Microphone,
  SCREEN_SHARE: Source.ScreenShare,
  SCREEN_SHARE_AUDIO: Source.ScreenShareAudio,
  UNKNOWN: Source.Unknown,
}
const cloudSourceOf = (source: Source): FakeTrackSource =>
  (Object.entries(sourceOfCloud).find(([, value]) => value === source)?.[0] as FakeTrackSource | undefined) ?? 'UNKNOWN'

/** A media element stand-in, for `attach()` without an element: there is no DOM in these tests. */
const standInElement = (kind: Kind): HTMLMediaElement =>
  (typeof document === 'undefined' ? { tagName: kind.toUpperCase(), srcObject: null } : document.createElement(kind === Kind.Audio ? 'audio' : 'video')) as HTMLMediaElement

/** The `navigator.mediaDevices` of the page (the test's fake devices). */
function mediaDevices(): Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia' | 'enumerateDevices'> {
  const devices = (globalThis as { navigator?: { mediaDevices?: Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia' | 'enumerateDevices'> } }).navigator?.mediaDevices
  if (!devices) throw new Error('navigator.mediaDevices is not available (install the fake media devices)')
  return devices
}

/** `unwrapConstraint`: the device id of a `deviceId` constraint. */
const unwrap = (deviceId: ConstrainDOMString | undefined): string | undefined => {
  if (deviceId === undefined || typeof deviceId === 'string') return deviceId
  if (Array.isArray(deviceId)) return deviceId[0]
  const { exact, ideal } = deviceId
  return (Array.isArray(exact) ? exact[0] : exact) ?? (Array.isArray(ideal) ? ideal[0] : ideal)
}

/** The errors livekit-client counts as failing to acquire a device (it retries those on another device). */
const isDeviceAcquisitionFailure = (error: unknown): boolean =>
  error instanceof Error && ['NotFoundError', 'OverconstrainedError', 'NotReadableError', 'AbortError'].includes(error.name)

/** `Track`: what local and remote tracks share (attach/detach, muted state, events). */
export class FakeTrack extends EventEmitter {
  sid: string | undefined
  source: Source = Source.Unknown
  isMuted = false
  attachedElements: HTMLMediaElement[] = []
  protected _mediaStreamTrack: MediaStreamTrack

  constructor(
    mediaStreamTrack: MediaStreamTrack,
    readonly kind: Kind,
  ) {
    super()
    this._mediaStreamTrack = mediaStreamTrack
  }

  get mediaStreamTrack(): MediaStreamTrack {
    return this._mediaStreamTrack
  }

  attach(): HTMLMediaElement
  attach(element: HTMLMediaElement): HTMLMediaElement
  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const target = element ?? standInElement(this.kind)
    if (!this.attachedElements.includes(target)) this.attachedElements.push(target)
    return target
  }

  detach(): HTMLMediaElement[]
  detach(element: HTMLMediaElement): HTMLMediaElement
  detach(element?: HTMLMediaElement): HTMLMediaElement | HTMLMediaElement[] {
    if (element) {
      this.attachedElements = this.attachedElements.filter((attached) => attached !== element)
      return element
    }
    const detached = this.attachedElements
    this.attachedElements = []
    return detached
  }

  stop(): void {
    this._mediaStreamTrack.stop()
  }
}

/** `RemoteAudioTrack` / `RemoteVideoTrack`: its MediaStreamTrack is the receiver's. */
export class FakeRemoteTrack extends FakeTrack {
  constructor(kind: Kind, sid: string, source: Source, muted: boolean) {
    super(new FakeMediaStreamTrack(kind === Kind.Audio ? 'audio' : 'video', `remote ${source}`, undefined) as unknown as MediaStreamTrack, kind)
    this.sid = sid
    this.source = source
    this.isMuted = muted
    this._mediaStreamTrack.enabled = !muted
  }

  /** livekit-client's `RemoteTrack.setMuted`: `muted` / `unmuted` (with the track) on change. */
  setMuted(muted: boolean): void {
    if (this.isMuted === muted) return
    this.isMuted = muted
    this._mediaStreamTrack.enabled = !muted
    this.emit(muted ? TrackEvent.Muted : TrackEvent.Unmuted, this)
  }
}

/**
 * `LocalAudioTrack` / `LocalVideoTrack` over a MediaStreamTrack. `isUserProvided` (the third
 * constructor argument, true by default as in livekit-client) says the app owns the MediaStreamTrack:
 * livekit-client then never stops it on mute nor restarts it by itself.
 */
export class FakeLocalTrack extends FakeTrack {
  protected providedByUser: boolean
  protected constraints: MediaTrackConstraints
  /** livekit-client's `manuallyStopped`. */
  isStopped = false
  readonly #handleEnded = (): void => void this.emit(TrackEvent.Ended, this)

  constructor(mediaStreamTrack: MediaStreamTrack, kind: Kind, constraints?: MediaTrackConstraints, userProvidedTrack = true) {
    super(mediaStreamTrack, kind)
    this.providedByUser = userProvidedTrack
    this.constraints = constraints ?? mediaStreamTrack.getConstraints?.() ?? {}
    mediaStreamTrack.addEventListener('ended', this.#handleEnded)
  }

  get id(): string {
    return this._mediaStreamTrack.id
  }

  get isUserProvided(): boolean {
    return this.providedByUser
  }

  /** livekit-client's `setTrackMuted`: the MediaStreamTrack disabled, `muted` / `unmuted` with the track. */
  protected setTrackMuted(muted: boolean): void {
    if (this.isMuted === muted && this._mediaStreamTrack.enabled !== muted) return
    this.isMuted = muted
    this._mediaStreamTrack.enabled = !muted
    this.emit(muted ? TrackEvent.Muted : TrackEvent.Unmuted, this)
  }

  async mute(): Promise<this> {
    if (this.isMuted) return this
    // LocalVideoTrack: a camera livekit-client captured is stopped, so that the camera light goes off.
    if (this.source === Source.Camera && !this.providedByUser) this._mediaStreamTrack.stop()
    this.setTrackMuted(true)
    return this
  }

  async unmute(): Promise<this> {
    if (!this.isMuted) return this
    if (this.source === Source.Camera && !this.providedByUser) await this.restart(undefined, true)
    this.setTrackMuted(false)
    return this
  }

  override stop(): void {
    this.isStopped = true
    this._mediaStreamTrack.removeEventListener('ended', this.#handleEnded)
    super.stop()
  }

  async getDeviceId(): Promise<string | undefined> {
    if (this.source === Source.ScreenShare) return undefined
    return this._mediaStreamTrack.getSettings().deviceId
  }

  /** livekit-client's `setDeviceId`: restarts on the device (or only remembers it while muted); true when the track now captures from it. */
  async setDeviceId(deviceId: ConstrainDOMString): Promise<boolean> {
    if (this.constraints.deviceId === deviceId && this._mediaStreamTrack.getSettings().deviceId === unwrap(deviceId) && this._mediaStreamTrack.readyState === 'live')
      return true
    this.constraints.deviceId = deviceId
    if (this.isMuted) return true
    await this.restart()
    return unwrap(deviceId) === this._mediaStreamTrack.getSettings().deviceId
  }

  async restartTrack(options?: AudioCaptureOptions | VideoCaptureOptions): Promise<void> {
    await this.restart(options?.deviceId === undefined ? undefined : { ...this.constraints, deviceId: options.deviceId })
  }

  /** livekit-client's `restart`: stops the MediaStreamTrack, captures again with the constraints, emits `restarted`. */
  async restart(constraints: MediaTrackConstraints = this.constraints, isUnmuting = false): Promise<this> {
    this.isStopped = false
    const { deviceId } = constraints
    this._mediaStreamTrack.removeEventListener('ended', this.#handleEnded)
    this._mediaStreamTrack.stop()
    const wanted = deviceId === undefined ? true : { deviceId }
    const stream = await mediaDevices().getUserMedia(this.kind === Kind.Video ? { video: wanted, audio: false } : { audio: wanted, video: false })
    const next = stream.getTracks()[0]!
    next.addEventListener('ended', this.#handleEnded)
    next.enabled = isUnmuting ? true : !this.isMuted
    this._mediaStreamTrack = next
    this.constraints = constraints
    this.emit(TrackEvent.Restarted, this)
    return this
  }

  /** Publishes another MediaStreamTrack in its place; the old one is stopped unless the new one is the app's (`userProvidedTrack`, default true). */
  async replaceTrack(track: MediaStreamTrack, userProvidedTrack = true): Promise<this> {
    if (!this.sid) throw new Error('unable to replace an unpublished track')
    this.providedByUser = userProvidedTrack
    this._mediaStreamTrack.removeEventListener('ended', this.#handleEnded)
    if (!this.providedByUser && this._mediaStreamTrack !== track) this._mediaStreamTrack.stop()
    track.addEventListener('ended', this.#handleEnded)
    track.enabled = !this.isMuted
    this._mediaStreamTrack = track
    return this
  }
}

/** `new LocalAudioTrack(mediaStreamTrack, constraints?, userProvidedTrack = true)`. */
export class FakeLocalAudioTrack extends FakeLocalTrack {
  constructor(mediaTrack: MediaStreamTrack, constraints?: MediaTrackConstraints, userProvidedTrack = true) {
    super(mediaTrack, Kind.Audio, constraints, userProvidedTrack)
  }
}

/** `new LocalVideoTrack(mediaStreamTrack, constraints?, userProvidedTrack = true)`. */
export class FakeLocalVideoTrack extends FakeLocalTrack {
  constructor(mediaTrack: MediaStreamTrack, constraints?: MediaTrackConstraints, userProvidedTrack = true) {
    super(mediaTrack, Kind.Video, constraints, userProvidedTrack)
  }
}

/** `TrackPublication`: forwards its track's `muted` / `unmuted`. */
export class FakeTrackPublication<T extends FakeTrack = FakeTrack> extends EventEmitter {
  track: T | undefined
  source: Source
  protected metadataMuted = false
  readonly #handleMuted = (): void => void this.emit(TrackEvent.Muted)
  readonly #handleUnmuted = (): void => void this.emit(TrackEvent.Unmuted)

  constructor(
    readonly kind: Kind,
    public trackSid: string,
    public trackName: string,
    source: Source,
  ) {
    super()
    this.source = source
  }

  setTrack(track: T | undefined): void {
    this.track?.off(TrackEvent.Muted, this.#handleMuted).off(TrackEvent.Unmuted, this.#handleUnmuted)
    this.track = track
    track?.on(TrackEvent.Muted, this.#handleMuted).on(TrackEvent.Unmuted, this.#handleUnmuted)
  }

  get isMuted(): boolean {
    return this.metadataMuted
  }

  get isSubscribed(): boolean {
    return this.track !== undefined
  }
}

/** `LocalTrackPublication`: muted is its track's; `mute()` / `unmute()` are its track's. */
export class FakeLocalTrackPublication extends FakeTrackPublication<FakeLocalTrack> {
  constructor(kind: Kind, info: CloudTrack, track: FakeLocalTrack) {
    super(kind, info.sid, info.name, sourceOfCloud[info.source])
    this.setTrack(track)
  }

  override get isMuted(): boolean {
    return this.track ? this.track.isMuted : this.metadataMuted
  }

  get isLocal(): true {
    return true
  }

  async mute(): Promise<FakeLocalTrack | undefined> {
    return this.track?.mute()
  }

  async unmute(): Promise<FakeLocalTrack | undefined> {
    return this.track?.unmute()
  }
}

/** `RemoteTrackPublication`: `subscribed` / `unsubscribed` as its track comes and goes (detached first). */
export class FakeRemoteTrackPublication extends FakeTrackPublication<FakeRemoteTrack> {
  constructor(kind: Kind, info: CloudTrack) {
    super(kind, info.sid, info.name, sourceOfCloud[info.source])
    this.metadataMuted = info.muted
  }

  get isLocal(): false {
    return false
  }

  override setTrack(track: FakeRemoteTrack | undefined): void {
    const previous = this.track
    if (previous === track) return
    if (previous) {
      previous.detach()
      this.emit(TrackEvent.Unsubscribed, previous)
    }
    super.setTrack(track)
    if (track) {
      track.sid = this.trackSid
      this.emit(TrackEvent.Subscribed, track)
    }
  }

  /** livekit-client's `updateInfo`: the server's muted state, through the track when subscribed. */
  updateInfo(info: CloudTrack): void {
    this.trackName = info.name
    this.source = sourceOfCloud[info.source]
    const previous = this.metadataMuted
    this.metadataMuted = info.muted
    if (this.track) this.track.setMuted(info.muted)
    else if (previous !== info.muted) this.emit(info.muted ? TrackEvent.Muted : TrackEvent.Unmuted)
  }
}

/** livekit-client's `diffAttributes`: changed and new keys with their values, removed keys with ''. */
function diffAttributes(previous: Record<string, string>, next: Record<string, string>): Record<string, string> {
  const diff: Record<string, string> = {}
  for (const key of new Set([...Object.keys(previous), ...Object.keys(next)])) {
    if (previous[key] !== next[key]) diff[key] = next[key] ?? ''
  }
  return diff
}

/** `Participant`: what local and remote participants share. */
export class FakeParticipantBase<P extends FakeTrackPublication> extends EventEmitter {
  name: string | undefined
  metadata: string | undefined
  /** What the server lets the participant do (livekit-client's `ParticipantPermission`, as far as the cloud grants it). */
  permissions: FakePermission | undefined
  audioLevel = 0
  isSpeaking = false
  readonly trackPublications = new Map<string, P>()
  readonly audioTrackPublications = new Map<string, P>()
  readonly videoTrackPublications = new Map<string, P>()
  protected _attributes: Record<string, string> = {}
  protected _connectionQuality: ConnectionQuality = ConnectionQuality.Unknown
  protected version = 0

  constructor(
    public sid: string,
    public identity: string,
  ) {
    super()
  }

  get attributes(): Readonly<Record<string, string>> {
    return this._attributes
  }

  get connectionQuality(): ConnectionQuality {
    return this._connectionQuality
  }

  getTrackPublications(): P[] {
    return [...this.trackPublications.values()]
  }

  getTrackPublication(source: Source): P | undefined {
    return this.getTrackPublications().find((publication) => publication.source === source)
  }

  /** livekit-client's `updateInfo`: name, metadata and attributes, each with its event on change. */
  updateInfo(info: CloudParticipantInfo): boolean {
    if (this.sid === info.sid && this.version > info.version) return false
    this.version = info.version
    this.identity = info.identity
    this.sid = info.sid
    if (this.name !== info.name) {
      this.name = info.name
      this.emit(ParticipantEvent.ParticipantNameChanged, info.name)
    }
    if (this.metadata !== info.metadata) {
      const previous = this.metadata
      this.metadata = info.metadata
      this.emit(ParticipantEvent.ParticipantMetadataChanged, previous)
    }
    const diff = diffAttributes(this._attributes, info.attributes)
    this._attributes = { ...info.attributes }
    if (Object.keys(diff).length > 0) this.emit(ParticipantEvent.AttributesChanged, diff)
    const previous = this.permissions
    this.permissions = { ...info.permission }
    // livekit-client's `setPermissions` counts the first permissions a participant gets as a change too.
    if (!previous || (Object.keys(previous) as Array<keyof FakePermission>).some((key) => previous[key] !== info.permission[key])) {
      this.emit(ParticipantEvent.ParticipantPermissionsChanged, previous)
    }
    return true
  }

  setIsSpeaking(speaking: boolean): void {
    if (speaking === this.isSpeaking) return
    this.isSpeaking = speaking
    this.emit(ParticipantEvent.IsSpeakingChanged, speaking)
  }

  setConnectionQuality(quality: ConnectionQuality): void {
    const previous = this._connectionQuality
    this._connectionQuality = quality
    if (previous !== quality) this.emit(ParticipantEvent.ConnectionQualityChanged, quality)
  }

  protected addTrackPublication(publication: P): void {
    publication.on(TrackEvent.Muted, () => this.emit(ParticipantEvent.TrackMuted, publication))
    publication.on(TrackEvent.Unmuted, () => this.emit(ParticipantEvent.TrackUnmuted, publication))
    if (publication.track) publication.track.sid = publication.trackSid
    this.trackPublications.set(publication.trackSid, publication)
    ;(publication.kind === Kind.Audio ? this.audioTrackPublications : this.videoTrackPublications).set(publication.trackSid, publication)
  }

  protected removeTrackPublication(trackSid: string): void {
    this.trackPublications.delete(trackSid)
    this.audioTrackPublications.delete(trackSid)
    this.videoTrackPublications.delete(trackSid)
  }
}

/** `RemoteParticipant`: reconciles its publications with each ParticipantInfo the server sends. */
export class FakeRemoteParticipant extends FakeParticipantBase<FakeRemoteTrackPublication> {
  constructor(sid: string, identity: string, name: string, metadata: string, attributes: Record<string, string>) {
    super(sid, identity)
    this.name = name
    this.metadata = metadata
    this._attributes = { ...attributes }
  }

  get isLocal(): false {
    return false
  }

  override updateInfo(info: CloudParticipantInfo): boolean {
    if (!super.updateInfo(info)) return false
    const valid = new Set<string>()
    const added: FakeRemoteTrackPublication[] = []
    for (const trackInfo of info.tracks) {
      let publication = this.trackPublications.get(trackInfo.sid)
      if (publication) publication.updateInfo(trackInfo)
      else {
        publication = new FakeRemoteTrackPublication(trackInfo.type === 'AUDIO' ? Kind.Audio : Kind.Video, trackInfo)
        added.push(publication)
        this.addTrackPublication(publication)
      }
      valid.add(trackInfo.sid)
    }
    for (const publication of this.getTrackPublications()) if (!valid.has(publication.trackSid)) this.unpublishTrack(publication.trackSid, true)
    for (const publication of added) this.emit(ParticipantEvent.TrackPublished, publication)
    return true
  }

  protected override addTrackPublication(publication: FakeRemoteTrackPublication): void {
    super.addTrackPublication(publication)
    publication.on(TrackEvent.Subscribed, (track: FakeRemoteTrack) => this.emit(ParticipantEvent.TrackSubscribed, track, publication))
    publication.on(TrackEvent.Unsubscribed, (track: FakeRemoteTrack) => this.emit(ParticipantEvent.TrackUnsubscribed, track, publication))
  }

  /** livekit-client's `unpublishTrack(sid, sendUnpublish)`: the track stopped and unsubscribed, then (when `sendUnpublish`) `trackUnpublished`. */
  unpublishTrack(trackSid: string, sendUnpublish = false): void {
    const publication = this.trackPublications.get(trackSid)
    if (!publication) return
    if (publication.track) {
      publication.track.stop()
      publication.setTrack(undefined)
    }
    this.removeTrackPublication(trackSid)
    if (sendUnpublish) this.emit(ParticipantEvent.TrackUnpublished, publication)
  }
}

/** Where a connected LocalParticipant reaches the cloud. */
interface CloudLink {
  cloud: FakeLiveKit
  room: CloudRoom
  participant: CloudParticipant
}

/** `LocalParticipant`. */
export class FakeLocalParticipant extends FakeParticipantBase<FakeLocalTrackPublication> {
  /** livekit-client's `activeDeviceMap`. */
  readonly activeDeviceMap = new Map<MediaDeviceKind, string>([
    ['audioinput', 'default'],
    ['videoinput', 'default'],
    ['audiooutput', 'default'],
  ])
  /** Set while connected. */
  link: CloudLink | undefined
  /** Every `publishTrack` call, with its arguments. */
  readonly publishCalls: Array<{ track: MediaStreamTrack | FakeLocalTrack; options: TrackPublishOptions | undefined }> = []
  /** Every `unpublishTrack` call, with its arguments. */
  readonly unpublishCalls: Array<{ track: MediaStreamTrack | FakeLocalTrack; stopOnUnpublish: boolean | undefined }> = []

  constructor(private readonly roomOptions: FakeRoomOptions) {
    super('', '')
  }

  get isLocal(): true {
    return true
  }

  /** livekit-client's `onTrackMuted` / `onTrackUnmuted`: the server is told (`updateMuteStatus`). */
  readonly #onTrackMuted = (track: FakeLocalTrack): void => {
    if (track.sid && this.link) this.link.cloud.setTrackMuted(this.link.room, this.link.participant, track.sid, track.isMuted)
  }

  /** livekit-client's `handleTrackEnded`: a screen is unpublished; the app's track muted; a captured one restarted on the default device, else muted. */
  readonly #onTrackEnded = (track: FakeLocalTrack): void => void this.#trackEnded(track)

  async #trackEnded(track: FakeLocalTrack): Promise<void> {
    if (track.source === Source.ScreenShare || track.source === Source.ScreenShareAudio) {
      await this.unpublishTrack(track)
      return
    }
    if (track.isUserProvided) {
      await track.mute()
      return
    }
    try {
      if (track.isMuted) return
      if (track.kind === Kind.Audio) {
        try {
          await track.restartTrack()
        } catch (error) {
          if (!isDeviceAcquisitionFailure(error) || track.isStopped) throw error
          const devices = (await mediaDevices().enumerateDevices()).filter((device) => device.kind === 'audioinput')
          await track.setDeviceId(devices[0]?.deviceId ?? 'default')
        }
      } else await track.restartTrack()
    } catch {
      await track.mute()
    }
  }

  /** livekit-client's LocalParticipant `updateInfo`: a mute state the server disagrees with is sent again. */
  override updateInfo(info: CloudParticipantInfo): boolean {
    if (!super.updateInfo(info)) return false
    for (const trackInfo of info.tracks) {
      const publication = this.trackPublications.get(trackInfo.sid)
      if (publication && publication.isMuted !== trackInfo.muted && this.link)
        this.link.cloud.setTrackMuted(this.link.room, this.link.participant, trackInfo.sid, publication.isMuted)
    }
    return true
  }

  setCameraEnabled(enabled: boolean, options?: VideoCaptureOptions): Promise<FakeLocalTrackPublication | undefined> {
    return this.setTrackEnabled(Source.Camera, enabled, options)
  }

  setMicrophoneEnabled(enabled: boolean, options?: AudioCaptureOptions): Promise<FakeLocalTrackPublication | undefined> {
    return this.setTrackEnabled(Source.Microphone, enabled, options)
  }

  setScreenShareEnabled(enabled: boolean, options?: ScreenShareCaptureOptions): Promise<FakeLocalTrackPublication | undefined> {
    return this.setTrackEnabled(Source.ScreenShare, enabled, options)
  }

  /** livekit-client's `setTrackEnabled`: unmute or capture and publish; mute, or (a screen) unpublish with its audio. */
  private async setTrackEnabled(
    source: Source,
    enabled: boolean,
    options?: AudioCaptureOptions | VideoCaptureOptions | ScreenShareCaptureOptions,
  ): Promise<FakeLocalTrackPublication | undefined> {
    let publication = this.getTrackPublication(source)
    if (enabled) {
      if (publication) {
        await publication.unmute()
        return publication
      }
      const tracks =
        source === Source.ScreenShare
          ? await this.createScreenTracks(options as ScreenShareCaptureOptions | undefined)
          : await this.createTracks(
              source === Source.Camera ? { video: (options as VideoCaptureOptions | undefined) ?? true } : { audio: (options as AudioCaptureOptions | undefined) ?? true },
            )
      try {
        ;[publication] = await Promise.all(tracks.map((track) => this.publishTrack(track)))
      } catch (error) {
        for (const track of tracks) track.stop()
        throw error
      }
      return publication
    }
    if (publication?.track) {
      if (source === Source.ScreenShare) {
        const audio = this.getTrackPublication(Source.ScreenShareAudio)
        ;[publication] = await Promise.all([this.unpublishTrack(publication.track), ...(audio?.track ? [this.unpublishTrack(audio.track)] : [])])
      } else await publication.mute()
    }
    return publication
  }

  /** livekit-client's `createTracks`: getUserMedia with the room's capture defaults; the tracks are livekit-client's (not the app's). */
  async createTracks(options: { audio?: boolean | AudioCaptureOptions; video?: boolean | VideoCaptureOptions }): Promise<FakeLocalTrack[]> {
    const tracks: FakeLocalTrack[] = []
    for (const kind of ['audio', 'video'] as const) {
      const option = options[kind]
      if (option === undefined || option === false) continue
      const defaults = (kind === 'audio' ? this.roomOptions.audioCaptureDefaults : this.roomOptions.videoCaptureDefaults) ?? {}
      const constraints: MediaTrackConstraints = {
        ...(defaults.deviceId === undefined ? {} : { deviceId: defaults.deviceId }),
        ...(typeof option === 'object' && option.deviceId !== undefined ? { deviceId: option.deviceId } : {}),
      }
      const stream = await mediaDevices().getUserMedia({ [kind]: constraints.deviceId === undefined ? true : { deviceId: constraints.deviceId } })
      const mediaStreamTrack = stream.getTracks()[0]!
      const track = kind === 'audio' ? new FakeLocalAudioTrack(mediaStreamTrack, constraints, false) : new FakeLocalVideoTrack(mediaStreamTrack, constraints, false)
      track.source = kind === 'audio' ? Source.Microphone : Source.Camera
      tracks.push(track)
    }
    return tracks
  }

  /** livekit-client's `createScreenTracks`: getDisplayMedia; `screen_share`, and `screen_share_audio` when the browser gave audio. */
  async createScreenTracks(options: ScreenShareCaptureOptions = {}): Promise<FakeLocalTrack[]> {
    const stream = await mediaDevices().getDisplayMedia({ video: true, audio: options.audio ?? false })
    const video = stream.getTracks().find((track) => track.kind === 'video')
    if (!video) throw new Error('no video track found')
    const screen = new FakeLocalVideoTrack(video, undefined, false)
    screen.source = Source.ScreenShare
    const tracks: FakeLocalTrack[] = [screen]
    const audio = stream.getTracks().find((track) => track.kind === 'audio')
    if (audio) {
      const screenAudio = new FakeLocalAudioTrack(audio, undefined, false)
      screenAudio.source = Source.ScreenShareAudio
      tracks.push(screenAudio)
    }
    return tracks
  }

  /** livekit-client's `publishTrack`: a MediaStreamTrack is wrapped in a LocalTrack the app owns; `source` and `name` from the options. */
  async publishTrack(track: MediaStreamTrack | FakeLocalTrack, options?: TrackPublishOptions): Promise<FakeLocalTrackPublication> {
    this.publishCalls.push({ track, options })
    const link = this.link
    if (!link) throw new Error('cannot publish a track before the Room is connected')
    const local =
      track instanceof FakeLocalTrack ? track : track.kind === 'audio' ? new FakeLocalAudioTrack(track, undefined, true) : new FakeLocalVideoTrack(track, undefined, true)
    const existing = this.getTrackPublications().find((publication) => publication.track === local)
    if (existing) return existing
    if (options?.source) local.source = options.source
    if (!link.participant.permission.canPublish) throw new PublishTrackError('failed to publish track, insufficient permissions', 403)
    const info = link.cloud.publish(link.room, link.participant, {
      type: local.kind === Kind.Audio ? 'AUDIO' : 'VIDEO',
      source: cloudSourceOf(local.source),
      name: options?.name ?? '',
      muted: local.isMuted,
    })
    const publication = new FakeLocalTrackPublication(local.kind, info, local)
    local.sid = info.sid
    local.on(TrackEvent.Muted, this.#onTrackMuted).on(TrackEvent.Unmuted, this.#onTrackMuted).on(TrackEvent.Ended, this.#onTrackEnded)
    this.addTrackPublication(publication)
    this.emit(ParticipantEvent.LocalTrackPublished, publication)
    return publication
  }

  /** livekit-client's `unpublishTrack`: the track stopped when `stopOnUnpublish` (default: `RoomOptions.stopLocalTrackOnUnpublish`, true), then `localTrackUnpublished`. */
  async unpublishTrack(track: MediaStreamTrack | FakeLocalTrack, stopOnUnpublish?: boolean): Promise<FakeLocalTrackPublication | undefined> {
    this.unpublishCalls.push({ track, stopOnUnpublish })
    const publication = this.getTrackPublications().find((candidate) => candidate.track === track || candidate.track?.mediaStreamTrack === track)
    const local = publication?.track
    if (!publication || !local) return undefined
    local.off(TrackEvent.Muted, this.#onTrackMuted).off(TrackEvent.Unmuted, this.#onTrackMuted).off(TrackEvent.Ended, this.#onTrackEnded)
    if (stopOnUnpublish ?? this.roomOptions.stopLocalTrackOnUnpublish ?? true) local.stop()
    if (this.link) this.link.cloud.unpublish(this.link.room, this.link.participant, publication.trackSid)
    this.removeTrackPublication(publication.trackSid)
    this.emit(ParticipantEvent.LocalTrackUnpublished, publication)
    publication.setTrack(undefined)
    return publication
  }

  /** livekit-client's `publishData`: reliable or lossy (the default), to `destinationIdentities` or everyone, with a `topic`. */
  async publishData(data: Uint8Array, options: DataPublishOptions = {}): Promise<void> {
    if (!this.link) throw new Error('cannot publish data before the Room is connected')
    this.link.cloud.sendData(this.link.room, this.link.participant, {
      kind: options.reliable ? DataPacket_Kind.RELIABLE : DataPacket_Kind.LOSSY,
      payload: data,
      topic: options.topic,
      destinationIdentities: options.destinationIdentities ?? [],
    })
  }
}

/** `RoomOptions`, as the fake reads them. */
export type FakeRoomOptions = RoomOptions

/**
 * `Room`: one participant's connection to the cloud (its `CloudClient`). Besides livekit-client's
 * API it has back doors the tests drive: `interrupt()` / `restore()` (a signal or media reconnect)
 * and `drop(reason)` (the server ends the session).
 */
export class FakeRoom extends EventEmitter implements CloudClient {
  state: ConnectionState = ConnectionState.Disconnected
  readonly remoteParticipants = new Map<string, FakeRemoteParticipant>()
  activeSpeakers: Array<FakeRemoteParticipant | FakeLocalParticipant> = []
  readonly localParticipant: FakeLocalParticipant
  readonly options: FakeRoomOptions
  /** The url and token of each `prepareConnection`. */
  readonly prepared: Array<{ url: string; token: string | undefined }> = []
  #roomName = ''
  #connecting: Promise<void> | undefined
  #cancelConnect: ((error: Error) => void) | undefined
  #autoSubscribe = true
  /** Events held while reconnecting (livekit-client's `bufferedEvents`), emitted after `reconnected`. */
  #buffered: Array<[string, unknown[]]> = []
  /** Subscriptions waiting for the Room to be connected (livekit-client defers `onTrackAdded` while connecting). */
  #deferred: Array<() => void> = []

  constructor(
    private readonly cloud: FakeLiveKit,
    options: RoomOptions = {},
  ) {
    super()
    this.options = { stopLocalTrackOnUnpublish: true, audioCaptureDefaults: {}, videoCaptureDefaults: {}, ...options }
    this.localParticipant = new FakeLocalParticipant(this.options)
    this.#setupLocalParticipantEvents()
  }

  get identity(): string {
    return this.localParticipant.identity
  }

  get name(): string {
    return this.#roomName
  }

  #setState(state: ConnectionState): void {
    if (this.state === state) return
    this.state = state
    this.emit(RoomEvent.ConnectionStateChanged, state)
  }

  /** livekit-client's `emitWhenConnected`: emitted when connected, held while reconnecting, dropped otherwise. */
  #emitWhenConnected(event: string, ...args: unknown[]): void {
    if (this.state === ConnectionState.Reconnecting) this.#buffered.push([event, args])
    else if (this.state === ConnectionState.Connected) this.emit(event, ...args)
  }

  #setupLocalParticipantEvents(): void {
    const local = this.localParticipant
    local
      .on(ParticipantEvent.ParticipantMetadataChanged, (metadata: string | undefined) => this.emit(RoomEvent.ParticipantMetadataChanged, metadata, local))
      .on(ParticipantEvent.ParticipantNameChanged, (name: string) => this.emit(RoomEvent.ParticipantNameChanged, name, local))
      .on(ParticipantEvent.AttributesChanged, (changed: Record<string, string>) => this.emit(RoomEvent.ParticipantAttributesChanged, changed, local))
      .on(ParticipantEvent.TrackMuted, (publication: FakeLocalTrackPublication) => this.emit(RoomEvent.TrackMuted, publication, local))
      .on(ParticipantEvent.TrackUnmuted, (publication: FakeLocalTrackPublication) => this.emit(RoomEvent.TrackUnmuted, publication, local))
      .on(ParticipantEvent.LocalTrackPublished, (publication: FakeLocalTrackPublication) => void this.#onLocalTrackPublished(publication))
      .on(ParticipantEvent.LocalTrackUnpublished, (publication: FakeLocalTrackPublication) => {
        publication.track?.off(TrackEvent.Restarted, this.#onLocalTrackRestarted)
        this.emit(RoomEvent.LocalTrackUnpublished, publication, local)
      })
      .on(ParticipantEvent.ConnectionQualityChanged, (quality: ConnectionQuality) => this.emit(RoomEvent.ConnectionQualityChanged, quality, local))
      .on(ParticipantEvent.ParticipantPermissionsChanged, (previous: FakePermission | undefined) => this.emit(RoomEvent.ParticipantPermissionsChanged, previous, local))
  }

  /** livekit-client's `onLocalTrackPublished`: `localTrackPublished`, then `activeDeviceChanged` when the track captures from another device than the active one. */
  async #onLocalTrackPublished(publication: FakeLocalTrackPublication): Promise<void> {
    publication.track?.on(TrackEvent.Restarted, this.#onLocalTrackRestarted)
    this.emit(RoomEvent.LocalTrackPublished, publication, this.localParticipant)
    if (publication.track) await this.#noteDevice(publication.track)
  }

  readonly #onLocalTrackRestarted = (track: FakeLocalTrack): void => void this.#noteDevice(track)

  async #noteDevice(track: FakeLocalTrack): Promise<void> {
    const deviceId = await track.getDeviceId()
    const kind: MediaDeviceKind | undefined = track.source === Source.Camera ? 'videoinput' : track.source === Source.Microphone ? 'audioinput' : undefined
    if (kind && deviceId && deviceId !== this.localParticipant.activeDeviceMap.get(kind)) {
      this.localParticipant.activeDeviceMap.set(kind, deviceId)
      this.emit(RoomEvent.ActiveDeviceChanged, kind, deviceId)
    }
  }

  /** Warms the connection to `url` (livekit-client sends a HEAD request; failures are only logged). */
  async prepareConnection(url: string, token?: string): Promise<void> {
    if (this.state !== ConnectionState.Disconnected) return
    this.prepared.push({ url, token })
  }

  /** The cloud's `/rtc` is at its URL (ws(s) or http(s), as livekit-client accepts both): another host is unreachable. */
  #reaches(url: string): boolean {
    try {
      return new URL(url).host === new URL(this.cloud.url).host
    } catch {
      return false
    }
  }

  connect = (url: string, token: string, options?: RoomConnectOptions): Promise<void> => {
    if (this.state === ConnectionState.Connected) return Promise.resolve()
    if (this.#connecting) return this.#connecting
    this.#setState(ConnectionState.Connecting)
    this.#autoSubscribe = options?.autoSubscribe ?? true
    this.#connecting = new Promise<void>((resolve, reject) => {
      let cancelled = false
      this.#cancelConnect = (error) => {
        cancelled = true
        reject(error)
      }
      const fail = (error: ConnectionError): void => {
        this.#handleDisconnect(this.options.stopLocalTrackOnUnpublish ?? true, reasonOfConnectionError(error))
        reject(error)
      }
      void (async () => {
        await Promise.resolve()
        if (!this.#reaches(url)) return fail(ConnectionError.serverUnreachable(`could not establish signal connection: ${url} is unreachable`))
        let joined: { room: CloudRoom; participant: CloudParticipant }
        try {
          joined = await this.cloud.connect(token, this)
        } catch (error) {
          if (cancelled) return
          if (error instanceof JoinRefused) return fail(ConnectionError.notAllowed(error.message, error.status))
          throw error
        }
        if (cancelled) {
          this.cloud.leave(joined.room, joined.participant, DisconnectReason.CLIENT_INITIATED)
          return
        }
        this.#join(joined)
        this.emit(RoomEvent.SignalConnected)
        this.#setState(ConnectionState.Connected)
        this.emit(RoomEvent.Connected)
        // livekit-client defers the tracks that arrived while connecting until `connected`.
        this.#flushDeferred()
        resolve()
      })().catch((error: unknown) => reject(error as Error))
    }).finally(() => {
      this.#connecting = undefined
      this.#cancelConnect = undefined
    })
    return this.#connecting
  }

  #join({ room, participant }: { room: CloudRoom; participant: CloudParticipant }): void {
    this.#roomName = room.name
    const local = this.localParticipant
    local.link = { cloud: this.cloud, room, participant }
    local.sid = participant.sid
    local.identity = participant.identity
    local.name = participant.name
    local.metadata = participant.metadata
    local.permissions = { ...participant.permission }
    ;(local as unknown as { _attributes: Record<string, string> })._attributes = { ...participant.attributes }
    for (const info of this.cloud.othersOf(room, participant)) this.#getOrCreateParticipant(info)
  }

  disconnect = async (stopTracks = true): Promise<void> => {
    if (this.state === ConnectionState.Disconnected) return
    if (this.state === ConnectionState.Connecting) this.#cancelConnect?.(ConnectionError.cancelled('Client initiated disconnect'))
    const link = this.localParticipant.link
    if (link) this.cloud.leave(link.room, link.participant, DisconnectReason.CLIENT_INITIATED)
    this.#handleDisconnect(stopTracks, DisconnectReason.CLIENT_INITIATED)
  }

  /** livekit-client's `handleDisconnect`: remote tracks unsubscribed, local tracks unpublished (stopped when `stopTracks`), then `disconnected(reason)`. */
  #handleDisconnect(stopTracks: boolean, reason: DisconnectReason | undefined): void {
    this.#buffered = []
    this.#deferred = []
    if (this.state === ConnectionState.Disconnected) return
    for (const participant of this.remoteParticipants.values()) {
      for (const publication of participant.getTrackPublications()) participant.unpublishTrack(publication.trackSid)
    }
    const local = this.localParticipant
    // The signal connection is closed: unpublishing now tells the cloud nothing.
    local.link = undefined
    for (const publication of local.getTrackPublications()) {
      const track = publication.track
      if (track) void local.unpublishTrack(track, stopTracks)
      if (stopTracks) {
        track?.detach()
        track?.stop()
      }
    }
    this.remoteParticipants.clear()
    this.activeSpeakers = []
    this.#setState(ConnectionState.Disconnected)
    this.emit(RoomEvent.Disconnected, reason)
  }

  getParticipantByIdentity(identity: string): FakeRemoteParticipant | FakeLocalParticipant | undefined {
    return identity === this.localParticipant.identity ? this.localParticipant : this.remoteParticipants.get(identity)
  }

  getActiveDevice(kind: MediaDeviceKind): string | undefined {
    return this.localParticipant.activeDeviceMap.get(kind)
  }

  /** livekit-client's `switchActiveDevice`: the capture defaults and the published camera / microphone move to the device. */
  async switchActiveDevice(kind: MediaDeviceKind, deviceId: string, exact = true): Promise<boolean> {
    const constraint: ConstrainDOMString = exact ? { exact: deviceId } : deviceId
    let success = true
    let immediate = false
    if (kind === 'audioinput' || kind === 'videoinput') {
      const local = this.localParticipant
      const source = kind === 'audioinput' ? Source.Microphone : Source.Camera
      const publications = kind === 'audioinput' ? local.audioTrackPublications : local.videoTrackPublications
      const defaults = kind === 'audioinput' ? (this.options.audioCaptureDefaults ??= {}) : (this.options.videoCaptureDefaults ??= {})
      immediate = publications.size === 0
      const previous = this.getActiveDevice(kind) ?? unwrap(defaults.deviceId)
      defaults.deviceId = constraint
      const tracks = [...publications.values()].filter((publication) => publication.source === source)
      try {
        success = (await Promise.all(tracks.map((publication) => publication.track?.setDeviceId(constraint) ?? Promise.resolve(undefined)))).every((value) => value === true)
      } catch (error) {
        defaults.deviceId = previous
        throw error
      }
      if (success && tracks.some((publication) => publication.track?.isMuted ?? false)) immediate = true
    } else if (kind === 'audiooutput') {
      immediate = true
    }
    if (immediate) {
      this.localParticipant.activeDeviceMap.set(kind, deviceId)
      this.emit(RoomEvent.ActiveDeviceChanged, kind, deviceId)
    }
    return success
  }

  #getOrCreateParticipant(info: CloudParticipantInfo): FakeRemoteParticipant {
    const existing = this.remoteParticipants.get(info.identity)
    if (existing) {
      existing.updateInfo(info)
      return existing
    }
    // livekit-client's `RemoteParticipant.fromParticipantInfo`: made with its name, metadata and attributes (no change events for them).
    const participant = new FakeRemoteParticipant(info.sid, info.identity, info.name, info.metadata, info.attributes)
    this.remoteParticipants.set(info.identity, participant)
    // livekit-client fires participantConnected here, before the participant's first track events.
    this.#emitWhenConnected(RoomEvent.ParticipantConnected, participant)
    participant
      .on(ParticipantEvent.TrackPublished, (publication: FakeRemoteTrackPublication) => {
        this.#emitWhenConnected(RoomEvent.TrackPublished, publication, participant)
        if (this.#autoSubscribe) this.#scheduleSubscription(participant, publication)
      })
      .on(ParticipantEvent.TrackSubscribed, (track: FakeRemoteTrack, publication: FakeRemoteTrackPublication) =>
        this.#emitWhenConnected(RoomEvent.TrackSubscribed, track, publication, participant),
      )
      .on(ParticipantEvent.TrackUnpublished, (publication: FakeRemoteTrackPublication) => this.emit(RoomEvent.TrackUnpublished, publication, participant))
      .on(ParticipantEvent.TrackUnsubscribed, (track: FakeRemoteTrack, publication: FakeRemoteTrackPublication) =>
        this.emit(RoomEvent.TrackUnsubscribed, track, publication, participant),
      )
      .on(ParticipantEvent.TrackMuted, (publication: FakeRemoteTrackPublication) => this.#emitWhenConnected(RoomEvent.TrackMuted, publication, participant))
      .on(ParticipantEvent.TrackUnmuted, (publication: FakeRemoteTrackPublication) => this.#emitWhenConnected(RoomEvent.TrackUnmuted, publication, participant))
      .on(ParticipantEvent.ParticipantMetadataChanged, (metadata: string | undefined) => this.#emitWhenConnected(RoomEvent.ParticipantMetadataChanged, metadata, participant))
      .on(ParticipantEvent.ParticipantNameChanged, (name: string) => this.#emitWhenConnected(RoomEvent.ParticipantNameChanged, name, participant))
      .on(ParticipantEvent.AttributesChanged, (changed: Record<string, string>) => this.#emitWhenConnected(RoomEvent.ParticipantAttributesChanged, changed, participant))
      .on(ParticipantEvent.ConnectionQualityChanged, (quality: ConnectionQuality) => this.#emitWhenConnected(RoomEvent.ConnectionQualityChanged, quality, participant))
      .on(ParticipantEvent.ParticipantPermissionsChanged, (previous: FakePermission | undefined) =>
        this.#emitWhenConnected(RoomEvent.ParticipantPermissionsChanged, previous, participant),
      )
    participant.updateInfo(info)
    return participant
  }

  /** The publication's media arrives: subscribed a task later, or once connected when the Room is still connecting or reconnecting. */
  #scheduleSubscription(participant: FakeRemoteParticipant, publication: FakeRemoteTrackPublication): void {
    const subscribe = (): void => {
      if (this.state === ConnectionState.Disconnected || publication.track || participant.trackPublications.get(publication.trackSid) !== publication) return
      publication.setTrack(new FakeRemoteTrack(publication.kind, publication.trackSid, publication.source, publication.isMuted))
    }
    if (this.state === ConnectionState.Connected) queueMicrotask(subscribe)
    else this.#deferred.push(subscribe)
  }

  #flushDeferred(): void {
    const deferred = this.#deferred
    this.#deferred = []
    for (const subscribe of deferred) subscribe()
  }

  #handleParticipantDisconnected(identity: string, reason: DisconnectReason | undefined): void {
    const participant = this.remoteParticipants.get(identity)
    this.remoteParticipants.delete(identity)
    if (!participant) return
    for (const publication of participant.getTrackPublications()) participant.unpublishTrack(publication.trackSid, true)
    this.emit(RoomEvent.ParticipantDisconnected, participant, reason)
  }

  // CloudClient: the signal messages of the cloud.

  participantUpdate(infos: CloudParticipantInfo[]): void {
    if (this.state === ConnectionState.Disconnected) return
    for (const info of infos) {
      if (info.identity === this.localParticipant.identity) this.localParticipant.updateInfo(info)
      else if (info.state === 'DISCONNECTED')
        this.#handleParticipantDisconnected(info.identity, info.disconnectReason === DisconnectReason.UNKNOWN_REASON ? undefined : info.disconnectReason)
      else this.#getOrCreateParticipant(info)
    }
  }

  remoteMute(trackSid: string, muted: boolean): void {
    const publication = this.localParticipant.trackPublications.get(trackSid)
    if (!publication?.track) return
    void (muted ? publication.mute() : publication.unmute())
  }

  leave(reason: DisconnectReason): void {
    this.#handleDisconnect(this.options.stopLocalTrackOnUnpublish ?? true, reason)
  }

  /** livekit-client's `handleSpeakersChanged`: levels and speaking states updated; `activeSpeakersChanged` with the speakers, loudest first. */
  speakersChanged(speakers: Array<{ sid: string; level: number; active: boolean }>): void {
    const last = new Map<string, FakeRemoteParticipant | FakeLocalParticipant>(this.activeSpeakers.map((speaker) => [speaker.sid, speaker]))
    for (const speaker of speakers) {
      const participant =
        speaker.sid === this.localParticipant.sid ? this.localParticipant : [...this.remoteParticipants.values()].find((remote) => remote.sid === speaker.sid)
      if (!participant) continue
      participant.audioLevel = speaker.level
      participant.setIsSpeaking(speaker.active)
      if (speaker.active) last.set(speaker.sid, participant)
      else last.delete(speaker.sid)
    }
    this.activeSpeakers = [...last.values()].sort((a, b) => b.audioLevel - a.audioLevel)
    this.#emitWhenConnected(RoomEvent.ActiveSpeakersChanged, this.activeSpeakers)
  }

  connectionQuality(updates: Array<{ participantSid: string; quality: ConnectionQuality }>): void {
    for (const update of updates) {
      if (update.participantSid === this.localParticipant.sid) this.localParticipant.setConnectionQuality(update.quality)
      else [...this.remoteParticipants.values()].find((remote) => remote.sid === update.participantSid)?.setConnectionQuality(update.quality)
    }
  }

  /** livekit-client's `handleUserPacket`: `dataReceived(payload, participant, kind, topic, encryptionType, participantIdentity)`, and on the participant. */
  dataPacket(packet: CloudDataPacket): void {
    if (this.state === ConnectionState.Disconnected) return
    const participant = this.remoteParticipants.get(packet.participantIdentity)
    this.emit(RoomEvent.DataReceived, packet.payload, participant, packet.kind, packet.topic, Encryption_Type.NONE, packet.participantIdentity)
    participant?.emit(ParticipantEvent.DataReceived, packet.payload, packet.kind, Encryption_Type.NONE)
  }

  // Back doors.

  /** The connection dropped and livekit-client reconnects: `reconnecting`; events are held until `restore()`. */
  interrupt(): void {
    if (this.state !== ConnectionState.Connected) return
    this.#setState(ConnectionState.Reconnecting)
    this.emit(RoomEvent.Reconnecting)
  }

  /** livekit-client reconnected: `reconnected`, then the events held meanwhile. */
  restore(): void {
    if (this.state !== ConnectionState.Reconnecting) return
    this.#setState(ConnectionState.Connected)
    this.emit(RoomEvent.Reconnected)
    const buffered = this.#buffered
    this.#buffered = []
    for (const [event, args] of buffered) this.emit(event, ...args)
    this.#flushDeferred()
  }

  /** The session ends with `reason` (livekit-client gave up reconnecting, or the server ended it): `disconnected(reason)`. */
  drop(reason: DisconnectReason): void {
    const link = this.localParticipant.link
    if (link) this.cloud.leave(link.room, link.participant, reason)
    else this.#handleDisconnect(this.options.stopLocalTrackOnUnpublish ?? true, reason)
  }
}

/** livekit-client's `getDisconnectReasonFromConnectionError`. */
function reasonOfConnectionError(error: ConnectionError): DisconnectReason {
  switch (error.reason) {
    case ConnectionErrorReason.LeaveRequest:
      return error.context as DisconnectReason
    case ConnectionErrorReason.Cancelled:
      return DisconnectReason.CLIENT_INITIATED
    case ConnectionErrorReason.NotAllowed:
      return DisconnectReason.USER_REJECTED
    case ConnectionErrorReason.ServerUnreachable:
      return DisconnectReason.JOIN_FAILURE
    default:
      return DisconnectReason.UNKNOWN_REASON
  }
}

/** The fake livekit-client module: livekit-client's names, over one cloud. */
export interface FakeLiveKitClient {
  Room: new (options?: RoomOptions) => FakeRoom
  LocalAudioTrack: typeof FakeLocalAudioTrack
  LocalVideoTrack: typeof FakeLocalVideoTrack
  RoomEvent: typeof RoomEvent
  ParticipantEvent: typeof ParticipantEvent
  TrackEvent: typeof TrackEvent
  Track: { Source: typeof LiveKitTrackClass.Source; Kind: typeof LiveKitTrackClass.Kind }
  DisconnectReason: typeof DisconnectReason
  ConnectionQuality: typeof ConnectionQuality
  ConnectionState: typeof ConnectionState
  ConnectionError: typeof ConnectionError
  ConnectionErrorReason: typeof ConnectionErrorReason
  DataPacket_Kind: typeof DataPacket_Kind
  /** Every Room made with `new Room()`, oldest first. */
  readonly rooms: FakeRoom[]
}

export function createFakeLiveKitClient(cloud: FakeLiveKit): FakeLiveKitClient {
  const rooms: FakeRoom[] = []
  return {
    Room: class Room extends FakeRoom {
      constructor(options?: RoomOptions) {
        super(cloud, options)
        rooms.push(this)
      }
    },
    LocalAudioTrack: FakeLocalAudioTrack,
    LocalVideoTrack: FakeLocalVideoTrack,
    RoomEvent,
    ParticipantEvent,
    TrackEvent,
    Track: { Source: LiveKitTrackClass.Source, Kind: LiveKitTrackClass.Kind },
    DisconnectReason,
    ConnectionQuality,
    ConnectionState,
    ConnectionError,
    ConnectionErrorReason,
    DataPacket_Kind,
    rooms,
  }
}
