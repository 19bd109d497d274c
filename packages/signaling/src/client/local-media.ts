import { createLocalTrack, toMediaError, type ActiveDeviceChangedEvent, type LocalTrack, type TrackKind, type TrackSource } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'
import type { ResolvedWebrtc } from './webrtc'

/** What a local track is for; each source has its own sender on every peer connection. */
export type LocalSource = Exclude<TrackSource, 'unknown'>
type DeviceSource = 'camera' | 'microphone'

export const sourceOfKind = { audio: 'microphone', video: 'camera' } as const satisfies Record<TrackKind, DeviceSource>

/** What the connection does when the local media changes. */
export interface LocalMediaHooks {
  /** Peers should now receive `track` for `source` (null: nothing). */
  send(source: LocalSource, track: MediaStreamTrack | null): Promise<void>
  /** A screen share starts (before its tracks are sent) or ended (after). */
  screenShared(sharing: boolean): Promise<void>
  emit(name: 'local-track-published' | 'local-track-unpublished', track: LocalTrack): void
  deviceChanged(event: ActiveDeviceChangedEvent): void
}

/**
 * The local camera, microphone and screen share. Tracks handed in by the page (`ConnectOptions.tracks`)
 * are published as they are and never stopped; tracks the adapter captured itself are stopped when
 * they are replaced or turned off. The microphone is muted by disabling its track (unmuting is
 * instant); a camera turned off stops sending (an adapter-captured camera is stopped: its light goes
 * off) and is captured again, or the page's track sent again, when turned on. A camera or microphone
 * whose device goes away (`ended`) is replaced by the default device.
 */
export class LocalMedia {
  readonly stream: MediaStream | undefined
  readonly screenStream: MediaStream | undefined
  readonly #webrtc: ResolvedWebrtc
  readonly #hooks: LocalMediaHooks
  readonly #tracks = new Map<LocalSource, LocalTrack>()
  /** Tracks the page handed in, by source: sent again when that source is turned on again. */
  readonly #given = new Map<LocalSource, LocalTrack>()
  readonly #owned = new WeakSet<LocalTrack>()
  /** The device chosen with `switchDevice`, by source. */
  readonly #devices: Partial<Record<DeviceSource, string>> = {}

  constructor(webrtc: ResolvedWebrtc, hooks: LocalMediaHooks) {
    this.#webrtc = webrtc
    this.#hooks = hooks
    const Stream = webrtc.getUserMedia && webrtc.MediaStream
    this.stream = Stream ? new Stream() : undefined
    this.screenStream = Stream ? new Stream() : undefined
  }

  /** False where there is no getUserMedia: nothing is captured and every toggle only changes what is announced. */
  get available(): boolean {
    return this.#webrtc.getUserMedia !== undefined
  }

  /** Tracks being sent, by source (a muted microphone counts: it sends silence). */
  sending(): [LocalSource, MediaStreamTrack][] {
    return [...this.#tracks].map(([source, track]) => [source, track.mediaStreamTrack])
  }

  /** The published tracks. */
  list(): LocalTrack[] {
    return [...this.#tracks.values()]
  }

  isEnabled(kind: TrackKind): boolean {
    const track = this.#tracks.get(sourceOfKind[kind])?.mediaStreamTrack
    return track !== undefined && track.enabled && track.readyState === 'live'
  }

  get sharing(): boolean {
    return this.#tracks.has('screen')
  }

  /** Publishes the page's tracks of the requested kinds and captures the requested kinds it holds none of. */
  async start(request: Record<TrackKind, boolean>, given: readonly LocalTrack[] = []): Promise<void> {
    if (!this.available) return
    const missing: TrackKind[] = []
    for (const kind of ['audio', 'video'] as const) {
      const track = given.find((candidate) => candidate.kind === kind && candidate.mediaStreamTrack.readyState === 'live')
      if (track) this.#given.set(sourceOfKind[kind], track)
      if (!request[kind]) continue
      if (track) this.#put(sourceOfKind[kind], track)
      else missing.push(kind)
    }
    if (missing.length > 0) for (const track of await this.#capture(missing)) this.#put(track.source as DeviceSource, track)
  }

  /** Turns the camera or microphone on or off; returns whether anything is sent for it now. */
  async setEnabled(kind: TrackKind, enabled: boolean): Promise<void> {
    if (!this.available) return
    const source = sourceOfKind[kind]
    const current = this.#tracks.get(source)
    if (current && current.mediaStreamTrack.readyState === 'live' && (kind === 'audio' || enabled)) {
      current.mediaStreamTrack.enabled = enabled
      return
    }
    if (!enabled) {
      if (current) await this.#replace(source, undefined)
      return
    }
    const given = this.#given.get(source)
    const track = given?.mediaStreamTrack.readyState === 'live' && this.#devices[source] === undefined ? given : (await this.#capture([kind]))[0]
    await this.#replace(source, track)
  }

  /** Captures from another camera or microphone and sends it instead (`replaceTrack`: no renegotiation). */
  async switchDevice(source: DeviceSource, deviceId: string): Promise<void> {
    const current = this.#tracks.get(source)
    const kind: TrackKind = source === 'camera' ? 'video' : 'audio'
    if (current && this.available) {
      const [track] = await this.#capture([kind], deviceId)
      if (track) track.mediaStreamTrack.enabled = current.mediaStreamTrack.enabled
      await this.#replace(source, track)
    }
    this.#devices[source] = deviceId
    this.#hooks.deviceChanged({ kind: source, deviceId, reason: 'switched' })
  }

  /** Starts or stops the screen share; stopping it from the browser's own control stops it too. */
  async setScreenShare(enabled: boolean, audio: boolean): Promise<void> {
    if (!enabled) {
      if (!this.sharing) return
      for (const source of ['screen', 'screen-audio'] as const) if (this.#tracks.has(source)) await this.#replace(source, undefined)
      await this.#hooks.screenShared(false)
      return
    }
    if (this.sharing) return
    const getDisplayMedia = this.#webrtc.getDisplayMedia
    if (!getDisplayMedia) throw toMediaError(Object.assign(new Error('This browser cannot share a screen'), { name: 'NotSupportedError' }), SIGNALING_PROVIDER)
    let tracks: LocalTrack[]
    try {
      const stream = await getDisplayMedia({ video: true, audio })
      tracks = stream.getTracks().map((track) => this.#own(track, track.kind === 'audio' ? 'screen-audio' : 'screen'))
    } catch (error) {
      throw toMediaError(error, SIGNALING_PROVIDER)
    }
    await this.#hooks.screenShared(true)
    for (const track of tracks) await this.#replace(track.source as LocalSource, track)
  }

  /** Stops every track the adapter captured (the devices are released); the page's tracks are left alone. */
  stop(): void {
    for (const source of [...this.#tracks.keys()]) this.#put(source, undefined, false)
  }

  async #capture(kinds: TrackKind[], deviceId?: string): Promise<LocalTrack[]> {
    const getUserMedia = this.#webrtc.getUserMedia
    if (!getUserMedia) return []
    const constraint = (kind: TrackKind): boolean | MediaTrackConstraints => {
      if (!kinds.includes(kind)) return false
      const device = deviceId ?? this.#devices[sourceOfKind[kind]]
      return device === undefined ? true : { deviceId: { exact: device } }
    }
    try {
      const stream = await getUserMedia({ audio: constraint('audio'), video: constraint('video') })
      return stream.getTracks().map((track) => this.#own(track, sourceOfKind[track.kind === 'audio' ? 'audio' : 'video']))
    } catch (error) {
      throw toMediaError(error, SIGNALING_PROVIDER)
    }
  }

  #own(mediaStreamTrack: MediaStreamTrack, source: LocalSource): LocalTrack {
    const track = createLocalTrack(mediaStreamTrack, { source, deviceId: mediaStreamTrack.getSettings?.().deviceId, provider: SIGNALING_PROVIDER })
    this.#owned.add(track)
    return track
  }

  async #replace(source: LocalSource, track: LocalTrack | undefined): Promise<void> {
    await this.#hooks.send(source, track?.mediaStreamTrack ?? null)
    this.#put(source, track)
  }

  /** Makes `track` the one of `source` (stopping the previous one when the adapter captured it). */
  #put(source: LocalSource, track: LocalTrack | undefined, announce = true): void {
    const previous = this.#tracks.get(source)
    if (previous === track) return
    const stream = source.startsWith('screen') ? this.screenStream : this.stream
    if (previous) {
      this.#tracks.delete(source)
      stream?.removeTrack(previous.mediaStreamTrack)
      if (this.#owned.has(previous)) previous.stop()
      if (announce) this.#hooks.emit('local-track-unpublished', previous)
    }
    if (!track) return
    this.#tracks.set(source, track)
    stream?.addTrack(track.mediaStreamTrack)
    track.mediaStreamTrack.addEventListener('ended', () => void this.#ended(source, track).catch(() => undefined), { once: true })
    if (announce) this.#hooks.emit('local-track-published', track)
  }

  /** The device behind a published track went away (unplugged, or the share stopped from the browser). */
  async #ended(source: LocalSource, track: LocalTrack): Promise<void> {
    if (this.#tracks.get(source) !== track) return
    if (source === 'screen') return this.setScreenShare(false, false)
    if (source === 'screen-audio') return this.#replace(source, undefined)
    delete this.#devices[source]
    const kind: TrackKind = source === 'camera' ? 'video' : 'audio'
    let fallback: LocalTrack | undefined
    try {
      fallback = (await this.#capture([kind]))[0]
    } catch {
      // No default device either: nothing is sent for it any more.
    }
    if (this.#tracks.get(source) !== track) {
      fallback?.stop()
      return
    }
    if (fallback) fallback.mediaStreamTrack.enabled = track.mediaStreamTrack.enabled
    await this.#replace(source, fallback)
    if (fallback) this.#hooks.deviceChanged({ kind: source, deviceId: 'default', reason: 'unplugged' })
  }
}
