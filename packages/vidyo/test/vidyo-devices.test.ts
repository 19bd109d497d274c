import type { ClientConnection } from '@callport/core'
import { afterEach, describe, expect, it } from 'vitest'
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
})
