import type { LocalTrack, TrackKind } from '@callport/core'
import { MemoryTrack, type MemoryTrackSource } from './memory-track'

let sequence = 0

/**
 * Just enough of a `MediaStreamTrack` for code that reads a local track (`kind`, `readyState`,
 * `enabled`, `getSettings().deviceId`, `stop()`, the `ended` event), where the runtime has no media
 * capture (Node). It carries no media.
 */
class SyntheticMediaStreamTrack extends EventTarget {
  readonly id: string
  readonly kind: TrackKind
  readonly label: string
  readonly #deviceId: string | undefined
  enabled = true
  readonly muted = false
  contentHint = ''
  readyState: MediaStreamTrackState = 'live'
  onended: ((event: Event) => void) | null = null
  onmute: ((event: Event) => void) | null = null
  onunmute: ((event: Event) => void) | null = null

  constructor(kind: TrackKind, label: string, deviceId: string | undefined) {
    super()
    this.id = `synthetic-${(++sequence).toString(36)}-${globalThis.crypto.randomUUID().slice(0, 8)}`
    this.kind = kind
    this.label = label
    this.#deviceId = deviceId
  }

  getSettings(): MediaTrackSettings {
    return this.#deviceId === undefined ? {} : { deviceId: this.#deviceId }
  }
  getConstraints(): MediaTrackConstraints {
    return {}
  }
  getCapabilities(): MediaTrackCapabilities {
    return {}
  }
  async applyConstraints(): Promise<void> {}
  clone(): SyntheticMediaStreamTrack {
    return new SyntheticMediaStreamTrack(this.kind, this.label, this.#deviceId)
  }
  stop(): void {
    this.readyState = 'ended'
  }
  /** Ends as the browser ends a capture (its "Stop sharing" control, a device gone): `readyState` `ended` and an `ended` event. */
  endFromBrowser(): void {
    if (this.readyState === 'ended') return
    this.readyState = 'ended'
    const event = new Event('ended')
    this.onended?.(event)
    this.dispatchEvent(event)
  }
}

export interface MemoryLocalTrackOptions {
  source: MemoryTrackSource
  /** The device it captures from; `'default'` for a camera or microphone by default, none for a screen. */
  deviceId?: string
}

/**
 * A synthetic local track (camera, microphone, screen or screen audio): what the memory provider
 * publishes, and what a test hands to `connect` as a preview (`ConnectOptions.tracks`). Its
 * `mediaStreamTrack` is a stand-in that works in Node: `stop()` ends it (`readyState` `ended`).
 */
export class MemoryLocalTrack extends MemoryTrack implements LocalTrack {
  declare readonly mediaStreamTrack: MediaStreamTrack
  readonly deviceId: string | undefined

  constructor(options: MemoryLocalTrackOptions) {
    const screen = options.source === 'screen' || options.source === 'screen-audio'
    const deviceId = screen ? undefined : (options.deviceId ?? 'default')
    const mediaStreamTrack = new SyntheticMediaStreamTrack(kindOf(options.source), `memory ${options.source}`, deviceId)
    super(mediaStreamTrack.id, options.source)
    this.deviceId = deviceId
    Object.defineProperty(this, 'mediaStreamTrack', { value: mediaStreamTrack, enumerable: true })
  }

  /** True until `stop()`. */
  get live(): boolean {
    return this.mediaStreamTrack.readyState === 'live'
  }

  stop(): void {
    this.mediaStreamTrack.stop()
  }

  /**
   * Simulation control: the browser ends the capture, as when the user clicks the browser's own
   * "Stop sharing" (`ended` event on `mediaStreamTrack`). A memory connection that publishes a
   * screen track ended so stops the share.
   */
  endFromBrowser(): void {
    ;(this.mediaStreamTrack as unknown as SyntheticMediaStreamTrack).endFromBrowser()
  }
}

const kindOf = (source: MemoryTrackSource): TrackKind => (source === 'microphone' || source === 'screen-audio' ? 'audio' : 'video')

/** Synthetic local tracks for a preview: a microphone and/or a camera (see {@link MemoryLocalTrack}). */
export function createMemoryLocalTracks(request: { audio?: boolean; video?: boolean; deviceIds?: { camera?: string; microphone?: string } }): MemoryLocalTrack[] {
  const tracks: MemoryLocalTrack[] = []
  if (request.audio) tracks.push(new MemoryLocalTrack({ source: 'microphone', deviceId: request.deviceIds?.microphone }))
  if (request.video) tracks.push(new MemoryLocalTrack({ source: 'camera', deviceId: request.deviceIds?.camera }))
  return tracks
}
