import { randomUUID } from 'node:crypto'
import { requireTool, startRedisServer, type RedisServer } from '@callport/test-environment'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signaling } from '../../src/server/index'
import { nextEvent, recordEvents, roundTrip, SECRET, signClaims, useHarness } from './harness'
import { bundleSignalingProcess, startSignalingProcess, type SignalingProcess } from './signaling-process'

const redisServer = requireTool('redis-server', 'moderation across signaling processes sharing rooms through Redis')
const harness = useHarness()

describe.skipIf(!redisServer.available)('moderation across two server processes (Redis)', { timeout: 60_000, meta: { skipReason: redisServer.skipReason } }, () => {
  let redis: RedisServer
  let script: string
  const processes: SignalingProcess[] = []

  beforeAll(async () => {
    ;[redis, script] = await Promise.all([startRedisServer(), bundleSignalingProcess()])
  }, 60_000)
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((child) => child.kill()))
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it('a command reaching one process lists, mutes, updates, removes and closes members connected to the other', async () => {
    const keyPrefix = `callport-test-${randomUUID()}`
    const [first, second] = await Promise.all([startSignalingProcess(script, redis.url, keyPrefix), startSignalingProcess(script, redis.url, keyPrefix)])
    processes.push(first, second)
    const alice = await harness.joinMember(first.url, { identity: 'alice', room: 'standup' }, { audio: true, video: true })
    const bobArrives = nextEvent(alice.client, 'on_join')
    const bob = await harness.joinMember(second.url, { identity: 'bob', room: 'standup' }, { audio: true, video: true })
    await bobArrives
    const carol = await harness.joinMember(second.url, { identity: 'carol', room: 'standup' })
    const eve = await harness.joinMember(second.url, { identity: 'eve', room: 'retro' })
    const eveEvents = recordEvents(eve.client)

    // The server half talks to the first process only.
    const adapter = signaling({ secret: SECRET, url: first.url })
    const room = await adapter.ensureRoom({ name: 'standup' })
    expect((await adapter.listParticipants!({ room })).map((participant) => participant.identity).sort()).toEqual(['alice', 'bob', 'carol'])

    const bobMuted = nextEvent(bob.client, 'on_mute')
    const aliceSees = nextEvent(alice.client, 'on_props_set')
    await adapter.muteParticipant!({ room, identity: 'bob', kind: 'video' })
    expect(await bobMuted).toEqual([{ kind: 'video' }])
    expect(await aliceSees).toEqual([bob.client.id, { audio: true, video: false }])
    await expect.poll(async () => (await adapter.listParticipants!({ room })).length).toBe(3)

    const aliceSeesUpdate = nextEvent(alice.client, 'on_props_set')
    await adapter.updateParticipant!({ room, identity: 'bob', name: 'Bob B.', metadata: { team: 'web' } })
    expect(await aliceSeesUpdate).toEqual([bob.client.id, { audio: true, video: false, display_name: 'Bob B.', metadata: { team: 'web' } }])
    await expect.poll(async () => (await adapter.listParticipants!({ room })).find((listed) => listed.identity === 'bob')?.name).toBe('Bob B.')

    const bobKicked = nextEvent(bob.client, 'on_kick')
    const bobId = bob.client.id
    const bobLeaves = nextEvent(alice.client, 'on_leave')
    await adapter.removeParticipant!({ room, identity: 'bob' })
    expect(await bobKicked).toEqual([{ reason: 'removed', message: expect.any(String) }])
    expect(await bobLeaves).toEqual([bobId])
    await expect.poll(async () => (await adapter.listParticipants!({ room })).map((participant) => participant.identity).sort()).toEqual(['alice', 'carol'])
    // The removal reached the other process too: bob's credential of before is refused there.
    const now = Math.floor(Date.now() / 1000)
    const held = signClaims({ iss: 'callport-signaling', sub: 'bob', room: 'standup', role: 'publisher', iat: now - 10, exp: now + 600 })
    await expect
      .poll(async () => (await harness.refuse(second.url, 'bob', { token: held }).catch(() => undefined))?.refusal.data?.code, { timeout: 10_000 })
      .toBe('UNAUTHORIZED')

    const kicks = [alice, carol].map(({ client }) => nextEvent(client, 'on_kick'))
    await adapter.closeRoom!({ room })
    for (const kick of await Promise.all(kicks)) expect(kick).toEqual([{ reason: 'room_closed', message: expect.any(String) }])
    await expect.poll(() => adapter.listParticipants!({ room })).toEqual([])
    await roundTrip(eve.client)
    expect(eveEvents).toEqual([])
  })
})
