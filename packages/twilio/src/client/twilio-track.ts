import { applyAudioOutput, releaseAudioOutput, type Track, type TrackSource } from '@callport/core'
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

/**
 * A remote twilio-video track as a Callport Track: `attach` and `detach` are twilio-video's own;
 * each element attached plays on the speaker the session chose (core's `applyAudioOutput`, until
 * detached), since twilio-video makes and fills the elements itself.
 */
export function toTrack(track: TwilioRemoteMediaTrack, id: string): Track {
  return {
    id,
    kind: track.kind,
    source: sourceOf(track),
    mediaStreamTrack: track.mediaStreamTrack,
    attach: (element) => {
      const attached = track.attach(element)
      void applyAudioOutput(attached)
      return attached
    },
    detach: (element?: HTMLMediaElement) => {
      const detached = element === undefined ? track.detach() : track.detach(element)
      const elements = Array.isArray(detached) ? detached : [detached]
      for (const each of elements) releaseAudioOutput(each)
      return elements
    },
  }
}
