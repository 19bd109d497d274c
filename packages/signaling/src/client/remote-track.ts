import { MediaElements, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { SIGNALING_PROVIDER } from '../shared/provider-id'

/** A track received from a peer: `attach` plays it through an element's `srcObject`. */
export class RemoteTrack implements Track {
  readonly id: string
  readonly kind: TrackKind
  readonly source: TrackSource
  readonly mediaStreamTrack: MediaStreamTrack
  readonly #elements: MediaElements

  constructor(mediaStreamTrack: MediaStreamTrack, source: TrackSource) {
    this.mediaStreamTrack = mediaStreamTrack
    this.kind = mediaStreamTrack.kind === 'audio' ? 'audio' : 'video'
    this.source = source
    this.id = mediaStreamTrack.id
    this.#elements = new MediaElements(this.kind, SIGNALING_PROVIDER)
  }

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    return this.#elements.attach(this.mediaStreamTrack, element)
  }

  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    return this.#elements.detach(element)
  }
}
