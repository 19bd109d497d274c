import type { Track, TrackSource } from '@callport/core'
import type { TwilioRemoteMediaTrack } from './twilio-video-types'

/**
 * Where a track comes from, by its kind and the name it was published under: twilio-video says
 * nothing else, so a track named `screen…` is a shared screen (`screen`, or `screen-audio` for its
 * audio), any other video a camera and any other audio a microphone.
 */
export function sourceOf(track: Pick<TwilioRemoteMediaTrack, 'kind' | 'name'>): TrackSource {
  if (/screen/i.test(track.name)) return track.kind === 'video' ? 'screen' : 'screen-audio'
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
