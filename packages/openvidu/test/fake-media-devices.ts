/**
 * The page's cameras and microphones for unit tests in Node: a fake `navigator.mediaDevices` whose
 * `getUserMedia` gives tracks of the devices it lists, as a browser does (an exact `deviceId` it lacks
 * is an `OverconstrainedError` on `deviceId`; no device of a kind is a `NotFoundError`), and whose
 * tracks end (readyState `ended` and an `ended` event) when their device is unplugged. `stop()` ends a
 * track without the event, as in browsers. Both classes implement `Pick`s of the DOM's own types.
 */

const asDom = <T>(value: object): T => value as T

let counter = 0

export interface FakeDevice {
  kind: 'audioinput' | 'videoinput'
  deviceId: string
  label: string
}

export class FakeMediaStreamTrack
  extends EventTarget
  implements Pick<MediaStreamTrack, 'id' | 'kind' | 'label' | 'enabled' | 'readyState' | 'getSettings' | 'getConstraints' | 'stop'>
{
  readonly id = `fake-track-${(counter += 1)}`
  readonly kind: 'audio' | 'video'
  readonly label: string
  readonly deviceId: string
  enabled = true
  readyState: MediaStreamTrackState = 'live'
  /** Whether someone called `stop()`. */
  stopped = false
  readonly #devices: FakeMediaDevices

  constructor(devices: FakeMediaDevices, kind: 'audio' | 'video', deviceId: string, label: string) {
    super()
    this.#devices = devices
    this.kind = kind
    this.deviceId = deviceId
    this.label = label
    devices.tracks.push(this)
  }

  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId }
  }

  getConstraints(): MediaTrackConstraints {
    return {}
  }

  /** A new track of the same device (a browser's `clone()`): stopping one leaves the other live. */
  clone(): MediaStreamTrack {
    const copy = new FakeMediaStreamTrack(this.#devices, this.kind, this.deviceId, this.label)
    copy.enabled = this.enabled
    if (this.readyState === 'ended') copy.readyState = 'ended'
    return asDom<MediaStreamTrack>(copy)
  }

  stop(): void {
    this.stopped = true
    this.readyState = 'ended'
  }

  /** The device went away: the browser ends the track and fires `ended`. */
  end(): void {
    if (this.readyState === 'ended') return
    this.readyState = 'ended'
    this.dispatchEvent(new Event('ended'))
  }
}

const kindOfInput = { audioinput: 'audio', videoinput: 'video' } as const

export class FakeMediaDevices implements Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices'> {
  devices: FakeDevice[] = [
    { kind: 'videoinput', deviceId: 'camera-1', label: 'Built-in camera' },
    { kind: 'videoinput', deviceId: 'camera-2', label: 'USB camera' },
    { kind: 'audioinput', deviceId: 'mic-1', label: 'Built-in microphone' },
    { kind: 'audioinput', deviceId: 'mic-2', label: 'Headset microphone' },
  ]
  /** Every track handed out, clones included. */
  readonly tracks: FakeMediaStreamTrack[] = []
  readonly requests: MediaStreamConstraints[] = []
  /** Makes the next `getUserMedia` reject with an error of this name (`NotAllowedError`, `NotReadableError`…). */
  failNext: string | undefined

  async getUserMedia(constraints: MediaStreamConstraints = {}): Promise<MediaStream> {
    this.requests.push(constraints)
    const failure = this.failNext
    this.failNext = undefined
    if (failure) throw Object.assign(new Error(`${failure} (fake)`), { name: failure })
    const tracks: FakeMediaStreamTrack[] = []
    for (const input of ['videoinput', 'audioinput'] as const) {
      const wanted = input === 'videoinput' ? constraints.video : constraints.audio
      if (!wanted) continue
      const candidates = this.devices.filter((device) => device.kind === input)
      const exact = typeof wanted === 'object' && typeof wanted.deviceId === 'object' && !Array.isArray(wanted.deviceId) ? wanted.deviceId.exact : undefined
      const device = exact === undefined ? candidates[0] : candidates.find((candidate) => candidate.deviceId === exact)
      if (device === undefined) {
        throw exact === undefined
          ? Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' })
          : Object.assign(new Error('Overconstrained'), { name: 'OverconstrainedError', constraint: 'deviceId' })
      }
      tracks.push(new FakeMediaStreamTrack(this, kindOfInput[input], device.deviceId, device.label))
    }
    return asDom<MediaStream>({ id: `fake-stream-${(counter += 1)}`, getTracks: () => tracks, getAudioTracks: () => tracks.filter((track) => track.kind === 'audio') })
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices.map((device) => asDom<MediaDeviceInfo>({ ...device, groupId: '' }))
  }

  /** The device is unplugged: it leaves the list, and every live track of it ends. */
  unplug(deviceId: string): void {
    this.devices = this.devices.filter((device) => device.deviceId !== deviceId)
    for (const track of this.tracks) if (track.deviceId === deviceId) track.end()
  }

  /** The live tracks of a device (clones included). */
  liveTracks(deviceId: string): FakeMediaStreamTrack[] {
    return this.tracks.filter((track) => track.deviceId === deviceId && track.readyState === 'live')
  }
}
