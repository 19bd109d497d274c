import { runClientAdapterSuite } from '@callport/testkit'
import { beforeAll } from 'vitest'
import { signaling } from '../src/client/index'
import { useSignaling } from './client/harness'

// Node has no WebRTC: the adapter does signaling only here (participants, data, token updates), so
// the remote participant offers no camera and the track test is skipped. Media runs in test/browser.
const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

runClientAdapterSuite({
  name: 'signaling (Node, real signaling server)',
  createAdapter: () => signaling(),
  issueToken: ({ room, identity }) => harness.token({ room, identity }),
  refusedToken: ({ room, identity }) => harness.token({ room, identity }, 'another-secret-of-at-least-32-bytes-0123456789'),
  remote: {
    async join({ room, identity }) {
      const received: string[] = []
      const connection = await signaling().connect(await harness.token({ room, identity }), {
        audio: false,
        video: false,
        refreshToken: () => harness.token({ room, identity }),
      })
      connection.on('data-received', ({ data }) => received.push(data))
      return {
        leave: () => connection.disconnect(),
        sendData: (data) => connection.sendData!(data),
        receivedData: () => received,
      }
    },
  },
})
