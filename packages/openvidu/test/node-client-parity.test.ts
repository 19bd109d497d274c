import { ConnectionType, OpenVidu, OpenViduRole } from 'openvidu-node-client'
import { describe, expect, it } from 'vitest'
import { openvidu } from '../src/server/index'
import { encodeParticipantData } from '../src/shared/connection-data'
import { createFakeOpenVidu, type FakeOpenVidu, type RecordedRequest } from './fake-openvidu'
import { useMswServer } from './msw-server'

/**
 * openvidu-node-client 2.32 (OpenVidu's own Node SDK, over axios) and the Callport adapter (over ky),
 * driven against the same msw handlers, send the same requests for the same operations.
 */

const server = useMswServer()
const participant = { identity: 'alice', name: 'Alice', role: 'moderator' as const }

function fresh(): FakeOpenVidu {
  const fake = createFakeOpenVidu()
  server.resetHandlers(...fake.handlers)
  return fake
}

/** What both must agree on: method, path, credentials, and the body fields that carry meaning. */
function relevant({ method, path, authorization, body }: RecordedRequest) {
  const fields = (body ?? {}) as Record<string, unknown>
  const pick = (names: string[]) => Object.fromEntries(names.filter((name) => fields[name] !== undefined && fields[name] !== null).map((name) => [name, fields[name]]))
  if (method === 'POST' && path === '/openvidu/api/sessions') return { method, path, authorization, body: pick(['customSessionId']) }
  if (method === 'POST' && path.endsWith('/connection')) return { method, path, authorization, body: pick(['type', 'role', 'data']) }
  return { method, path, authorization }
}

async function withNodeClient(fake: FakeOpenVidu) {
  const client = new OpenVidu(fake.url, fake.secret)
  const session = await client.createSession({ customSessionId: 'standup' })
  await client.createSession({ customSessionId: 'standup' })
  const connection = await session.createConnection({ type: ConnectionType.WEBRTC, role: OpenViduRole.MODERATOR, data: encodeParticipantData(participant) })
  await session.fetch()
  await session.close()
  return connection.token
}

async function withCallport(fake: FakeOpenVidu) {
  const adapter = openvidu({ url: fake.url, secret: fake.secret })
  const room = await adapter.ensureRoom({ name: 'standup' })
  await adapter.ensureRoom({ name: 'standup' })
  const token = await adapter.issueToken({ room, participant, ttlSeconds: 600 })
  await adapter.getRoom!({ name: 'standup' })
  await adapter.closeRoom!({ room })
  return token.value
}

describe('openvidu-node-client and the Callport adapter', () => {
  it('send the same requests to create (twice: 409 then GET), connect, fetch and close a session', async () => {
    const nodeFake = fresh()
    const nodeToken = await withNodeClient(nodeFake)
    const callportFake = fresh()
    const callportToken = await withCallport(callportFake)

    expect(callportFake.requests.map(relevant)).toEqual(nodeFake.requests.map(relevant))
    expect(callportFake.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /openvidu/api/sessions',
      'POST /openvidu/api/sessions',
      'GET /openvidu/api/sessions/standup',
      'POST /openvidu/api/sessions/standup/connection',
      'GET /openvidu/api/sessions/standup',
      'DELETE /openvidu/api/sessions/standup',
    ])
    // Both sessions ended up closed, and both tokens have OpenVidu's format.
    expect(nodeFake.sessions.size + callportFake.sessions.size).toBe(0)
    for (const token of [nodeToken, callportToken]) {
      expect(token).toMatch(/^wss:\/\/openvidu\.example\.com\?sessionId=standup&token=tok_[A-Z][A-Za-z0-9]{15}$/)
    }
  })

  it('present the same credentials: OpenVidu answers 401 to both for a wrong secret', async () => {
    const fake = fresh()
    await expect(new OpenVidu(fake.url, 'wrong').createSession({ customSessionId: 'x' })).rejects.toThrow('401')
    await expect(openvidu({ url: fake.url, secret: 'wrong' }).ensureRoom({ name: 'x' })).rejects.toMatchObject({ code: 'PROVIDER_REJECTED' })
    const [nodeRequest, callportRequest] = fake.requests
    expect(callportRequest?.authorization).toBe(nodeRequest?.authorization)
  })
})
