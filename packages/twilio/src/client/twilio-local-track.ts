import type { ConnectionQuality, LocalTrack, TrackSource } from '@callport/core'
import { sourceOf } from './twilio-track'
import type { TwilioLocalMediaTrack } from './twilio-video-types'

/**
 * The name a local track is published under, by what it carries: remote sides read a name with
 * `screen` in it as a screen share (`sourceOf`), any other as a camera or microphone.
 */
export function trackNameOf(source: TrackSource): string {
  return source === 'unknown' ? 'track' : source
}

/**
 * A twilio-video LocalAudioTrack / LocalVideoTrack as a Callport LocalTrack: `attach`, `detach` and
 * `stop` are twilio-video's own; `source` from its name as remote sides read it; `deviceId` from
 * its MediaStreamTrack's settings (none for a screen).
 */
export function localTrackOf(track: TwilioLocalMediaTrack): LocalTrack {
  const source = sourceOf(track)
  return {
    id: track.id,
    kind: track.kind,
    source,
    get mediaStreamTrack() {
      return track.mediaStreamTrack
    },
    get deviceId() {
      return source === 'screen' || source === 'screen-audio' ? undefined : track.mediaStreamTrack.getSettings?.().deviceId
    },
    attach: (element) => track.attach(element),
    detach: (element?: HTMLMediaElement) => {
      const detached = element === undefined ? track.detach() : track.detach(element)
      return Array.isArray(detached) ? detached : [detached]
    },
    stop: () => void track.stop(),
  }
}

/**
 * Twilio's network quality level as Callport's quality: 5 and 4 are excellent, 3 good, 2 and 1
 * poor, 0 (the network is down, or twilio-video lost the participant while reconnecting) lost;
 * null (no level yet, or the Network Quality API is off) is undefined: no event.
 */
export function qualityOfLevel(level: number | null | undefined): ConnectionQuality | undefined {
  if (level === null || level === undefined || !Number.isFinite(level)) return undefined
  if (level >= 4) return 'excellent'
  if (level >= 3) return 'good'
  if (level >= 1) return 'poor'
  return 'lost'
}
