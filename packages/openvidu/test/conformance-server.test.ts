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
  // What the fake OpenVidu holds. openvidu-server admits a token's holder into the session named in
  // the token string, when that session has a pending connection with exactly that token.
  vendor: {
    verifyToken: (token, fake) => {
      const session = fake.sessions.get(token.providerRoomId)
      const sessionInValue = /[?&]sessionId=([^&]+)/.exec(token.value)?.[1]
      if (!session || sessionInValue !== token.providerRoomId) return false
      return [...session.connections.values()].some((connection) => connection.json.status === 'pending' && connection.json.token === token.value)
    },
    roomExists: (room, fake) => fake.sessions.has(room.providerRoomId),
    // OpenVidu lists connections; the identity is what the app put in the server data.
    participants: (room, fake) =>
      [...(fake.sessions.get(room.providerRoomId)?.connections.values() ?? [])]
        .filter((connection) => connection.json.status === 'active')
        .map((connection) => (JSON.parse(String(connection.json.serverData)) as { identity: string }).identity),
  },
})
