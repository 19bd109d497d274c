import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { requireTool, startRedisServer, type RedisServer } from '@callport/test-environment'
import { createClient } from 'redis'
import { build } from 'tsup'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCallServer, type RoomRecord } from '../src/index'
import { createRedisRoomStore } from '../src/redis-room-store'
import { alice, stubAdapter } from './stub-adapter'

const redisServer = requireTool('redis-server', '@callport/server Redis room store')
const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..')
const record = (provider: string, providerRoomId = `${provider}-room`): RoomRecord => ({
  provider,
  providerRoomId,
  createdAt: new Date().toISOString(),
})

describe.skipIf(!redisServer.available)('createRedisRoomStore against redis-server', () => {
  let redis: RedisServer
  const cleanups: (() => Promise<unknown>)[] = []
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await redis?.stop()
  })
  const store = (options: { keyPrefix?: string; ttlSeconds?: number } = {}) => {
    const created = createRedisRoomStore({ url: redis.url, ...options })
    cleanups.push(() => created.close!())
    return created
  }
  const rawClient = async () => {
    const client = createClient({ url: redis.url })
    await client.connect()
    cleanups.push(() => client.close())
    return client
  }

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
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect(await rooms.get('brief')).toBeUndefined()
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

  it('refuses bad options', () => {
    expect(() => createRedisRoomStore({ url: redis.url, ttlSeconds: 0 })).toThrow(/ttlSeconds/)
    expect(() => createRedisRoomStore({} as never)).toThrow(/url or client/)
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
        return value as string
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
