// Fake capture for Node tests of client adapters (twilio, livekit): shared here so that providers do not copy it.
import { randomUUID } from 'node:crypto'

/**
 * The browser's capture, faked for Node: MediaStreamTracks and `navigator.mediaDevices`
 * (`getUserMedia`, `getDisplayMedia`) with a list of devices, failing as browsers fail
 * (OverconstrainedError on an unknown `deviceId: { exact }`, NotAllowedError when denied).
 */

/** A `MediaStreamTrack`: `stop()` ends it without an `ended` event (as in browsers); `unplug()` ends it with one. */
export class FakeMediaStreamTrack extends EventTarget implements Pick<MediaStreamTrack, 'id' | 'kind' | 'label' | 'enabled' | 'readyState'> {
  readonly id = randomUUID()
  enabled = true
  readyState: MediaStreamTrackState = 'live'
  onended: ((this: MediaStreamTrack, event: Event) => unknown) | null = null

  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
    readonly deviceId: string | undefined,
  ) {
    super()
  }

  getSettings(): MediaTrackSettings {
    return this.deviceId === undefined ? {} : { deviceId: this.deviceId }
  }

  stop(): void {
    this.readyState = 'ended'
  }

  /** The device went away (unplugged), or the user pressed the browser's "Stop sharing": the track ends with `ended`. */
  unplug(): void {
    if (this.readyState === 'ended') return
    this.readyState = 'ended'
    this.dispatchEvent(new Event('ended'))
  }
}

/** A `DOMException` as getUserMedia rejects with (Node has DOMException, but not `constraint`). */
function mediaError(name: string, message: string, constraint?: string): Error {
  return Object.assign(new DOMException(message, name), constraint === undefined ? {} : { constraint })
}

export interface FakeDevice {
  deviceId: string
  kind: 'audioinput' | 'videoinput'
  label: string
}

export interface FakeMediaDevices extends EventTarget {
  devices: FakeDevice[]
  enumerateDevices(): Promise<MediaDeviceInfo[]>
  /** Every track getUserMedia / getDisplayMedia gave, oldest first. */
  readonly captured: FakeMediaStreamTrack[]
  /** Makes the next getUserMedia / getDisplayMedia reject with this browser error name. */
  failNext(name: 'NotAllowedError' | 'NotReadableError'): void
  getUserMedia(constraints: MediaStreamConstraints): Promise<{ getTracks(): FakeMediaStreamTrack[] }>
  getDisplayMedia(constraints: DisplayMediaStreamOptions): Promise<{ getTracks(): FakeMediaStreamTrack[] }>
}

/** The device a constraint asks for: `{ deviceId: { exact } }` must exist; anything else takes the first of the kind. */
function pick(devices: FakeDevice[], kind: FakeDevice['kind'], constraint: boolean | MediaTrackConstraints | undefined): FakeDevice {
  const wanted = typeof constraint === 'object' ? constraint.deviceId : undefined
  const exact = typeof wanted === 'object' && wanted !== null && !Array.isArray(wanted) ? wanted.exact : wanted
  const candidates = devices.filter((device) => device.kind === kind)
  const found = exact === undefined ? candidates[0] : candidates.find((device) => device.deviceId === exact)
  if (!found)
    throw exact === undefined
      ? mediaError('NotFoundError', 'Requested device not found')
      : mediaError('OverconstrainedError', 'Constraints could not be satisfied', 'deviceId')
  return found
}

/** Two cameras and two microphones; the first of each kind is the default. */
const defaultDevices = (): FakeDevice[] => [
  { deviceId: 'camera-1', kind: 'videoinput', label: 'Built-in camera' },
  { deviceId: 'camera-2', kind: 'videoinput', label: 'USB camera' },
  { deviceId: 'microphone-1', kind: 'audioinput', label: 'Built-in microphone' },
  { deviceId: 'microphone-2', kind: 'audioinput', label: 'Headset microphone' },
]

export function createFakeMediaDevices(): FakeMediaDevices {
  const captured: FakeMediaStreamTrack[] = []
  let failure: string | undefined
  const take = (): void => {
    const name = failure
    failure = undefined
    if (name) throw mediaError(name, name === 'NotAllowedError' ? 'Permission denied' : 'Could not start video source')
  }
  const stream = (tracks: FakeMediaStreamTrack[]) => {
    captured.push(...tracks)
    return { getTracks: () => tracks }
  }
  return Object.assign(new EventTarget(), {
    devices: defaultDevices(),
    captured,
    async enumerateDevices(this: FakeMediaDevices) {
      return this.devices.map((device) => ({ ...device, groupId: device.deviceId, toJSON: () => device }))
    },
    failNext(name: 'NotAllowedError' | 'NotReadableError') {
      failure = name
    },
    async getUserMedia(this: FakeMediaDevices, constraints: MediaStreamConstraints) {
      take()
      const tracks: FakeMediaStreamTrack[] = []
      if (constraints.audio) {
        const device = pick(this.devices, 'audioinput', constraints.audio)
        tracks.push(new FakeMediaStreamTrack('audio', device.label, device.deviceId))
      }
      if (constraints.video) {
        const device = pick(this.devices, 'videoinput', constraints.video)
        tracks.push(new FakeMediaStreamTrack('video', device.label, device.deviceId))
      }
      return stream(tracks)
    },
    async getDisplayMedia(constraints: DisplayMediaStreamOptions) {
      take()
      const tracks = [new FakeMediaStreamTrack('video', 'screen:0:0', undefined)]
      if (constraints.audio) tracks.push(new FakeMediaStreamTrack('audio', 'System audio', undefined))
      return stream(tracks)
    },
  })
}

export const asMediaStreamTrack = (track: FakeMediaStreamTrack): MediaStreamTrack => track as unknown as MediaStreamTrack
