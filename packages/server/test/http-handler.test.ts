import { JoinResponseSchema, ProblemSchema, RoomSchema, type Participant } from '@callport/core'
import { memory } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import { createCallServer, type CallServerOptions } from '../src/index'
import { alice, postJson, rejected, stubAdapter, unavailable } from './stub-adapter'

const base = 'http://calls.test/calls'

function server(overrides: Partial<CallServerOptions> = {}) {
  const a = stubAdapter('a')
  const b = stubAdapter('b')
  const errors: unknown[] = []
  const authorized: { room: string | undefined }[] = []
  const calls = createCallServer({
    providers: [a, b],
    basePath: '/calls',
    authorize: async (request, context) => {
      authorized.push({ room: context.room })
      return request.headers.get('authorization') === 'Bearer nobody' ? null : alice
    },
    onError: (error) => errors.push(error),
    ...overrides,
  })
  return { calls, a, b, errors, authorized }
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  const body: unknown = await response.json()
  const problem = ProblemSchema.parse(body)
  expect(problem.status).toBe(response.status)
  return body as ReturnType<typeof ProblemSchema.parse> & { issues?: { path: unknown[]; message: string }[] }
}

describe('POST /join', () => {
  it('answers the room and a token in one round trip, naming the provider in a header', async () => {
    const { calls, a, authorized } = server()
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('callport-provider')).toBe('a')
    expect(response.headers.has('callport-failover-from')).toBe(false)
    const body = JoinResponseSchema.parse(await response.json())
    expect(body.room).toEqual(a.rooms.get('standup'))
    expect(body.token.identity).toBe('alice')
    expect(authorized).toEqual([{ room: 'standup' }])
  })

  it('says which provider served the room after a failover', async () => {
    const { calls, a } = server()
    a.failEnsure = () => unavailable('a')
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(response.status).toBe(200)
    expect(response.headers.get('callport-provider')).toBe('b')
    expect(response.headers.get('callport-failover-from')).toBe('a')
    const body = JoinResponseSchema.parse(await response.json())
    expect([body.room.provider, body.token.provider]).toEqual(['b', 'b'])
  })

  it('answers 401 when authorize returns null, before touching a provider', async () => {
    const { calls, a } = server()
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }, { authorization: 'Bearer nobody' }))
    expect(response.status).toBe(401)
    expect((await problemOf(response)).code).toBe('UNAUTHORIZED')
    expect(a.ensured).toEqual([])
  })

  it('passes on the status of a CallportError that authorize throws', async () => {
    const { calls } = server({
      authorize: async () => {
        const { CallportError } = await import('@callport/core')
        throw new CallportError('FORBIDDEN', 'not in this team')
      },
    })
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(response.status).toBe(403)
    expect(await problemOf(response)).toMatchObject({ code: 'FORBIDDEN', detail: 'not in this team' })
  })

  it('validates what authorize returns, answering 500 without details', async () => {
    const { calls, errors } = server({ authorize: async () => ({ identity: 'tab\there' }) })
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(response.status).toBe(500)
    const problem = await problemOf(response)
    expect(problem.code).toBe('INTERNAL')
    expect(problem.detail).not.toMatch(/identity|tab/i)
    expect(String(errors[0])).toMatch(/authorize/)
  })

  it('keeps the provider and retryable flag of a vendor failure', async () => {
    const { calls, a, b } = server()
    a.failEnsure = () => unavailable('a')
    b.failEnsure = () => unavailable('b')
    const down = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(down.status).toBe(503)
    expect(await problemOf(down)).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'a', retryable: true })
    a.failEnsure = () => rejected('a')
    const refused = await calls.fetch(postJson(`${base}/join`, { room: 'retro' }))
    expect(refused.status).toBe(502)
    expect(await problemOf(refused)).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'a', retryable: false })
  })

  it('answers 500 for an unexpected exception without leaking its message, and reports it', async () => {
    const { calls, a, errors } = server()
    a.failEnsure = () => new Error('connect ECONNREFUSED 10.0.0.7:5443 password=hunter2')
    const response = await calls.fetch(postJson(`${base}/join`, { room: 'standup' }))
    expect(response.status).toBe(500)
    const text = JSON.stringify(await problemOf(response))
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('10.0.0.7')
    expect(errors).toHaveLength(1)
  })
})

describe('POST /rooms', () => {
  it('answers 201 when it creates the room and 200 when it was live', async () => {
    const { calls } = server()
    const created = await calls.fetch(postJson(`${base}/rooms`, { room: 'retro' }))
    expect(created.status).toBe(201)
    const { room } = (await created.json()) as { room: unknown }
    expect(RoomSchema.parse(room).provider).toBe('a')
    const again = await calls.fetch(postJson(`${base}/rooms`, { room: 'retro' }))
    expect(again.status).toBe(200)
    expect(((await again.json()) as { room: unknown }).room).toEqual(room)
  })
})

describe('GET /rooms/:room', () => {
  it('answers 404 for a room that is not live, then the room and its participants', async () => {
    const { calls, a } = server()
    const missing = await calls.fetch(new Request(`${base}/rooms/retro`))
    expect(missing.status).toBe(404)
    expect((await problemOf(missing)).code).toBe('ROOM_NOT_FOUND')
    await calls.ensureRoom({ room: 'retro' })
    const bob: Participant = { identity: 'bob', role: 'subscriber' }
    a.members.set('retro', [bob])
    const found = await calls.fetch(new Request(`${base}/rooms/retro`))
    expect(found.status).toBe(200)
    expect(found.headers.get('callport-provider')).toBe('a')
    expect(await found.json()).toEqual({ room: a.rooms.get('retro'), participants: [bob] })
  })

  it('leaves participants out when the provider cannot list them', async () => {
    const plain = stubAdapter('plain', { optionalMethods: false })
    const calls = createCallServer({ providers: [plain], authorize: async () => alice })
    await calls.ensureRoom({ room: 'retro' })
    const body = (await (await calls.fetch(new Request('http://calls.test/rooms/retro'))).json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['room'])
  })

  it('decodes the room name in the path and validates it', async () => {
    const { calls, authorized } = server()
    await calls.ensureRoom({ room: '会議室' })
    const found = await calls.fetch(new Request(`${base}/rooms/${encodeURIComponent('会議室')}`))
    expect(found.status).toBe(200)
    expect(authorized.at(-1)).toEqual({ room: '会議室' })
    for (const segment of ['a%2Fb', 'two%20words', '-leading', 'a'.repeat(129)]) {
      const response = await calls.fetch(new Request(`${base}/rooms/${segment}`))
      expect(response.status, segment).toBe(400)
      expect((await problemOf(response)).code).toBe('INVALID_INPUT')
    }
    const badEncoding = await calls.fetch(new Request(`${base}/rooms/%E4%BC`))
    expect(badEncoding.status).toBe(400)
  })
})

describe('POST /rooms/:room/tokens', () => {
  it('issues a token for a live room and answers 404 otherwise', async () => {
    const { calls, a } = server()
    const missing = await calls.fetch(new Request(`${base}/rooms/retro/tokens`, { method: 'POST', headers: { 'callport-request': '1' } }))
    expect(missing.status).toBe(404)
    expect((await problemOf(missing)).code).toBe('ROOM_NOT_FOUND')
    await calls.ensureRoom({ room: 'retro' })
    const response = await calls.fetch(new Request(`${base}/rooms/retro/tokens`, { method: 'POST', headers: { 'callport-request': '1' } }))
    expect(response.status).toBe(200)
    const body = JoinResponseSchema.parse(await response.json())
    expect(body.room).toEqual(a.rooms.get('retro'))
    expect(body.token.identity).toBe('alice')
  })
})

describe('request validation', () => {
  it('answers 404 for unknown paths and paths outside the base path', async () => {
    const { calls } = server()
    for (const url of [`${base}/nothing`, `${base}/join/extra`, 'http://calls.test/join', `${base}`, `${base}/rooms/`, `${base}extra/join`]) {
      const response = await calls.fetch(postJson(url, { room: 'standup' }))
      expect(response.status, url).toBe(404)
      expect((await problemOf(response)).code).toBe('NOT_FOUND')
    }
  })

  it('answers 405 with Allow for a wrong method', async () => {
    const { calls } = server()
    const cases = [
      ['GET', `${base}/join`, 'POST'],
      ['PUT', `${base}/rooms/retro`, 'GET, DELETE'],
      ['POST', `${base}/rooms/retro/participants`, 'GET'],
      ['GET', `${base}/rooms/retro/participants/bob`, 'DELETE, PATCH'],
      ['GET', `${base}/rooms/retro/participants/bob/mute`, 'POST'],
      ['GET', `${base}/rooms/retro/tokens`, 'POST'],
      ['PUT', `${base}/webhooks/a`, 'POST'],
    ] as const
    for (const [method, url, allow] of cases) {
      const response = await calls.fetch(new Request(url, { method }))
      expect(response.status, `${method} ${url}`).toBe(405)
      expect(response.headers.get('allow')).toBe(allow)
      expect((await problemOf(response)).code).toBe('METHOD_NOT_ALLOWED')
    }
  })

  it('answers 415 unless the body is application/json, accepting any parameters', async () => {
    const { calls } = server()
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'application/merge-patch+json']) {
      const request = new Request(`${base}/join`, { method: 'POST', headers: { 'content-type': contentType }, body: '{"room":"standup"}' })
      const response = await calls.fetch(request)
      expect(response.status, contentType).toBe(415)
      expect((await problemOf(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE')
    }
    const missing = await calls.fetch(new Request(`${base}/join`, { method: 'POST', body: new Uint8Array([123, 125]) }))
    expect(missing.status).toBe(415)
    for (const contentType of ['application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"', ' application/json ']) {
      const request = new Request(`${base}/join`, { method: 'POST', headers: { 'content-type': contentType }, body: '{"room":"standup"}' })
      expect((await calls.fetch(request)).status, contentType).toBe(200)
    }
  })

  it('answers 413 for a body over 16 KiB, declared or streamed without a length', async () => {
    const { calls } = server()
    let bodyRead = false
    const unread = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          bodyRead = true
          controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const declared = await calls.fetch(
      new Request(`${base}/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(16 * 1024 + 1) },
        body: unread,
        duplex: 'half',
      } as RequestInit),
    )
    expect(declared.status).toBe(413)
    expect((await problemOf(declared)).code).toBe('PAYLOAD_TOO_LARGE')
    expect(bodyRead).toBe(false)

    const lying = await calls.fetch(postJson(`${base}/join`, { room: 'standup', padding: 'x'.repeat(16 * 1024) }, { 'content-length': '20' }))
    expect(lying.status).toBe(413)

    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        controller.enqueue(new TextEncoder().encode(' '.repeat(1024)))
      },
    })
    const chunked = new Request(`${base}/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: endless,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.headers.has('content-length')).toBe(false)
    const response = await calls.fetch(chunked)
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThan(40)

    const exactly = `{"room":"standup"}${' '.repeat(16 * 1024 - 18)}`
    expect(new TextEncoder().encode(exactly).byteLength).toBe(16 * 1024)
    const atLimit = await calls.fetch(new Request(`${base}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exactly }))
    expect(atLimit.status).toBe(200)
  })

  it('answers 400 with zod issues for malformed JSON or a body the schema refuses', async () => {
    const { calls } = server()
    const malformed = await calls.fetch(new Request(`${base}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"room":' }))
    expect(malformed.status).toBe(400)
    expect((await problemOf(malformed)).code).toBe('INVALID_INPUT')
    const notUtf8 = await calls.fetch(
      new Request(`${base}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x22, 0xff, 0x22]) }),
    )
    expect(notUtf8.status).toBe(400)
    for (const body of [{ room: 42 }, { room: 'two words' }, [], null, 'standup', { rooms: 'standup' }]) {
      const response = await calls.fetch(postJson(`${base}/join`, body))
      expect(response.status, JSON.stringify(body)).toBe(400)
      const problem = await problemOf(response)
      expect(problem.code).toBe('INVALID_INPUT')
      expect(problem.issues?.length).toBeGreaterThan(0)
    }
    const wrongType = await problemOf(await calls.fetch(postJson(`${base}/join`, { room: 42 })))
    expect(wrongType.issues?.[0]?.path).toEqual(['room'])
  })

  it('serves at the root when there is no base path', async () => {
    const calls = createCallServer({ providers: [memory()], authorize: async () => alice })
    expect((await calls.fetch(postJson('http://calls.test/join', { room: 'standup' }))).status).toBe(200)
    expect((await calls.fetch(postJson('http://calls.test/calls/join', { room: 'standup' }))).status).toBe(404)
  })

  it('answers 499 ABORTED when the client goes away during a request', async () => {
    const { calls, a, b } = server()
    a.delayEnsure = (signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }))
    const controller = new AbortController()
    const pending = calls.fetch(
      new Request(`${base}/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"room":"standup"}',
        signal: controller.signal,
      }),
    )
    await vi.waitFor(() => expect(a.ensured).toHaveLength(1))
    controller.abort()
    const response = await pending
    expect(response.status).toBe(499)
    expect((await problemOf(response)).code).toBe('ABORTED')
    expect(b.ensured).toEqual([])
  })
})
