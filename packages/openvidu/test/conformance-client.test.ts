import { runClientAdapterSuite } from '@callport/testkit'
import { openvidu } from '../src/client/index'
import { startClientHarness, type ClientHarness } from './client-harness'
import { useMswServer } from './msw-server'

const msw = useMswServer()

runClientAdapterSuite<ClientHarness>({
  name: 'openvidu',
  setup: () => startClientHarness(msw),
  teardown: () => msw.resetHandlers(),
  createAdapter: (harness) => openvidu({ sdk: harness.media.OpenVidu }),
  issueToken: ({ room, identity }, harness) => harness.tokenFor(room, identity),
  // A token OpenVidu never issued: openvidu-server refuses it at joinRoom.
  refusedToken: async ({ room, identity }, harness) => {
    const token = await harness.tokenFor(room, identity)
    return { ...token, value: token.value.replace(/token=tok_\w+$/, 'token=tok_Unknown000000000') }
  },
  remote: { join: ({ room, identity }, harness) => harness.joinRemote(room, identity) },
})
