import { describe, expect, it } from 'vitest'
import { handSignedToken, issueToken, nextEvent, recordEvents, request, roundTrip, useHarness } from './harness'

const harness = useHarness()

const tokenUpdate = (token: string) => ({ type: 'auth', command: { command: 'token_update', token } })

describe('token expiry', () => {
  it('kicks a member whose token expires (on_kick token_expired), and the others see it leave', async () => {
    const { url } = await harness.startServer()
    const alice = await harness.joinMember(url, { identity: 'alice', room: 'standup' })
    const bob = await harness.connect(url, 'bob', { token: handSignedToken('bob', 'standup', 2) })
    const bobId = bob.id
    await request(bob, { type: 'auth', command: { command: 'join', room_id: alice.roomId } })
    const kicked = nextEvent(bob, 'on_kick', 4_000)
    const disconnected = nextEvent(bob, 'disconnect', 4_000)
    const left = nextEvent(alice.client, 'on_leave', 4_000)
    const connectedAt = Date.now()

    expect((await kicked)[0]).toEqual({ reason: 'token_expired', message: expect.any(String) })
    expect((await disconnected)[0]).toBe('io server disconnect')
    expect(await left).toEqual([bobId])
    expect(Date.now() - connectedAt).toBeLessThan(2_500)
  })

  it('token_update with a fresh token for the same room and identity moves the expiry', async () => {
    const { url } = await harness.startServer()
    const bob = await harness.connect(url, 'bob', { token: handSignedToken('bob', 'standup', 2) })
    // Carol's token outlives Bob's first one by a second: once the server kicked her, it would have kicked Bob too.
    const carol = await harness.connect(url, 'carol', { token: handSignedToken('carol', 'standup', 3) })
    const carolKicked = nextEvent(carol, 'on_kick', 5_000)
    const events = recordEvents(bob)
    const { result, error } = await request(bob, tokenUpdate(await issueToken({ identity: 'bob', room: 'standup' }, 120)))
    expect(error).toBeNull()
    const expiresAt = Date.parse((result as { expires_at: string }).expires_at)
    expect(expiresAt - Date.now()).toBeGreaterThan(115_000)
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(120_000)
    expect((await carolKicked)[0]).toMatchObject({ reason: 'token_expired' })
    await roundTrip(bob)
    expect(bob.connected).toBe(true)
    expect(events).toEqual([])
  })

  it.each([
    ['another room', () => issueToken({ identity: 'bob', room: 'retro' }), 'FORBIDDEN'],
    ['another identity', () => issueToken({ identity: 'mallory', room: 'standup' }), 'FORBIDDEN'],
    ['an expired token', async () => handSignedToken('bob', 'standup', -1), 'TOKEN_EXPIRED'],
    ['a forged token', async () => handSignedToken('bob', 'standup', 600).slice(0, -4) + 'AAAA', 'UNAUTHORIZED'],
  ])('refuses a token_update with %s and keeps the old expiry', async (_case, token, code) => {
    const { url } = await harness.startServer()
    const bob = await harness.connect(url, 'bob', { token: handSignedToken('bob', 'standup', 2) })
    const kicked = nextEvent(bob, 'on_kick', 4_000)
    const { result, error } = await request(bob, tokenUpdate(await token()))
    expect(result).toBeNull()
    expect(error?.code).toBe(code)
    expect((await kicked)[0]).toMatchObject({ reason: 'token_expired' })
  })
})
