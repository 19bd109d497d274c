import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { InviteSchema, ProblemSchema, type Invite } from '@callport/core'
import { requireTool, startRedisServer, type RedisServer } from '@callport/test-environment'
import { createClient } from 'redis'
import { build } from 'tsup'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createCallServer,
  type CallServer,
  createMemoryInviteStore,
  SETTLED_INVITE_RETENTION_MILLISECONDS,
  type InviteNotification,
  type InviteStore,
  type RoomRecord,
} from '../src/index'
import { createRedisInviteStore, createRedisRoomStore, type RedisInviteStoreClient } from '../src/redis'
import { expectRacingJoinsToAgree } from './lazy-adapter'
import { alice, stubAdapter } from './stub-adapter'

const redisServer = requireTool('redis-server', '@callport/server Redis stores')
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..')
const record = (provider: string, providerRoomId = `${provider}-room`): RoomRecord => ({
  provider,
  providerRoomId,
  createdAt: new Date().toISOString(),
})

const ringingInvite = (change: Partial<Invite> = {}): Invite => {
  const now = Date.now()
  return {
    id: `inv_${randomUUID().replaceAll('-', '')}`,
    from: 'alice',
    to: 'bob',
    room: 'standup',
    status: 'ringing',
    attempts: 0,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 30_000).toISOString(),
    ...change,
  }
}
const now = () => new Date().toISOString()

/** What every InviteStore does, whatever keeps the invites. `store()` gives a fresh, empty store. */
function inviteStoreContract(name: string, store: () => InviteStore) {
  describe(`${name}: the InviteStore contract`, () => {
    it('gets nothing for an unknown id, keeps an added invite, and refuses an id twice (CONFLICT)', async () => {
      const invites = store()
      const invite = ringingInvite()
      expect(await invites.get(invite.id)).toBeUndefined()
      await invites.add(invite)
      expect(await invites.get(invite.id)).toEqual(invite)
      await expect(invites.add({ ...invite, to: 'carol' })).rejects.toMatchObject({ code: 'CONFLICT' })
      expect(await invites.get(invite.id)).toEqual(invite)
    })

    it('sets attempts only while ringing', async () => {
      const invites = store()
      const invite = ringingInvite()
      await invites.add(invite)
      expect(await invites.setAttempts(invite.id, 2)).toEqual({ ...invite, attempts: 2 })
      expect(await invites.get(invite.id)).toEqual({ ...invite, attempts: 2 })
      const settledAt = now()
      await invites.settle(invite.id, 'accepted', settledAt)
      expect(await invites.setAttempts(invite.id, 3)).toEqual({ ...invite, attempts: 2, status: 'accepted', settledAt })
      expect(await invites.setAttempts('inv_unknown', 1)).toBeUndefined()
    })

    it('settles once: the first settle wins, later ones get the winner’s invite; an unknown id is undefined', async () => {
      const invites = store()
      const invite = ringingInvite({ attempts: 1 })
      await invites.add(invite)
      const settledAt = now()
      const won = await invites.settle(invite.id, 'declined', settledAt)
      expect(won).toEqual({ settled: true, invite: { ...invite, status: 'declined', settledAt } })
      expect(await invites.settle(invite.id, 'missed', now())).toEqual(won && { ...won, settled: false })
      expect(await invites.get(invite.id)).toEqual(won?.invite)
      expect(await invites.settle('inv_unknown', 'accepted', now())).toBeUndefined()
    })

    it('lets exactly one of many settles at once win, and all of them agree on the winner', async () => {
      const invites = store()
      const invite = ringingInvite()
      await invites.add(invite)
      const statuses = ['accepted', 'declined', 'cancelled', 'missed', 'failed'] as const
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => invites.settle(invite.id, statuses[index % statuses.length]!, now())))
      expect(outcomes.filter((outcome) => outcome?.settled)).toHaveLength(1)
      const winner = outcomes.find((outcome) => outcome?.settled)!.invite
      expect(outcomes.every((outcome) => JSON.stringify(outcome?.invite) === JSON.stringify(winner))).toBe(true)
      expect(await invites.get(invite.id)).toEqual(winner)
    })

    it('lists the invites ringing a callee in a room, and not once they settle', async () => {
      const invites = store()
      const first = ringingInvite()
      const second = ringingInvite({ from: 'carol' })
      const elsewhere = ringingInvite({ room: 'retro' })
      const someoneElse = ringingInvite({ to: 'dave' })
      for (const invite of [first, second, elsewhere, someoneElse]) await invites.add(invite)
      expect((await invites.ringing('standup', 'bob')).sort()).toEqual([first.id, second.id].sort())
      expect(await invites.ringing('standup', 'alice')).toEqual([])
      expect(await invites.ringing('retro', 'bob')).toEqual([elsewhere.id])
      await invites.settle(first.id, 'cancelled', now())
      expect(await invites.ringing('standup', 'bob')).toEqual([second.id])
      await invites.setAttempts(second.id, 2)
      expect(await invites.ringing('standup', 'bob')).toEqual([second.id])
    })
  })
}

inviteStoreContract('createMemoryInviteStore', createMemoryInviteStore)

describe.skipIf(!redisServer.available)('the Redis stores against redis-server', { meta: { skipReason: redisServer.skipReason } }, () => {
  let redis: RedisServer
  const cleanups: (() => Promise<unknown>)[] = []
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await redis?.stop()
  })
  /** Closes `created` after the suite. */
  const closedAfterwards = <Store extends { close?(): Promise<void> }>(created: Store): Store => {
    cleanups.push(() => created.close!())
    return created
  }
  const store = (options: { keyPrefix?: string; ttlSeconds?: number } = {}) => closedAfterwards(createRedisRoomStore({ url: redis.url, ...options }))
  /** An invite store under `keyPrefix`; without it, under the default prefix. */
  const inviteStore = (keyPrefix?: string) => closedAfterwards(createRedisInviteStore({ url: redis.url, ...(keyPrefix === undefined ? {} : { keyPrefix }) }))
  const rawClient = async () => {
    const client = createClient({ url: redis.url })
    await client.connect()
    cleanups.push(() => client.close())
    return client
  }

  describe('createRedisRoomStore', () => {
    it('gets nothing, records the first record, keeps it against later ones, and deletes it', async () => {
      const rooms = store({ keyPrefix: 'basic:' })
      expect(await rooms.get('standup')).toBeUndefined()
      const first = record('a')
      expect(await rooms.setIfAbsent('standup', first)).toEqual(first)
      expect(await rooms.setIfAbsent('standup', record('b'))).toEqual(first)
      expect(await rooms.get('standup')).toEqual(first)
      await rooms.delete('standup')
      expect(await rooms.get('standup')).toBeUndefined()
      const second = record('b')
      expect(await rooms.setIfAbsent('standup', second)).toEqual(second)
    })

    it('lets exactly one of many racing connections win, and all of them agree', async () => {
      const racers = Array.from({ length: 12 }, () => store({ keyPrefix: 'race:' }))
      const results = await Promise.all(racers.map((rooms, index) => rooms.setIfAbsent('contested', record(`p${index}`))))
      const winner = results[0]!
      expect(results.every((result) => JSON.stringify(result) === JSON.stringify(winner))).toBe(true)
      expect(await racers[5]!.get('contested')).toEqual(winner)
    })

    it('keeps stores with different key prefixes apart, and writes under the prefix', async () => {
      const blue = store({ keyPrefix: 'blue:' })
      const green = store({ keyPrefix: 'green:' })
      await blue.setIfAbsent('standup', record('a'))
      expect(await green.get('standup')).toBeUndefined()
      const client = await rawClient()
      expect(JSON.parse((await client.get('blue:standup')) ?? 'null')).toMatchObject({ provider: 'a' })
    })

    it('uses callport:room: as the default key prefix', async () => {
      await store().setIfAbsent('default-prefix', record('a'))
      const client = await rawClient()
      expect(await client.exists('callport:room:default-prefix')).toBe(1)
    })

    it('lets records expire after ttlSeconds', async () => {
      const rooms = store({ keyPrefix: 'ttl:', ttlSeconds: 1 })
      await rooms.setIfAbsent('brief', record('a'))
      const client = await rawClient()
      const ttl = await client.pTTL('ttl:brief')
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(1000)
      await vi.waitFor(async () => expect(await rooms.get('brief')).toBeUndefined(), { timeout: 3000, interval: 50 })
    })

    it('refuses a key that does not hold a room record', async () => {
      const client = await rawClient()
      await client.set('garbage:standup', 'not json')
      await client.set('garbage:retro', JSON.stringify({ provider: 42 }))
      const rooms = store({ keyPrefix: 'garbage:' })
      await expect(rooms.get('standup')).rejects.toMatchObject({ code: 'INTERNAL' })
      await expect(rooms.get('retro')).rejects.toMatchObject({ code: 'INTERNAL' })
    })

    it('uses a client the app owns and leaves it open on close', async () => {
      const client = await rawClient()
      const rooms = createRedisRoomStore({ client, keyPrefix: 'owned:' })
      await rooms.setIfAbsent('standup', record('a'))
      await rooms.close?.()
      expect(client.isOpen).toBe(true)
      expect(await client.exists('owned:standup')).toBe(1)
    })

    it('refuses bad options with INVALID_INPUT: unknown names, a bad ttlSeconds or timeout, neither or both of url and client', () => {
      expect(() => createRedisRoomStore({ url: redis.url, ttlSeconds: 0 })).toThrow(/ttlSeconds/)
      expect(() => createRedisRoomStore({} as never)).toThrow(/url or client/)
      expect(() => createRedisRoomStore({ url: redis.url, client: {} } as never)).toThrow(/url or client/)
      expect(() => createRedisRoomStore({ url: redis.url, timeoutMs: 100 } as never)).toThrow(/unknown option "timeoutMs"/)
      for (const timeout of [0, 1.5, 60_001, '100']) {
        expect(() => createRedisRoomStore({ url: redis.url, timeout } as never)).toThrow(
          expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('timeout') }),
        )
      }
      expect(() => createRedisRoomStore({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
      expect(createRedisRoomStore({ url: redis.url, timeout: 1 })).toBeDefined()
    })

    it('keeps a room on its provider for call servers with different routes that share it', async () => {
      const shared = () => store({ keyPrefix: 'servers:' })
      const toA = createCallServer({ providers: [stubAdapter('a'), stubAdapter('b')], route: () => 'a', roomStore: shared(), authorize: async () => alice })
      const toB = createCallServer({ providers: [stubAdapter('a'), stubAdapter('b')], route: () => 'b', roomStore: shared(), authorize: async () => alice })
      expect((await toA.join({ room: 'standup', participant: alice })).room.provider).toBe('a')
      expect((await toB.join({ room: 'standup', participant: alice })).room.provider).toBe('a')
      expect((await toB.join({ room: 'retro', participant: alice })).room.provider).toBe('b')
      expect((await toA.join({ room: 'retro', participant: alice })).room.provider).toBe('b')
    })

    it('replaces a record only while it is the expected one (or absent), and answers the winner', async () => {
      const rooms = store({ keyPrefix: 'replace:' })
      const one = record('a', 'one')
      expect(await rooms.replace('standup', record('a', 'x'), one)).toEqual(one)
      expect(await rooms.replace('standup', record('a', 'x'), record('a', 'two'))).toEqual(one)
      const refreshed = { ...one, expiresAt: new Date(Date.now() + 60_000).toISOString() }
      expect(await rooms.replace('standup', one, refreshed)).toEqual(refreshed)
      // expiresAt is not compared.
      const three = { ...record('b', 'three'), expiresAt: new Date(Date.now() + 60_000).toISOString() }
      expect(await rooms.replace('standup', one, three)).toEqual(three)
      expect(await rooms.get('standup')).toEqual(three)
      const client = await rawClient()
      await client.set('replace:garbage', 'not json')
      await expect(rooms.replace('garbage', one, three)).rejects.toMatchObject({ code: 'INTERNAL' })
    })

    it('expires each key at its record’s expiresAt, capped by ttlSeconds', async () => {
      const rooms = store({ keyPrefix: 'expires:' })
      const client = await rawClient()
      const inMinutes = (minutes: number) => ({ ...record('a'), expiresAt: new Date(Date.now() + minutes * 60_000).toISOString() })
      const set = await rooms.setIfAbsent('set', inMinutes(5))
      expect(await client.pTTL('expires:set')).toBeGreaterThan(4 * 60_000)
      expect(await client.pTTL('expires:set')).toBeLessThanOrEqual(5 * 60_000)
      await rooms.replace('set', set, { ...set, expiresAt: inMinutes(10).expiresAt })
      expect(await client.pTTL('expires:set')).toBeGreaterThan(9 * 60_000)
      const capped = store({ keyPrefix: 'expires:', ttlSeconds: 60 })
      await capped.setIfAbsent('capped', inMinutes(10))
      expect(await client.pTTL('expires:capped')).toBeLessThanOrEqual(60_000)
      await rooms.setIfAbsent('forever', record('a'))
      expect(await client.pTTL('expires:forever')).toBe(-1)
    })

    it('treats a record past its expiresAt that Redis still holds as absent', async () => {
      const client = await rawClient()
      const stale = { ...record('a', 'old'), expiresAt: new Date(Date.now() - 1000).toISOString() }
      await client.set('stale:standup', JSON.stringify(stale))
      const rooms = store({ keyPrefix: 'stale:' })
      expect(await rooms.get('standup')).toBeUndefined()
      const fresh = record('b', 'new')
      expect(await rooms.setIfAbsent('standup', fresh)).toEqual(fresh)
    })

    it('ends two racing call servers on a lazy provider in one vendor room, through the compare-and-set', async () => {
      await expectRacingJoinsToAgree(() => store({ keyPrefix: 'lazy-race:' }))
    })

    it('keeps a joined room’s key for roomIdleSeconds, and a join pushes a due expiry back', async () => {
      const rooms = store({ keyPrefix: 'idle:' })
      const client = await rawClient()
      const a = stubAdapter('a')
      const calls = createCallServer({ providers: [a], authorize: async () => alice, roomStore: rooms, roomIdleSeconds: 120 })
      await calls.join({ room: 'standup', participant: alice })
      expect(await client.pTTL('idle:standup')).toBeGreaterThan(110_000)
      const due = { ...(await rooms.get('standup'))!, expiresAt: new Date(Date.now() + 100_000).toISOString() }
      await client.set('idle:standup', JSON.stringify(due), { expiration: { type: 'PX', value: 100_000 } })
      await calls.join({ room: 'standup', participant: alice })
      expect(await client.pTTL('idle:standup')).toBeGreaterThan(110_000)
      expect(a.ensured).toEqual(['standup'])
    })

    describe('two app-server processes', () => {
      let outputDirectory: string
      let script: string
      beforeAll(async () => {
        // Bundled into node_modules so that its imports of redis, zod and eventemitter3 resolve.
        const cache = join(packageDirectory, 'node_modules', '.cache')
        mkdirSync(cache, { recursive: true })
        outputDirectory = mkdtempSync(join(cache, 'callport-server-processes-'))
        await build({
          config: false,
          entry: { 'join-process': join(packageDirectory, 'test/fixtures/join-process.ts') },
          outDir: outputDirectory,
          format: ['esm'],
          target: 'node20',
          platform: 'node',
          silent: true,
          outExtension: () => ({ js: '.mjs' }),
          noExternal: [/^@callport\//],
          esbuildOptions(options) {
            options.conditions = ['@callport/source']
          },
        })
        script = join(outputDirectory, 'join-process.mjs')
      }, 60_000)
      afterAll(() => {
        if (outputDirectory) rmSync(outputDirectory, { recursive: true, force: true })
      })

      /** Starts a process that routes new rooms to `provider`; resolves once it is connected. */
      async function startProcess(provider: string, rooms: string[]) {
        const child = spawn(process.execPath, [script, redis.url, provider, ...rooms], { stdio: ['pipe', 'pipe', 'pipe'] })
        cleanups.push(async () => {
          if (child.exitCode === null) child.kill('SIGKILL')
        })
        let errors = ''
        child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()))
        const lines = createInterface({ input: child.stdout })
        const iterator = lines[Symbol.asyncIterator]()
        const next = async () => {
          const { value, done } = await iterator.next()
          if (done) throw new Error(`process for ${provider} ended early: ${errors}`)
          return value
        }
        expect(await next()).toBe('ready')
        return {
          go: () => child.stdin.write('go\n'),
          async result(): Promise<[string, string][]> {
            const line = await next()
            await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))
            expect(child.exitCode, errors).toBe(0)
            return JSON.parse(line) as [string, string][]
          },
        }
      }

      it('agree on the provider of every room, whichever process creates it', async () => {
        const rooms = Array.from({ length: 40 }, (_, index) => `shared-${index}`)
        const [toA, toB] = await Promise.all([startProcess('a', rooms), startProcess('b', [...rooms].reverse())])
        toA.go()
        toB.go()
        const [fromA, fromB] = await Promise.all([toA.result(), toB.result()])
        const seenByA = new Map(fromA)
        const seenByB = new Map(fromB)
        const client = await rawClient()
        for (const room of rooms) {
          expect(seenByA.get(room), room).toBe(seenByB.get(room))
          const stored = JSON.parse((await client.get(`fixture:${room}`)) ?? 'null') as RoomRecord
          expect(stored.provider).toBe(seenByA.get(room))
        }
        // A third process routing elsewhere still finds each room where it is live.
        const later = await startProcess('b', rooms)
        later.go()
        expect(new Map(await later.result())).toEqual(seenByA)
      }, 60_000)
    })
  })

  describe('createRedisInviteStore', () => {
    inviteStoreContract('createRedisInviteStore', () => inviteStore(`contract-${randomUUID()}:`))

    it('keeps a ringing invite until its expiresAt plus the retention, a settled one for the retention', async () => {
      const invites = inviteStore('invite-ttl:')
      const invite = ringingInvite()
      await invites.add(invite)
      const client = await rawClient()
      const ringingFor = await client.pTTL(`invite-ttl:${invite.id}`)
      expect(ringingFor).toBeGreaterThan(30_000 + SETTLED_INVITE_RETENTION_MILLISECONDS - 5000)
      expect(ringingFor).toBeLessThanOrEqual(30_000 + SETTLED_INVITE_RETENTION_MILLISECONDS)
      expect(await client.pTTL('invite-ttl:ringing:standup\u0000bob')).toBeGreaterThan(30_000 + SETTLED_INVITE_RETENTION_MILLISECONDS - 5000)
      await invites.setAttempts(invite.id, 1)
      expect(await client.pTTL(`invite-ttl:${invite.id}`)).toBeGreaterThan(30_000 + SETTLED_INVITE_RETENTION_MILLISECONDS - 5000)
      await invites.settle(invite.id, 'accepted', now())
      const settledFor = await client.pTTL(`invite-ttl:${invite.id}`)
      expect(settledFor).toBeGreaterThan(SETTLED_INVITE_RETENTION_MILLISECONDS - 5000)
      expect(settledFor).toBeLessThanOrEqual(SETTLED_INVITE_RETENTION_MILLISECONDS)
      expect(await client.sIsMember('invite-ttl:ringing:standup\u0000bob', invite.id)).toBe(0)
    })

    it('forgets an invite whose key expired, in get and in the ringing list', async () => {
      const invites = inviteStore('invite-expired:')
      const invite = ringingInvite({ expiresAt: new Date(Date.now() - SETTLED_INVITE_RETENTION_MILLISECONDS).toISOString() })
      await invites.add(invite)
      await vi.waitFor(async () => expect(await invites.get(invite.id)).toBeUndefined(), { timeout: 2000, interval: 20 })
      expect(await invites.ringing('standup', 'bob')).toEqual([])
    })

    it('uses callport:invite: as the default key prefix', async () => {
      const invite = ringingInvite()
      await inviteStore().add(invite)
      const client = await rawClient()
      expect(InviteSchema.parse(JSON.parse((await client.get(`callport:invite:${invite.id}`)) ?? 'null'))).toEqual(invite)
    })

    it('refuses a key that does not hold an invite with INTERNAL naming the key, and never reads an index as an invite', async () => {
      const client = await rawClient()
      await client.set('invite-garbage:inv_text', 'not json')
      await client.set('invite-garbage:inv_other', JSON.stringify({ status: 'ringing', provider: 'a' }))
      const invites = inviteStore('invite-garbage:')
      await expect(invites.get('inv_text')).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('"invite-garbage:inv_text"') })
      await expect(invites.get('inv_other')).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('"invite-garbage:inv_other"') })
      await expect(invites.settle('inv_text', 'accepted', now())).rejects.toMatchObject({ code: 'INTERNAL' })
      await invites.add(ringingInvite())
      expect(await invites.get('ringing:standup\u0000bob')).toBeUndefined()
      expect(await invites.settle('ringing:standup\u0000bob', 'accepted', now())).toBeUndefined()
    })

    it('uses a client the app owns and leaves it open on close', async () => {
      const client = await rawClient()
      const own: RedisInviteStoreClient = client
      const invites = createRedisInviteStore({ client: own, keyPrefix: 'invite-owned:' })
      const invite = ringingInvite()
      await invites.add(invite)
      await invites.close?.()
      expect(client.isOpen).toBe(true)
      expect(await client.exists(`invite-owned:${invite.id}`)).toBe(1)
    })

    it('refuses options without url or client, and unknown options', () => {
      expect(() => createRedisInviteStore({} as never)).toThrow(/createRedisInviteStore: give either url or client/)
      expect(() => createRedisInviteStore({ url: redis.url, ttlSeconds: 5 } as never)).toThrow(/createRedisInviteStore: unknown option "ttlSeconds"/)
      expect(() => createRedisInviteStore({ url: redis.url, timeout: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
    })

    describe('two call servers sharing a Redis invite store and room store', () => {
      const WINDOW_SECONDS = 0.6
      const post = (path: string, user: string, body?: unknown) =>
        new Request(`https://calls.example.com${path}`, {
          method: 'POST',
          headers: { 'x-user': user, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      const get = (path: string, user: string) => new Request(`https://calls.example.com${path}`, { headers: { 'x-user': user } })

      /** Servers A and B, as two processes would be: each with its own clients of the same Redis and prefixes. */
      function servers() {
        const prefix = `servers-${randomUUID()}:`
        const server = () => {
          const notifications: InviteNotification[] = []
          const errors: unknown[] = []
          const changes: string[] = []
          const roomStore = createRedisRoomStore({ url: redis.url, keyPrefix: `${prefix}room:` })
          cleanups.push(() => roomStore.close!())
          const calls = createCallServer({
            providers: [stubAdapter('stub')],
            roomStore,
            authorize: async (request) => ({ identity: request.headers.get('x-user') ?? 'anonymous' }),
            onError: (error) => errors.push(error),
            invites: { notify: async (notification) => void notifications.push(notification), withinSeconds: WINDOW_SECONDS, store: inviteStore(`${prefix}invite:`) },
          })
          calls.on('invite', ({ invite }) => changes.push(invite.status))
          return {
            calls,
            notifications,
            errors,
            changes,
            kinds: (id?: string) => notifications.filter(({ invite }) => id === undefined || invite.id === id).map(({ kind, attempt }) => `${kind}${attempt}`),
          }
        }
        return { a: server(), b: server() }
      }
      const created = async (response: Response) => {
        expect(response.status).toBe(201)
        return InviteSchema.parse(await response.json())
      }
      const ringsUpTo = (attempts: number) => Array.from({ length: attempts }, (_, index) => `ring${index + 1}`)
      /**
       * A probe invite, created on `server` just after the invite under test and never answered: once
       * its missed-call notice has gone out, the window of the invite under test has ended too (the
       * same process ends windows in the order they began), so what did not happen by then never will.
       */
      const probeOn = async (server: { calls: CallServer }) => (await created(await server.calls.fetch(post('/invites', 'alice', { to: 'carol', room: 'probe-room' })))).id
      const afterTheWindow = (server: { kinds: (id?: string) => string[] }, probe: string) =>
        vi.waitFor(() => expect(server.kinds(probe)).toContain('missed3'), { timeout: WINDOW_SECONDS * 1000 + 3000, interval: 20 })

      it('an invite nobody answers rings 3 times on A and is missed once, by A only', async () => {
        const { a, b } = servers()
        const invite = await created(await a.calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' })))
        await vi.waitFor(() => expect(a.kinds()).toEqual(['ring1', 'ring2', 'ring3', 'missed3']), { timeout: 3000, interval: 20 })
        expect(InviteSchema.parse(await (await b.calls.fetch(get(`/invites/${invite.id}`, 'bob'))).json()).status).toBe('missed')
        expect(b.notifications).toEqual([])
        expect(b.changes).toEqual([])
        expect([...a.errors, ...b.errors]).toEqual([])
      })

      it('an invite created on A is accepted through B’s HTTP API: A rings no more and sends no missed', async () => {
        const { a, b } = servers()
        const invite = await created(await a.calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' })))
        const probe = await probeOn(a)
        const accepted = await b.calls.fetch(post(`/invites/${invite.id}/accept`, 'bob'))
        expect(accepted.status).toBe(200)
        const settled = InviteSchema.parse(await accepted.json())
        expect(settled).toMatchObject({ id: invite.id, status: 'accepted' })
        await afterTheWindow(a, probe)
        // Every ring A sent counted in the invite before it settled: none came after, and no missed.
        expect(a.kinds(invite.id)).toEqual(ringsUpTo(settled.attempts))
        expect(b.changes).toEqual(['accepted'])
        expect(a.changes.includes('accepted')).toBe(false)
        expect((await a.calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe('accepted')
        expect([...a.errors, ...b.errors]).toEqual([])
      })

      it('an invite created on A is answered by the callee’s POST /join on B', async () => {
        const { a, b } = servers()
        await a.calls.join({ room: 'standup', participant: { identity: 'alice' } })
        const invite = await created(await a.calls.fetch(post('/invites', 'alice', { to: 'bob', room: 'standup' })))
        const probe = await probeOn(a)
        const joined = await b.calls.fetch(post('/join', 'bob', { room: 'standup' }))
        expect(joined.status).toBe(200)
        const settled = InviteSchema.parse(await (await a.calls.fetch(get(`/invites/${invite.id}`, 'alice'))).json())
        expect(settled.status).toBe('accepted')
        await afterTheWindow(a, probe)
        expect(a.kinds(invite.id)).toEqual(ringsUpTo(settled.attempts))
        expect(b.changes).toEqual(['accepted'])
        expect((await b.calls.fetch(post(`/invites/${invite.id}/decline`, 'bob'))).status).toBe(409)
      })

      it('accept on A and decline on B at once: exactly one wins, the other is 409 CONFLICT', async () => {
        const { a, b } = servers()
        for (let round = 0; round < 5; round += 1) {
          const invite = await created(await a.calls.fetch(post('/invites', 'alice', { to: 'bob', room: `race-${round}` })))
          const [accept, decline] = await Promise.all([
            a.calls.fetch(post(`/invites/${invite.id}/accept`, 'bob')),
            b.calls.fetch(post(`/invites/${invite.id}/decline`, 'bob')),
          ])
          expect([accept.status, decline.status].sort()).toEqual([200, 409])
          const [won, lost] = accept.status === 200 ? [accept, decline] : [decline, accept]
          const winner = InviteSchema.parse(await won.json())
          expect(ProblemSchema.parse(await lost.json())).toMatchObject({ code: 'CONFLICT', detail: `The invite is already ${winner.status}` })
          expect((await b.calls.getInvite({ id: invite.id, identity: 'alice' })).status).toBe(winner.status)
        }
        expect([...a.changes, ...b.changes].filter((status) => status !== 'ringing')).toHaveLength(5)
      })

      it('acting on an unknown id is 404 on both', async () => {
        const { a, b } = servers()
        for (const calls of [a.calls, b.calls]) {
          expect((await calls.fetch(post('/invites/inv_unknown/accept', 'bob'))).status).toBe(404)
          expect((await calls.fetch(post('/invites/inv_unknown/cancel', 'alice'))).status).toBe(404)
          expect((await calls.fetch(get('/invites/inv_unknown', 'bob'))).status).toBe(404)
        }
      })
    })
  })
})
