import { CallportError, captureUserMedia, type ActiveDeviceChangedEvent, type CaptureConstraints, type LocalTrack, type TrackKind } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import { errorFromOpenViduBrowser } from './openvidu-reasons'
import type { OpenViduBrowser, OpenViduBrowserPublisher, OpenViduBrowserPublisherProperties, OpenViduBrowserSession } from './openvidu-browser-types'

/** Publisher properties the app may choose (the sources and the published flags are the adapter's). */
export type OpenViduPublisherProperties = Pick<OpenViduBrowserPublisherProperties, 'resolution' | 'frameRate' | 'mirror'>

/** What the local media tells the connection, to emit. */
export interface LocalMediaEvents {
  published(track: LocalTrack): void
  unpublished(track: LocalTrack): void
  deviceChanged(event: ActiveDeviceChangedEvent): void
}

export interface LocalMediaOptions {
  openVidu: OpenViduBrowser
  session: OpenViduBrowserSession
  /** False for the `subscriber` role: OpenVidu refuses to let it publish. */
  canPublish: boolean
  properties: OpenViduPublisherProperties
  /** The page's preview (`ConnectOptions.tracks`): published instead of capturing, never stopped. */
  tracks: readonly LocalTrack[]
  events: LocalMediaEvents
}

interface Wanted {
  audio: boolean
  video: boolean
}

/** A camera or microphone track the adapter holds: the page's (never stopped here) or one it captured (`owned`). */
interface Held {
  track: LocalTrack
  owned: boolean
  unwatch: () => void
}

const kinds = ['video', 'audio'] as const
const deviceKindOf = { video: 'camera', audio: 'microphone' } as const
const sourceOf = { video: 'camera', audio: 'microphone' } as const

/**
 * The local camera and microphone as one OpenVidu Publisher made from MediaStreamTracks
 * (`initPublisherAsync(undefined, { audioSource: track, videoSource: track })`), so openvidu-browser
 * captures nothing itself: the tracks are the page's preview (`ConnectOptions.tracks`) or captured
 * with `@callport/core`'s `captureUserMedia` (typed errors). openvidu-browser stops the tracks it
 * publishes (on `unpublish`, on leaving, on `replaceTrack`, on `publishVideo(false, true)`), so it is
 * handed a `clone()` of each: the page's tracks are never stopped, and the adapter stops the ones it
 * captured when it lets them go.
 *
 * Camera off: `publishVideo(false, true)` (the camera is released); on: a track (the preview while it
 * lives, else a new capture) put back with `publishVideo(true, track)`. Microphone off / on:
 * `publishAudio`. Turning a source on that the publisher lacks replaces the publisher (unpublish,
 * a new one with both, publish). `switchDevice` captures from the chosen device and
 * `replaceTrack`s; a track whose device is unplugged (its `ended` event) is replaced by one of the
 * default device. Changes run one at a time.
 */
export class LocalMedia {
  readonly #options: LocalMediaOptions
  readonly #wanted: Wanted = { audio: false, video: false }
  readonly #held: Partial<Record<TrackKind, Held>> = {}
  /** The device chosen with `switchDevice`, per kind (undefined: the default). */
  readonly #deviceIds: Partial<Record<TrackKind, string>> = {}
  /** Preview tracks still to be used, per kind (dropped once another device is chosen). */
  readonly #preview: Partial<Record<TrackKind, LocalTrack>> = {}
  #publisher: OpenViduBrowserPublisher | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(options: LocalMediaOptions) {
    this.#options = options
    for (const kind of kinds) {
      const track = options.tracks.find((candidate) => candidate.kind === kind && candidate.source === sourceOf[kind])
      if (track) this.#preview[kind] = track
    }
  }

  /** The camera and microphone tracks published and on now. */
  tracks(): LocalTrack[] {
    return kinds.filter((kind) => this.#wanted[kind]).flatMap((kind) => this.#held[kind]?.track ?? [])
  }

  /** Turns sources on or off; resolves once OpenVidu has applied it. */
  set(change: Partial<Wanted>): Promise<void> {
    return this.#run(() => this.#apply(change))
  }

  /** Captures from another camera or microphone and replaces the published track with it. */
  switchDevice(kind: TrackKind, deviceId: string): Promise<void> {
    return this.#run(() => this.#switch(kind, deviceId, 'switched'))
  }

  /** Forgets the publisher (the session's `disconnect` unpublishes it) and stops what the adapter captured. */
  close(): void {
    this.#closed = true
    this.#publisher = undefined
    for (const kind of kinds) this.#release(kind)
  }

  #run(step: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(step)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #checkOpen(): void {
    if (this.#closed) throw new CallportError('CONNECTION_FAILED', 'The OpenVidu call has ended', { provider: OPENVIDU_PROVIDER })
  }

  async #apply(change: Partial<Wanted>): Promise<void> {
    this.#checkOpen()
    const wanted = { ...this.#wanted, ...change }
    if (!this.#options.canPublish && (wanted.audio || wanted.video)) {
      throw new CallportError('FORBIDDEN', 'A participant with the subscriber role cannot publish a camera or microphone', { provider: OPENVIDU_PROVIDER })
    }
    const turningOn = kinds.filter((kind) => wanted[kind] && !this.#wanted[kind])
    const turningOff = kinds.filter((kind) => !wanted[kind] && this.#wanted[kind])
    const acquired = await this.#acquire(kinds.filter((kind) => wanted[kind] && !this.#held[kind]))
    try {
      const publisher = this.#publisher
      if (publisher && kinds.every((kind) => !wanted[kind] || (kind === 'audio' ? publisher.stream.hasAudio : publisher.stream.hasVideo))) {
        await this.#toggle(publisher, wanted)
      } else if (wanted.audio || wanted.video) {
        await this.#replace(publisher, wanted)
      }
    } catch (error) {
      for (const kind of acquired) this.#release(kind)
      throw error
    }
    Object.assign(this.#wanted, wanted)
    // The camera was released (`publishVideo(false, true)`): let go of its track too.
    if (turningOff.includes('video')) this.#release('video', true)
    for (const kind of turningOff) if (kind === 'audio') this.#emit('unpublished', this.#held.audio?.track)
    for (const kind of turningOn) this.#emit('published', this.#held[kind]?.track)
  }

  /** Holds a track for each kind: the preview's while it lives, else one capture for all of them. */
  async #acquire(missing: readonly TrackKind[]): Promise<TrackKind[]> {
    const toCapture: TrackKind[] = []
    for (const kind of missing) {
      const preview = this.#preview[kind]
      if (preview && preview.mediaStreamTrack.readyState !== 'ended') this.#hold(kind, preview, false)
      else toCapture.push(kind)
    }
    if (toCapture.length > 0) {
      const captured = await captureUserMedia(
        {
          audio: toCapture.includes('audio') && this.#constraints('audio', this.#deviceIds.audio),
          video: toCapture.includes('video') && this.#constraints('video', this.#deviceIds.video),
        },
        { provider: OPENVIDU_PROVIDER },
      )
      if (this.#closed) {
        for (const track of captured) track.stop()
        this.#checkOpen()
      }
      for (const track of captured) this.#hold(track.kind, track, true)
    }
    return [...missing]
  }

  /** What to capture for a kind: the chosen device, and for the camera the publisher's resolution and frame rate. */
  #constraints(kind: TrackKind, deviceId: string | undefined): CaptureConstraints {
    const constraints: MediaTrackConstraints & { deviceId?: string } = deviceId === undefined ? {} : { deviceId }
    if (kind === 'video') {
      const [width, height] = (this.#options.properties.resolution ?? '').split('x').map(Number)
      if (width && height) Object.assign(constraints, { width: { ideal: width }, height: { ideal: height } })
      if (this.#options.properties.frameRate !== undefined) constraints.frameRate = { ideal: this.#options.properties.frameRate }
    }
    return Object.keys(constraints).length === 0 ? true : constraints
  }

  #hold(kind: TrackKind, track: LocalTrack, owned: boolean): void {
    this.#release(kind)
    const onEnded = (): void => void this.#run(() => this.#onEnded(kind, track)).catch(() => undefined)
    track.mediaStreamTrack.addEventListener('ended', onEnded)
    this.#held[kind] = { track, owned, unwatch: () => track.mediaStreamTrack.removeEventListener('ended', onEnded) }
  }

  /** Lets go of the track of a kind, stopping it when the adapter captured it; `announce`: emit `local-track-unpublished`. */
  #release(kind: TrackKind, announce = false): void {
    const held = this.#held[kind]
    if (!held) return
    delete this.#held[kind]
    held.unwatch()
    if (held.owned) held.track.stop()
    if (announce) this.#emit('unpublished', held.track)
  }

  #emit(event: 'published' | 'unpublished', track: LocalTrack | undefined): void {
    if (track && !this.#closed) this.#options.events[event](track)
  }

  /** The copy of a held track openvidu-browser gets (and may stop). */
  #sent(kind: TrackKind): MediaStreamTrack | false {
    const held = this.#held[kind]
    return held ? held.track.mediaStreamTrack.clone() : false
  }

  async #toggle(publisher: OpenViduBrowserPublisher, wanted: Wanted): Promise<void> {
    try {
      if (publisher.stream.hasAudio) publisher.publishAudio(wanted.audio)
      if (publisher.stream.hasVideo && wanted.video !== this.#wanted.video) {
        if (wanted.video) await publisher.publishVideo(true, this.#sent('video') || undefined)
        else await publisher.publishVideo(false, true)
      }
    } catch (error) {
      throw errorFromOpenViduBrowser(error, 'openvidu-browser could not switch the camera or microphone')
    }
  }

  async #replace(previous: OpenViduBrowserPublisher | undefined, wanted: Wanted): Promise<void> {
    const { openVidu, session, properties } = this.#options
    try {
      if (previous) {
        this.#publisher = undefined
        await session.unpublish(previous)
      }
      const publisher = await openVidu.initPublisherAsync(undefined, {
        ...properties,
        audioSource: this.#sent('audio'),
        videoSource: wanted.video ? this.#sent('video') : false,
        publishAudio: wanted.audio,
        publishVideo: wanted.video,
      })
      this.#checkOpen()
      await session.publish(publisher)
      this.#publisher = publisher
    } catch (error) {
      throw errorFromOpenViduBrowser(error, 'openvidu-browser could not publish the camera or microphone')
    }
  }

  /** Captures from `deviceId` (undefined: the default) and puts the track in place of the one of that kind. */
  async #switch(kind: TrackKind, deviceId: string | undefined, reason: ActiveDeviceChangedEvent['reason']): Promise<void> {
    this.#checkOpen()
    delete this.#preview[kind]
    const previous = this.#held[kind]
    if (previous) {
      const constraints = this.#constraints(kind, deviceId)
      const [track] = await captureUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints }, { provider: OPENVIDU_PROVIDER })
      if (!track) throw new CallportError('DEVICE_NOT_FOUND', `No ${deviceKindOf[kind]} track was captured`, { provider: OPENVIDU_PROVIDER })
      const publisher = this.#publisher
      const published = publisher !== undefined && (kind === 'audio' ? publisher.stream.hasAudio : publisher.stream.hasVideo)
      try {
        this.#checkOpen()
        if (published) await publisher.replaceTrack(track.mediaStreamTrack.clone())
      } catch (error) {
        track.stop()
        throw CallportError.isInstance(error) ? error : errorFromOpenViduBrowser(error, `openvidu-browser could not replace the ${deviceKindOf[kind]} track`)
      }
      const on = this.#wanted[kind]
      this.#release(kind, on)
      this.#hold(kind, track, true)
      if (on) this.#emit('published', track)
      deviceId = track.deviceId ?? deviceId
    }
    if (reason === 'switched') this.#deviceIds[kind] = deviceId
    else delete this.#deviceIds[kind]
    if (!this.#closed) this.#options.events.deviceChanged({ kind: deviceKindOf[kind], deviceId: deviceId ?? 'default', reason, raw: undefined })
  }

  /** The held track ended (its device was unplugged): the default device takes over. */
  async #onEnded(kind: TrackKind, track: LocalTrack): Promise<void> {
    if (this.#closed || this.#held[kind]?.track !== track) return
    await this.#switch(kind, undefined, 'unplugged')
  }
}
