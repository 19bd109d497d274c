import { applyAudioOutput, releaseAudioOutput, type LocalTrack, type Track, type TrackKind, type TrackSource } from '@callport/core'
import type { LiveKitLocalTrack, LiveKitTrack, LiveKitTrackSource } from './livekit-client-types'

/** livekit-client's `Track.Source` as Callport's source. */
const sourceOfLiveKit: Readonly<Record<LiveKitTrackSource, TrackSource>> = {
  camera: 'camera',
  microphone: 'microphone',
  screen_share: 'screen',
  screen_share_audio: 'screen-audio',
  unknown: 'unknown',
}

/** Where a livekit-client track comes from: livekit-client says it (`Track.Source`); a value newer than these is `unknown`. */
export function sourceOf(source: LiveKitTrackSource | undefined): TrackSource {
  return source !== undefined && Object.hasOwn(sourceOfLiveKit, source) ? sourceOfLiveKit[source] : 'unknown'
}

/** The `Track.Source` a track of the page is published under: its own source, or (unknown) a camera or microphone by its kind. */
export function liveKitSourceOf(source: TrackSource, kind: TrackKind): LiveKitTrackSource {
  switch (source) {
    case 'screen':
      return 'screen_share'
    case 'screen-audio':
      return 'screen_share_audio'
    case 'camera':
    case 'microphone':
      return source
    default:
      return kind === 'video' ? 'camera' : 'microphone'
  }
}

/** The kind of a livekit-client track (`Track.Kind` is `unknown` only before media arrives: read the MediaStreamTrack then). */
export function kindOf(track: Pick<LiveKitTrack, 'kind' | 'mediaStreamTrack'>): TrackKind {
  if (track.kind === 'audio' || track.kind === 'video') return track.kind
  return track.mediaStreamTrack?.kind === 'audio' ? 'audio' : 'video'
}

/**
 * A livekit-client track as a Callport Track with `id`: `attach` is livekit-client's own, and each
 * element attached plays on the speaker the session chose (core's `applyAudioOutput`, until detached).
 * `detach()` returns the elements the app attached and has not detached yet, remembered here, so that
 * it still returns them in a `track-unsubscribed` listener, whatever livekit-client did to the track first.
 */
export function toTrack(track: LiveKitTrack, id: string): Track {
  const attached = new Set<HTMLMediaElement>()
  return {
    id,
    kind: kindOf(track),
    source: sourceOf(track.source),
    get mediaStreamTrack() {
      return track.mediaStreamTrack
    },
    attach: (element?: HTMLMediaElement) => {
      const used = element === undefined ? track.attach() : track.attach(element)
      attached.add(used)
      void applyAudioOutput(used)
      return used
    },
    detach: (element?: HTMLMediaElement) => {
      const elements = element === undefined ? [...attached] : attached.has(element) ? [element] : []
      for (const each of elements) {
        attached.delete(each)
        track.detach(each)
        releaseAudioOutput(each)
      }
      return elements
    },
  }
}

/**
 * A livekit-client LocalAudioTrack / LocalVideoTrack the adapter (or livekit-client) captured, as a
 * Callport LocalTrack: `id` is its publication's sid; `mediaStreamTrack` and `deviceId` follow
 * livekit-client's restarts (a switched device); `stop` is livekit-client's own.
 */
export function localTrackOf(track: LiveKitLocalTrack, id: string): LocalTrack {
  const remote = toTrack(track, id)
  const source = remote.source
  return {
    id,
    kind: remote.kind,
    source,
    get mediaStreamTrack() {
      return track.mediaStreamTrack
    },
    get deviceId() {
      return source === 'screen' || source === 'screen-audio' ? undefined : track.mediaStreamTrack.getSettings?.().deviceId
    },
    attach: (element?: HTMLMediaElement) => remote.attach(element),
    detach: (element?: HTMLMediaElement) => remote.detach(element),
    stop: () => track.stop(),
  }
}
