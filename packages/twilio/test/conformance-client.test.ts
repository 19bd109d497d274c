import { runClientAdapterSuite } from '@callport/testkit'
import { twilio } from '../src/client/index'
import { createClientHarness } from './client-harness'

runClientAdapterSuite({
  name: 'twilio',
  setup: () => createClientHarness(),
  createAdapter: (harness) => twilio({ sdk: harness.video }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: ({ room, identity }, harness) => harness.refused(room, identity),
  remote: {
    async join({ room, identity }, harness) {
      const remote = await harness.joinRemote(room, identity)
      return {
        leave: remote.leave,
        setCameraEnabled: remote.setCameraEnabled,
        setCameraMuted: remote.setCameraMuted,
        sendData: remote.sendData,
        receivedData: () => remote.received,
      }
    },
  },
})
