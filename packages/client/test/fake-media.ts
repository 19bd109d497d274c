import { vi } from 'vitest'

/** A MediaStreamTrack as far as the client and core's media helpers use it. */
export class FakeTrack implements Pick<MediaStreamTrack, 'id' | 'kind' | 'label' | 'readyState' | 'stop' | 'getSettings'> {
  static count = 0
  readonly id = `track-${++FakeTrack.count}`
  readonly label = ''
  readyState: MediaStreamTrackState = 'live'
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
  ) {}
  stop(): void {
    this.readyState = 'ended'
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId }
  }
}

/** A MediaDeviceInfo as `enumerateDevices` lists it. */
export function deviceInfo(kind: MediaDeviceKind, deviceId: string, label = ''): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: `group-${deviceId}`, toJSON: () => ({ kind, deviceId, label }) }
}

/**
 * navigator.mediaDevices with a device list the test sets: labels stay hidden until a kind was
 * opened once (as browsers do), `devicechange` is dispatched by `plug` / `unplug`.
 */
export class FakeMediaDevices extends EventTarget implements Pick<MediaDevices, 'enumerateDevices' | 'getUserMedia' | 'getDisplayMedia'> {
  devices: MediaDeviceInfo[] = []
  granted = new Set<'audio' | 'video'>()
  /** Makes getUserMedia fail with this (a DOMException). */
  failure: unknown
  readonly opened: FakeTrack[] = []

  constructor(devices: MediaDeviceInfo[]) {
    super()
    this.devices = devices
  }

  enumerateDevices = vi.fn(async (): Promise<MediaDeviceInfo[]> =>
    this.devices.map((device) => {
      const kind = device.kind === 'videoinput' ? 'video' : 'audio'
      return this.granted.has(kind) ? device : deviceInfo(device.kind, device.deviceId, '')
    }),
  )

  getUserMedia = vi.fn(async (constraints: MediaStreamConstraints = {}): Promise<MediaStream> => {
    if (this.failure !== undefined) throw this.failure
    const tracks: FakeTrack[] = []
    for (const kind of ['audio', 'video'] as const) {
      const asked = constraints[kind]
      if (!asked) continue
      this.granted.add(kind)
      const wanted = typeof asked === 'object' && typeof asked.deviceId === 'object' && !Array.isArray(asked.deviceId) ? asked.deviceId.exact : undefined
      const fallback = this.devices.find((device) => device.kind === (kind === 'audio' ? 'audioinput' : 'videoinput'))?.deviceId ?? 'default'
      tracks.push(new FakeTrack(kind, typeof wanted === 'string' ? wanted : fallback))
    }
    this.opened.push(...tracks)
    return { getTracks: () => tracks } as unknown as MediaStream
  })

  getDisplayMedia = vi.fn(async (): Promise<MediaStream> => ({ getTracks: () => [new FakeTrack('video', '')] }) as unknown as MediaStream)

  plug(device: MediaDeviceInfo): void {
    this.devices.push(device)
    this.dispatchEvent(new Event('devicechange'))
  }

  unplug(deviceId: string): void {
    this.devices = this.devices.filter((device) => device.deviceId !== deviceId)
    this.dispatchEvent(new Event('devicechange'))
  }
}

/** An element as core's audio-output helper sees it; `setSinkId` on the prototype, as browsers have it. */
export class FakeMediaElement {
  sinkId = ''
  srcObject: unknown = null
  autoplay = false
  play(): Promise<void> {
    return Promise.resolve()
  }
  /** Makes setSinkId fail with this (a DOMException). */
  refuse: unknown
  setSinkId(sinkId: string): Promise<void> {
    if (this.refuse !== undefined) return Promise.reject(this.refuse)
    this.sinkId = sinkId
    return Promise.resolve()
  }
}

/** Installs the fakes as the browser globals; `vi.unstubAllGlobals()` removes them. */
export function installFakeMedia(devices: MediaDeviceInfo[] = defaultDevices()): FakeMediaDevices {
  const mediaDevices = new FakeMediaDevices(devices)
  vi.stubGlobal('navigator', { mediaDevices })
  vi.stubGlobal('HTMLMediaElement', FakeMediaElement)
  vi.stubGlobal('document', { createElement: () => new FakeMediaElement() })
  return mediaDevices
}

export function defaultDevices(): MediaDeviceInfo[] {
  return [
    deviceInfo('videoinput', 'camera-1', 'Built-in camera'),
    deviceInfo('audioinput', 'microphone-1', 'Built-in microphone'),
    deviceInfo('audiooutput', 'speaker-1', 'Built-in speakers'),
  ]
}
