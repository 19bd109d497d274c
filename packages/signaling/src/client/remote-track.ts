import { CallportError, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { PROVIDER } from './errors'

/** A track received from a peer: `attach` plays it through an element's `srcObject`. */
export class RemoteTrack implements Track {
  readonly sid: string
  readonly kind: TrackKind
  readonly source: TrackSource
  readonly mediaStreamTrack: MediaStreamTrack
  readonly #elements = new Set<HTMLMediaElement>()

  constructor(mediaStreamTrack: MediaStreamTrack) {
    this.mediaStreamTrack = mediaStreamTrack
    this.kind = mediaStreamTrack.kind === 'audio' ? 'audio' : 'video'
    this.source = this.kind === 'audio' ? 'microphone' : 'camera'
    this.sid = mediaStreamTrack.id
  }

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const target = element ?? createMediaElement(this.kind)
    target.autoplay = true
    if ('playsInline' in target) (target as HTMLVideoElement).playsInline = true
    target.srcObject = new MediaStream([this.mediaStreamTrack])
    // Autoplay policies may refuse to start with sound; the element keeps `autoplay` and starts on a gesture.
    target.play().catch(() => undefined)
    this.#elements.add(target)
    return target
  }

  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    const targets = element ? [element].filter((candidate) => this.#elements.has(candidate)) : [...this.#elements]
    for (const target of targets) {
      target.srcObject = null
      this.#elements.delete(target)
    }
    return targets
  }
}

function createMediaElement(kind: TrackKind): HTMLMediaElement {
  if (typeof document === 'undefined') {
    throw new CallportError('UNSUPPORTED', 'attach() needs an element where there is no document', { provider: PROVIDER })
  }
  return document.createElement(kind)
}
