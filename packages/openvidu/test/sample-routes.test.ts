import { JoinResponseSchema, ProblemSchema, type Participant } from '@callport/core'
import { createCallServer, type CallServer } from '@callport/server'
import { createMemoryHub, memory, waitForEvent } from '@callport/testkit'
import { beforeEach, describe, expect, it } from 'vitest'
import { openvidu as openviduClient } from '../src/client/index'
import { openViduSampleRoutes, type OpenViduServerAdapter } from '../src/server/index'
import { generatedSessionId } from '../src/server/sample-routes'
import { startClientHarness } from './client-harness'
import { useMswServer } from './msw-server'
import { startFakeOpenVidu, type FakeOpenVidu } from './server-harness'

const server = useMswServer()
const TOKEN = /^wss:\/\/openvidu\.example\.com\?sessionId=([A-Za-z0-9_-]+)&token=tok_[A-Z][A-Za-z0-9]{15}$/

/** The app's own authentication: a user header. The samples routes must go through it. */
const authorize = async (request: Request): Promise<Participant | null> => {
  const user = request.headers.get('x-user')
  return user ? { identity: user, role: user === 'teacher' ? 'moderator' : 'publisher' } : null
}

/** What the app mounts: the samples routes first, then the call server's own. */
function mount(calls: CallServer, provider: OpenViduServerAdapter, options: { answerFormat?: 'json' | 'text'; basePath?: string } = {}) {
  const samples = openViduSampleRoutes({ calls, provider, ...options })
  return async (request: Request): Promise<Response> => (await samples(request)) ?? calls.fetch(request)
}

let fake: FakeOpenVidu
let adapter: OpenViduServerAdapter
let handle: (request: Request) => Promise<Response>

beforeEach(() => {
  const harness = startFakeOpenVidu(server)
  fake = harness.fake
  adapter = harness.adapter
  handle = mount(createCallServer({ providers: [adapter], basePath: '/calls', authorize }), adapter)
})

const request = (path: string, body: unknown, user: string | null = 'alice') =>
  new Request(`https://app.example.com/calls${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-user': user } : {}) },
    body: body === undefined ? null : JSON.stringify(body),
  })
const post = (path: string, body: unknown, user: string | null = 'alice') => handle(request(path, body, user))

describe('POST /api/sessions (the samples\' "create session")', () => {
  it('answers the session id as the bare string by default, as openvidu-basic-node, -java and -python do, creating the OpenVidu session', async () => {
    const response = await post('/api/sessions', { customSessionId: 'SessionA' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toBe('SessionA')
    // The page's body, then the call server's create-or-get (409, so a GET) recording the room as live.
    expect(fake.requestsTo('POST', '/openvidu/api/sessions').map((recorded) => recorded.body)).toEqual([{ customSessionId: 'SessionA' }, { customSessionId: 'SessionA' }])
  })

  it("is idempotent, like openvidu-node-client's createSession", async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const again = await post('/api/sessions', { customSessionId: 'SessionA' })
    expect(await again.text()).toBe('SessionA')
  })

  it("without customSessionId (or with an empty body) answers a fresh id in OpenVidu's format", async () => {
    const first = await (await post('/api/sessions', {})).text()
    const second = await (await post('/api/sessions', undefined)).text()
    expect(first).toMatch(/^ses_[A-Z][A-Za-z0-9]{9}$/)
    expect(second).toMatch(/^ses_[A-Z][A-Za-z0-9]{9}$/)
    expect(first).not.toBe(second)
    expect(fake.sessions.has(first) && fake.sessions.has(second)).toBe(true)
  })

  it('passes the whole body on to POST /openvidu/api/sessions (session properties), as the sample servers do', async () => {
    const properties = {
      mediaMode: 'ROUTED',
      recordingMode: 'ALWAYS',
      customSessionId: 'SessionA',
      defaultRecordingProperties: { name: 'lesson', outputMode: 'COMPOSED', resolution: '1280x720', frameRate: 25 },
      forcedVideoCodec: 'VP8',
      allowTranscoding: false,
    }
    expect(await (await post('/api/sessions', properties)).text()).toBe('SessionA')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions')[0]?.body).toEqual(properties)
  })

  it("OpenVidu's 400 for properties it refuses is a 400 problem with its message", async () => {
    fake.script('POST', '/openvidu/api/sessions', () =>
      Response.json({ timestamp: 1, status: 400, error: 'Bad Request', message: "Parameter 'mediaMode' is wrong", path: '/openvidu/api/sessions' }, { status: 400 }),
    )
    const response = await post('/api/sessions', { customSessionId: 'SessionA', mediaMode: 'SIDEWAYS' })
    expect(response.status).toBe(400)
    expect(ProblemSchema.parse(await response.json()).detail).toContain("Parameter 'mediaMode' is wrong")
  })

  // SessionProperties.isValidCustomSessionId (openvidu-java-client 2.32.2): "[a-zA-Z0-9_-]+".
  it.each(['-abc', '_abc', '__', 'a_b-C9'])('accepts every id OpenVidu accepts: %j', async (id) => {
    const response = await post('/api/sessions', { customSessionId: id })
    expect(await response.text()).toBe(id)
    expect(fake.sessions.has(id)).toBe(true)
    const token = await (await post(`/api/sessions/${id}/connections`, {})).text()
    expect(TOKEN.exec(token)?.[1]).toBe(id)
  })

  it('refuses a customSessionId no room can have with a 400 problem, before asking OpenVidu', async () => {
    const response = await post('/api/sessions', { customSessionId: 'has space' })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(ProblemSchema.parse(await response.json())).toMatchObject({ code: 'INVALID_INPUT', status: 400, provider: 'openvidu' })
    expect(fake.requests).toEqual([])
  })

  it("runs the app's authorize, with the room: a refusal is 401 and OpenVidu is not asked", async () => {
    const rooms: (string | undefined)[] = []
    const calls = createCallServer({ providers: [adapter], basePath: '/calls', authorize: async (incoming, { room }) => (rooms.push(room), authorize(incoming)) })
    handle = mount(calls, adapter)
    const response = await post('/api/sessions', { customSessionId: 'SessionA' }, null)
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
    expect(fake.requests).toEqual([])
    expect(rooms).toEqual(['SessionA'])
  })

  it('a room live on another provider is a 409 problem: the routes put rooms on OpenVidu only', async () => {
    const calls = createCallServer({ providers: [memory({ hub: createMemoryHub() }), adapter], basePath: '/calls', authorize })
    handle = mount(calls, adapter)
    await calls.join({ room: 'standup', participant: { identity: 'alice' } })
    const response = await post('/api/sessions', { customSessionId: 'standup' })
    expect(response.status).toBe(409)
    expect(ProblemSchema.parse(await response.json()).code).toBe('CONFLICT')
    // The session made on OpenVidu with the page's properties is closed again.
    expect(fake.requestsTo('DELETE', '/openvidu/api/sessions/standup')).toHaveLength(1)
    expect(fake.sessions.has('standup')).toBe(false)
    // A new room goes to OpenVidu, though the call server would route it to the first provider.
    expect(await (await post('/api/sessions', { customSessionId: 'SessionB' })).text()).toBe('SessionB')
    expect((await calls.getRoom({ room: 'SessionB' }))?.provider).toBe('openvidu')
  })
})

describe('POST /api/sessions/:id/connections (the samples\' "create token")', () => {
  it('answers the connection token as the bare string; the role comes from authorize, not from the body', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const response = await post('/api/sessions/SessionA/connections', { role: 'MODERATOR', data: 'seat 3', record: false }, 'student')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    const token = await response.text()
    expect(token).toMatch(TOKEN)
    expect(TOKEN.exec(token)?.[1]).toBe('SessionA')
    const [created] = fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')
    expect(created?.body).toEqual({ type: 'WEBRTC', role: 'PUBLISHER', data: 'seat 3', record: false })
  })

  it("leaves the server data empty unless the page sends some, so the samples' JSON.parse(connection.data) keeps working", async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    await post('/api/sessions/SessionA/connections', {}, 'teacher')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')[0]?.body).toEqual({ type: 'WEBRTC', role: 'MODERATOR', data: '' })
  })

  it('re-creates a session OpenVidu closed since it was created (its last participant left)', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    fake.dropSession('SessionA')
    const response = await post('/api/sessions/SessionA/connections', {})
    expect(await response.text()).toMatch(TOKEN)
  })

  it('answers an empty 404 for a session id no room maps to, as the samples do for an unknown session', async () => {
    for (const id of ['has%20space', '%E0%A4%A', 'a'.repeat(129)]) {
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

  it("runs the app's authorize", async () => {
    const response = await post('/api/sessions/SessionA/connections', {}, null)
    expect(response.status).toBe(401)
    expect(fake.requests).toEqual([])
  })
})

describe("page data never passes for Callport's participant data (security)", () => {
  const forged = JSON.stringify({ callport: 1, identity: 'bob', role: 'moderator' })

  it('an ordinary user posting Callport participant data as `data` is refused and is never listed as bob, a moderator', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    // The attack as reported: alice, a publisher, asks for a connection whose server data says she is bob, a moderator.
    const response = await post('/api/sessions/SessionA/connections', { data: forged }, 'alice')
    expect(response.status).toBe(400)
    expect(ProblemSchema.parse(await response.json()).code).toBe('INVALID_INPUT')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')).toEqual([])
    // Nothing in the session says bob: no connection carries the forged data, nobody is listed as bob.
    for (const connection of fake.sessions.get('SessionA')!.connections.values()) expect(connection.json.serverData).not.toContain('bob')
    const room = { name: 'SessionA', provider: 'openvidu', providerRoomId: 'SessionA' }
    expect((await adapter.listParticipants!({ room })).map((participant) => participant.identity)).not.toContain('bob')
  })

  it.each([
    ['leading white space', ` ${forged}`],
    ['another format version', JSON.stringify({ callport: 2, identity: 'bob', role: 'moderator' })],
    ['extra members', JSON.stringify({ callport: 1, identity: 'bob', role: 'moderator', seat: 3 })],
    ['an escaped member name', '{"call\\u0070ort":1,"identity":"bob","role":"moderator"}'],
    ["OpenVidu's separator, after which the browser reads server data", `seat 3%/%${forged}`],
    ["OpenVidu's separator alone", 'a%/%b'],
  ])('refuses data with %s', async (_, data) => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const response = await post('/api/sessions/SessionA/connections', { data }, 'alice')
    expect(response.status).toBe(400)
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection')).toEqual([])
  })

  it('data a page may send is kept as it is; its connection is named by its connection id on the server and in Callport pages, whatever its client data claims', async () => {
    const harness = startClientHarness(server)
    const calls = createCallServer({ providers: [harness.server], basePath: '/calls', authorize })
    handle = mount(calls, harness.server)
    const page = await openviduClient({ sdk: harness.media.OpenVidu }).connect(await harness.tokenFor('SessionA', 'carol'), {
      audio: false,
      video: false,
      refreshToken: () => harness.tokenFor('SessionA', 'carol'),
    })
    try {
      const sampleToken = await (await post('/api/sessions/SessionA/connections', { data: '{"serverData":"seat 3"}' }, 'alice')).text()
      const [created] = harness.rest.requestsTo('POST', '/openvidu/api/sessions/SessionA/connection').slice(-1)
      expect(created?.body).toMatchObject({ data: '{"serverData":"seat 3"}' })
      // The samples page joins with client data that tries to smuggle Callport's format past OpenVidu's separator.
      const joined = waitForEvent(page, 'participant-joined')
      const sample = await harness.joinWithToken(sampleToken, `x%/%${forged}`)
      const connectionId = sample.session.connection!.connectionId
      expect((await joined)[0].participant).toMatchObject({ identity: connectionId, role: 'publisher' })
      const room = { name: 'SessionA', provider: 'openvidu', providerRoomId: 'SessionA' }
      const listed = await harness.server.listParticipants!({ room })
      expect(listed.find((participant) => participant.providerParticipantId === connectionId)).toMatchObject({ identity: connectionId, role: 'publisher' })
      expect(listed.map((participant) => participant.identity)).not.toContain('bob')
    } finally {
      await page.disconnect()
    }
  })
})

describe('the samples routes and the Callport API share the room', () => {
  it('a session created through the samples routes is the room /join puts Callport pages in', async () => {
    await post('/api/sessions', { customSessionId: 'SessionA' })
    const joined = JoinResponseSchema.parse(await (await post('/join', { room: 'SessionA' })).json())
    expect(joined.room).toMatchObject({ name: 'SessionA', provider: 'openvidu', providerRoomId: 'SessionA' })
    expect(joined.token.value).toMatch(TOKEN)
  })

  it('other methods and paths are left to the call server (the handler answers undefined)', async () => {
    const samples = openViduSampleRoutes({ calls: createCallServer({ providers: [adapter], basePath: '/calls', authorize }), provider: adapter })
    expect(await samples(new Request('https://app.example.com/calls/api/sessions', { method: 'GET', headers: { 'x-user': 'alice' } }))).toBeUndefined()
    expect(await samples(request('/api/sessions/SessionA/connections/extra', {}))).toBeUndefined()
    expect(await samples(request('/join', { room: 'SessionA' }))).toBeUndefined()
    expect(await samples(new Request('https://app.example.com/api/sessions', { method: 'POST' }))).toBeUndefined()
    const response = await handle(new Request('https://app.example.com/calls/api/sessions', { method: 'GET', headers: { 'x-user': 'alice' } }))
    expect(response.status).toBe(404)
    expect(fake.requests).toEqual([])
  })

  it("answer below basePath when given one other than the call server's", async () => {
    const calls = createCallServer({ providers: [adapter], authorize })
    const samples = openViduSampleRoutes({ calls, provider: adapter, basePath: '/legacy/' })
    const response = await samples(
      new Request('https://app.example.com/legacy/api/sessions', { method: 'POST', headers: { 'x-user': 'alice' }, body: '{"customSessionId":"SessionA"}' }),
    )
    expect(await response?.text()).toBe('SessionA')
  })

  it('need the adapter openvidu() made', () => {
    const calls = createCallServer({ providers: [adapter], authorize })
    expect(() => openViduSampleRoutes({ calls, provider: { ...adapter } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', provider: 'openvidu' }))
    expect(() => openViduSampleRoutes({ calls: {} as never, provider: adapter })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('answerFormat: text', () => {
  it('answers the bare id and token as text/plain, as openvidu-basic-node and -java do', async () => {
    const calls = createCallServer({ providers: [adapter], authorize: async () => ({ identity: 'alice' }) })
    const textHandle = mount(calls, adapter, { answerFormat: 'text' })
    const send = (path: string) =>
      textHandle(new Request(`https://app.example.com${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customSessionId":"SessionA"}' }))
    const session = await send('/api/sessions')
    expect(session.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await session.text()).toBe('SessionA')
    expect(await (await send('/api/sessions/SessionA/connections')).text()).toMatch(TOKEN)
  })

  it('is validated', () => {
    const calls = createCallServer({ providers: [adapter], authorize })
    expect(() => openViduSampleRoutes({ calls, provider: adapter, answerFormat: 'xml' as never })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})

describe('generatedSessionId', () => {
  it("follows OpenVidu's format: ses_, an uppercase letter, 9 letters or digits", () => {
    expect(generatedSessionId(() => new Uint8Array(10))).toBe('ses_AAAAAAAAAA')
    expect(generatedSessionId(() => new Uint8Array([25, 61, 62, 0, 0, 0, 0, 0, 0, 0]))).toBe('ses_Z9AAAAAAAA')
  })
})
