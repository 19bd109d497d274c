import type { LocalTrack, TrackKind, TrackSource } from '../events'
import { MediaElements } from '../media-elements'

/** What `createLocalTrack` needs besides the browser track. */
export interface CreateLocalTrackOptions {
  /** What it captures: `camera`, `microphone`, `screen` or `screen-audio`. */
  source: TrackSource
  /** The device it captures from; undefined for a screen. */
  deviceId?: string | undefined
  /** Named by errors of `attach` (default `callport`). */
  provider?: string
}

/**
 * Wraps a captured browser track as a {@link LocalTrack}: `attach` / `detach` play it in elements
 * (through {@link MediaElements}, so on the chosen speaker), `stop` stops capturing.
 */
export function createLocalTrack(mediaStreamTrack: MediaStreamTrack, options: CreateLocalTrackOptions): LocalTrack {
  const kind = mediaStreamTrack.kind as TrackKind
  const elements = new MediaElements(kind, options.provider ?? 'callport')
  return {
    id: mediaStreamTrack.id,
    kind,
    source: options.source,
    mediaStreamTrack,
    deviceId: options.deviceId,
    attach: (element) => elements.attach(mediaStreamTrack, element),
    detach: (element) => elements.detach(element),
    stop: () => mediaStreamTrack.stop(),
  }
}
