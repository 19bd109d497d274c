import { CallportError, JoinResponseSchema, type ServerAdapter } from '@callport/core'
import { memory } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import { createCallServer, createMemoryRoomStore, type CallServerOptions } from '../src/index'
import { alice, rejected, stubAdapter, unavailable } from './stub-adapter'

const authorize = async () => alice
const caught = async (promise: Promise<unknown>): Promise<CallportError> => {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!CallportError.isInstance(error)) throw new Error(`expected a CallportError, got ${String(error)}`)
  return error
}
const thrown = (create: () => unknown): CallportError => {
  try {
    create()
  } catch (error) {
    if (CallportError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected createCallServer to throw')
}

describe('createCallServer options', () => {
  it('needs at least one provider', () => {
    const error = thrown(() => createCallServer({ providers: [], authorize }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/providers/)
  })

  it('refuses duplicate provider ids', () => {
    const error = thrown(() => createCallServer({ providers: [stubAdapter('twilio'), stubAdapter('twilio')], authorize }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/"twilio" is configured twice/)
  })

  it('refuses an adapter of another specification version', () => {
    const future = { ...stubAdapter('future'), specificationVersion: 'v2' } as unknown as ServerAdapter
    const error = thrown(() => createCallServer({ providers: [future], authorize }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/"v2".*"v1"/)
  })

  it('requires authorize', () => {
    const error = thrown(() => createCallServer({ providers: [memory()] } as unknown as CallServerOptions))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/authorize/)
  })

  it('checks tokenTtlSeconds against every provider and names the provider and its bounds', () => {
    const kaleyra = stubAdapter('kaleyra', { tokenTtlSeconds: { min: 360, max: 86_400 } })
    const error = thrown(() => createCallServer({ providers: [stubAdapter('signaling'), kaleyra], authorize, tokenTtlSeconds: 60 }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.provider).toBe('kaleyra')
    expect(error.message).toContain('"kaleyra"')
    expect(error.message).toContain('360')
    expect(error.message).toContain('86400')
    expect(() => createCallServer({ providers: [kaleyra], authorize, tokenTtlSeconds: 360 })).not.toThrow()
    expect(() => createCallServer({ providers: [kaleyra], authorize, tokenTtlSeconds: 86_400 })).not.toThrow()
    expect(thrown(() => createCallServer({ providers: [kaleyra], authorize, tokenTtlSeconds: 86_401 })).code).toBe('INVALID_INPUT')
    expect(thrown(() => createCallServer({ providers: [kaleyra], authorize, tokenTtlSeconds: 400.5 })).code).toBe('INVALID_INPUT')
  })

  it('checks the default lifetime of 3600 seconds too', () => {
    const short = stubAdapter('short', { tokenTtlSeconds: { min: 1, max: 600 } })
    expect(thrown(() => createCallServer({ providers: [short], authorize })).message).toMatch(/3600.*"short".*1…600/)
  })

  it('normalizes the base path and refuses one that is not a path', () => {
    expect(createCallServer({ providers: [memory()], authorize, basePath: '/calls/' }).basePath).toBe('/calls')
    expect(createCallServer({ providers: [memory()], authorize, basePath: '/' }).basePath).toBe('')
    expect(thrown(() => createCallServer({ providers: [memory()], authorize, basePath: 'calls' })).code).toBe('INVALID_INPUT')
  })

  it('exposes the providers in failover order', () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    expect(createCallServer({ providers: [a, b], authorize }).providers).toEqual([a, b])
  })
})

describe('programmatic API', () => {
  it('join makes the room live on the first provider and issues a token with the configured lifetime', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const calls = createCallServer({ providers: [a, b], authorize, tokenTtlSeconds: 900 })
    const before = Date.now()
    const joined = await calls.join({ room: 'standup', participant: alice })
    expect(JoinResponseSchema.parse(joined)).toEqual(joined)
    expect(joined.room).toEqual(a.rooms.get('standup'))
    expect(joined.token.provider).toBe('a')
    expect(joined.token.identity).toBe('alice')
    expect(a.issued[0]?.ttlSeconds).toBe(900)
    const expiresIn = Date.parse(joined.token.expiresAt) - before
    expect(expiresIn).toBeGreaterThanOrEqual(900_000)
    expect(expiresIn).toBeLessThan(905_000)
    expect(b.ensured).toEqual([])
  })

  it('defaults the role to publisher and validates the participant and the room name', async () => {
    const a = stubAdapter('a')
    const calls = createCallServer({ providers: [a], authorize })
    await calls.join({ room: 'standup', participant: { identity: 'bob' } })
    expect(a.issued).toHaveLength(1)
    expect((await caught(calls.join({ room: 'two words', participant: alice }))).code).toBe('INVALID_INPUT')
    expect((await caught(calls.join({ room: 'standup', participant: { identity: '' } }))).code).toBe('INVALID_INPUT')
    const badRole = await caught(calls.join({ room: 'standup', participant: { identity: 'x', role: 'admin' as never } }))
    expect(badRole.code).toBe('INVALID_INPUT')
    expect(badRole.details).toEqual([expect.objectContaining({ path: ['role'] })])
  })

  it('ensureRoom is create-or-get; getRoom and issueToken see only live rooms', async () => {
    const a = stubAdapter('a')
    const calls = createCallServer({ providers: [a], authorize })
    expect(await calls.getRoom({ room: 'retro' })).toBeNull()
    const notLive = await caught(calls.issueToken({ room: 'retro', participant: alice }))
    expect(notLive.code).toBe('ROOM_NOT_FOUND')
    const room = await calls.ensureRoom({ room: 'retro' })
    expect(await calls.ensureRoom({ room: 'retro' })).toEqual(room)
    expect(await calls.getRoom({ room: 'retro' })).toEqual(room)
    const token = await calls.issueToken({ room: 'retro', participant: alice, ttlSeconds: 60 })
    expect(token.providerRoomId).toBe(room.providerRoomId)
    expect(a.issued.at(-1)?.ttlSeconds).toBe(60)
  })

  it('issueToken refuses a lifetime the room’s provider does not accept', async () => {
    const calls = createCallServer({ providers: [stubAdapter('k', { tokenTtlSeconds: { min: 360, max: 86_400 } })], authorize })
    await calls.ensureRoom({ room: 'retro' })
    const error = await caught(calls.issueToken({ room: 'retro', participant: alice, ttlSeconds: 30 }))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(/"k".*360…86400/)
  })

  it('getRoom answers null when the provider says the room is gone', async () => {
    const a = stubAdapter('a')
    const calls = createCallServer({ providers: [a], authorize })
    await calls.ensureRoom({ room: 'retro' })
    a.rooms.delete('retro')
    expect(await calls.getRoom({ room: 'retro' })).toBeNull()
  })

  it('closeRoom closes the room on its provider and forgets it, so routing applies again', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    let target = 'a'
    const store = createMemoryRoomStore()
    const calls = createCallServer({ providers: [a, b], authorize, route: () => target, roomStore: store })
    await calls.join({ room: 'standup', participant: alice })
    target = 'b'
    await calls.closeRoom({ room: 'standup' })
    expect(a.rooms.has('standup')).toBe(false)
    expect(await store.get('standup')).toBeUndefined()
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('b')
    expect((await caught(calls.closeRoom({ room: 'never' }))).code).toBe('ROOM_NOT_FOUND')
  })
})

describe('routing and stickiness', () => {
  it('routes new rooms and keeps live rooms on their provider when the route changes', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    let target = 'a'
    const seen: unknown[] = []
    const calls = createCallServer({
      providers: [a, b],
      authorize,
      route: async (context) => {
        seen.push(context)
        return target
      },
    })
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('a')
    expect(seen).toEqual([{ room: 'standup', participant: { ...alice, role: 'publisher' } }])
    target = 'b'
    expect((await calls.join({ room: 'standup', participant: alice })).token.provider).toBe('a')
    expect((await calls.join({ room: 'retro', participant: alice })).token.provider).toBe('b')
    expect(seen).toHaveLength(2)
  })

  it('fails a route that names an unconfigured provider', async () => {
    const calls = createCallServer({ providers: [memory()], authorize, route: () => 'nowhere' })
    const error = await caught(calls.join({ room: 'standup', participant: alice }))
    expect(error.code).toBe('INTERNAL')
    expect(error.message).toContain('"nowhere"')
  })

  it('two servers sharing a store agree on the provider of a room they create at the same time', async () => {
    const store = createMemoryRoomStore()
    const [a1, b1, a2, b2] = [stubAdapter('a'), stubAdapter('b'), stubAdapter('a'), stubAdapter('b')]
    // The server routing to `a` is slower to get its room, so `b` records first.
    a1.delayEnsure = () => new Promise((resolve) => setTimeout(resolve, 20))
    const first = createCallServer({ providers: [a1, b1], authorize, route: () => 'a', roomStore: store })
    const second = createCallServer({ providers: [a2, b2], authorize, route: () => 'b', roomStore: store })
    const [one, two] = await Promise.all([first.join({ room: 'standup', participant: alice }), second.join({ room: 'standup', participant: { identity: 'bob' } })])
    expect(two.room.provider).toBe('b')
    expect(one.room.provider).toBe('b')
    expect(one.token.provider).toBe('b')
    expect((await store.get('standup'))?.provider).toBe('b')
  })
})

describe('failover', () => {
  it('tries the next providers in order when the routed one fails with a retryable error', async () => {
    const [a, b, c] = [stubAdapter('a'), stubAdapter('b'), stubAdapter('c')]
    a.failEnsure = () => unavailable('a')
    c.failEnsure = () => unavailable('c')
    const calls = createCallServer({ providers: [a, b, c], authorize, route: () => 'c' })
    const joined = await calls.join({ room: 'standup', participant: alice })
    expect(joined.room.provider).toBe('b')
    expect(joined.token.provider).toBe('b')
    expect([c.ensured, a.ensured, b.ensured]).toEqual([['standup'], ['standup'], ['standup']])
    // Once live on b, the room stays there even after the others recover.
    a.failEnsure = undefined
    c.failEnsure = undefined
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('b')
  })

  it('does not fail over a non-retryable error', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    a.failEnsure = () => rejected('a')
    const calls = createCallServer({ providers: [a, b], authorize })
    const error = await caught(calls.join({ room: 'standup', participant: alice }))
    expect(error.code).toBe('PROVIDER_REJECTED')
    expect(error.vendor).toEqual({ status: 400, body: { message: 'bad' } })
    expect(b.ensured).toEqual([])
  })

  it('does not fail over an unexpected exception, and names its provider', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    a.failEnsure = () => new TypeError('cannot read properties of undefined')
    const calls = createCallServer({ providers: [a, b], authorize })
    const error = await caught(calls.join({ room: 'standup', participant: alice }))
    expect(error.code).toBe('INTERNAL')
    expect(error.provider).toBe('a')
    expect(b.ensured).toEqual([])
  })

  it('reports the routed provider’s failure, with its vendor response, when every provider fails', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    a.failEnsure = () => unavailable('a')
    b.failEnsure = () => unavailable('b')
    const calls = createCallServer({ providers: [a, b], authorize })
    const error = await caught(calls.join({ room: 'standup', participant: alice }))
    expect(error.code).toBe('PROVIDER_UNAVAILABLE')
    expect(error.provider).toBe('a')
    expect(error.retryable).toBe(true)
    expect(error.vendor?.status).toBe(503)
    expect(b.ensured).toEqual(['standup'])
  })

  it('does not move a live room when its provider fails', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const calls = createCallServer({ providers: [a, b], authorize })
    await calls.join({ room: 'standup', participant: alice })
    a.failIssue = () => unavailable('a')
    expect((await caught(calls.join({ room: 'standup', participant: alice }))).provider).toBe('a')
    expect(a.ensured).toEqual(['standup'])
    expect(b.ensured).toEqual([])
  })
})

describe('abort signals', () => {
  it('refuses to start with an aborted signal', async () => {
    const a = stubAdapter('a')
    const calls = createCallServer({ providers: [a], authorize })
    const error = await caught(calls.join({ room: 'standup', participant: alice, signal: AbortSignal.abort() }))
    expect(error.code).toBe('ABORTED')
    expect(a.ensured).toEqual([])
  })

  it('passes the signal to the adapter and does not fail over an abort', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    a.delayEnsure = (signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }))
    const calls = createCallServer({ providers: [a, b], authorize })
    const controller = new AbortController()
    const pending = caught(calls.join({ room: 'standup', participant: alice, signal: controller.signal }))
    await vi.waitFor(() => expect(a.ensured).toHaveLength(1))
    controller.abort()
    const error = await pending
    expect(error.code).toBe('ABORTED')
    expect(error.provider).toBe('a')
    expect(b.ensured).toEqual([])
  })
})

describe('public API for routes the app serves itself', () => {
  it('authorize runs the app authorize on a request, with the room, and refuses a null answer', async () => {
    const seen: (string | undefined)[] = []
    const calls = createCallServer({
      providers: [memory()],
      authorize: async (request, { room }) => {
        seen.push(room)
        return request.headers.get('authorization') === 'Bearer alice' ? alice : null
      },
    })
    const request = (authorization: string) => new Request('http://app.test/api/sessions', { method: 'POST', headers: { authorization } })
    expect(await calls.authorize(request('Bearer alice'), { room: 'standup' })).toEqual({ ...alice, role: 'publisher' })
    expect((await caught(calls.authorize(request('Bearer mallory')))).code).toBe('UNAUTHORIZED')
    expect(seen).toEqual(['standup', undefined])
    expect((await caught(calls.authorize(request('Bearer alice'), { room: '../x' }))).code).toBe('INVALID_INPUT')
  })

  it('ensureRoom({ provider }) puts a new room on that provider, records it, and refuses one live elsewhere', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const calls = createCallServer({ providers: [a, b], authorize })
    const room = await calls.ensureRoom({ room: 'tutorial', provider: 'b' })
    expect(room).toEqual(b.rooms.get('tutorial'))
    expect((await calls.join({ room: 'tutorial', participant: alice })).token.provider).toBe('b')
    expect(a.ensured).toEqual([])
    await calls.join({ room: 'standup', participant: alice })
    const conflict = await caught(calls.ensureRoom({ room: 'standup', provider: 'b' }))
    expect(conflict.code).toBe('CONFLICT')
    expect(conflict.message).toContain('"a"')
    expect((await caught(calls.ensureRoom({ room: 'standup', provider: 'nope' }))).code).toBe('INVALID_INPUT')
  })
})
