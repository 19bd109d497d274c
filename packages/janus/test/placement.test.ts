import type { Participant, Token } from '@callport/core'
import { createCallServer, type CallServer } from '@callport/server'
import { createRedisRoomStore } from '@callport/server/redis'
import { requireTool, startJanus, startRedisServer, type JanusServer, type RedisServer } from '@callport/test-environment'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { janus } from '../src/server/index'
import { videoRoomIdOf } from '../src/server/signed-tokens'
import { joinVideoRoom, type VideoRoomParticipant } from './videoroom-participant'

// Issue 18 point 4: two Debian Janus servers, two call servers (two app-server processes, as far as
// placement goes: each its own adapter and its own Redis connection) sharing one real Redis room store.
const janusTool = requireTool('janus', 'janus placement test')
const redisTool = requireTool('redis-server', 'janus placement test')
const secret = 'janus-placement-test-secret-0123456789'
const adminKey = 'janus-placement-admin-key'
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

describe.skipIf(!janusTool.available || !redisTool.available)(
  'rooms placed across two Janus servers by two call servers sharing a Redis room store',
  { timeout: 60_000, meta: { skipReason: janusTool.available ? redisTool.skipReason : janusTool.skipReason } },
  () => {
    let first: JanusServer
    let second: JanusServer
    let redis: RedisServer
    const calls: CallServer[] = []
    const joined: VideoRoomParticipant[] = []
    /** Every Redis room store made (one per call server, one for the test to read records), closed at the end. */
    const stores: ReturnType<typeof createRedisRoomStore>[] = []
    const store = () => {
      const made = createRedisRoomStore({ url: redis.url, keyPrefix: 'placement:' })
      stores.push(made)
      return made
    }
    let records: ReturnType<typeof createRedisRoomStore>

    beforeAll(async () => {
      ;[first, second, redis] = await Promise.all([
        startJanus({ tokenAuthSecret: secret, videoRoomAdminKey: adminKey }),
        startJanus({ tokenAuthSecret: secret, videoRoomAdminKey: adminKey }),
        startRedisServer(),
      ])
      for (let index = 0; index < 2; index += 1) {
        const adapter = janus({
          servers: [
            { url: first.url, id: 'janus-1' },
            { url: second.url, id: 'janus-2' },
          ],
          tokenSecret: secret,
          adminKey,
          retry: { limit: 0 },
          environmentVariables: {},
        })
        calls.push(createCallServer({ providers: [adapter], authorize: async () => null, roomStore: store(), logger: quiet }))
      }
      records = store()
    }, 30_000)
    afterAll(async () => {
      await Promise.all(joined.map((participant) => participant.leave()))
      for (const made of stores) await made.close?.()
      await Promise.all([first?.stop(), second?.stop()])
      await redis?.stop()
    }, 30_000)

    const publisher = (identity: string): Participant => ({ identity, role: 'publisher' })
    /** Joins VideoRoom where the token says (its server's URL, its room), as a page would; stays until the end. */
    const enter = async (token: Token) => {
      const participant = await joinVideoRoom(String(token.connect.url), token)
      joined.push(participant)
      return participant
    }
    const serverOf = (token: Token) => String(token.connect.url)

    const [roomOne, roomTwo] = [`placed-one-${Date.now().toString(36)}`, `placed-two-${Date.now().toString(36)}`]

    it('a room placed by call server 1 is joined on the same Janus through call server 2; the next room goes to the less loaded Janus', async () => {
      const id = await videoRoomIdOf(roomOne)
      const ann = await calls[0]!.join({ room: roomOne, participant: publisher('ann') })
      // Both Janus servers are empty: the configured order decides.
      expect(ann.room.providerRoomId).toBe(`janus-1/${id}`)
      expect(serverOf(ann.token)).toBe(first.url)
      await enter(ann.token)

      const bob = await calls[1]!.join({ room: roomOne, participant: publisher('bob') })
      expect(bob.room.providerRoomId).toBe(`janus-1/${id}`)
      expect(serverOf(bob.token)).toBe(first.url)
      await enter(bob.token)
      expect((await calls[1]!.listParticipants({ room: roomOne })).map((participant) => participant.identity).sort()).toEqual(['ann', 'bob'])
      expect(await records.get(roomOne)).toMatchObject({ provider: 'janus', providerRoomId: `janus-1/${id}` })

      // Janus 1 holds one room with two participants; Janus 2 two empty rooms: the participants decide, not the rooms.
      const direct = janus({ url: second.url, tokenSecret: secret, adminKey, environmentVariables: {} })
      await Promise.all(['filler-a', 'filler-b'].map((name) => direct.ensureRoom({ name })))
      const carol = await calls[1]!.join({ room: roomTwo, participant: publisher('carol') })
      expect(carol.room.providerRoomId).toBe(`janus-2/${await videoRoomIdOf(roomTwo)}`)
      expect(serverOf(carol.token)).toBe(second.url)
      await enter(carol.token)
      const dave = await calls[0]!.join({ room: roomTwo, participant: publisher('dave') })
      expect(dave.room.providerRoomId).toBe(carol.room.providerRoomId)
    })

    it('after the first Janus dies, the next joins (through both call servers at once) re-create its room on the live Janus, and both call servers agree through the store', async () => {
      const id = await videoRoomIdOf(roomOne)
      const before = await records.get(roomOne)
      await first.kill()
      expect(await calls[0]!.getRoom({ room: roomOne })).toBeNull()

      const [erin, frank] = await Promise.all([
        calls[0]!.join({ room: roomOne, participant: publisher('erin') }),
        calls[1]!.join({ room: roomOne, participant: publisher('frank') }),
      ])
      for (const joinedNow of [erin, frank]) {
        expect(joinedNow.room.providerRoomId).toBe(`janus-2/${id}`)
        expect(serverOf(joinedNow.token)).toBe(second.url)
      }
      const after = await records.get(roomOne)
      expect(after).toMatchObject({ provider: 'janus', providerRoomId: `janus-2/${id}` })
      expect(after!.createdAt).not.toBe(before!.createdAt)
      await enter(erin.token)
      await enter(frank.token)

      // Later joins and lookups through either call server find it there, from the store.
      const grace = await calls[0]!.join({ room: roomOne, participant: { identity: 'grace', role: 'subscriber' } })
      expect(grace.room.providerRoomId).toBe(`janus-2/${id}`)
      for (const server of calls) expect(await server.getRoom({ room: roomOne })).toMatchObject({ providerRoomId: `janus-2/${id}` })
      expect((await calls[0]!.listParticipants({ room: roomOne })).map((participant) => participant.identity).sort()).toEqual(['erin', 'frank'])
      // The room that was on the live Janus stayed where it was.
      expect((await calls[0]!.join({ room: roomTwo, participant: publisher('heidi') })).room.providerRoomId).toBe(`janus-2/${await videoRoomIdOf(roomTwo)}`)
    })

    it('with no Janus answering, a join is PROVIDER_UNAVAILABLE and retryable', async () => {
      await second.kill()
      await expect(calls[1]!.join({ room: roomOne, participant: publisher('ivan') })).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
      await expect(calls[0]!.join({ room: `placed-three-${Date.now().toString(36)}`, participant: publisher('judy') })).rejects.toMatchObject({
        code: 'PROVIDER_UNAVAILABLE',
        retryable: true,
      })
    })
  },
)
