import { CallportError, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { OpenViduBrowserStream } from './openvidu-browser-types'

function sourceOf(kind: TrackKind, typeOfVideo: string | undefined): TrackSource {
  if (kind === 'video') return typeOfVideo === 'CAMERA' ? 'camera' : typeOfVideo === 'SCREEN' ? 'screen' : 'unknown'
  return typeOfVideo === undefined || typeOfVideo === 'CAMERA' ? 'microphone' : 'unknown'
}

/**
 * One track of a subscribed OpenVidu stream. `mediaStreamTrack` is read from the subscriber's
 * MediaStream each time (openvidu-browser replaces it when it re-negotiates); `attach` plays it
 * through the element's `srcObject`.
 */
export class OpenViduRemoteTrack implements Track {
  readonly sid: string
  readonly kind: TrackKind
  readonly source: TrackSource
  readonly #stream: OpenViduBrowserStream
  readonly #elements = new Set<HTMLMediaElement>()

  constructor(stream: OpenViduBrowserStream, kind: TrackKind) {
    this.#stream = stream
    this.kind = kind
    this.sid = `${stream.streamId}/${kind}`
    this.source = sourceOf(kind, stream.typeOfVideo)
  }

  get mediaStreamTrack(): MediaStreamTrack | undefined {
    return this.#stream.getMediaStream()?.getTracks().find((track) => track.kind === this.kind)
  }

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const track = this.mediaStreamTrack
    if (!track) throw new CallportError('CONNECTION_FAILED', `The ${this.kind} track of stream ${this.#stream.streamId} is gone`, { provider: OPENVIDU_PROVIDER })
    const target = element ?? createMediaElement(this.kind)
    target.autoplay = true
    if (this.kind === 'video') (target as HTMLVideoElement).playsInline = true
    target.srcObject = new MediaStream([track])
    // Autoplay may refuse sound before a user gesture; the element keeps `autoplay` and plays on the next one.
    void target.play()?.catch(() => undefined)
    this.#elements.add(target)
    return target
  }

  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    const targets = element === undefined ? [...this.#elements] : this.#elements.has(element) ? [element] : []
    for (const target of targets) {
      target.srcObject = null
      this.#elements.delete(target)
    }
    return targets
  }
}

function createMediaElement(kind: TrackKind): HTMLMediaElement {
  if (typeof document === 'undefined') {
    throw new CallportError('UNSUPPORTED', 'attach() without an element needs a document', { provider: OPENVIDU_PROVIDER })
  }
  return document.createElement(kind)
}

/** The tracks of a subscribed stream, one per kind present in its MediaStream (video first). */
export function tracksOfStream(stream: OpenViduBrowserStream): OpenViduRemoteTrack[] {
  const kinds = new Set((stream.getMediaStream()?.getTracks() ?? []).map((track) => track.kind))
  return (['video', 'audio'] as const).filter((kind) => kinds.has(kind)).map((kind) => new OpenViduRemoteTrack(stream, kind))
}
