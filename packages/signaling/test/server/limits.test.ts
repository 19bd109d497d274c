import { describe, expect, it, vi } from 'vitest'
import { issueToken, nextEvent, request, useHarness } from './harness'

const harness = useHarness()

const roomIdGet = { type: 'auth', command: { command: 'room_id_get', auth_room_name_mask: 'standup' } }

async function connectAlice(url: string) {
  return harness.connect(url, 'alice', { token: await issueToken({ identity: 'alice', room: 'standup' }) })
}

describe('message validation', () => {
  it.each([
    ['a string', 'hello'],
    ['a number', 42],
    ['null', null],
    ['an array', [roomIdGet]],
    ['a message without type', { command: { command: 'leave' } }],
    ['an unknown type', { type: 'admin', command: { command: 'leave' } }],
    ['an unknown command', { type: 'auth', command: { command: 'room_delete' } }],
    ['a join without room_id', { type: 'auth', command: { command: 'join' } }],
    ['a room_id_get with a 300-character mask', { type: 'auth', command: { command: 'room_id_get', auth_room_name_mask: 'x'.repeat(300) } }],
    ['props of the wrong type', { type: 'auth', command: { command: 'props_set', props: { audio: 'yes' } } }],
    ['data that is not text', { type: 'command', command: { command: 'data', data: { text: 'hi' } } }],
    ['a peer command sent as auth', { type: 'auth', command: { command: 'webrtc_signal' } }],
    ['a description of an unknown type', { type: 'command', to: 'x', command: { command: 'webrtc_signal', description: { type: 'bogus' } } }],
  ])('answers %s with INVALID_INPUT and keeps the connection', async (_case, message) => {
    const { url } = await harness.startServer()
    const alice = await connectAlice(url)
    const { result, error } = await request(alice, message)
    expect(result).toBeNull()
    expect(error?.code).toBe('INVALID_INPUT')
    expect(error?.message).toMatch(/^Invalid request/)
    expect(await request(alice, roomIdGet)).toEqual({ result: { room_id: alice.info.server_metadata.room_id }, error: null })
  })

  it('answers unknown events with INVALID_INPUT, and survives messages sent without an acknowledgement', async () => {
    const { url } = await harness.startServer()
    const alice = await connectAlice(url)
    const [result, error] = await new Promise<unknown[]>((resolve) => alice.emit('room_id_get', { mask: 'standup' }, (...parts: unknown[]) => resolve(parts)))
    expect(result).toBeNull()
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Unknown event "room_id_get"/) })
    alice.emit('request', { type: 'nonsense' })
    alice.emit('request', roomIdGet)
    expect((await request(alice, roomIdGet)).error).toBeNull()
  })
})

describe('size limits', () => {
  it('answers PAYLOAD_TOO_LARGE for a message over maximumMessageBytes (64 KiB by default)', async () => {
    const { url } = await harness.startServer()
    const alice = await connectAlice(url)
    const big = { type: 'command', to: 'x', command: { command: 'webrtc_signal', description: { type: 'offer', sdp: 'a'.repeat(70_000) } } }
    const { error } = await request(alice, big)
    expect(error?.code).toBe('PAYLOAD_TOO_LARGE')
    expect(error?.message).toMatch(/65536/)
    expect(alice.connected).toBe(true)
  })

  it('applies a configured maximumMessageBytes even to messages the schema would allow', async () => {
    const { url } = await harness.startServer({ limits: { maximumMessageBytes: 1024 } })
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const { error } = await request(alice.client, { type: 'command', command: { command: 'data', data: 'x'.repeat(2000) } })
    expect(error?.code).toBe('PAYLOAD_TOO_LARGE')
    const small = await request(alice.client, { type: 'command', command: { command: 'data', data: 'x'.repeat(500) } })
    expect(small.error).toBeNull()
  })

  it('closes the connection of a client that sends a packet over maximumPacketBytes', async () => {
    const { url } = await harness.startServer({ limits: { maximumMessageBytes: 1024, maximumPacketBytes: 4096 } })
    const alice = await connectAlice(url)
    const closed = nextEvent(alice, 'disconnect')
    alice.emit('request', { type: 'command', command: { command: 'data', data: 'x'.repeat(10_000) } })
    expect((await closed)[0]).toMatch(/transport (close|error)/)
  })
})

describe('rate limits', () => {
  it('answers RATE_LIMITED beyond the burst, and accepts again once the bucket refilled', async () => {
    const { url } = await harness.startServer({ limits: { messagesPerSecond: 5, messageBurst: 10, rejectedMessagesBeforeKick: 1000 } })
    const alice = await connectAlice(url)
    const answers = await Promise.all(Array.from({ length: 16 }, () => request(alice, roomIdGet)))
    const accepted = answers.filter(({ error }) => error === null).length
    const limited = answers.filter(({ error }) => error?.code === 'RATE_LIMITED')
    expect(accepted).toBeGreaterThanOrEqual(10)
    expect(accepted).toBeLessThanOrEqual(11)
    expect(limited.length).toBe(16 - accepted)
    expect(limited[0]?.error?.message).toMatch(/5 per second/)

    // A refused message takes nothing from the bucket, so asking until one is accepted waits for the refill.
    await vi.waitFor(async () => expect((await request(alice, roomIdGet)).error).toBeNull(), { timeout: 5_000, interval: 50 })
    expect(alice.connected).toBe(true)
  })

  it('kicks a socket that keeps sending over the limit (sustained abuse)', async () => {
    const { url } = await harness.startServer({ limits: { messagesPerSecond: 5, messageBurst: 5, rejectedMessagesBeforeKick: 20 } })
    const alice = await connectAlice(url)
    const kicked = nextEvent(alice, 'on_kick')
    const disconnected = nextEvent(alice, 'disconnect')
    for (let index = 0; index < 40; index += 1) alice.emit('request', roomIdGet, () => undefined)
    expect((await kicked)[0]).toEqual({ reason: 'removed', message: expect.stringMatching(/rate limit/) })
    expect((await disconnected)[0]).toBe('io server disconnect')
  })

  it('counts every socket separately', async () => {
    const { url } = await harness.startServer({ limits: { messagesPerSecond: 1, messageBurst: 3, rejectedMessagesBeforeKick: 1000 } })
    const alice = await connectAlice(url)
    const bob = await harness.connect(url, 'bob', { token: await issueToken({ identity: 'bob', room: 'standup' }) })
    const fromAlice = await Promise.all(Array.from({ length: 4 }, () => request(alice, roomIdGet)))
    expect(fromAlice.map(({ error }) => error?.code ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED'])
    const fromBob = await Promise.all(Array.from({ length: 3 }, () => request(bob, roomIdGet)))
    expect(fromBob.every(({ error }) => error === null)).toBe(true)
  })
})
