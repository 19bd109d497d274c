import { CallportError, ProblemSchema } from '@callport/core'
import { requireTool, startRedisServer, type RedisServer } from '@callport/test-environment'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createCallServer, type InviteNotification, type Logger } from '../src/index'
import { createRedisRateLimitStore } from '../src/redis'
import { postJson, stubAdapter } from './stub-adapter'

const quiet: Logger = { info() {}, warn() {}, error() {} }
const redisServer = requireTool('redis-server', '@callport/server rate limits in Redis')

/** Users are named by the x-user header. */
const byHeader = async (request: Request) => {
  const identity = request.headers.get('x-user')
  return identity ? { identity } : null
}
const join = (user: string, room = 'standup') => postJson('https://calls.example.com/join', { room }, { 'x-user': user })
const invite = (user: string, to: string, room = 'standup') => postJson('https://calls.example.com/invites', { to, room }, { 'x-user': user })

afterEach(() => {
  vi.useRealTimers()
})

describe('rate limits', () => {
  it('a flood of joins from one identity is cut at the limit (429 with Retry-After); others still join; the vendor sees only the allowed ones', async () => {
    const adapter = stubAdapter('stub')
    const calls = createCallServer({ providers: [adapter], authorize: byHeader, logger: quiet })
    const flood = await Promise.all(Array.from({ length: 300 }, () => calls.fetch(join('mallory'))))
    const statuses = flood.map((response) => response.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(30)
    expect(statuses.filter((status) => status === 429)).toHaveLength(270)
    const refused = flood.find((response) => response.status === 429)!
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(ProblemSchema.parse(await refused.json())).toMatchObject({ code: 'RATE_LIMITED', retryable: true })
    expect(adapter.issued.filter(({ token }) => token.identity === 'mallory')).toHaveLength(30)
    expect((await calls.fetch(join('alice'))).status).toBe(200)
  })

  it('the window ends: the identity may join again (fake timers)', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') })
    const calls = createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, logger: quiet, rateLimits: { joins: { limit: 2, windowSeconds: 10 } } })
    expect((await calls.fetch(join('bob'))).status).toBe(200)
    expect((await calls.fetch(join('bob'))).status).toBe(200)
    const refused = await calls.fetch(join('bob'))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('10')
    vi.advanceTimersByTime(10_000)
    expect((await calls.fetch(join('bob'))).status).toBe(200)
  })

  it('protects the victim of an invite flood: the callee is rung a bounded number of times, other users keep inviting', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') })
    const notified: InviteNotification[] = []
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      authorize: byHeader,
      logger: quiet,
      invites: { notify: async (notification) => void notified.push(notification) },
    })
    // One identity sends 2,000 invites to one victim (the probe sent 10,000).
    const answers: Response[] = []
    for (let index = 0; index < 2000; index += 1) answers.push(await calls.fetch(invite('mallory', 'victim', `room-${index % 7}`)))
    expect(answers.filter((response) => response.status === 201)).toHaveLength(5)
    expect(answers.filter((response) => response.status === 429)).toHaveLength(1995)
    // Another caller's invite to the victim waits its turn, but invites to anyone else go through.
    expect((await calls.fetch(invite('carol', 'victim'))).status).toBe(429)
    expect((await calls.fetch(invite('carol', 'dave'))).status).toBe(201)
    await vi.advanceTimersByTimeAsync(60_000)
    const toVictim = notified.filter((notification) => notification.invite.to === 'victim')
    // 5 invites × (3 rings + 1 missed), instead of thousands.
    expect(toVictim).toHaveLength(20)
    // A new minute: the victim can be invited again.
    expect((await calls.fetch(invite('carol', 'victim'))).status).toBe(201)
  })

  it('an identity cannot use up its invites quota on many callees: 10 per minute per caller', async () => {
    const calls = createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, logger: quiet, invites: { notify: async () => {} } })
    const statuses: number[] = []
    for (let index = 0; index < 50; index += 1) statuses.push((await calls.fetch(invite('mallory', `user-${index}`))).status)
    expect(statuses.filter((status) => status === 201)).toHaveLength(10)
    expect((await calls.fetch(invite('alice', 'bob'))).status).toBe(201)
  })

  it('rateLimits: false, and a limit set to false, turn limits off; bad limits are refused at construction', async () => {
    const calls = createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, logger: quiet, rateLimits: false })
    const statuses = await Promise.all(Array.from({ length: 100 }, async () => (await calls.fetch(join('bob'))).status))
    expect(new Set(statuses)).toEqual(new Set([200]))
    const noJoins = createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, logger: quiet, rateLimits: { joins: false } })
    for (let index = 0; index < 40; index += 1) expect((await noJoins.fetch(join('bob'))).status).toBe(200)
    const create = (rateLimits: unknown) => () => createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, rateLimits: rateLimits as never })
    expect(create({ joins: { limit: 0, windowSeconds: 60 } })).toThrow(/rateLimits\.joins/)
    expect(create({ joins: { limit: 5 } })).toThrow(/rateLimits\.joins/)
    expect(create({ logins: { limit: 5, windowSeconds: 60 } })).toThrow(/rateLimits/)
    expect(create({ store: {} })).toThrow(/rateLimits\.store/)
  })

  it('counts calls.join and calls.invite too', async () => {
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      authorize: byHeader,
      logger: quiet,
      rateLimits: { joins: { limit: 1, windowSeconds: 60 }, invites: { limit: 1, windowSeconds: 60 } },
      invites: { notify: async () => {} },
    })
    await calls.join({ room: 'standup', participant: { identity: 'bob' } })
    await expect(calls.join({ room: 'standup', participant: { identity: 'bob' } })).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    await calls.invite({ from: 'bob', to: 'carol', room: 'standup' })
    const refused = await calls.invite({ from: 'bob', to: 'dave', room: 'standup' }).catch((error: unknown) => error)
    expect(CallportError.isInstance(refused) && refused.code).toBe('RATE_LIMITED')
  })
})

describe.skipIf(!redisServer.available)('rate limits shared through Redis', { meta: { skipReason: redisServer.skipReason } }, () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  }, 20_000)
  afterAll(async () => {
    await redis?.stop()
  })

  it('two call servers on one Redis share the limit; the counter key expires with its window', async () => {
    const keyPrefix = `test:${Date.now()}:`
    const stores = [createRedisRateLimitStore({ url: redis.url, keyPrefix }), createRedisRateLimitStore({ url: redis.url, keyPrefix })]
    const [a, b] = stores.map((store) =>
      createCallServer({ providers: [stubAdapter('stub')], authorize: byHeader, logger: quiet, rateLimits: { joins: { limit: 5, windowSeconds: 30 }, store } }),
    )
    try {
      const statuses: number[] = []
      for (let index = 0; index < 4; index += 1) {
        statuses.push((await a!.fetch(join('mallory'))).status)
        statuses.push((await b!.fetch(join('mallory'))).status)
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(5)
      expect(statuses.slice(5)).toEqual([429, 429, 429])
      const refused = await b!.fetch(join('mallory'))
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30)
      expect((await a!.fetch(join('alice'))).status).toBe(200)
      const client = createClient({ url: redis.url })
      await client.connect()
      const ttl = await client.pTTL(`${keyPrefix}joins:mallory`)
      await client.close()
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(30_000)
    } finally {
      for (const store of stores) await store.close?.()
    }
  })

  it('a Redis that cannot answer lets joins through within the timeout and logs rate-limit-store-failed', async () => {
    const errors: Record<string, unknown>[] = []
    const store = createRedisRateLimitStore({ url: 'redis://127.0.0.1:1', timeout: 200 })
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      authorize: byHeader,
      logger: { ...quiet, error: (fields) => void errors.push(fields) },
      rateLimits: { store },
    })
    try {
      const started = performance.now()
      expect((await calls.fetch(join('bob'))).status).toBe(200)
      expect(performance.now() - started).toBeLessThan(2000)
      expect(errors).toMatchObject([{ event: 'rate-limit-store-failed', limit: 'joins', identity: 'bob' }])
    } finally {
      await store.close?.()
    }
  })

  it('refuses unknown options and a missing url/client', () => {
    expect(() => createRedisRateLimitStore({ url: redis.url, ttl: 5 } as never)).toThrow(/unknown option "ttl"/)
    expect(() => createRedisRateLimitStore({} as never)).toThrow(/url or client/)
  })
})
