import { CallportError, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { memoryProviderId } from './memory-token'

/** The sources a memory participant publishes, and the kind of track each one gives. */
export const memoryTrackKinds = { camera: 'video', microphone: 'audio', screen: 'video', 'screen-audio': 'audio' } as const satisfies Partial<Record<TrackSource, TrackKind>>
export type MemoryTrackSource = keyof typeof memoryTrackKinds

/**
 * A synthetic remote track: it carries no media (`mediaStreamTrack` is undefined), and records the
 * elements it is attached to, so tests can assert where the app would play it.
 */
export class MemoryTrack implements Track {
  readonly id: string
  readonly kind: TrackKind
  readonly source: MemoryTrackSource
  readonly mediaStreamTrack: MediaStreamTrack | undefined = undefined
  readonly #elements: HTMLMediaElement[] = []

  constructor(id: string, source: MemoryTrackSource) {
    this.id = id
    this.source = source
    this.kind = memoryTrackKinds[source]
  }

  /** The elements the track is attached to, in attach order. */
  get attachedElements(): readonly HTMLMediaElement[] {
    return [...this.#elements]
  }

  /**
   * Records `element` (or a new `<video>`/`<audio>` element when a `document` exists) and returns it.
   * Throws `UNSUPPORTED` when no element is given and there is no `document` to create one.
   */
  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const target = element ?? this.#createElement()
    if (!this.#elements.includes(target)) this.#elements.push(target)
    return target
  }

  /** Forgets `element`, or every element; returns the ones it forgot. */
  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    if (element === undefined) return this.#elements.splice(0)
    const index = this.#elements.indexOf(element)
    return index === -1 ? [] : this.#elements.splice(index, 1)
  }

  #createElement(): HTMLMediaElement {
    if (typeof document === 'undefined') {
      throw new CallportError('UNSUPPORTED', 'attach() needs an element where there is no document', { provider: memoryProviderId })
    }
    return document.createElement(this.kind === 'video' ? 'video' : 'audio')
  }
}
