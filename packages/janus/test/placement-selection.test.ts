import { CallportError } from '@callport/core'
import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { janus } from '../src/server/index'
import { videoRoomIdOf } from '../src/server/signed-tokens'

// Which Janus server a room goes to, against fake Janus HTTP APIs (msw): each answers GET /info
// unless it is down, and its VideoRoom answers list (participants per room), exists and create.

interface FakeJanus {
  url: string
  down: boolean
  /** VideoRoom room id → participants in it. */
  rooms: Map<number, number>
  /** VideoRoom requests received (`request` names), in order. */
  requests: string[]
  /** admin_key of each `list`. */
  listKeys: unknown[]
  /** When set, `create` answers with this Janus core error instead. */
  failCreate?: number
  /** A Janus whose VideoRoom has no admin_key lists no private room. */
  hidesPrivateRooms?: boolean
  /** A stuck Janus: GET /info never answers. */
  hangs?: boolean
}

const fakes: FakeJanus[] = []
const fake = (host: string): FakeJanus => {
  const server: FakeJanus = { url: `http://${host}:8088/janus`, down: false, rooms: new Map(), requests: [], listKeys: [] }
  fakes.push(server)
  return server
}
const [a, b, c] = [fake('10.1.0.1'), fake('10.1.0.2'), fake('10.1.0.3')]

const success = (body: Record<string, unknown>) => HttpResponse.json({ janus: 'success', transaction: 't', ...body })
const mocked = setupServer(
  ...fakes.flatMap((server) => [
    http.get(`${server.url}/info`, async () => {
      if (server.hangs) await delay('infinite')
      return server.down ? HttpResponse.error() : HttpResponse.json({ janus: 'server_info', name: 'Janus WebRTC Server' })
    }),
    http.post(`${server.url}`, () => (server.down ? HttpResponse.error() : success({ data: { id: 11 } }))),
    http.post(`${server.url}/11`, async ({ request }) => {
      if (server.down) return HttpResponse.error()
      const body = (await request.json()) as { janus: string }
      return body.janus === 'attach' ? success({ data: { id: 22 } }) : success({})
    }),
    http.post(`${server.url}/11/22`, async ({ request }) => {
      if (server.down) return HttpResponse.error()
      const { body } = (await request.json()) as { body: { request: string; room?: number; admin_key?: unknown } }
      server.requests.push(body.request)
      const answer = (data: Record<string, unknown>) => success({ sender: 22, plugindata: { plugin: 'janus.plugin.videoroom', data } })
      switch (body.request) {
        case 'list':
          server.listKeys.push(body.admin_key)
          return answer({
            videoroom: 'success',
            list: [...(server.hidesPrivateRooms ? [] : server.rooms)].map(([room, participants]) => ({
              room,
              description: 'x',
              is_private: true,
              num_participants: participants,
            })),
          })
        case 'exists':
          return answer({ videoroom: 'success', room: body.room, exists: server.rooms.has(body.room!) })
        case 'create':
          if (server.failCreate !== undefined) return HttpResponse.json({ janus: 'error', transaction: 't', error: { code: server.failCreate, reason: 'not accepting' } })
          server.rooms.set(body.room!, 0)
          return answer({ videoroom: 'created', room: body.room, permanent: false })
        case 'destroy':
          server.rooms.delete(body.room!)
          return answer({ videoroom: 'destroyed', room: body.room })
        default:
          return answer({ videoroom: 'success', allowed: [] })
      }
    }),
  ]),
)
beforeAll(() => mocked.listen({ onUnhandledRequest: 'error' }))
afterAll(() => mocked.close())
afterEach(() => {
  for (const server of fakes) {
    server.down = false
    server.rooms.clear()
    server.requests.length = 0
    server.listKeys.length = 0
    delete server.failCreate
    delete server.hidesPrivateRooms
    delete server.hangs
  }
})

const adapterOf = (servers: FakeJanus[] = [a, b], timeout?: number) =>
  janus({
    ...(timeout === undefined ? {} : { timeout }),
    servers: servers.map((server, index) => ({ url: server.url, id: `janus-${'abc'[index]}`, clientUrl: `wss://${'abc'[index]}.example.com/` })),
    tokenSecret: 'placement-secret',
    adminKey: 'placement-admin-key',
    retry: { limit: 0 },
    environmentVariables: {},
  })
/** Fills a fake server with rooms of these participant counts (ids that no test room has). */
const load = (server: FakeJanus, ...participants: number[]) => participants.forEach((count, index) => server.rooms.set(1_000 + index, count))
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (CallportError.isInstance(error) ? error : error),
  )

describe('placing a room across several Janus servers', () => {
  it('puts a new room on the server with the fewest participants (summed over its rooms, private rooms listed with the admin key)', async () => {
    load(a, 3)
    load(b, 1, 0)
    const room = await adapterOf().ensureRoom({ name: 'least-loaded' })
    const id = await videoRoomIdOf('least-loaded')
    expect(room).toEqual({ name: 'least-loaded', provider: 'janus', providerRoomId: `janus-b/${id}` })
    expect(b.rooms.has(id)).toBe(true)
    expect(a.rooms.has(id)).toBe(false)
    expect(a.listKeys).toEqual(['placement-admin-key'])
    expect(a.requests).not.toContain('create')
  })

  it('breaks a tie in participants by fewer rooms, then by the configured order', async () => {
    load(a, 1, 1)
    load(b, 2)
    expect((await adapterOf().ensureRoom({ name: 'fewer-rooms' })).providerRoomId).toMatch(/^janus-b\//)
    b.rooms.clear()
    a.rooms.clear()
    load(a, 2)
    load(b, 2)
    expect((await adapterOf().ensureRoom({ name: 'configured-order' })).providerRoomId).toMatch(/^janus-a\//)
    expect((await adapterOf([b, a]).ensureRoom({ name: 'configured-order-2' })).providerRoomId).toMatch(/^janus-a\//)
    expect(b.rooms.has(await videoRoomIdOf('configured-order-2'))).toBe(true)
  })

  it('keeps a room on the live server that holds it, however loaded', async () => {
    const id = await videoRoomIdOf('held')
    load(b, 9)
    b.rooms.set(id, 4)
    const room = await adapterOf().ensureRoom({ name: 'held' })
    expect(room.providerRoomId).toBe(`janus-b/${id}`)
    // Also when its Janus lists no private room (VideoRoom without admin_key): asked with exists.
    b.hidesPrivateRooms = true
    expect(await adapterOf().ensureRoom({ name: 'held' })).toEqual(room)
    expect([...a.requests, ...b.requests]).not.toContain('create')
  })

  it('skips a server that does not answer GET /info, even the least loaded', async () => {
    a.down = true
    load(b, 5)
    expect((await adapterOf().ensureRoom({ name: 'dead-skipped' })).providerRoomId).toMatch(/^janus-b\//)
    expect(a.requests).toEqual([])
  })

  it('takes a stuck server (GET /info unanswered within the timeout, at most 2 s) for dead', async () => {
    a.hangs = true
    expect((await adapterOf([a, b], 300).ensureRoom({ name: 'stuck-skipped' })).providerRoomId).toMatch(/^janus-b\//)
    expect(a.requests).toEqual([])
  })

  it('passes over a server that fails while the room is created, to the next least loaded', async () => {
    a.failCreate = 472 // not accepting new sessions (draining): retryable
    load(b, 1)
    const room = await adapterOf().ensureRoom({ name: 'failover' })
    expect(room.providerRoomId).toMatch(/^janus-b\//)
    expect(a.requests).toContain('create')
  })

  it('is PROVIDER_UNAVAILABLE, retryable, when no server answers', async () => {
    a.down = true
    b.down = true
    const error = await failure(adapterOf().ensureRoom({ name: 'all-dead' }))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, provider: 'janus', details: { servers: ['janus-a', 'janus-b'] } })
    expect(await failure(adapterOf().getRoom({ name: 'all-dead' }))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
  })

  it("issues tokens for the room's own server (its client URL), and says the room is gone once that server does not answer", async () => {
    load(a, 1)
    const adapter = adapterOf([a, b, c])
    const room = await adapter.ensureRoom({ name: 'follows' })
    const id = await videoRoomIdOf('follows')
    expect(room.providerRoomId).toBe(`janus-b/${id}`)
    for (const role of ['publisher', 'subscriber'] as const) {
      const token = await adapter.issueToken({ room, participant: { identity: 'ann', role }, ttlSeconds: 600 })
      expect(token.providerRoomId).toBe(`janus-b/${id}`)
      expect(token.connect).toEqual({ url: 'wss://b.example.com/', room: id, publish: role === 'publisher' })
    }
    expect(await adapter.getRoom({ name: 'follows' })).toEqual(room)

    b.down = true
    expect(await adapter.getRoom({ name: 'follows' })).toBeNull()
    for (const role of ['publisher', 'subscriber'] as const) {
      const error = await failure(adapter.issueToken({ room, participant: { identity: 'ann', role }, ttlSeconds: 600 }))
      expect(error).toMatchObject({ code: 'ROOM_NOT_FOUND', retryable: false, details: { server: 'janus-b' } })
    }
    expect(await failure(adapter.listParticipants({ room }))).toMatchObject({ code: 'ROOM_NOT_FOUND' })
    await expect(adapter.closeRoom({ room })).resolves.toBeUndefined()
    // What the call server then does (recreate): ensureRoom places it on the least-loaded live server, c (no participants; a has one).
    const again = await adapter.ensureRoom({ name: 'follows' })
    expect(again.providerRoomId).toBe(`janus-c/${id}`)
    expect(await adapter.getRoom({ name: 'follows' })).toEqual(again)
  })

  it('reads a bare VideoRoom id as the first server, and a room on a server no longer configured as gone', async () => {
    const adapter = adapterOf()
    const id = await videoRoomIdOf('legacy')
    a.rooms.set(id, 0)
    const token = await adapter.issueToken({
      room: { name: 'legacy', provider: 'janus', providerRoomId: String(id) },
      participant: { identity: 'ann', role: 'subscriber' },
      ttlSeconds: 600,
    })
    expect(token.connect.url).toBe('wss://a.example.com/')
    const elsewhere = { name: 'legacy', provider: 'janus', providerRoomId: `janus-z/${id}` }
    expect(await failure(adapter.issueToken({ room: elsewhere, participant: { identity: 'ann', role: 'publisher' }, ttlSeconds: 600 }))).toMatchObject({
      code: 'ROOM_NOT_FOUND',
      details: { server: 'janus-z' },
    })
    await expect(adapter.closeRoom({ room: elsewhere })).resolves.toBeUndefined()
    expect(
      await failure(adapter.issueToken({ room: { ...elsewhere, providerRoomId: `janus-a/${id + 1}` }, participant: { identity: 'ann', role: 'publisher' }, ttlSeconds: 600 })),
    ).toMatchObject({
      code: 'INVALID_INPUT',
    })
  })
})
