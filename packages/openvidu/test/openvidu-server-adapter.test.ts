import { TokenSchema } from '@callport/core'
import { HttpResponse } from 'msw'
import { beforeEach, describe, expect, it } from 'vitest'
import { OpenViduConnectParametersSchema } from '../src/shared/connect-parameters'
import badRole from './fixtures/error-bad-role.json'
import errorInternal from './fixtures/error-internal.json'
import { useMswServer } from './msw-server'
import { rejection, startFakeOpenVidu } from './server-harness'

const server = useMswServer()
const alice = { identity: 'alice', name: 'Alice', role: 'publisher' as const, metadata: { team: 'blue' } }
// reference/vendors.md §1.1: secret MY_SECRET → this exact header.
const DOCUMENTED_AUTHORIZATION = 'Basic T1BFTlZJRFVBUFA6TVlfU0VDUkVU'

let harness: ReturnType<typeof startFakeOpenVidu>
beforeEach(() => {
  harness = startFakeOpenVidu(server)
})

describe('ensureRoom', () => {
  it('POSTs /openvidu/api/sessions with the customSessionId and the documented Basic auth header', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(room).toMatchObject({ name: 'standup', provider: 'openvidu', providerRoomId: 'standup' })
    expect(Date.parse(room.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000)
    expect(fake.requests).toEqual([
      { method: 'POST', path: '/openvidu/api/sessions', search: '', authorization: DOCUMENTED_AUTHORIZATION, body: { customSessionId: 'standup' } },
    ])
  })

  it('maps a name OpenVidu cannot take to its escaped session id', async () => {
    const room = await harness.adapter.ensureRoom({ name: 'daily.sync' })
    expect(room.providerRoomId).toBe('_daily_2e_sync')
    expect(harness.fake.sessions.has('_daily_2e_sync')).toBe(true)
  })

  it('treats 409 (empty body) as "exists" and GETs the session: idempotent', async () => {
    const { fake, adapter } = harness
    const first = await adapter.ensureRoom({ name: 'standup' })
    const second = await adapter.ensureRoom({ name: 'standup' })
    expect(second).toEqual(first)
    expect(fake.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /openvidu/api/sessions',
      'POST /openvidu/api/sessions',
      'GET /openvidu/api/sessions/standup',
    ])
  })

  it('creates again when the session closes between the 409 and the GET', async () => {
    const { fake, adapter } = harness
    fake.script('POST', '/openvidu/api/sessions', () => new HttpResponse(null, { status: 409 }))
    fake.script('GET', '/openvidu/api/sessions/standup', () => new HttpResponse(null, { status: 404 }))
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(room.providerRoomId).toBe('standup')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions')).toHaveLength(2)
  })
})

describe('issueToken', () => {
  it('creates a WEBRTC connection carrying the participant as server data, and returns its token', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    const before = Date.now()
    const token = TokenSchema.parse(await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 }))
    const [request] = fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')
    expect(request?.authorization).toBe(DOCUMENTED_AUTHORIZATION)
    expect(request?.body).toEqual({
      type: 'WEBRTC',
      role: 'PUBLISHER',
      data: '{"callport":1,"identity":"alice","name":"Alice","role":"publisher","metadata":{"team":"blue"}}',
    })
    expect(token.value).toMatch(/^wss:\/\/openvidu\.example\.com\?sessionId=standup&token=tok_[A-Z][A-Za-z0-9]{15}$/)
    const connect = OpenViduConnectParametersSchema.parse(token.connect)
    expect(connect).toEqual({ sessionId: 'standup', connectionId: expect.stringMatching(/^con_[A-Z][A-Za-z0-9]{9}$/), role: 'publisher', name: 'Alice' })
    expect(fake.sessions.get('standup')?.connections.has(connect.connectionId)).toBe(true)
    expect(token).toMatchObject({ provider: 'openvidu', room: 'standup', providerRoomId: 'standup', identity: 'alice' })
    expect(Date.parse(token.expiresAt) - before).toBeGreaterThanOrEqual(600_000)
    expect(Date.parse(token.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000)
  })

  it.each([
    ['publisher', 'PUBLISHER'],
    ['subscriber', 'SUBSCRIBER'],
    ['moderator', 'MODERATOR'],
  ] as const)('issues role %s as %s', async (role, expected) => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'roles' })
    await adapter.issueToken({ room, participant: { identity: 'bob', role }, ttlSeconds: 600 })
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/roles/connection')[0]?.body).toMatchObject({ role: expected })
  })

  it('re-creates a session OpenVidu closed meanwhile (404) once, and retries', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.dropSession('standup')
    const token = await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(token.value).toContain('sessionId=standup')
    expect(fake.requests.slice(1).map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /openvidu/api/sessions/standup/connection',
      'POST /openvidu/api/sessions',
      'POST /openvidu/api/sessions/standup/connection',
    ])
  })

  it('gives up with ROOM_NOT_FOUND when the session is gone again on the retry', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    const gone = () => new HttpResponse(null, { status: 404 })
    fake.script('POST', '/openvidu/api/sessions/standup/connection', gone, gone)
    const error = await rejection(adapter.issueToken({ room, participant: alice, ttlSeconds: 600 }), 'ROOM_NOT_FOUND')
    expect(error.vendor?.status).toBe(404)
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')).toHaveLength(2)
  })
})

describe('getRoom, listParticipants, removeParticipant, closeRoom', () => {
  it('getRoom: the session, or null on 404', async () => {
    const { adapter } = harness
    expect(await adapter.getRoom!({ name: 'nowhere' })).toBeNull()
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect(await adapter.getRoom!({ name: 'standup' })).toEqual(room)
  })

  it('listParticipants: active connections only, each with the identity from its server data', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    const joined = await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    await adapter.issueToken({ room, participant: { identity: 'pending-pat', role: 'subscriber' }, ttlSeconds: 600 })
    const { connectionId } = OpenViduConnectParametersSchema.parse(joined.connect)
    fake.activate('standup', connectionId)
    expect(await adapter.listParticipants!({ room })).toEqual([{ ...alice, providerParticipantId: connectionId }])
  })

  it('listParticipants: nobody in a session OpenVidu closed (its last participant left)', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.dropSession('standup')
    expect(await adapter.listParticipants!({ room })).toEqual([])
  })

  it('listParticipants: a connection Callport did not issue is named by its connection id and client data', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.sessions.get('standup')?.connections.set('con_Ab12345678', {
      json: { id: 'con_Ab12345678', status: 'active', role: 'SUBSCRIBER', serverData: '', clientData: '{"clientData":"Participant42"}' },
    })
    expect(await adapter.listParticipants!({ room })).toEqual([
      { identity: 'con_Ab12345678', name: 'Participant42', role: 'subscriber', providerParticipantId: 'con_Ab12345678' },
    ])
  })

  it('removeParticipant: evicts the active connection and voids pending tokens of that identity only', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    const active = OpenViduConnectParametersSchema.parse((await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })).connect)
    const pending = OpenViduConnectParametersSchema.parse((await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })).connect)
    const bob = OpenViduConnectParametersSchema.parse((await adapter.issueToken({ room, participant: { identity: 'bob', role: 'publisher' }, ttlSeconds: 600 })).connect)
    fake.activate('standup', active.connectionId)
    await adapter.removeParticipant!({ room, identity: 'alice' })
    expect(
      fake
        .requestsTo('DELETE', '/openvidu/api/sessions/standup/connection/*')
        .map((request) => request.path)
        .sort(),
    ).toEqual([`/openvidu/api/sessions/standup/connection/${active.connectionId}`, `/openvidu/api/sessions/standup/connection/${pending.connectionId}`].sort())
    expect([...(fake.sessions.get('standup')?.connections.keys() ?? [])]).toEqual([bob.connectionId])
  })

  it('removeParticipant: PARTICIPANT_NOT_FOUND for someone not there; ROOM_NOT_FOUND for a session that is gone', async () => {
    const { adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    await rejection(adapter.removeParticipant!({ room, identity: 'nobody' }), 'PARTICIPANT_NOT_FOUND')
    await adapter.closeRoom!({ room })
    await rejection(adapter.removeParticipant!({ room, identity: 'nobody' }), 'ROOM_NOT_FOUND')
  })

  it('removeParticipant: the empty 400 OpenVidu answers DELETE …/connection/{id} for an unknown session is ROOM_NOT_FOUND, status kept', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    // The session closes between the listing and the DELETE; the fake then answers as closeConnection does.
    fake.script('GET', '/openvidu/api/sessions/standup/connection', async () => {
      const listing = await fetch(`${fake.url}/openvidu/api/sessions/standup/connection`, { headers: { authorization: fake.requests.at(-1)!.authorization! } })
      fake.dropSession('standup')
      return listing
    })
    const error = await rejection(adapter.removeParticipant!({ room, identity: 'alice' }), 'ROOM_NOT_FOUND')
    expect(error.vendor?.status).toBe(400)
    expect(error.vendor?.body).toBeUndefined()
  })

  it('closeRoom: DELETEs the session; a session OpenVidu no longer has counts as closed', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    await adapter.closeRoom!({ room })
    expect(fake.sessions.has('standup')).toBe(false)
    await adapter.closeRoom!({ room })
    expect(fake.requestsTo('DELETE', '/openvidu/api/sessions/standup')).toHaveLength(2)
  })
})

/**
 * openvidu-server 2.32.2 `rest/SessionRestController.java` `closeSession`: 204 when closed; 404 when
 * it has no such session, active or not, or finds the not-active one already closed; 400 with a
 * generated error body only when `tryLock(15, SECONDS)` on the session's closing lock fails
 * ("Timeout waiting for Session … closing lock to be available for closing from DELETE …"): the session
 * is being created or closed by another request, so the same DELETE may succeed later.
 */
describe('closeRoom: DELETE /sessions/{id} answering 400 is the closing lock, temporary', () => {
  const lockTimeout = () =>
    HttpResponse.json(
      {
        timestamp: 1700000000000,
        status: 400,
        error: 'Bad Request',
        message: 'Timeout waiting for Session standup closing lock to be available for closing from DELETE /openvidu/api/sessions',
        path: '/openvidu/api/sessions',
      },
      { status: 400 },
    )

  it('is retried (DELETE is idempotent) and then succeeds', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.script('DELETE', '/openvidu/api/sessions/standup', lockTimeout)
    await adapter.closeRoom!({ room })
    expect(fake.requestsTo('DELETE', '/openvidu/api/sessions/standup')).toHaveLength(2)
    expect(fake.sessions.has('standup')).toBe(false)
  })

  it("when it lasts: PROVIDER_UNAVAILABLE, retryable, with OpenVidu's message and status", async () => {
    const { fake, adapter } = startFakeOpenVidu(server, { retry: { limit: 1, initialDelay: 1, maximumDelay: 5 } })
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.script('DELETE', '/openvidu/api/sessions/standup', lockTimeout, lockTimeout)
    const error = await rejection(adapter.closeRoom!({ room }), 'PROVIDER_UNAVAILABLE')
    expect(error.retryable).toBe(true)
    expect(error.vendor?.status).toBe(400)
    expect(error.message).toContain('closing lock')
  })

  it('404 (no such session) still counts as closed', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.dropSession('standup')
    await adapter.closeRoom!({ room })
    expect(fake.requestsTo('DELETE', '/openvidu/api/sessions/standup')).toHaveLength(1)
  })
})

describe('errors', () => {
  it('401: PROVIDER_REJECTED naming the secret, not retryable, vendor status kept, secret not in the message', async () => {
    const { adapter } = startFakeOpenVidu(server, { secret: 'not-the-secret' })
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }), 'PROVIDER_REJECTED')
    expect(error.message).toMatch(/secret.*OPENVIDU_SECRET/)
    expect(error.message).not.toContain('not-the-secret')
    expect(error.retryable).toBe(false)
    expect(error.vendor).toMatchObject({ status: 401, body: undefined })
  })

  it('400: INVALID_INPUT keeping the vendor message and body; no retry', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.script('POST', '/openvidu/api/sessions/standup/connection', () => HttpResponse.json(badRole, { status: 400 }))
    const error = await rejection(adapter.issueToken({ room, participant: alice, ttlSeconds: 600 }), 'INVALID_INPUT')
    expect(error.message).toContain(badRole.message)
    expect(error.vendor).toMatchObject({ status: 400, body: badRole })
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')).toHaveLength(1)
  })

  it('5xx: retried twice, then PROVIDER_UNAVAILABLE, retryable, with the last status and body', async () => {
    const { fake, adapter } = harness
    const failing = () => HttpResponse.json(errorInternal, { status: 500 })
    fake.script('POST', '/openvidu/api/sessions', failing, failing, failing)
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }), 'PROVIDER_UNAVAILABLE')
    expect(error.retryable).toBe(true)
    expect(error.vendor).toMatchObject({ status: 500, body: errorInternal })
    expect(fake.requestsTo('POST', '/openvidu/api/sessions')).toHaveLength(3)
  })

  it('5xx once, then success: the retry answers', async () => {
    const { fake, adapter } = harness
    fake.script('POST', '/openvidu/api/sessions', () => new HttpResponse(null, { status: 503 }))
    expect((await adapter.ensureRoom({ name: 'standup' })).providerRoomId).toBe('standup')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions')).toHaveLength(2)
  })

  it('network errors: retried, then PROVIDER_UNAVAILABLE', async () => {
    const { fake, adapter } = harness
    fake.script(
      'GET',
      '/openvidu/api/sessions/standup',
      () => HttpResponse.error(),
      () => HttpResponse.error(),
      () => HttpResponse.error(),
    )
    const error = await rejection(adapter.getRoom!({ name: 'standup' }), 'PROVIDER_UNAVAILABLE')
    expect(error.retryable).toBe(true)
    expect(fake.requestsTo('GET', '/openvidu/api/sessions/standup')).toHaveLength(3)
  })

  it('a timeout: retried like any transient failure (GET is idempotent), then PROVIDER_UNAVAILABLE, retryable', async () => {
    const { fake, adapter } = startFakeOpenVidu(server, { timeout: 50 })
    // OpenVidu never answers.
    const silent = () => new Promise<never>(() => undefined)
    fake.script('GET', '/openvidu/api/sessions/slow', silent, silent, silent)
    const error = await rejection(adapter.getRoom!({ name: 'slow' }), 'PROVIDER_UNAVAILABLE')
    expect(error.message).toContain('did not answer within 50 ms')
    expect(error.retryable).toBe(true)
    expect(fake.requestsTo('GET', '/openvidu/api/sessions/slow')).toHaveLength(3)
  })

  it('429: RATE_LIMITED, retryable; retried after Retry-After, even for a POST (OpenVidu did not act on it)', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    const limited = () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '0' } })
    fake.script('POST', '/openvidu/api/sessions/standup/connection', limited)
    expect((await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })).value).toContain('sessionId=standup')
    fake.script('POST', '/openvidu/api/sessions/standup/connection', limited, limited, limited)
    const error = await rejection(adapter.issueToken({ room, participant: alice, ttlSeconds: 600 }), 'RATE_LIMITED')
    expect(error.retryable).toBe(true)
    expect(error.vendor?.status).toBe(429)
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')).toHaveLength(5)
  })

  it('5xx to POST …/connection (not idempotent: a repeat would create another connection) is not retried, except 503', async () => {
    const { fake, adapter } = harness
    const room = await adapter.ensureRoom({ name: 'standup' })
    fake.script('POST', '/openvidu/api/sessions/standup/connection', () => HttpResponse.json(errorInternal, { status: 500 }))
    await rejection(adapter.issueToken({ room, participant: alice, ttlSeconds: 600 }), 'PROVIDER_UNAVAILABLE')
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')).toHaveLength(1)
    fake.script('POST', '/openvidu/api/sessions/standup/connection', () => new HttpResponse(null, { status: 503 }))
    await adapter.issueToken({ room, participant: alice, ttlSeconds: 600 })
    expect(fake.requestsTo('POST', '/openvidu/api/sessions/standup/connection')).toHaveLength(3)
  })

  it('4xx other than 400/401/404/408/429: PROVIDER_REJECTED, not retried', async () => {
    const { fake, adapter } = harness
    fake.script('POST', '/openvidu/api/sessions', () => new HttpResponse(null, { status: 403 }))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }), 'PROVIDER_REJECTED')
    expect(error.vendor?.status).toBe(403)
    expect(fake.requestsTo('POST', '/openvidu/api/sessions')).toHaveLength(1)
  })

  it('a 200 with a body that is not a Session: PROVIDER_REJECTED with the body kept', async () => {
    const { fake, adapter } = harness
    fake.script('POST', '/openvidu/api/sessions', () => HttpResponse.json({ unexpected: true }))
    const error = await rejection(adapter.ensureRoom({ name: 'standup' }), 'PROVIDER_REJECTED')
    expect(error.vendor).toMatchObject({ status: 200, body: { unexpected: true } })
  })

  it('an abort during a request: ABORTED', async () => {
    const { fake, adapter } = harness
    const controller = new AbortController()
    fake.script('POST', '/openvidu/api/sessions', () => {
      controller.abort()
      return new Promise<never>(() => undefined)
    })
    await rejection(adapter.ensureRoom({ name: 'standup', signal: controller.signal }), 'ABORTED')
  })
})
