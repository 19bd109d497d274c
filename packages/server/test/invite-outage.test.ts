import { CallportError, type Invite } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createCallServer, createMemoryInviteStore, SETTLED_INVITE_RETENTION_MILLISECONDS, type InviteNotification, type InviteStore } from '../src/index'
import { alice, stubAdapter } from './stub-adapter'

/**
 * Issue 15, item 9, for any InviteStore: an invite of this process never ends without an event, when
 * its store loses it or fails at the end of its window. (The Redis chaos tests do the same against a
 * real redis-server.)
 */

/** A memory store that can lose invites (as a Redis restarted without persistence does) and fail (as a Redis that is down does). */
function unreliableStore() {
  const inner = createMemoryInviteStore()
  const lost = new Set<string>()
  let failing = false
  const check = () => {
    if (failing) throw new CallportError('PROVIDER_UNAVAILABLE', 'createRedisInviteStore: Redis is unavailable (not connected); try again')
  }
  const store: InviteStore = {
    async add(invite) {
      check()
      return inner.add(invite)
    },
    async get(id) {
      check()
      return lost.has(id) ? undefined : inner.get(id)
    },
    async setAttempts(id, attempts) {
      check()
      return lost.has(id) ? undefined : inner.setAttempts(id, attempts)
    },
    async settle(id, status, settledAt) {
      check()
      return lost.has(id) ? undefined : inner.settle(id, status, settledAt)
    },
    async ringing(room, identity) {
      check()
      return (await inner.ringing(room, identity)).filter((id) => !lost.has(id))
    },
  }
  return {
    store,
    lose: (id: string) => lost.add(id),
    fail: (value: boolean) => {
      failing = value
    },
  }
}

describe('invites whose store loses them or fails', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-11-21T12:00:00Z') })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function server() {
    const unreliable = unreliableStore()
    const notifications: InviteNotification[] = []
    const settled: Invite[] = []
    const errors: unknown[] = []
    const calls = createCallServer({
      providers: [stubAdapter('stub')],
      authorize: async () => alice,
      onError: (error) => errors.push(error),
      invites: { notify: async (notification) => void notifications.push(notification), withinSeconds: 30, store: unreliable.store },
    })
    calls.on('invite', ({ invite }) => invite.status !== 'ringing' && settled.push(invite))
    const kinds = () => notifications.map(({ kind, attempt }) => `${kind}${attempt}`)
    return { calls, ...unreliable, notifications, settled, errors, kinds }
  }

  it('an invite the store lost is still missed at the end of its window, on the process that created it', async () => {
    const { calls, lose, settled, kinds } = server()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(kinds()).toEqual(['ring1', 'ring2'])
    lose(invite.id)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(settled).toEqual([{ ...invite, attempts: 2, status: 'missed', settledAt: '2026-11-21T12:00:30.000Z' }])
    expect(kinds()).toEqual(['ring1', 'ring2', 'missed2'])
  })

  it('a store that fails at the end of the window: tried again, backing off, and missed once it answers', async () => {
    const { calls, fail, settled, kinds, errors } = server()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(25_000)
    fail(true)
    await vi.advanceTimersByTimeAsync(5000 + 1000 + 2000 + 4000)
    expect(settled).toEqual([])
    expect(errors.length).toBeGreaterThanOrEqual(3)
    expect(errors.every((error) => CallportError.isInstance(error) && error.code === 'PROVIDER_UNAVAILABLE')).toBe(true)
    fail(false)
    await vi.advanceTimersByTimeAsync(8000)
    expect(settled.map(({ id, status }) => [id, status])).toEqual([[invite.id, 'missed']])
    expect(kinds()).toEqual(['ring1', 'ring2', 'ring3', 'missed3'])
  })

  it('a store that never comes back: the invite fails on this process once the retention has passed, and nothing rings after', async () => {
    const { calls, fail, settled, kinds } = server()
    const invite = await calls.invite({ from: 'alice', to: 'bob', room: 'standup' })
    await vi.advanceTimersByTimeAsync(29_000)
    fail(true)
    await vi.advanceTimersByTimeAsync(1000 + SETTLED_INVITE_RETENTION_MILLISECONDS - 60_000)
    expect(settled).toEqual([])
    // The first try after the retention gives up: at most one retry delay (30 s) later.
    await vi.advanceTimersByTimeAsync(60_000 + 30_000)
    expect(settled).toEqual([expect.objectContaining({ id: invite.id, status: 'failed' })])
    const count = kinds().length
    await vi.advanceTimersByTimeAsync(SETTLED_INVITE_RETENTION_MILLISECONDS)
    expect(kinds()).toHaveLength(count)
    expect(settled).toHaveLength(1)
  })
})
