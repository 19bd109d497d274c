import type { ConnectionQuality } from '@callport/core'
import { runClientAdapterSuite } from '@callport/testkit'
import { vi } from 'vitest'
import { openvidu } from '../src/client/index'
import { sessionIdOfRoom } from '../src/server/session-id'
import { startClientHarness, type ClientHarness } from './client-harness'
import { FakeMediaDevices } from './fake-media-devices'
import { useMswServer } from './msw-server'

const msw = useMswServer()

/** OpenVidu Pro's level for each quality the suite asks for (the adapter maps 5/4, 3, 2/1, 0). */
const levelOf: Record<ConnectionQuality, number> = { excellent: 5, good: 3, poor: 2, lost: 0 }

interface Context extends ClientHarness {
  devices: FakeMediaDevices
}

for (const networkQuality of [false, true]) {
  runClientAdapterSuite<Context>({
    name: networkQuality ? 'openvidu (networkQuality: OpenVidu Pro)' : 'openvidu',
    setup: () => {
      // The page's cameras and microphones (navigator.mediaDevices), which the adapter captures with @callport/core.
      const devices = new FakeMediaDevices()
      vi.stubGlobal('navigator', { mediaDevices: devices })
      return { ...startClientHarness(msw), devices }
    },
    teardown: () => {
      msw.resetHandlers()
      vi.unstubAllGlobals()
    },
    createAdapter: (harness) => openvidu({ sdk: harness.media.OpenVidu, networkQuality }),
    issueToken: ({ room, identity }, harness) => harness.tokenFor(room, identity),
    // A token OpenVidu never issued: openvidu-server refuses it at joinRoom.
    refusedToken: async ({ room, identity }, harness) => {
      const token = await harness.tokenFor(room, identity)
      return { ...token, value: token.value.replace(/token=tok_\w+$/, 'token=tok_Unknown000000000') }
    },
    remote: {
      join: async ({ room, identity }, harness) => {
        const remote = await harness.joinRemote(room, identity)
        let screen: Awaited<ReturnType<ClientHarness['joinRemote']>> | undefined
        return {
          ...remote,
          setConnectionQuality: async (quality: ConnectionQuality) => remote.setNetworkQualityLevel(levelOf[quality]),
          // An OpenVidu 2 connection publishes one stream: a page shares its screen over a second
          // connection of the same identity (another token), publishing videoSource 'screen'.
          setScreenShareEnabled: async (enabled: boolean) => {
            if (enabled && !screen) {
              screen = await harness.joinRemote(room, identity)
              await screen.publish({ videoSource: 'screen', audioSource: false })
            } else if (!enabled && screen) {
              await screen.leave()
              screen = undefined
            }
          },
        }
      },
    },
    local: {
      deviceId: (kind) => (kind === 'camera' ? 'camera-2' : 'mic-2'),
      unplugDevice: async ({ deviceId }, harness) => harness.devices.unplug(deviceId),
      setConnectionQuality: async ({ room, identity, quality }, harness) => {
        // openvidu-server tells every page of the session, the connection's own included.
        const sessions = [...(harness.media.rooms.get(sessionIdOfRoom(room)) ?? [])]
        const own = sessions.find((candidate) => candidate.connection?.data.includes(`"identity":"${identity}"`))?.connection
        if (!own) throw new Error(`${identity} is not in ${room}`)
        for (const session of sessions) session.networkQualityEvent(own, levelOf[quality], 5)
      },
    },
  })
}
