import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAppServer } from '../src/app-server'
import { getToken } from '../src/sample-page'

/** OpenVidu 2's REST API, faked as reference/vendors.md §1 documents it. */
const OPENVIDU_URL = 'https://openvidu.example.com'
const SECRET = 'MY_SECRET'
const AUTHORIZATION = 'Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU' // OPENVIDUAPP:MY_SECRET
const vendorRequests: { method: string; path: string; authorization: string | null; body: unknown }[] = []
const sessions = new Map<string, number>()
let connections = 0

async function record(request: Request): Promise<Response | undefined> {
  const text = await request.text()
  const authorization = request.headers.get('authorization')
  vendorRequests.push({ method: request.method, path: new URL(request.url).pathname, authorization, body: text ? JSON.parse(text) : undefined })
  return authorization === AUTHORIZATION ? undefined : new HttpResponse(null, { status: 401 })
}

const sessionJson = (id: string) => ({
  id,
  object: 'session',
  sessionId: id,
  createdAt: sessions.get(id),
  customSessionId: id,
  connections: { numberOfElements: 0, content: [] },
})

const openViduApi = setupServer(
  http.post(`${OPENVIDU_URL}/openvidu/api/sessions`, async ({ request }) => {
    const refused = await record(request.clone())
    if (refused) return refused
    const { customSessionId } = (await request.json()) as { customSessionId: string }
    if (sessions.has(customSessionId)) return new HttpResponse(null, { status: 409 })
    sessions.set(customSessionId, Date.now())
    return HttpResponse.json(sessionJson(customSessionId))
  }),
  http.get(`${OPENVIDU_URL}/openvidu/api/sessions/:id`, async ({ request, params }) => {
    const refused = await record(request)
    if (refused) return refused
    const id = String(params.id)
    return sessions.has(id) ? HttpResponse.json(sessionJson(id)) : new HttpResponse(null, { status: 404 })
  }),
  http.post(`${OPENVIDU_URL}/openvidu/api/sessions/:id/connection`, async ({ request, params }) => {
    const refused = await record(request.clone())
    if (refused) return refused
    const id = String(params.id)
    if (!sessions.has(id)) return new HttpResponse(null, { status: 404 })
    const body = (await request.json()) as { role: string; data: string }
    connections += 1
    const connectionId = `con_A${String(connections).padStart(9, '0')}`
    return HttpResponse.json({
      id: connectionId,
      object: 'connection',
      status: 'pending',
      connectionId,
      sessionId: id,
      type: 'WEBRTC',
      role: body.role,
      serverData: body.data,
      token: `wss://openvidu.example.com?sessionId=${id}&token=tok_B${String(connections).padStart(15, '0')}`,
    })
  }),
)

let origin: string
let server: ReturnType<typeof createAppServer>['server']
let calls: ReturnType<typeof createAppServer>['calls']

beforeAll(() =>
  openViduApi.listen({
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  }),
)
afterAll(() => openViduApi.close())
beforeEach(async () => {
  vendorRequests.length = 0
  sessions.clear()
  ;({ server, calls } = createAppServer({ url: OPENVIDU_URL, secret: SECRET, webhookHeader: { name: 'Authorization', value: 'Basic d2ViaG9va3M6c2VjcmV0' } }))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

const TOKEN = /^wss:\/\/openvidu\.example\.com\?sessionId=([A-Za-z0-9_-]+)&token=tok_[A-Z][A-Za-z0-9]{15}$/
const asAlice = { headers: { cookie: 'user=alice' } }

describe('the OpenVidu application server on Callport', () => {
  it('POST /calls/join answers {room, token} with an OpenVidu token for the room', async () => {
    const response = await fetch(`${origin}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'user=alice' },
      body: JSON.stringify({ room: 'standup' }),
    })
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    expect(room).toMatchObject({ name: 'standup', provider: 'openvidu', providerRoomId: 'standup' })
    expect(token).toMatchObject({ provider: 'openvidu', identity: 'alice', connect: { sessionId: 'standup', role: 'publisher', name: 'alice' } })
    expect(token.value).toMatch(TOKEN)
    expect(vendorRequests).toEqual([
      { method: 'POST', path: '/openvidu/api/sessions', authorization: AUTHORIZATION, body: { customSessionId: 'standup' } },
      {
        method: 'POST',
        path: '/openvidu/api/sessions/standup/connection',
        authorization: AUTHORIZATION,
        body: { type: 'WEBRTC', role: 'PUBLISHER', data: '{"callport":1,"identity":"alice","name":"alice","role":"publisher"}' },
      },
    ])
  })

  it("the samples' page code gets its token unchanged, through the samples' routes", async () => {
    const token = await getToken(`${origin}/calls/`, 'SessionA', asAlice)
    expect(token).toMatch(TOKEN)
    expect(TOKEN.exec(token)?.[1]).toBe('SessionA')
    // Creating the session first, the connection last; in between the adapter may only make sure the
    // session is still there (POST again → 409, GET), depending on what the call server recorded.
    const requests = vendorRequests.map(({ method, path, body }) => ({ method, path, body }))
    expect(requests[0]).toEqual({ method: 'POST', path: '/openvidu/api/sessions', body: { customSessionId: 'SessionA' } })
    expect(requests.at(-1)).toEqual({ method: 'POST', path: '/openvidu/api/sessions/SessionA/connection', body: { type: 'WEBRTC', role: 'PUBLISHER', data: '' } })
    for (const between of requests.slice(1, -1)) {
      expect([
        { method: 'POST', path: '/openvidu/api/sessions', body: { customSessionId: 'SessionA' } },
        { method: 'GET', path: '/openvidu/api/sessions/SessionA', body: undefined },
      ]).toContainEqual(between)
    }
  })

  it("a room the samples' page created is the room /calls/join joins", async () => {
    await getToken(`${origin}/calls/`, 'SessionA', asAlice)
    const response = await fetch(`${origin}/calls/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'user=bob' },
      body: JSON.stringify({ room: 'SessionA' }),
    })
    const { room } = JoinResponseSchema.parse(await response.json())
    expect(room.providerRoomId).toBe('SessionA')
    expect([...sessions.keys()]).toEqual(['SessionA'])
    expect(vendorRequests.filter(({ path }) => path.endsWith('/connection')).map(({ path }) => path)).toEqual([
      '/openvidu/api/sessions/SessionA/connection',
      '/openvidu/api/sessions/SessionA/connection',
    ])
  })

  it('without a user both APIs answer 401, and OpenVidu is not asked', async () => {
    await expect(getToken(`${origin}/calls/`, 'SessionA')).rejects.toThrow('answered 401')
    const response = await fetch(`${origin}/calls/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ room: 'standup' }) })
    expect(response.status).toBe(401)
    expect(ProblemSchema.parse(await response.json()).code).toBe('UNAUTHORIZED')
    expect(vendorRequests).toEqual([])
  })

  it('receives OpenVidu webhooks that carry the configured header', async () => {
    const joined = vi.fn()
    calls.on('participant-joined', joined)
    const body = JSON.stringify({
      event: 'participantJoined',
      sessionId: 'standup',
      uniqueSessionId: 'standup_1700000000000',
      timestamp: 1_700_000_002_000,
      participantId: 'con_A000000001',
      connectionId: 'con_A000000001',
      serverData: '{"callport":1,"identity":"alice","role":"publisher"}',
      clientData: '',
    })
    const post = (authorization: string) =>
      fetch(`${origin}/calls/webhooks/openvidu`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body })
    expect((await post('Basic wrong')).status).toBe(403)
    expect((await post('Basic d2ViaG9va3M6c2VjcmV0')).status).toBe(204)
    expect(joined).toHaveBeenCalledWith(
      expect.objectContaining({ room: { providerRoomId: 'standup', name: 'standup' }, participant: expect.objectContaining({ identity: 'alice' }) }),
    )
  })
})
