import { randomUUID } from 'node:crypto'
import { requireTool, startRedisServer, type RedisServer } from '@callport/test-environment'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { issueToken, nextEvent, recordEvents, request, roundTrip, useHarness } from './harness'
import { bundleSignalingProcess, startSignalingProcess, type ScaleOutTimings, type SignalingProcess } from './signaling-process'

const redisServer = requireTool('redis-server', 'signaling scale-out (two server processes sharing rooms through Redis)')
const harness = useHarness()

// Each test starts Node processes and Redis round trips: on a loaded 2-core machine that takes longer than unit tests.
describe.skipIf(!redisServer.available)('scale-out through Redis, with two server processes', { timeout: 60_000, meta: { skipReason: redisServer.skipReason } }, () => {
  let redis: RedisServer
  let script: string
  const processes: SignalingProcess[] = []
  /** The key prefix of the processes the current test started. */
  let keyPrefix = ''

  beforeAll(async () => {
    ;[redis, script] = await Promise.all([startRedisServer(), bundleSignalingProcess()])
  }, 60_000)
  afterEach(async () => {
    await Promise.all(
      processes.splice(0).map((child) => {
        child.resume()
        return child.kill()
      }),
    )
  })
  afterAll(async () => {
    await redis?.stop()
  })

  const startProcesses = async (count: number, timings: ScaleOutTimings = {}) => {
    keyPrefix = `callport-test-${randomUUID()}`
    const started = await Promise.all(Array.from({ length: count }, () => startSignalingProcess(script, redis.url, keyPrefix, timings)))
    processes.push(...started)
    return started
  }

  it('lets members on different processes see each other, exchange signals and data, and only within their room', async () => {
    const [first, second] = await startProcesses(2)
    const alice = await harness.joinMember(first!.url, { identity: 'alice', room: 'standup' })
    const eve = await harness.joinMember(second!.url, { identity: 'eve', room: 'retro' })
    const eveEvents = recordEvents(eve.client)

    const bobArrives = nextEvent(alice.client, 'on_join')
    const bob = await harness.joinMember(second!.url, { identity: 'bob', room: 'standup' }, { video: true })
    expect(bob.joined.members).toEqual([{ id: alice.client.id, name: 'alice', role: 'publisher', join_props: {} }])
    expect(await bobArrives).toEqual([bob.client.id, { id: bob.client.id, name: 'bob', role: 'publisher', join_props: { video: true } }])

    const offer = { type: 'command', to: bob.client.id, command: { command: 'webrtc_signal', description: { type: 'offer', sdp: 'v=0\r\n' } } }
    const offered = nextEvent(bob.client, 'request')
    expect(await request(alice.client, offer)).toEqual({ result: {}, error: null })
    expect((await offered)[0]).toEqual({ ...offer, from: alice.client.id })

    const answer = { type: 'command', to: alice.client.id, command: { command: 'webrtc_signal', description: { type: 'answer', sdp: 'v=0\r\n' } } }
    const answered = nextEvent(alice.client, 'request')
    expect(await request(bob.client, answer)).toEqual({ result: {}, error: null })
    expect((await answered)[0]).toEqual({ ...answer, from: bob.client.id })

    const chat = nextEvent(alice.client, 'request')
    await request(bob.client, { type: 'command', command: { command: 'data', data: 'hi from the other process' } })
    expect((await chat)[0]).toMatchObject({ from: bob.client.id, command: { command: 'data', data: 'hi from the other process' } })

    const crossRoom = await request(alice.client, { type: 'command', to: eve.client.id, command: { command: 'data', data: 'psst' } })
    expect(crossRoom.error?.code).toBe('MEMBER_NOT_FOUND')

    const muted = nextEvent(alice.client, 'on_props_set')
    await request(bob.client, { type: 'auth', command: { command: 'props_set', props: { audio: false } } })
    expect(await muted).toEqual([bob.client.id, { video: true, audio: false }])

    const bobId = bob.client.id
    const bobLeaves = nextEvent(alice.client, 'on_leave')
    bob.client.disconnect()
    expect(await bobLeaves).toEqual([bobId])
    // Eve's process emitted whatever it had for her before it answers her next message.
    await roundTrip(eve.client)
    expect(eveEvents).toEqual([])
  })

  it('kicks the older connection of an identity that joins again through another process', async () => {
    const [first, second] = await startProcesses(2)
    const stale = await harness.joinMember(first!.url, { identity: 'bob', room: 'standup' })
    const kicked = nextEvent(stale.client, 'on_kick')
    const fresh = await harness.joinMember(second!.url, { identity: 'bob', room: 'standup' })
    expect(fresh.joined.members).toEqual([])
    expect((await kicked)[0]).toMatchObject({ reason: 'duplicate_identity' })
  })

  it('keeps exactly one connection of an identity that joins through two processes at the same moment', async () => {
    const [first, second] = await startProcesses(2)
    for (let run = 0; run < 3; run++) {
      const room = `tabs-${run}`
      const observer = await harness.joinMember(first!.url, { identity: 'observer', room })
      const token = await issueToken({ identity: 'bob', room })
      const sockets = await Promise.all([first!.url, second!.url, first!.url, second!.url].map((url) => harness.connect(url, 'bob', { token })))
      const kicks = sockets.map((socket) => recordEvents(socket))
      for (const socket of sockets) socket.emit('request', { type: 'auth', command: { command: 'join', room_id: observer.roomId, props: {} } }, () => undefined)
      await vi.waitFor(() => expect(sockets.filter((socket) => socket.connected)).toHaveLength(1), { timeout: 10_000 })
      const survivor = sockets.find((socket) => socket.connected)!
      const roster = await request(observer.client, { type: 'auth', command: { command: 'join', room_id: observer.roomId } })
      expect((roster.result as { members: Array<{ id: string }> }).members.map((member) => member.id)).toEqual([survivor.id])
      for (const [index, socket] of sockets.entries()) {
        if (socket === survivor) continue
        expect(kicks[index]!.filter(({ event }) => event === 'on_kick').map(({ parts }) => parts[0])).toEqual([{ reason: 'duplicate_identity', message: expect.any(String) }])
      }
    }
  })

  it('reports the members of a process that closes gracefully as left at once', async () => {
    const [first, second] = await startProcesses(2)
    const alice = await harness.joinMember(first!.url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(second!.url, { identity: 'bob', room: 'standup' })
    const bobId = bob.client.id
    const bobKicked = nextEvent(bob.client, 'on_kick')
    const bobLeaves = nextEvent(alice.client, 'on_leave', 3_000)
    await second!.stop()
    expect((await bobKicked)[0]).toMatchObject({ reason: 'server_shutdown' })
    expect(await bobLeaves).toEqual([bobId])
  })

  it('reports the members of a process killed with SIGKILL as left within 30 s, once each, to every survivor', async () => {
    const [first, doomed, third] = await startProcesses(3)
    const alice = await harness.joinMember(first!.url, { identity: 'alice', room: 'standup' })
    const carol = await harness.joinMember(third!.url, { identity: 'carol', room: 'standup' })
    const bob = await harness.joinMember(doomed!.url, { identity: 'bob', room: 'standup' })
    const dave = await harness.joinMember(doomed!.url, { identity: 'dave', room: 'standup' })
    const lost = [bob.client.id, dave.client.id].sort()
    const aliceEvents = recordEvents(alice.client)
    const carolEvents = recordEvents(carol.client)
    const leftIds = (events: typeof aliceEvents) => events.filter(({ event }) => event === 'on_leave').map(({ parts }) => String(parts[0]))

    const killedAt = Date.now()
    await doomed!.kill()
    await vi.waitFor(
      () => {
        expect(leftIds(aliceEvents)).toHaveLength(2)
        expect(leftIds(carolEvents)).toHaveLength(2)
      },
      { timeout: 30_000, interval: 100 },
    )
    const elapsed = Date.now() - killedAt
    console.info(`[signaling scale-out] on_leave for the members of a SIGKILLed process after ${elapsed} ms`)
    expect(elapsed).toBeLessThan(30_000)
    expect(leftIds(aliceEvents).sort()).toEqual(lost)
    expect(leftIds(carolEvents).sort()).toEqual(lost)

    // Once each, now and later: the sweep deregistered the dead process with its members, so no
    // later sweep can report them again; and nothing already on its way was a second report.
    const redisClient = createClient({ url: redis.url })
    await redisClient.connect()
    try {
      expect(await redisClient.sCard(`${keyPrefix}:nodes`)).toBe(2)
      expect((await redisClient.hKeys(`${keyPrefix}:room:${alice.roomId}`)).sort()).toEqual([alice.client.id, carol.client.id].sort())
    } finally {
      await redisClient.close()
    }
    await roundTrip(alice.client, carol.client)
    expect(leftIds(aliceEvents)).toHaveLength(2)
    expect(leftIds(carolEvents)).toHaveLength(2)
    const erin = await harness.joinMember(first!.url, { identity: 'erin', room: 'standup' })
    expect(erin.joined.members.map((member) => member.name).sort()).toEqual(['alice', 'carol'])
  }, 45_000)

  it('drops the connections of a process that stalled so long that it was taken for dead, so its clients come back', async () => {
    const [first, stalled] = await startProcesses(2, { nodeTimeout: 1_500, sweepInterval: 300 })
    const alice = await harness.joinMember(first!.url, { identity: 'alice', room: 'standup' })
    const bob = await harness.joinMember(stalled!.url, { identity: 'bob', room: 'standup' })
    const bobId = bob.client.id
    const bobEvents = recordEvents(bob.client)
    const bobLeaves = nextEvent(alice.client, 'on_leave', 5_000)
    const bobDropped = nextEvent(bob.client, 'disconnect', 8_000)

    stalled!.pause()
    expect(await bobLeaves).toEqual([bobId])
    stalled!.resume()
    expect((await bobDropped)[0]).toBe('transport close')
    expect(bobEvents).toEqual([])

    const bobAgain = nextEvent(alice.client, 'on_join')
    const rejoined = await harness.joinMember(stalled!.url, { identity: 'bob', room: 'standup' })
    expect(rejoined.joined.members.map((member) => member.name)).toEqual(['alice'])
    expect((await bobAgain)[0]).toBe(rejoined.client.id)
  })
})
