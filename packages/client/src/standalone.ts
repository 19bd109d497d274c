import { CallportError, captureUserMedia, toMediaError, type CaptureConstraints, type DevicesChangedEvent, type LocalTrack, type MediaDevice } from '@callport/core'
import { enumerate, mediaDevices, onDevicesChanged } from './devices'
import { refuseUnknownOptions } from './options'

export interface CreateLocalTracksOptions {
  /** Capture the microphone: `true` for the default one, or constraints with a `deviceId`. Default true. */
  audio?: CaptureConstraints
  /** Capture the camera: `true` for the default one, or constraints with a `deviceId`. Default true. */
  video?: CaptureConstraints
  /** Cancels the capture: ABORTED, and tracks that arrive later are stopped. */
  signal?: AbortSignal
}

/**
 * Opens the camera and microphone before joining, for a preview: attach the video track to a
 * `<video>` and hand the tracks to `session.join(room, { tracks })`, so the user is asked once. The
 * page owns them and stops them (`track.stop()`) after leaving. Fails with PERMISSION_DENIED,
 * DEVICE_NOT_FOUND, DEVICE_IN_USE or CONSTRAINTS_NOT_SATISFIABLE (the browser's error as `cause`).
 */
export function createLocalTracks(options: CreateLocalTracksOptions = {}): Promise<LocalTrack[]> {
  refuseUnknownOptions(options, ['audio', 'video', 'signal'], 'createLocalTracks')
  return captureUserMedia({ audio: options.audio ?? true, video: options.video ?? true }, { signal: options.signal })
}

export interface ListDevicesOptions {
  /**
   * When the browser hides the labels (no access granted yet), open the camera and/or microphone for
   * a moment to get them (the browser asks the user), then list again. Default true; `false` lists
   * what the browser shows without asking.
   */
  requestPermission?: boolean
}

/**
 * The cameras, microphones and speakers of this browser, with their labels. Without access granted,
 * browsers hide labels (and often all but one device per kind): with `requestPermission` (the
 * default) the kinds without labels are opened briefly (`getUserMedia`, stopped at once) and the
 * list is read again. A refusal is PERMISSION_DENIED (and the other typed device errors).
 */
export async function listDevices(options: ListDevicesOptions = {}): Promise<MediaDevice[]> {
  refuseUnknownOptions(options, ['requestPermission'], 'listDevices')
  if (!mediaDevices()) throw new CallportError('UNSUPPORTED', 'navigator.mediaDevices is missing (not a browser, or not a secure context)')
  const listed = await enumerate()
  if (options.requestPermission === false) return listed
  const hidden = (kind: MediaDevice['kind']): boolean => listed.some((device) => device.kind === kind && device.label === '')
  const audio = hidden('microphone')
  const video = hidden('camera')
  if (!audio && !video) return listed
  try {
    const stream = await mediaDevices()!.getUserMedia({ audio, video })
    stream.getTracks().forEach((track) => track.stop())
  } catch (error) {
    throw toMediaError(error)
  }
  return enumerate()
}

/**
 * Calls `listener` with every camera, microphone and speaker after each change (a device plugged in
 * or removed), without asking for permission; returns the function that stops watching.
 */
export function watchDevices(listener: (event: DevicesChangedEvent) => void): () => void {
  return onDevicesChanged(listener)
}
