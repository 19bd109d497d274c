import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { createCallServer } from '@callport/server'
import { beforeEach, describe, expect, it } from 'vitest'
import { generatedSessionId } from '../src/server/samples-compat'
import { useMswServer } from './msw-server'
import { startFakeOpenVidu, type FakeOpenVidu } from './server-harness'

const server = useMswServer()
const TOKEN = /^wss:\/\/openvidu\.example\.com\?sessionId=([A-Za-z0-9_-]+)&token=tok_[A-Z][A-Za-z0-9]{15}$/

let fake: FakeOpenVidu
let calls: ReturnType<typeof createCallServer>

beforeEach(() => {
  const harness = startFakeOpenVidu(server)
  fake = harness.fake
  calls = createCallServer({
    providers: [harness.adapter],
    basePath: '/calls',
    compat: ['openvidu-samples'],
    // The app's own authentication: a user header. The compat routes must go through it.
    authorize: async (request) => {
      const user = request.headers.get('x-user')
      return user ? { identity: user, role: user === 'teacher' ? 'moderator' : 'publisher' } : null
    },
  })
})

const post = (path: string, body: unknown, user: string | null = 'alice') =>
  calls.fetch(
    new Request(`https://app.example.com/calls${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) },
      body: body === undefined ? null : JSON.stringify(body),
    }),
  )

describe('POST /api/sessions (the samples\' "create session")', () => {
  it('answers the session id as a JSON string, creating the OpenVidu session', async () => {
    const response = await post('/api/sessions', { customSessionId: 'SessionA' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('"SessionA"')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions').map((request) => request.body)).toEqual([{ customSessionId: 'SessionA' }])
  })

  it('is idempotent, like openvidu-node-client\'s createSession', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const again = await post('/api/sessions', { customSessionId: 'SessionA' })
    expect(await again.json()).toBe('SessionA')
  })

  it('without customSessionId (or with an empty body) answers a fresh id in OpenVidu\'s format', async () => {
    const first = (await (await post('/api/sessions', {})).json()) as string
    const second = (await (await post('/api/sessions', undefined)).json()) as string
    expect(first).toMatch(/^ses_[A-Z][A-Za-z0-9]{9}$/)
    expect(second).toMatch(/^ses_[A-Z][A-Za-z0-9]{9}$/)
    expect(first).not.toBe(second)
    expect(fake.sessions.has(first) && fake.sessions.has(second)).toBe(true)
  })

  it('refuses a customSessionId no room can have with a 400 problem, before asking OpenVidu', async () => {
    const response = await post('/api/sessions', { customSessionId: 'has space' })
    expect(response.status).toBe(400)
    expect(ProblemSchema.parse(await response.json()).code).toBe('INVALID_INPUT')
    expect(fake.requests).toEqual([])
  })

  it('runs the app\'s authorize: a refusal is 401 and OpenVidu is not asked', async () => {
    const response = await post('/api/sessions', { customSessionId: 'SessionA' }, null)
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
    expect(fake.requests).toEqual([])
  })
})

describe('POST /api/sessions/:id/connections (the samples\' "create token")', () => {
  it('answers the connection token as a JSON string; the role comes from authorize, not from the body', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const response = await post('/api/sessions/SessionA/connections', { role: 'MODERATOR', data: 'seat 3', record: false }, 'student')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    const token = (await response.json()) as string
    expect(token).toMatch(TOKEN)
    expect(TOKEN.exec(token)?.[1]).toBe('SessionA')
    const [request] = fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')
    expect(request?.body).toEqual({ type: 'WEBRTC', role: 'PUBLISHER', data: 'seat 3', record: false })
  })

  it('leaves the server data empty unless the page sends some, so the samples\' JSON.parse(connection.data) keeps working', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    await post('/api/sessions/SessionA/connections', {}, 'teacher')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')[0]?.body).toEqual({ type: 'WEBRTC', role: 'MODERATOR', data: '' })
  })

  it('re-creates a session OpenVidu closed since it was created (its last participant left)', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    fake.dropSession('SessionA')
    const response = await post('/api/sessions/SessionA/connections', {})
    expect(await response.json()).toMatch(TOKEN)
  })

  it('answers an empty 404 for a session id no room maps to, as the samples do for an unknown session', async () => {
    for (const id of ['-leading', '_not_escaped', '%E0%A4%A']) {
      const response = await post(`/api/sessions/${id}/connections`, {})
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('')
    }
    expect(fake.requests).toEqual([])
  })

  it('refuses a non-WEBRTC connection type with a 400 problem', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const response = await post('/api/sessions/SessionA/connections', { type: 'IPCAM', rtspUri: 'rtsp://camera' })
    expect(response.status).toBe(400)
  })

  it('runs the app\'s authorize', async () => {
    const response = await post('/api/sessions/SessionA/connections', {}, null)
    expect(response.status).toBe(401)
    expect(fake.requests).toEqual([])
  })
})

describe('the compat routes and the Callport API share the room', () => {
  it('a session created through the samples routes is the room /join puts Callport pages in', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const joined = JoinResponseSchema.parse(await (await post('/join', { room: 'SessionA' })).json())
    expect(joined.room).toMatchObject({ name: 'SessionA', provider: 'openvidu', providerRoomId: 'SessionA' })
    expect(joined.token.value).toMatch(TOKEN)
  })

  it('other methods and paths are not answered by the compat routes', async () => {
    const response = await calls.fetch(new Request('https://app.example.com/calls/api/sessions', { method: 'GET', headers: { 'x-user': 'alice' } }))
    expect(response.status).toBe(404)
    expect((await post('/api/sessions/SessionA/connections/extra', {})).status).toBe(404)
  })
})

describe('samplesAnswerFormat: text', () => {
  it('answers the bare id and token as text/plain, as openvidu-basic-node and -java do', async () => {
    const harness = startFakeOpenVidu(server, { samplesAnswerFormat: 'text' })
    const textCalls = createCallServer({ providers: [harness.adapter], compat: ['openvidu-samples'], authorize: async () => ({ identity: 'alice' }) })
    const request = (path: string) =>
      textCalls.fetch(new Request(`https://app.example.com${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customSessionId":"SessionA"}' }))
    const session = await request('/api/sessions')
    expect(session.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await session.text()).toBe('SessionA')
    expect(await (await request('/api/sessions/SessionA/connections')).text()).toMatch(TOKEN)
  })

  it('is validated', () => {
    expect(() => startFakeOpenVidu(server, { samplesAnswerFormat: 'xml' as never })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('generatedSessionId', () => {
  it('follows OpenVidu\'s format: ses_, an uppercase letter, 9 letters or digits', () => {
    expect(generatedSessionId(() => new Uint8Array(10))).toBe('ses_AAAAAAAAAA')
    expect(generatedSessionId(() => new Uint8Array([25, 61, 62, 0, 0, 0, 0, 0, 0, 0]))).toBe('ses_Z9AAAAAAAA')
  })
})
