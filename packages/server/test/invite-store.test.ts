import { CallportError, type Invite } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryInviteStore, MAXIMUM_RINGING_INVITES, SETTLED_INVITE_RETENTION_MILLISECONDS } from '../src/index'

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-21T12:00:00.000Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

const ringingInvite = (id: string, change: Partial<Invite> = {}): Invite => ({
  id,
  from: 'alice',
  to: 'bob',
  room: 'standup',
  status: 'ringing',
  attempts: 0,
  createdAt: '2026-11-21T12:00:00.000Z',
  expiresAt: '2026-11-21T12:00:30.000Z',
  ...change,
})

describe('createMemoryInviteStore', () => {
  it('forgets a settled invite SETTLED_INVITE_RETENTION_MILLISECONDS after it settled, and keeps a ringing one', async () => {
    const store = createMemoryInviteStore()
    await store.add(ringingInvite('inv_settled'))
    await store.add(ringingInvite('inv_ringing'))
    await vi.advanceTimersByTimeAsync(5000)
    await store.settle('inv_settled', 'declined', new Date().toISOString())
    await vi.advanceTimersByTimeAsync(SETTLED_INVITE_RETENTION_MILLISECONDS - 1)
    expect((await store.get('inv_settled'))?.status).toBe('declined')
    await vi.advanceTimersByTimeAsync(1)
    expect(await store.get('inv_settled')).toBeUndefined()
    expect(await store.settle('inv_settled', 'accepted', new Date().toISOString())).toBeUndefined()
    expect((await store.get('inv_ringing'))?.status).toBe('ringing')
  })

  it(`holds at most ${MAXIMUM_RINGING_INVITES} ringing invites (RATE_LIMITED beyond) and takes more once some settle`, async () => {
    const store = createMemoryInviteStore()
    for (let index = 0; index < MAXIMUM_RINGING_INVITES; index += 1) await store.add(ringingInvite(`inv_${index}`, { to: `callee-${index % 7}` }))
    const refused = await store.add(ringingInvite('inv_one_more')).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(CallportError.isInstance(refused) && refused.code).toBe('RATE_LIMITED')
    expect(await store.get('inv_one_more')).toBeUndefined()
    await store.settle('inv_3', 'missed', new Date().toISOString())
    await store.add(ringingInvite('inv_one_more'))
    expect((await store.get('inv_one_more'))?.status).toBe('ringing')
  })

  it('gives copies: changing what it returns or what it was given changes nothing stored', async () => {
    const store = createMemoryInviteStore()
    const given = ringingInvite('inv_copy')
    await store.add(given)
    given.status = 'accepted'
    const read = (await store.get('inv_copy'))!
    read.attempts = 99
    expect(await store.get('inv_copy')).toEqual(ringingInvite('inv_copy'))
  })
})
