import { CallportError, captureUserMedia, type ConnectionEvents, type DeviceKind, type EventEmitter, type LocalTrack, type Participant, type TrackKind } from '@callport/core'
import { JANUS_PROVIDER } from '../shared/provider-id'
import type { JanusJsMessage } from './janus-js-types'
import { LIVE_DESCRIPTION, MUTED_DESCRIPTION, type DisplayedStream } from './published-streams'
import type { Publisher } from './publisher'

type DeviceSource = 'camera' | 'microphone'
const sourceOfKind = { audio: 'microphone', video: 'camera' } as const satisfies Record<TrackKind, DeviceSource>

/** A published camera or microphone, and whether the adapter captured it (then it stops it). */
interface Sent {
  track: LocalTrack
  owned: boolean
}

/** What the page asked to publish (`ConnectOptions`). */
export interface LocalMediaOptions {
  local: Participant
  audio: boolean
  video: boolean
  /** Tracks to publish instead of capturing (a preview the page made and keeps owning). */
  tracks: readonly LocalTrack[]
}

/** How {@link LocalMedia} reaches its connection. */
export interface LocalMediaHooks {
  /** Where local track and device events go. */
  events: Pick<EventEmitter<ConnectionEvents>, 'emit'>
  /** The camera publisher handle, once joined (never, for a token that may not publish). */
  publisher(): Publisher | undefined
  /** Whether the connection ended. */
  closed(): boolean
}

/**
 * The camera and microphone a page publishes on its camera publisher handle. The adapter captures
 * them itself (core `captureUserMedia`) or publishes the page's tracks (never stopped). A camera or
 * microphone turned off stays published, disabled (janus.js's mute), and its stream is described
 * {@link MUTED_DESCRIPTION}; the page's display lists the streams it sends and their mute state (for
 * subscriber-only pages). `switchDevice` and a device going away (`ended`: the default device takes
 * over) replace the sent track; a moderator's mute turns the kind off (`muted-by-moderator`).
 */
export class LocalMedia {
  readonly #options: LocalMediaOptions
  readonly #hooks: LocalMediaHooks
  /** The camera and microphone published. */
  readonly #media = new Map<DeviceSource, Sent>()
  /** Tracks the page handed in, by source: published when that source is turned on. */
  readonly #given = new Map<DeviceSource, LocalTrack>()
  /** The device chosen with `switchDevice`, by source: later captures use it. */
  readonly #devices: Partial<Record<DeviceSource, string>> = {}
  /** Kinds a moderator muted (VideoRoom keeps relaying nothing of that stream until it is published again). */
  readonly #moderated = new Set<TrackKind>()

  constructor(options: LocalMediaOptions, hooks: LocalMediaHooks) {
    this.#options = options
    this.#hooks = hooks
  }

  /** The camera and microphone published (a camera or microphone turned off stays listed: it stays published, disabled). */
  list(): LocalTrack[] {
    return [...this.#media.values()].map(({ track }) => track)
  }

  /** Publishes the page's tracks of the requested kinds and captures the requested kinds it holds none of. */
  async start(publisher: Publisher): Promise<void> {
    const { audio, video, tracks } = this.#options
    const missing: TrackKind[] = []
    const publish: LocalTrack[] = []
    for (const kind of ['audio', 'video'] as const) {
      const given = tracks.find((track) => track.kind === kind && track.mediaStreamTrack.readyState === 'live')
      if (given) this.#given.set(sourceOfKind[kind], given)
      if (!(kind === 'audio' ? audio : video)) continue
      if (given) {
        this.#put(sourceOfKind[kind], { track: given, owned: false })
        publish.push(given)
      } else missing.push(kind)
    }
    if (missing.length > 0) {
      const captured = await captureUserMedia({ audio: missing.includes('audio'), video: missing.includes('video') }, { provider: JANUS_PROVIDER })
      for (const track of captured) this.#put(track.source as DeviceSource, { track, owned: true })
      publish.push(...captured)
    }
    // A data channel always: the page has its link to Janus (and is listed as a publisher) even when it sends no media yet.
    await publisher.publish(
      publish.map((track) => track.mediaStreamTrack),
      { data: true },
    )
    await this.#announceStreams()
    for (const track of publish) this.#hooks.events.emit('local-track-published', { track })
  }

  /** The display of this page's camera publisher: identity, name and (for subscriber-only pages) the streams it sends. */
  async #announceStreams(): Promise<void> {
    const publisher = this.#hooks.publisher()
    if (!publisher || this.#hooks.closed()) return
    const { local } = this.#options
    const streams: DisplayedStream[] = (publisher.handle.getLocalTracks() ?? []).flatMap(({ mid, type, id }) => {
      if (mid === undefined || (type !== 'audio' && type !== 'video')) return []
      const sent = [...this.#media.values()].find(({ track }) => track.mediaStreamTrack.id === id)
      return [{ mid, type, muted: sent ? !sent.track.mediaStreamTrack.enabled : false }]
    })
    const display = JSON.stringify({ identity: local.identity, ...(local.name === undefined ? {} : { name: local.name }), streams })
    await publisher.setDisplay(display)
  }

  /** Turns the camera (`video`) or microphone (`audio`) on or off. */
  async setEnabled(kind: TrackKind, enabled: boolean): Promise<void> {
    if (this.#hooks.closed()) return
    const publisher = this.#hooks.publisher()
    if (!publisher) {
      if (enabled) throw new CallportError('FORBIDDEN', `A subscriber publishes no media: cannot turn the ${sourceOfKind[kind]} on`, { provider: JANUS_PROVIDER })
      return
    }
    const source = sourceOfKind[kind]
    const current = this.#media.get(source)
    if (current) {
      if (enabled && this.#moderated.has(kind)) {
        // VideoRoom relays nothing of a moderated stream until a moderator lifts it: publish the track again as a new stream.
        await publisher.republish(current.track.mediaStreamTrack)
        this.#moderated.delete(kind)
      }
      // janus.js's mute: the track is disabled (silence, black frames) and stays published; the
      // stream's description tells the others (track-muted / track-unmuted on their pages).
      const { handle } = publisher
      if (kind === 'audio') {
        if (enabled) handle.unmuteAudio()
        else handle.muteAudio()
      } else if (enabled) handle.unmuteVideo()
      else handle.muteVideo()
      await publisher.describe(current.track.mediaStreamTrack, enabled ? LIVE_DESCRIPTION : MUTED_DESCRIPTION)
      await this.#announceStreams()
      return
    }
    if (!enabled) return
    const given = this.#given.get(source)
    const entry =
      given?.mediaStreamTrack.readyState === 'live' && this.#devices[source] === undefined
        ? { track: given, owned: false }
        : { track: await this.#capture(source), owned: true }
    if (this.#hooks.closed() || this.#media.has(source)) {
      if (entry.owned) entry.track.stop()
      return
    }
    this.#put(source, entry)
    try {
      await publisher.publish([entry.track.mediaStreamTrack])
      await this.#announceStreams()
    } catch (error) {
      this.#media.delete(source)
      if (entry.owned) entry.track.stop()
      throw error
    }
    this.#hooks.events.emit('local-track-published', { track: entry.track })
  }

  /** Captures the camera or microphone: the device `switchDevice` chose (exact), or `deviceId`, else the default. */
  async #capture(source: DeviceSource, deviceId = this.#devices[source]): Promise<LocalTrack> {
    const kind: TrackKind = source === 'camera' ? 'video' : 'audio'
    const [track] = await captureUserMedia({ [kind]: deviceId === undefined ? true : { deviceId } }, { provider: JANUS_PROVIDER })
    return track!
  }

  /** Makes `entry` the published track of `source`, watching for its device going away. */
  #put(source: DeviceSource, entry: Sent): void {
    this.#media.set(source, entry)
    entry.track.mediaStreamTrack.addEventListener('ended', () => void this.#unplugged(source, entry).catch(() => undefined), { once: true })
  }

  /**
   * Captures from another camera or microphone and sends it instead (janus.js `replaceTracks`: the
   * same sender, no renegotiation; the others keep receiving the same track). The previous capture is
   * stopped (the page's own track is left alone). DEVICE_NOT_FOUND for an unknown device.
   */
  async switchDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    if (kind === 'speaker')
      throw new CallportError('INVALID_INPUT', 'The session switches the speaker itself (setSinkId): the Janus adapter switches cameras and microphones', {
        provider: JANUS_PROVIDER,
      })
    if (this.#hooks.closed()) return
    const current = this.#media.get(kind)
    const publisher = this.#hooks.publisher()
    if (current && publisher) {
      const track = await this.#capture(kind, deviceId)
      await this.#replace(kind, current, { track, owned: true }).catch((error: unknown) => {
        track.stop()
        throw error
      })
    } else {
      // Nothing sent for it: check the device exists; the next capture uses it.
      ;(await this.#capture(kind, deviceId)).stop()
    }
    this.#devices[kind] = deviceId
    this.#hooks.events.emit('active-device-changed', { kind, deviceId, reason: 'switched' })
  }

  /** Sends `next` instead of `current` for `source` (kept disabled when it was), and announces the change. */
  async #replace(source: DeviceSource, current: Sent, next: Sent): Promise<void> {
    next.track.mediaStreamTrack.enabled = current.track.mediaStreamTrack.enabled
    await this.#hooks.publisher()!.replace(current.track.mediaStreamTrack, next.track.mediaStreamTrack)
    if (this.#hooks.closed() || this.#media.get(source) !== current) {
      next.track.stop()
      return
    }
    this.#put(source, next)
    if (current.owned) current.track.stop()
    this.#hooks.events.emit('local-track-unpublished', { track: current.track })
    this.#hooks.events.emit('local-track-published', { track: next.track })
  }

  /** The device behind a published camera or microphone went away: the default device takes over. */
  async #unplugged(source: DeviceSource, entry: Sent): Promise<void> {
    if (this.#hooks.closed() || this.#media.get(source) !== entry) return
    delete this.#devices[source]
    const fallback = await this.#capture(source, undefined)
    await this.#replace(source, entry, { track: fallback, owned: true })
    if (this.#media.get(source)?.track === fallback) this.#hooks.events.emit('active-device-changed', { kind: source, deviceId: 'default', reason: 'unplugged' })
  }

  /** A moderator muted one of this page's streams (VideoRoom `moderate` on its mid): Janus stops relaying it. */
  async onModerated(message: JanusJsMessage): Promise<void> {
    const kind = this.#hooks.publisher()?.kindOfMid(message.mid)
    if (!kind) return
    if (message.moderation !== 'muted') {
      this.#moderated.delete(kind)
      return
    }
    this.#moderated.add(kind)
    // The page shows it off, as the others now get nothing of it.
    await this.setEnabled(kind, false).catch(() => undefined)
    if (!this.#hooks.closed()) this.#hooks.events.emit('muted-by-moderator', { kind, raw: message })
  }

  /** Stops the tracks the adapter captured (the connection ended; the page's own tracks are left alone). */
  stop(): void {
    for (const { track, owned } of this.#media.values()) if (owned) track.stop()
  }
}
