import type { JoinResponse } from '@callport/core'
import { createCallServer, type CallServer } from '@callport/server'
import { createRedisRoomStore } from '@callport/server/redis'
import { requireTool, startRedisServer, type JanusServer, type RedisServer } from '@callport/test-environment'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { janus } from '../../src/server/index'
import { requireJanusBrowser, startJanusBrowser, type JanusBrowser } from './fixtures/janus-browser'
import type { Placement } from './fixtures/placement-page'

// Issue 18 point 4, with real media: two Debian Janus servers and two call servers sharing a Redis
// room store, inside the private network; two Chromium pages (createSession on the Janus client half)
// in one room, each getting its tokens from its own call server. The Janus holding the room is killed:
// the pages lose their Janus session, reconnect with fresh tokens, which name the room re-created on
// the surviving Janus, and see each other's video again.
const needs = requireJanusBrowser('janus placement browser test')
const redisTool = requireTool('redis-server', 'janus placement browser test')
const secret = 'janus-placement-browser-token-secret'
const adminKey = 'janus-placement-browser-admin-key'
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

declare const placement: Placement

describe.skipIf(!needs.available || !redisTool.available)(
  'pages on a Janus that dies follow their room to the surviving Janus',
  {
    timeout: 180_000,
    meta: { skipReason: needs.available ? redisTool.skipReason : needs.skipReason },
  },
  () => {
    let rig: JanusBrowser
    let janusServers: JanusServer[] = []
    let redis: RedisServer
    const calls: CallServer[] = []
    const stores: ReturnType<typeof createRedisRoomStore>[] = []
    /** Each token the call servers issued to the pages: who, and which Janus it names. */
    const issued: { identity: string; url: string }[] = []

    beforeAll(async () => {
      ;[rig, redis] = await Promise.all([
        startJanusBrowser({ entry: 'placement-page.ts', global: 'placement', tokenSecret: secret, videoRoomAdminKey: adminKey }),
        startRedisServer(),
      ])
      janusServers = [rig.janus, await rig.anotherJanus()]
      for (let index = 0; index < 2; index += 1) {
        const roomStore = createRedisRoomStore({ url: redis.url })
        stores.push(roomStore)
        const adapter = janus({
          servers: janusServers.map((janusServer, position) => ({ url: janusServer.url, id: `janus-${position + 1}` })),
          tokenSecret: secret,
          adminKey,
          retry: { limit: 0 },
          environmentVariables: {},
        })
        calls.push(createCallServer({ providers: [adapter], authorize: async () => null, roomStore, logger: quiet }))
      }
    }, 90_000)
    afterAll(async () => {
      for (const store of stores) await store.close?.()
      await rig?.close()
      await redis?.stop()
    }, 30_000)

    /** A page of `identity` in `room`, with its tokens from call server `via`. */
    async function participant(identity: string, room: string, via: CallServer): Promise<Page> {
      // janus.js's long polls to the killed Janus are cut and refused: expected, not printed.
      const page = await rig.open({ label: identity, expectedErrors: /ERR_CONNECTION_(REFUSED|RESET)/ })
      await page.exposeFunction('joinRoom', async (name: string): Promise<JoinResponse> => {
        const joined = await via.join({ room: name, participant: { identity, role: 'publisher' } })
        issued.push({ identity, url: String(joined.token.connect.url) })
        return joined
      })
      await page.evaluate((name) => placement.join(name), room)
      return page
    }
    const framesOf = (page: Page, identity: string) => page.evaluate((other) => placement.frames()[other] ?? 0, identity)

    it("two pages in a room on the first Janus: it dies, both reconnect with fresh tokens naming the surviving Janus, and each receives the other's video there", async () => {
      const [first, second] = janusServers as [JanusServer, JanusServer]
      const room = `placement-pages-${Date.now().toString(36)}`
      const ann = await participant('ann', room, calls[0]!)
      const bob = await participant('bob', room, calls[1]!)
      expect(issued).toEqual([
        { identity: 'ann', url: first.url },
        { identity: 'bob', url: first.url },
      ])
      await vi.waitFor(
        async () => {
          expect(await framesOf(ann, 'bob')).toBeGreaterThanOrEqual(20)
          expect(await framesOf(bob, 'ann')).toBeGreaterThanOrEqual(20)
        },
        { timeout: 30_000, interval: 250 },
      )

      await first.kill()
      const before = { ann: await framesOf(ann, 'bob'), bob: await framesOf(bob, 'ann') }
      for (const page of [ann, bob]) {
        await page.waitForFunction(() => placement.events().includes('reconnected'), undefined, { timeout: 60_000, polling: 250 })
        const events = await page.evaluate(() => placement.events())
        expect(events).toContain('reconnecting connection-lost')
        expect(events).not.toContain('disconnected connection-lost')
      }
      // Their fresh tokens named the surviving Janus (the room re-created there through one call server, the other following the store).
      for (const identity of ['ann', 'bob']) expect(issued.filter((token) => token.identity === identity).at(-1)).toEqual({ identity, url: second.url })
      for (const via of calls) expect((await via.getRoom({ room }))?.providerRoomId).toMatch(/^janus-2\//)
      await vi.waitFor(
        async () => {
          expect(await framesOf(ann, 'bob')).toBeGreaterThanOrEqual(before.ann + 20)
          expect(await framesOf(bob, 'ann')).toBeGreaterThanOrEqual(before.bob + 20)
        },
        { timeout: 30_000, interval: 250 },
      )
      expect((await calls[0]!.listParticipants({ room })).map((participant) => participant.identity).sort()).toEqual(['ann', 'bob'])
    })
  },
)
