import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLocalTracks, listDevices, watchDevices } from '../src/index'
import { deviceInfo, installFakeMedia } from './fake-media'
import { rejectionOf } from './helpers'

afterEach(() => vi.unstubAllGlobals())

describe('createLocalTracks', () => {
  it('opens the default camera and microphone for a preview, as LocalTracks with source and device', async () => {
    const devices = installFakeMedia()
    const tracks = await createLocalTracks()
    expect(devices.getUserMedia).toHaveBeenCalledWith({ audio: true, video: true })
    expect(tracks.map(({ kind, source, deviceId }) => ({ kind, source, deviceId }))).toEqual([
      { kind: 'audio', source: 'microphone', deviceId: 'microphone-1' },
      { kind: 'video', source: 'camera', deviceId: 'camera-1' },
    ])
    tracks.forEach((track) => track.stop())
    expect(devices.opened.every((track) => track.readyState === 'ended')).toBe(true)
  })

  it('opens the chosen devices exactly, or only one kind', async () => {
    const devices = installFakeMedia()
    const [camera] = await createLocalTracks({ audio: false, video: { deviceId: 'camera-2' } })
    expect(devices.getUserMedia).toHaveBeenCalledWith({ audio: false, video: { deviceId: { exact: 'camera-2' } } })
    expect(camera).toMatchObject({ source: 'camera', deviceId: 'camera-2' })
  })

  it('gives the typed device errors, and refuses unknown options by name', async () => {
    const devices = installFakeMedia()
    devices.failure = new DOMException('Permission denied', 'NotAllowedError')
    expect(await rejectionOf(createLocalTracks())).toMatchObject({ code: 'PERMISSION_DENIED', cause: devices.failure })
    devices.failure = Object.assign(new DOMException('', 'OverconstrainedError'), { constraint: 'deviceId' })
    expect((await rejectionOf(createLocalTracks({ video: { deviceId: 'gone' } }))).code).toBe('DEVICE_NOT_FOUND')
    devices.failure = new DOMException('Could not start video source', 'NotReadableError')
    expect((await rejectionOf(createLocalTracks())).code).toBe('DEVICE_IN_USE')
    expect(() => createLocalTracks({ camera: true } as never)).toThrowError(/createLocalTracks: unknown option "camera"/)
  })
})

describe('listDevices', () => {
  it('lists cameras, microphones and speakers by the contract names', async () => {
    const devices = installFakeMedia()
    devices.granted = new Set(['audio', 'video'])
    expect(await listDevices()).toEqual([
      { kind: 'camera', deviceId: 'camera-1', label: 'Built-in camera', groupId: 'group-camera-1' },
      { kind: 'microphone', deviceId: 'microphone-1', label: 'Built-in microphone', groupId: 'group-microphone-1' },
      { kind: 'speaker', deviceId: 'speaker-1', label: 'Built-in speakers', groupId: 'group-speaker-1' },
    ])
    expect(devices.getUserMedia).not.toHaveBeenCalled()
  })

  it('opens the kinds whose labels are hidden for a moment, stops them, and lists again', async () => {
    const devices = installFakeMedia()
    devices.granted = new Set(['audio'])
    const listed = await listDevices()
    expect(devices.getUserMedia).toHaveBeenCalledExactlyOnceWith({ audio: false, video: true })
    expect(devices.opened.map((track) => track.readyState)).toEqual(['ended'])
    expect(listed.every((device) => device.label !== '')).toBe(true)
    expect(devices.enumerateDevices).toHaveBeenCalledTimes(2)
  })

  it('with requestPermission: false lists what the browser shows, without asking', async () => {
    const devices = installFakeMedia()
    const listed = await listDevices({ requestPermission: false })
    expect(listed.map((device) => device.label)).toEqual(['', '', ''])
    expect(devices.getUserMedia).not.toHaveBeenCalled()
  })

  it('gives PERMISSION_DENIED when the user refuses, UNSUPPORTED outside a browser, and refuses unknown options', async () => {
    const devices = installFakeMedia()
    devices.failure = new DOMException('Permission denied', 'NotAllowedError')
    expect((await rejectionOf(listDevices())).code).toBe('PERMISSION_DENIED')
    expect((await rejectionOf(listDevices({ permission: false } as never))).message).toMatch(/listDevices: unknown option "permission"/)
    vi.stubGlobal('navigator', {})
    expect((await rejectionOf(listDevices())).code).toBe('UNSUPPORTED')
  })
})

describe('watchDevices', () => {
  it('calls the listener with every device after each change, until stopped', async () => {
    const devices = installFakeMedia()
    const listener = vi.fn()
    const stop = watchDevices(listener)
    devices.plug(deviceInfo('videoinput', 'camera-2'))
    await vi.waitFor(() => expect(listener).toHaveBeenCalledOnce())
    expect(listener.mock.calls[0]![0].devices.map((device: { deviceId: string }) => device.deviceId)).toEqual(['camera-1', 'microphone-1', 'speaker-1', 'camera-2'])
    stop()
    devices.unplug('camera-2')
    await Promise.resolve()
    expect(devices.enumerateDevices).toHaveBeenCalledOnce()
  })

  it('does nothing outside a browser', () => {
    vi.stubGlobal('navigator', undefined)
    expect(() => watchDevices(() => {})()).not.toThrow()
  })
})
