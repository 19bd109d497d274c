import type { Track, TrackSource } from '@callport/core'
import type { TwilioRemoteMediaTrack } from './twilio-video-types'

/** Where a track comes from, by its kind and the name it was published under (`screen…` for a shared screen). */
function sourceOf(track: TwilioRemoteMediaTrack): TrackSource {
  if (/screen/i.test(track.name)) return 'screen'
  return track.kind === 'video' ? 'camera' : 'microphone'
}

/** A remote twilio-video track as a Callport Track: `attach` and `detach` are twilio-video's own. */
export function toTrack(track: TwilioRemoteMediaTrack, id: string): Track {
  return {
    id,
    kind: track.kind,
    source: sourceOf(track),
    mediaStreamTrack: track.mediaStreamTrack,
    attach: (element) => track.attach(element),
    detach: (element?: HTMLMediaElement) => {
      const detached = element === undefined ? track.detach() : track.detach(element)
      return Array.isArray(detached) ? detached : [detached]
    },
  }
}
