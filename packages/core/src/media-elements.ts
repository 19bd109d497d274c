import { CallportError } from './errors'
import type { TrackKind } from './events'
import { applyAudioOutput, releaseAudioOutput } from './media/audio-output'

/**
 * The elements one track plays in: the shared body of `Track.attach` / `Track.detach` for providers
 * that hand out browser MediaStreamTracks. Browser-only at call time; importing it is free of side effects.
 */
export class MediaElements {
  readonly #elements = new Set<HTMLMediaElement>()

  constructor(
    readonly kind: TrackKind,
    readonly provider: string,
  ) {}

  /** Plays `track` in `element` (or a new `<audio>`/`<video>`), through `srcObject`, on the chosen speaker, and returns the element. */
  attach(track: MediaStreamTrack, element?: HTMLMediaElement): HTMLMediaElement {
    const target = element ?? this.#create()
    target.autoplay = true
    if (this.kind === 'video') (target as HTMLVideoElement).playsInline = true
    target.srcObject = new MediaStream([track])
    // Autoplay policies may refuse to start with sound; the element keeps `autoplay` and starts on a gesture.
    void target.play()?.catch(() => undefined)
    this.#elements.add(target)
    // On the speaker the page chose (`setAudioOutput`), now and on later choices.
    void applyAudioOutput(target)
    return target
  }

  /** Stops playing in `element`, or in every element; returns the elements it stopped. */
  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    const targets = element === undefined ? [...this.#elements] : this.#elements.has(element) ? [element] : []
    for (const target of targets) {
      target.srcObject = null
      this.#elements.delete(target)
      releaseAudioOutput(target)
    }
    return targets
  }

  #create(): HTMLMediaElement {
    if (typeof document === 'undefined') {
      throw new CallportError('UNSUPPORTED', 'attach() without an element needs a document', { provider: this.provider })
    }
    return document.createElement(this.kind)
  }
}
