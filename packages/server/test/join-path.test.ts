import { CallportError } from '@callport/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCallServer, createMemoryRoomStore, type RoomRecord, type RoomStore } from '../src/index'
import { expectRacingJoinsToAgree, lazyAdapter, roomEndedWebhook } from './lazy-adapter'
import { alice, postJson, stubAdapter } from './stub-adapter'

const authorize = async () => alice
const notFound = (provider: string) => new CallportError('ROOM_NOT_FOUND', 'no such room', { provider, vendor: { status: 404, body: {} } })

/** A memory store that counts its calls. */
function countingStore(): RoomStore & { calls: Record<string, number> } {
  const inner = createMemoryRoomStore()
  const calls: Record<string, number> = { get: 0, setIfAbsent: 0, replace: 0, delete: 0 }
  const count = <T>(name: string, result: T): T => {
    calls[name] = (calls[name] ?? 0) + 1
    return result
  }
  return {
    calls,
    get: (room) => count('get', inner.get(room)),
    setIfAbsent: (room, record) => count('setIfAbsent', inner.setIfAbsent(room, record)),
    replace: (room, expected, next) => count('replace', inner.replace(room, expected, next)),
    delete: (room) => count('delete', inner.delete(room)),
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('joining a recorded room', () => {
  it('costs no vendor request for placement: ensureRoom runs once, for the first join only', async () => {
    const a = stubAdapter('a')
    const ensureRoom = vi.spyOn(a, 'ensureRoom')
    const getRoom = vi.spyOn(a as Required<typeof a>, 'getRoom')
    const issueToken = vi.spyOn(a, 'issueToken')
    const calls = createCallServer({ providers: [a], authorize })
    const first = await calls.join({ room: 'standup', participant: alice })
    const second = await calls.join({ room: 'standup', participant: { identity: 'bob' } })
    const overHttp = await calls.fetch(postJson('http://app.test/join', { room: 'standup' }))
    expect(overHttp.status).toBe(200)
    expect(ensureRoom).toHaveBeenCalledTimes(1)
    expect(getRoom).not.toHaveBeenCalled()
    expect(issueToken).toHaveBeenCalledTimes(3)
    expect(second.room.providerRoomId).toBe(first.room.providerRoomId)
    expect(second.token.providerRoomId).toBe(first.room.providerRoomId)
  })

  it('calls.ensureRoom, with or without a provider, takes a recorded room from its record', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const calls = createCallServer({ providers: [a, b], authorize })
    const created = await calls.ensureRoom({ room: 'standup', provider: 'b' })
    expect((await calls.ensureRoom({ room: 'standup' })).providerRoomId).toBe(created.providerRoomId)
    expect((await calls.ensureRoom({ room: 'standup', provider: 'b' })).providerRoomId).toBe(created.providerRoomId)
    expect([a.ensured, b.ensured]).toEqual([[], ['standup']])
  })

  it('makes a room the vendor forgot (ROOM_NOT_FOUND) again on the same provider, once, and records it', async () => {
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const store = createMemoryRoomStore()
    let route = 'a'
    const calls = createCallServer({ providers: [a, b], authorize, roomStore: store, route: () => route })
    const first = await calls.join({ room: 'standup', participant: alice })
    route = 'b' // a recorded room stays where it is, even when made again
    a.rooms.clear() // the vendor room ended
    a.failIssue = (room) => (room.providerRoomId === first.room.providerRoomId ? notFound('a') : undefined)
    const again = await calls.join({ room: 'standup', participant: alice })
    expect(again.room.provider).toBe('a')
    expect(again.room.providerRoomId).not.toBe(first.room.providerRoomId)
    expect(again.token.providerRoomId).toBe(again.room.providerRoomId)
    expect((await store.get('standup'))?.providerRoomId).toBe(again.room.providerRoomId)
    expect(a.ensured).toEqual(['standup', 'standup'])
    expect(b.ensured).toEqual([])
    // The next join uses the new record, with no vendor request for placement.
    expect((await calls.join({ room: 'standup', participant: alice })).token.providerRoomId).toBe(again.room.providerRoomId)
    expect(a.ensured).toHaveLength(2)
  })

  it('tries only once: a room still not found is ROOM_NOT_FOUND, and a room this join created is not made again', async () => {
    const a = stubAdapter('a')
    const calls = createCallServer({ providers: [a], authorize })
    await calls.join({ room: 'standup', participant: alice })
    a.failIssue = () => notFound('a')
    await expect(calls.join({ room: 'standup', participant: alice })).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND', provider: 'a' })
    expect(a.ensured).toEqual(['standup', 'standup'])
    await expect(calls.join({ room: 'retro', participant: alice })).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' })
    expect(a.ensured).toEqual(['standup', 'standup', 'retro'])
  })
})

describe('a provider that makes its vendor room with the first token', () => {
  it('has the token’s vendor room written back to the record, and later tokens use it', async () => {
    let made = 0
    const lazy = lazyAdapter('lazy', () => `vendor-${++made}`)
    const store = countingStore()
    const calls = createCallServer({ providers: [lazy], authorize, roomStore: store })
    const first = await calls.join({ room: 'standup', participant: alice })
    expect(first.token.providerRoomId).toBe('vendor-1')
    expect(first.room.providerRoomId).toBe('vendor-1')
    expect(await store.get('standup')).toMatchObject({ provider: 'lazy', providerRoomId: 'vendor-1' })
    const writes = store.calls.replace
    const second = await calls.join({ room: 'standup', participant: { identity: 'bob' } })
    expect(second.token.providerRoomId).toBe('vendor-1')
    expect(store.calls.replace).toBe(writes)
    expect(made).toBe(1)
    // POST /rooms/:room/tokens answers the written-back room too.
    const response = await calls.fetch(postJson('http://app.test/rooms/standup/tokens', {}))
    expect(((await response.json()) as { room: { providerRoomId: string } }).room.providerRoomId).toBe('vendor-1')
  })

  it('lets a room-ended webhook for the written-back vendor room forget the record', async () => {
    const lazy = lazyAdapter('lazy', () => 'vendor-1', { webhook: roomEndedWebhook('lazy') })
    const store = createMemoryRoomStore()
    const calls = createCallServer({ providers: [lazy], authorize, roomStore: store })
    await calls.join({ room: 'standup', participant: alice })
    const deliver = (id: string, roomId: string) => calls.fetch(postJson('http://app.test/webhooks/lazy', [{ id, room: 'standup', roomId }]))
    expect((await deliver('e1', 'standup')).status).toBe(204) // the placeholder id is not the room any more
    expect(await store.get('standup')).toBeDefined()
    expect((await deliver('e2', 'vendor-1')).status).toBe(204)
    expect(await store.get('standup')).toBeUndefined()
  })

  it('ends two racing call servers sharing a memory store in one vendor room', async () => {
    const shared = createMemoryRoomStore()
    await expectRacingJoinsToAgree(() => shared)
  })
})

describe('room record expiry', () => {
  const day = 86_400_000

  it('forgets a record a day after its last join (by default), and routes the room anew', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T09:00:00Z') })
    const [a, b] = [stubAdapter('a'), stubAdapter('b')]
    const store = createMemoryRoomStore()
    let route = 'a'
    const calls = createCallServer({ providers: [a, b], authorize, roomStore: store, route: () => route })
    await calls.join({ room: 'standup', participant: alice })
    expect((await store.get('standup'))?.expiresAt).toBe('2026-03-02T09:00:00.000Z')
    route = 'b'
    vi.advanceTimersByTime(day - 1)
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('a')
    // That join pushed the expiry back: a day after it, not after the first.
    vi.advanceTimersByTime(day - 1)
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('a')
    expect(a.ensured).toEqual(['standup'])
    vi.advanceTimersByTime(day)
    expect(await store.get('standup')).toBeUndefined()
    expect((await calls.join({ room: 'standup', participant: alice })).room.provider).toBe('b')
  })

  it('takes the idle time from roomIdleSeconds, and refreshes at most once per tenth of it', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T09:00:00Z') })
    const a = stubAdapter('a')
    const store = countingStore()
    const calls = createCallServer({ providers: [a], authorize, roomStore: store, roomIdleSeconds: 60 })
    await calls.join({ room: 'standup', participant: alice })
    vi.advanceTimersByTime(5_000)
    await calls.join({ room: 'standup', participant: alice })
    expect(store.calls.replace).toBe(0)
    vi.advanceTimersByTime(2_000)
    await calls.join({ room: 'standup', participant: alice })
    expect(store.calls.replace).toBe(1)
    expect((await store.get('standup'))?.expiresAt).toBe('2026-03-01T09:01:07.000Z')
    vi.advanceTimersByTime(60_000)
    await calls.join({ room: 'standup', participant: alice })
    expect(a.ensured).toEqual(['standup', 'standup'])
  })

  it('refuses a roomIdleSeconds that is not a positive whole number', () => {
    for (const roomIdleSeconds of [0, -1, 1.5]) {
      expect(() => createCallServer({ providers: [stubAdapter('a')], authorize, roomIdleSeconds })).toThrow(/roomIdleSeconds/)
    }
  })

  it('treats an expired record from a store that keeps it as absent', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T09:00:00Z') })
    const stale: RoomRecord = { provider: 'a', providerRoomId: 'old', createdAt: '2026-02-01T00:00:00.000Z', expiresAt: '2026-02-02T00:00:00.000Z' }
    const keeping: RoomStore = { ...createMemoryRoomStore(), get: async () => stale }
    const calls = createCallServer({ providers: [stubAdapter('a')], authorize, roomStore: keeping })
    expect(await calls.getRoom({ room: 'standup' })).toBeNull()
  })
})

describe('createMemoryRoomStore', () => {
  const record = (providerRoomId: string, expiresAt?: string): RoomRecord => ({
    provider: 'a',
    providerRoomId,
    createdAt: '2026-03-01T09:00:00.000Z',
    ...(expiresAt === undefined ? {} : { expiresAt }),
  })

  it('replaces a record only while it is the expected one (or absent), and answers the winner', async () => {
    const store = createMemoryRoomStore()
    expect(await store.replace('standup', record('x'), record('one'))).toEqual(record('one'))
    expect(await store.replace('standup', record('x'), record('two'))).toEqual(record('one'))
    const refreshed = record('one', '2030-01-01T00:00:00.000Z')
    expect(await store.replace('standup', record('one'), refreshed)).toEqual(refreshed)
    // expiresAt is not compared.
    expect(await store.replace('standup', record('one'), record('three'))).toEqual(record('three'))
    expect(await store.get('standup')).toEqual(record('three'))
  })

  it('drops records past their expiresAt, on read and on write', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-03-01T09:00:00Z') })
    const store = createMemoryRoomStore()
    await store.setIfAbsent('standup', record('one', '2026-03-01T09:01:00.000Z'))
    await store.setIfAbsent('retro', record('two', '2026-03-01T09:01:00.000Z'))
    vi.advanceTimersByTime(59_999)
    expect(await store.get('standup')).toEqual(record('one', '2026-03-01T09:01:00.000Z'))
    vi.advanceTimersByTime(1)
    expect(await store.get('standup')).toBeUndefined()
    expect(await store.setIfAbsent('retro', record('three'))).toEqual(record('three'))
    expect(await store.replace('standup', record('x'), record('four'))).toEqual(record('four'))
  })
})
