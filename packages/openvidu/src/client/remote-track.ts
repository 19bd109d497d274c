import { CallportError, MediaElements, type Track, type TrackKind, type TrackSource } from '@callport/core'
import { OPENVIDU_PROVIDER } from '../shared/provider-id'
import type { OpenViduBrowserStream } from './openvidu-browser-types'

/** The `typeOfVideo` of streams whose tracks are a camera and a microphone. */
const cameraTypes = new Set(['CAMERA', 'CUSTOM'])

/**
 * What a track of an OpenVidu stream carries, from the stream's `typeOfVideo`: a `CAMERA` stream's
 * video is the camera and its audio the microphone (as is an audio-only stream's), and so is a
 * `CUSTOM` one's (a Publisher made from MediaStreamTracks, which is how the Callport adapter
 * publishes the camera it or the page captured); a `SCREEN` stream's video is the screen and its
 * audio the shared screen's (`screen-audio`); `IPCAM` streams are `unknown`.
 */
export function sourceOf(kind: TrackKind, typeOfVideo: string | undefined): TrackSource {
  if (typeOfVideo === 'SCREEN') return kind === 'video' ? 'screen' : 'screen-audio'
  if (kind === 'video') return typeOfVideo !== undefined && cameraTypes.has(typeOfVideo) ? 'camera' : 'unknown'
  return typeOfVideo === undefined || cameraTypes.has(typeOfVideo) ? 'microphone' : 'unknown'
}

/**
 * One track of a subscribed OpenVidu stream. `mediaStreamTrack` is read from the subscriber's
 * MediaStream each time (openvidu-browser replaces it when it re-negotiates); `attach` plays it
 * through the element's `srcObject`.
 */
export class OpenViduRemoteTrack implements Track {
  readonly id: string
  readonly kind: TrackKind
  readonly source: TrackSource
  readonly #stream: OpenViduBrowserStream
  readonly #elements: MediaElements

  constructor(stream: OpenViduBrowserStream, kind: TrackKind) {
    this.#stream = stream
    this.kind = kind
    this.id = `${stream.streamId}/${kind}`
    this.source = sourceOf(kind, stream.typeOfVideo)
    this.#elements = new MediaElements(kind, OPENVIDU_PROVIDER)
  }

  get mediaStreamTrack(): MediaStreamTrack | undefined {
    return this.#stream
      .getMediaStream()
      ?.getTracks()
      .find((track) => track.kind === this.kind)
  }

  attach(element?: HTMLMediaElement): HTMLMediaElement {
    const track = this.mediaStreamTrack
    if (!track) throw new CallportError('CONNECTION_FAILED', `The ${this.kind} track of stream ${this.#stream.streamId} is gone`, { provider: OPENVIDU_PROVIDER })
    return this.#elements.attach(track, element)
  }

  detach(element?: HTMLMediaElement): HTMLMediaElement[] {
    return this.#elements.detach(element)
  }
}

/** The tracks of a subscribed stream, one per kind present in its MediaStream (video first). */
export function tracksOfStream(stream: OpenViduBrowserStream): OpenViduRemoteTrack[] {
  const kinds = new Set((stream.getMediaStream()?.getTracks() ?? []).map((track) => track.kind))
  return (['video', 'audio'] as const).filter((kind) => kinds.has(kind)).map((kind) => new OpenViduRemoteTrack(stream, kind))
}
