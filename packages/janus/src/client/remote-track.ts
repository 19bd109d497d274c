import { MediaElements, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { JANUS_PROVIDER } from '../shared/provider-id'

/** A track received from Janus (one subscribed stream, by its mid): `attach` plays it through an element's `srcObject`. */
export class JanusRemoteTrack implements Track {
  readonly id: string
  readonly kind: TrackKind
  readonly mediaStreamTrack: MediaStreamTrack
  readonly #elements: MediaElements

  constructor(
    mediaStreamTrack: MediaStreamTrack,
    readonly source: TrackSource,
    /** The subscriber's mid of the stream. */
    readonly mid: string,
  ) {
    this.mediaStreamTrack = mediaStreamTrack
    this.kind = mediaStreamTrack.kind === 'audio' ? 'audio' : 'video'
    this.id = mediaStreamTrack.id
    this.#elements = new MediaElements(this.kind, JANUS_PROVIDER)
  }

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    return this.#elements.attach(this.mediaStreamTrack, element)
  }

  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    return this.#elements.detach(element)
  }
}
