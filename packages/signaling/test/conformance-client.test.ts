import { runClientAdapterSuite } from '@callport/testkit'
import { beforeAll } from 'vitest'
import { signaling } from '../src/client/index'
import { fakeWebrtc } from './client/fake-webrtc'
import { useSignaling } from './client/harness'

// Node has no WebRTC: both clients get the in-process stand-in of test/client/fake-webrtc.ts, so
// peer connections negotiate through the real signaling server and the track tests run (no media
// flows). Real media runs in test/browser.
const harness = useSignaling()
beforeAll(async () => {
  await harness.start()
})

runClientAdapterSuite({
  name: 'signaling (Node, real signaling server)',
  createAdapter: () => signaling({ webrtc: fakeWebrtc() }),
  issueToken: ({ room, identity }) => harness.token({ room, identity }),
  refusedToken: ({ room, identity }) => harness.token({ room, identity }, 'another-secret-of-at-least-32-bytes-0123456789'),
  remote: {
    async join({ room, identity }) {
      const received: string[] = []
      const connection = await signaling({ webrtc: fakeWebrtc() }).connect(await harness.token({ room, identity }), {
        audio: false,
        video: false,
        refreshToken: () => harness.token({ room, identity }),
      })
      connection.on('data-received', ({ data }) => received.push(data))
      return {
        leave: () => connection.disconnect(),
        setCameraEnabled: (enabled) => connection.setCameraEnabled(enabled),
        sendData: (data) => connection.sendData!(data),
        receivedData: () => received,
      }
    },
  },
})
