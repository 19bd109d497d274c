import { runClientAdapterSuite } from '@callport/testkit'
import { vidyo } from '../src/client/index'
import { generateVidyoToken } from '../src/server/generate-token'
import { vidyoResourceIdOf } from '../src/server/resource-id'
import { vidyoUserNameOf } from '../src/shared/user-name'
import { defaultDevices, type FakeVidyoClient } from './fake-vidyo'
import { account, createHarness, fakeContainer } from './vidyo-harness'

// The suite's identities (`conformance-remote`, …) are not Vidyo user names, so the fake, which
// refuses what Vidyo refuses, checks the identity → user name mapping on every join.
/** A second device of each kind on the machine, for the device switching tests. */
const secondDevices = {
  camera: { id: 'camera-2', name: 'USB camera' },
  microphone: { id: 'mic-2', name: 'Headset microphone' },
  speaker: { id: 'speaker-2', name: 'Headset' },
}

runClientAdapterSuite({
  name: 'vidyo (fake VidyoClient.js)',
  setup: () => ({ ...createHarness(), clients: [] as FakeVidyoClient[] }),
  createAdapter: (harness) => {
    const client = harness.cloud.createClient()
    const defaults = defaultDevices()
    client.devices = {
      camera: [...defaults.camera, secondDevices.camera],
      microphone: [...defaults.microphone, secondDevices.microphone],
      speaker: [...defaults.speaker, secondDevices.speaker],
    }
    harness.clients.push(client)
    return vidyo({ sdk: client })
  },
  local: {
    deviceId: (kind) => secondDevices[kind].id,
    // The machine loses the device: the connector of the call under test reports it (onRemoved, onSelected(null)).
    unplugDevice: async ({ kind, deviceId }, harness) => {
      const connector = harness.clients.at(-1)?.connectors.at(-1)
      if (!connector) throw new Error('no connector to unplug a device from')
      connector.unplug(kind, deviceId)
    },
  },
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: async ({ room, identity }, harness) => {
    const token = await harness.issue(room, identity)
    const value = generateVidyoToken({ developerKey: 'another-key', appId: account.appId, userName: vidyoUserNameOf(identity), expiresInSeconds: 600 })
    return { ...token, value }
  },
  remote: {
    join: async ({ room, identity }, harness) => harness.cloud.joinRemote(vidyoResourceIdOf(room), vidyoUserNameOf(identity)),
  },
  container: () => fakeContainer(),
})
