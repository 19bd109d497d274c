import type { ActiveDeviceChangedEvent, ClientConnection } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo } from '../src/client/index'
import { FakeVidyoConnector, defaultDevices } from './fake-vidyo'
import { connectOptions, createHarness, fakeContainer } from './vidyo-harness'
import { rejection } from './rejection'

/**
 * Local devices. The fake follows VidyoConnector.h (VidyoConnectorConstruct: "If viewId is valid the
 * device detection will start implicitly and default devices will be selected, otherwise … the device
 * detection will not start until the appropriate event listeners are registered such as
 * VidyoConnectorRegisterLocalCameraEventListener()") and VidyoClient 22.3.0.0058's
 * RegisterLocal…EventListener (src/assets/js/VidyoClient.js in Vidyo/VidyoPlatform-Connector-WebRTC-angular):
 * all four callbacks required, onAdded for every existing device, then the default selected.
 */
describe('vidyo local devices', () => {
  const opened: ClientConnection[] = []
  afterEach(async () => {
    for (const connection of opened.splice(0)) await connection.disconnect()
  })

  it('the fake, as the SDK: without a viewId nothing is selected until the listener of that kind is registered', async () => {
    const { cloud } = createHarness()
    const connector = new FakeVidyoConnector(cloud, {
      viewId: '',
      viewStyle: 'VIDYO_CONNECTORVIEWSTYLE_Default',
      remoteParticipants: 8,
      logFileFilter: 'warning',
      logFileName: '',
      userData: '',
    })
    expect(connector.selected).toEqual({ camera: null, microphone: null, speaker: null })
    const seen: string[] = []
    const listener = {
      onAdded: (device: { id: string }) => seen.push(`added ${device.id}`),
      onRemoved: (device: { id: string }) => seen.push(`removed ${device.id}`),
      onSelected: (device: { id: string } | null) => seen.push(`selected ${device?.id ?? 'none'}`),
      onStateUpdated: () => undefined,
    }
    expect(await connector.RegisterLocalCameraEventListener(listener)).toBe(true)
    expect(connector.selected.camera).toEqual(defaultDevices().camera[0])
    expect(connector.selected.microphone).toBeNull()
    await expect(connector.RegisterLocalMicrophoneEventListener({ ...listener, onStateUpdated: undefined } as never)).rejects.toThrow('onStateUpdated')
    connector.unplug('camera', 'camera-1')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen).toEqual(['added camera-1', 'selected camera-1', 'removed camera-1', 'selected none'])
  })

  it('the fake, as the SDK: with a viewId the default devices are selected at once', () => {
    const { cloud } = createHarness()
    const client = cloud.createClient()
    return client
      .CreateVidyoConnector({ viewId: 'call', viewStyle: 'VIDYO_CONNECTORVIEWSTYLE_Default', remoteParticipants: 8, logFileFilter: '', logFileName: '', userData: '' })
      .then(() => expect(client.connectors[0]?.selected.camera?.id).toBe('camera-1'))
  })

  it('registers the camera, microphone and speaker listeners, with all four callbacks, before Connect', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    const adapter = vidyo({ sdk: client })
    const connection = await adapter.connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    const connector = client.connectors[0]!
    const methods = connector.calls.map((call) => call.method)
    for (const registration of ['RegisterLocalCameraEventListener', 'RegisterLocalMicrophoneEventListener', 'RegisterLocalSpeakerEventListener']) {
      expect(methods.filter((method) => method === registration)).toHaveLength(1)
      expect(methods.indexOf(registration)).toBeLessThan(methods.indexOf('Connect'))
    }
    expect(Object.keys(connector.deviceListeners).sort()).toEqual(['camera', 'microphone', 'speaker'])
    expect(connector.selectedAtConnect).toEqual({ camera: defaultDevices().camera[0], microphone: defaultDevices().microphone[0], speaker: defaultDevices().speaker[0] })
  })

  it('has the devices selected before Connect even with an SDK build that selects them only on registration', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    client.prepare = (connector) => {
      connector.selected.camera = null
      connector.selected.microphone = null
      connector.selected.speaker = null
    }
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    expect(client.connectors[0]?.selectedAtConnect).toEqual({
      camera: defaultDevices().camera[0],
      microphone: defaultDevices().microphone[0],
      speaker: defaultDevices().speaker[0],
    })
  })

  it('joins without a device the machine lacks, and fails with CONNECTION_FAILED when the SDK refuses a registration', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    client.devices = { ...defaultDevices(), camera: [] }
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    expect(client.connectors[0]?.selectedAtConnect?.camera).toBeNull()
    expect(client.connectors[0]?.connected).toBe(true)

    client.prepare = (connector) => {
      connector.RegisterLocalSpeakerEventListener = () => Promise.reject(new Error('Validation error'))
    }
    const error = await rejection(vidyo({ sdk: client }).connect(await issue('standup', 'bob'), connectOptions({ container: fakeContainer('other') })))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', provider: 'vidyo' })
    expect(error.message).toContain('device listeners')
  })

  it('declares switchDevice for camera, microphone and speaker', () => {
    expect(vidyo().capabilities.switchDevice).toEqual(['camera', 'microphone', 'speaker'])
  })

  it('switchDevice selects the reported device with SelectLocalCamera / Microphone / Speaker and emits active-device-changed (switched)', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    client.devices = {
      camera: [...defaultDevices().camera, { id: 'camera-2', name: 'USB camera' }],
      microphone: [...defaultDevices().microphone, { id: 'mic-2', name: 'Headset microphone' }],
      speaker: [...defaultDevices().speaker, { id: 'speaker-2', name: 'Headset' }],
    }
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    const connector = client.connectors[0]!
    const changes: ActiveDeviceChangedEvent[] = []
    connection.on('active-device-changed', (event) => changes.push(event))

    await connection.switchDevice('camera', 'camera-2')
    await connection.switchDevice('microphone', 'mic-2')
    await connection.switchDevice('speaker', 'speaker-2')
    expect(connector.selected).toEqual({
      camera: { id: 'camera-2', name: 'USB camera' },
      microphone: { id: 'mic-2', name: 'Headset microphone' },
      speaker: { id: 'speaker-2', name: 'Headset' },
    })
    expect(connector.calls.filter((call) => call.method.startsWith('Select'))).toEqual([
      { method: 'SelectLocalCamera', argument: { id: 'camera-2', name: 'USB camera' } },
      { method: 'SelectLocalMicrophone', argument: { id: 'mic-2', name: 'Headset microphone' } },
      { method: 'SelectLocalSpeaker', argument: { id: 'speaker-2', name: 'Headset' } },
    ])
    expect(changes.map(({ kind, deviceId, reason }) => ({ kind, deviceId, reason }))).toEqual([
      { kind: 'camera', deviceId: 'camera-2', reason: 'switched' },
      { kind: 'microphone', deviceId: 'mic-2', reason: 'switched' },
      { kind: 'speaker', deviceId: 'speaker-2', reason: 'switched' },
    ])
    expect(changes[0]?.raw).toEqual({ id: 'camera-2', name: 'USB camera' })
  })

  it('switchDevice: DEVICE_NOT_FOUND for an id VidyoConnector did not report, PROVIDER_REJECTED when it refuses, CONNECTION_FAILED after leaving', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    const connector = client.connectors[0]!
    const changed = vi.fn()
    connection.on('active-device-changed', changed)
    expect(await rejection(connection.switchDevice('camera', 'no-such-camera'))).toMatchObject({ code: 'DEVICE_NOT_FOUND', provider: 'vidyo' })
    // A device plugged in after the join can be chosen.
    connector.plug('camera', { id: 'camera-2', name: 'USB camera' })
    connector.refuseSelect = true
    expect(await rejection(connection.switchDevice('camera', 'camera-2'))).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'vidyo' })
    connector.refuseSelect = false
    await connection.switchDevice('camera', 'camera-2')
    expect(connector.selected.camera?.id).toBe('camera-2')
    expect(changed).toHaveBeenCalledTimes(1)
    await connection.disconnect()
    expect(await rejection(connection.switchDevice('camera', 'camera-1'))).toMatchObject({ code: 'CONNECTION_FAILED' })
  })

  it('an unplugged device in use falls back to the first one left, with active-device-changed (unplugged)', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    client.devices = { ...defaultDevices(), microphone: [...defaultDevices().microphone, { id: 'mic-2', name: 'Headset microphone' }] }
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    const connector = client.connectors[0]!
    const changes: ActiveDeviceChangedEvent[] = []
    connection.on('active-device-changed', (event) => changes.push(event))
    await connection.switchDevice('microphone', 'mic-2')
    connector.unplug('microphone', 'mic-2')
    await vi.waitFor(() => expect(changes).toHaveLength(2))
    expect(connector.selected.microphone).toEqual(defaultDevices().microphone[0])
    expect(changes[1]).toEqual({ kind: 'microphone', deviceId: 'default', reason: 'unplugged', raw: defaultDevices().microphone[0] })
    expect(connector.calls.filter((call) => call.method === 'SelectLocalMicrophone').at(-1)).toEqual({
      method: 'SelectLocalMicrophone',
      argument: defaultDevices().microphone[0],
    })
  })

  it('unplugging a device not in use changes nothing; unplugging the last one of its kind leaves the call without it', async () => {
    const { cloud, issue } = createHarness()
    const client = cloud.createClient()
    client.devices = { ...defaultDevices(), camera: [...defaultDevices().camera, { id: 'camera-2', name: 'USB camera' }] }
    const connection = await vidyo({ sdk: client }).connect(await issue('standup', 'alice'), connectOptions({ container: fakeContainer('call') }))
    opened.push(connection)
    const connector = client.connectors[0]!
    const changed = vi.fn()
    connection.on('active-device-changed', changed)
    connector.unplug('camera', 'camera-2')
    connector.unplug('camera', 'camera-1')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(connector.selected.camera).toBeNull()
    expect(connector.calls.some((call) => call.method === 'SelectLocalCamera')).toBe(false)
    // Plugged in and chosen again, the camera works.
    connector.plug('camera', { id: 'camera-3', name: 'Other camera' })
    await connection.switchDevice('camera', 'camera-3')
    expect(changed.mock.calls.map(([event]) => [event.deviceId, event.reason])).toEqual([['camera-3', 'switched']])
  })
})
