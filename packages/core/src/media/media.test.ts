import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type MediaModule = typeof import('../index')
let media: MediaModule

/** A MediaStreamTrack as far as the helpers use it. */
class FakeTrack implements Pick<MediaStreamTrack, 'id' | 'kind' | 'readyState' | 'stop' | 'getSettings'> {
  static count = 0
  readonly id = `track-${++FakeTrack.count}`
  readyState: MediaStreamTrackState = 'live'
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId?: string,
  ) {}
  stop(): void {
    this.readyState = 'ended'
  }
  getSettings(): MediaTrackSettings {
    return this.deviceId === undefined ? {} : { deviceId: this.deviceId }
  }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks(): FakeTrack[] {
    return this.tracks
  }
}

/** navigator.mediaDevices as far as the helpers use it. */
class FakeMediaDevices implements Pick<MediaDevices, 'getUserMedia' | 'getDisplayMedia'> {
  failure: unknown
  readonly calls: MediaStreamConstraints[] = []
  getUserMedia = vi.fn((constraints: MediaStreamConstraints = {}): Promise<MediaStream> => {
    this.calls.push(constraints)
    if (this.failure !== undefined) return Promise.reject(this.failure)
    const tracks: FakeTrack[] = []
    const idOf = (value: boolean | MediaTrackConstraints | undefined, fallback: string): string => {
      const id = typeof value === 'object' ? value.deviceId : undefined
      return typeof id === 'object' && !Array.isArray(id) && typeof id.exact === 'string' ? id.exact : fallback
    }
    if (constraints.audio) tracks.push(new FakeTrack('audio', idOf(constraints.audio, 'default-microphone')))
    if (constraints.video) tracks.push(new FakeTrack('video', idOf(constraints.video, 'default-camera')))
    return Promise.resolve(new FakeStream(tracks) as unknown as MediaStream)
  })
  getDisplayMedia = vi.fn((constraints: DisplayMediaStreamOptions = {}): Promise<MediaStream> => {
    if (this.failure !== undefined) return Promise.reject(this.failure)
    const tracks = [new FakeTrack('video')]
    if (constraints.audio === true) tracks.push(new FakeTrack('audio'))
    return Promise.resolve(new FakeStream(tracks) as unknown as MediaStream)
  })
}

/** An element as MediaElements and the audio-output helpers use it. */
class FakeElement implements Pick<HTMLMediaElement, 'autoplay' | 'srcObject' | 'play' | 'setSinkId' | 'sinkId'> {
  autoplay = false
  playsInline = false
  srcObject: MediaProvider | null = null
  sinkId = ''
  refuse: unknown
  play = vi.fn(() => Promise.resolve())
  readonly sinkCalls: string[] = []
  // On the prototype, as in browsers that have it (the helpers look there).
  setSinkId(sinkId: string): Promise<void> {
    this.sinkCalls.push(sinkId)
    if (this.refuse !== undefined) return Promise.reject(this.refuse)
    this.sinkId = sinkId
    return Promise.resolve()
  }
}
const asElement = (element: FakeElement) => element as unknown as HTMLMediaElement
const asTrack = (track: FakeTrack) => track as unknown as MediaStreamTrack

let devices: FakeMediaDevices
beforeEach(async () => {
  vi.resetModules()
  media = await import('../index')
  devices = new FakeMediaDevices()
  vi.stubGlobal('navigator', { mediaDevices: devices })
  vi.stubGlobal('MediaStream', FakeStream)
  vi.stubGlobal('HTMLMediaElement', FakeElement)
})
afterEach(() => vi.unstubAllGlobals())

describe('toMediaError', () => {
  it.each([
    ['NotAllowedError', 'PERMISSION_DENIED'],
    ['SecurityError', 'PERMISSION_DENIED'],
    ['NotFoundError', 'DEVICE_NOT_FOUND'],
    ['NotReadableError', 'DEVICE_IN_USE'],
    ['AbortError', 'DEVICE_IN_USE'],
    ['NotSupportedError', 'UNSUPPORTED'],
    ['SomethingElse', 'INTERNAL'],
  ])('maps the DOMException %s to %s and keeps it as cause', (name, code) => {
    const cause = new DOMException('browser says no', name)
    const error = media.toMediaError(cause, 'signaling')
    expect(media.CallportError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ code, provider: 'signaling', cause })
    expect(error.message).toContain('browser says no')
  })

  it('maps OverconstrainedError on deviceId to DEVICE_NOT_FOUND, on anything else to CONSTRAINTS_NOT_SATISFIABLE', () => {
    const onDevice = Object.assign(new DOMException('', 'OverconstrainedError'), { constraint: 'deviceId' })
    const onWidth = Object.assign(new DOMException('', 'OverconstrainedError'), { constraint: 'width' })
    expect(media.toMediaError(onDevice)).toMatchObject({ code: 'DEVICE_NOT_FOUND', details: { constraint: 'deviceId' } })
    expect(media.toMediaError(onWidth)).toMatchObject({ code: 'CONSTRAINTS_NOT_SATISFIABLE', details: { constraint: 'width' } })
  })

  it('returns a CallportError as it is', () => {
    const error = new media.CallportError('ABORTED', 'stop')
    expect(media.toMediaError(error)).toBe(error)
  })
})

describe('isMediaCaptureError', () => {
  it("is true for the browser's capture failures, in their current and older names", () => {
    const names = [
      'NotAllowedError',
      'SecurityError',
      'PermissionDeniedError',
      'NotFoundError',
      'DevicesNotFoundError',
      'NotReadableError',
      'TrackStartError',
      'OverconstrainedError',
      'ConstraintNotSatisfiedError',
    ]
    for (const name of names) {
      expect(media.isMediaCaptureError(new DOMException('', name)), name).toBe(true)
      expect(media.isMediaCaptureError({ name }), name).toBe(true)
    }
  })

  it('is false for names other APIs raise too, other errors and what has no name', () => {
    for (const name of ['AbortError', 'NotSupportedError', 'TypeError', 'ConnectionError', 'toString', 'constructor', '']) {
      expect(media.isMediaCaptureError(new DOMException('', name)), name).toBe(false)
    }
    for (const value of [undefined, null, 'NotAllowedError', 1, {}, { name: 1 }]) expect(media.isMediaCaptureError(value)).toBe(false)
  })
})

describe('createLocalTrack', () => {
  it('wraps the browser track: id, kind, source, deviceId, attach/detach through elements, stop', () => {
    const track = new FakeTrack('video', 'camera-2')
    const local = media.createLocalTrack(asTrack(track), { source: 'camera', deviceId: 'camera-2' })
    expect(local).toMatchObject({ id: track.id, kind: 'video', source: 'camera', deviceId: 'camera-2', mediaStreamTrack: track })
    const element = new FakeElement()
    expect(local.attach(asElement(element))).toBe(element)
    expect((element.srcObject as unknown as FakeStream).tracks).toEqual([track])
    expect(local.detach()).toEqual([element])
    expect(element.srcObject).toBeNull()
    local.stop()
    expect(track.readyState).toBe('ended')
  })
})

describe('captureUserMedia', () => {
  it('opens the camera and microphone and names their source and device', async () => {
    const tracks = await media.captureUserMedia({ audio: true, video: true })
    expect(devices.calls).toEqual([{ audio: true, video: true }])
    expect(tracks.map(({ kind, source, deviceId }) => ({ kind, source, deviceId }))).toEqual([
      { kind: 'audio', source: 'microphone', deviceId: 'default-microphone' },
      { kind: 'video', source: 'camera', deviceId: 'default-camera' },
    ])
  })

  it('asks for a chosen device exactly, keeping the other constraints', async () => {
    const [camera] = await media.captureUserMedia({ video: { deviceId: 'camera-2', width: 640 } })
    expect(devices.calls).toEqual([{ audio: false, video: { deviceId: { exact: 'camera-2' }, width: 640 } }])
    expect(camera).toMatchObject({ source: 'camera', deviceId: 'camera-2' })
  })

  it('gives typed errors for the browser failures', async () => {
    devices.failure = new DOMException('Permission denied', 'NotAllowedError')
    await expect(media.captureUserMedia({ audio: true }, { provider: 'twilio' })).rejects.toMatchObject({ code: 'PERMISSION_DENIED', provider: 'twilio' })
    devices.failure = new DOMException('Could not start video source', 'NotReadableError')
    await expect(media.captureUserMedia({ video: true })).rejects.toMatchObject({ code: 'DEVICE_IN_USE' })
  })

  it('refuses to capture nothing, and says UNSUPPORTED without navigator.mediaDevices', async () => {
    await expect(media.captureUserMedia({})).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    vi.stubGlobal('navigator', {})
    await expect(media.captureUserMedia({ audio: true })).rejects.toMatchObject({ code: 'UNSUPPORTED' })
  })

  it('gives ABORTED and stops what arrives after the signal fired', async () => {
    const controller = new AbortController()
    let release!: (stream: MediaStream) => void
    const track = new FakeTrack('audio', 'mic')
    devices.getUserMedia.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)))
    const capturing = media.captureUserMedia({ audio: true }, { signal: controller.signal })
    controller.abort()
    await expect(capturing).rejects.toMatchObject({ code: 'ABORTED' })
    release(new FakeStream([track]) as unknown as MediaStream)
    await vi.waitFor(() => expect(track.readyState).toBe('ended'))
    await expect(media.captureUserMedia({ audio: true }, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' })
    expect(devices.getUserMedia).toHaveBeenCalledOnce()
  })
})

describe('captureDisplayMedia', () => {
  it('returns the screen, and its audio when asked', async () => {
    expect((await media.captureDisplayMedia()).map((track) => track.source)).toEqual(['screen'])
    const tracks = await media.captureDisplayMedia({ audio: true })
    expect(tracks.map(({ source, deviceId }) => ({ source, deviceId }))).toEqual([
      { source: 'screen', deviceId: undefined },
      { source: 'screen-audio', deviceId: undefined },
    ])
    expect(devices.getDisplayMedia).toHaveBeenLastCalledWith({ video: true, audio: true })
  })

  it('gives PERMISSION_DENIED when the user cancels the picker', async () => {
    devices.failure = new DOMException('Permission denied by user', 'NotAllowedError')
    await expect(media.captureDisplayMedia()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' })
  })
})

describe('audio output', () => {
  it('sets the speaker on every attached element and on those attached later, not on detached ones', async () => {
    const elements = new media.MediaElements('audio', 'signaling')
    const [first, second, later] = [new FakeElement(), new FakeElement(), new FakeElement()]
    const track = asTrack(new FakeTrack('audio'))
    elements.attach(track, asElement(first))
    elements.attach(track, asElement(second))
    expect(first.sinkCalls).toEqual([])
    elements.detach(asElement(second))
    await media.setAudioOutput('speaker-2')
    expect(media.audioOutputDeviceId()).toBe('speaker-2')
    expect(first.sinkId).toBe('speaker-2')
    expect(second.sinkCalls).toEqual([])
    elements.attach(track, asElement(later))
    await vi.waitFor(() => expect(later.sinkId).toBe('speaker-2'))
    await media.setAudioOutput('default')
    expect(first.sinkId).toBe('')
    expect(media.audioOutputDeviceId()).toBeUndefined()
  })

  it('applyAudioOutput follows the choice for elements the page plays itself', async () => {
    const element = new FakeElement()
    await media.applyAudioOutput(asElement(element))
    await media.setAudioOutput('speaker-3')
    expect(element.sinkId).toBe('speaker-3')
    media.releaseAudioOutput(asElement(element))
    await media.setAudioOutput('speaker-4')
    expect(element.sinkId).toBe('speaker-3')
  })

  it('gives DEVICE_NOT_FOUND when the browser does not know the speaker, and keeps the previous one', async () => {
    const element = new FakeElement()
    await media.applyAudioOutput(asElement(element))
    await media.setAudioOutput('speaker-2')
    element.refuse = new DOMException('Requested device not found', 'NotFoundError')
    await expect(media.setAudioOutput('gone')).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND', cause: element.refuse })
    expect(media.audioOutputDeviceId()).toBe('speaker-2')
  })

  it('asks the browser through a probe element when none is attached', async () => {
    const probe = new FakeElement()
    probe.refuse = new DOMException('Requested device not found', 'NotFoundError')
    vi.stubGlobal('document', { createElement: () => probe })
    await expect(media.setAudioOutput('gone')).rejects.toMatchObject({ code: 'DEVICE_NOT_FOUND' })
    expect(probe.sinkCalls).toEqual(['gone'])
  })

  it('is UNSUPPORTED where setSinkId is missing', async () => {
    vi.stubGlobal('HTMLMediaElement', class {})
    expect(media.audioOutputSupported()).toBe(false)
    await expect(media.setAudioOutput('speaker-2', { provider: 'signaling' })).rejects.toMatchObject({ code: 'UNSUPPORTED', provider: 'signaling' })
  })
})
