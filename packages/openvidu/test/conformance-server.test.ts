import { runServerAdapterSuite } from '@callport/testkit'
import { OpenViduConnectParametersSchema } from '../src/shared/connect-parameters'
import { openvidu } from '../src/server/index'
import { createFakeOpenVidu, type FakeOpenVidu } from './fake-openvidu'
import { useMswServer } from './msw-server'

const server = useMswServer()

runServerAdapterSuite<FakeOpenVidu>({
  name: 'openvidu',
  setup: () => {
    const fake = createFakeOpenVidu()
    server.use(...fake.handlers)
    return fake
  },
  teardown: () => server.resetHandlers(),
  createAdapter: (fake) => openvidu({ url: fake.url, secret: fake.secret, webhookHeader: { name: 'Authorization', value: 'Basic d2ViaG9vazpzZWNyZXQ=' } }),
  // Joining: the browser uses the token, so OpenVidu turns the pending connection active.
  join: async ({ token }, fake) => {
    const { sessionId, connectionId } = OpenViduConnectParametersSchema.parse(token.connect)
    fake.activate(sessionId, connectionId)
    return { leave: async () => void fake.sessions.get(sessionId)?.connections.delete(connectionId) }
  },
})
