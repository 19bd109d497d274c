import { raceAbort } from '../abort'
import { CallportError } from '../errors'
import type { LocalTrack } from '../events'
import { toMediaError } from './errors'
import { createLocalTrack } from './local-track'

/** A kind to capture: `true` for the default device, or constraints with the device to use. */
export type CaptureConstraints = boolean | (MediaTrackConstraints & { deviceId?: string })

/** The kinds `captureUserMedia` opens; a kind left out (or `false`) is not opened. */
export interface CaptureUserMediaOptions {
  audio?: CaptureConstraints
  video?: CaptureConstraints
}

/** How a capture is made: the provider its errors name, and a signal that cancels it. */
export interface CaptureOptions {
  /** Named by the errors (the adapter's provider id). */
  provider?: string
  /** ABORTED when it fires; tracks captured after it are stopped. */
  signal?: AbortSignal
}

function mediaDevices(provider: string | undefined): MediaDevices {
  const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices
  if (devices === undefined) {
    throw new CallportError('UNSUPPORTED', 'navigator.mediaDevices is missing (not a browser, or not a secure context)', { provider })
  }
  return devices
}

function toConstraints(value: CaptureConstraints | undefined): boolean | MediaTrackConstraints {
  if (value === undefined || typeof value === 'boolean') return value ?? false
  const { deviceId, ...rest } = value
  // A chosen device is exact: the browser fails with DEVICE_NOT_FOUND instead of taking another one.
  return typeof deviceId === 'string' && deviceId !== '' && deviceId !== 'default' ? { ...rest, deviceId: { exact: deviceId } } : rest
}

async function capture(open: () => Promise<MediaStream>, options: CaptureOptions): Promise<MediaStreamTrack[]> {
  const stopAll = (stream: MediaStream): void => stream.getTracks().forEach((track) => track.stop())
  if (options.signal?.aborted) throw new CallportError('ABORTED', 'The operation was aborted', { cause: options.signal.reason, provider: options.provider })
  let stream: MediaStream
  try {
    stream = await raceAbort(open(), options.signal, stopAll, options.provider)
  } catch (error) {
    throw toMediaError(error, options.provider)
  }
  return stream.getTracks()
}

/**
 * Opens the camera and/or microphone (`getUserMedia`) and returns their tracks as
 * {@link LocalTrack}s (source `camera` / `microphone`, `deviceId` as the browser reports it). The
 * caller owns them and stops them. Failures are typed (see {@link toMediaError}); INVALID_INPUT when
 * neither kind is asked for.
 */
export async function captureUserMedia(constraints: CaptureUserMediaOptions, options: CaptureOptions = {}): Promise<LocalTrack[]> {
  const audio = toConstraints(constraints.audio)
  const video = toConstraints(constraints.video)
  if (audio === false && video === false) {
    throw new CallportError('INVALID_INPUT', 'captureUserMedia needs audio or video', { provider: options.provider })
  }
  const devices = mediaDevices(options.provider)
  const tracks = await capture(() => devices.getUserMedia({ audio, video }), options)
  return tracks.map((track) =>
    createLocalTrack(track, {
      source: track.kind === 'video' ? 'camera' : 'microphone',
      deviceId: track.getSettings().deviceId,
      provider: options.provider,
    }),
  )
}

/**
 * Asks the user for a screen, window or tab to share (`getDisplayMedia`) and returns its tracks:
 * `screen`, and `screen-audio` when `audio` is asked for and the user shared the audio too. The
 * caller owns them. A user who cancels the picker gives PERMISSION_DENIED.
 */
export async function captureDisplayMedia(constraints: { audio?: boolean } = {}, options: CaptureOptions = {}): Promise<LocalTrack[]> {
  const devices = mediaDevices(options.provider)
  if (typeof devices.getDisplayMedia !== 'function') {
    throw new CallportError('UNSUPPORTED', 'This browser cannot share a screen (getDisplayMedia is missing)', { provider: options.provider })
  }
  const tracks = await capture(() => devices.getDisplayMedia({ video: true, audio: constraints.audio === true }), options)
  return tracks.map((track) => createLocalTrack(track, { source: track.kind === 'video' ? 'screen' : 'screen-audio', provider: options.provider }))
}
