import { CallportError, type Token } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSession, type SessionOptions } from '../src/index'
import { expectOneMoreAfter, makeToken, recordEvents, stubAdapter } from './helpers'

const SECOND = 1000
const MINUTE = 60 * SECOND

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2030-01-01T09:00:00Z') })
  vi.spyOn(Math, 'random').mockReturnValue(0)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function setup(lifetimeSeconds: number, options: Partial<SessionOptions> = {}, capabilities = { updateToken: true }) {
  const adapter = stubAdapter('stub', capabilities)
  const fetchToken = vi.fn(async ({ room }: { room: string }): Promise<Token> => makeToken({ room, lifetimeSeconds }))
  const session = createSession({ adapters: [adapter], token: fetchToken, ...options })
  return { adapter, fetchToken, session }
}

describe('token refresh timing', () => {
  it('refreshes a one-hour token 6 minutes (10%) before it expires and hands it to updateToken', async () => {
    const { adapter, fetchToken, session } = setup(3600)
    const refreshed = recordEvents(session, ['token-refreshed'])
    await session.join('standup')
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 54 * MINUTE)
    const fresh = session.token
    expect(fresh).not.toBe(adapter.last().token)
    expect(adapter.last().updateToken).toHaveBeenCalledWith(fresh)
    expect(refreshed).toEqual([['token-refreshed', { token: fresh }]])
    // The next refresh is planned from the fresh token.
    await vi.advanceTimersByTimeAsync(54 * MINUTE)
    expect(fetchToken).toHaveBeenCalledTimes(3)
    expect(adapter.connections).toHaveLength(1)
  })

  it('uses a lead of at least 30 seconds for short tokens', async () => {
    const { fetchToken, session } = setup(200)
    await session.join('standup')
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 170 * SECOND)
  })

  it('honours refreshLeadSeconds', async () => {
    const { fetchToken, session } = setup(3600, { refreshLeadSeconds: 120 })
    await session.join('standup')
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 58 * MINUTE)
  })

  it('refreshes at once a token that is already inside the lead, then spaces further refreshes by backoff', async () => {
    const { fetchToken, session } = setup(20)
    await session.join('standup')
    await vi.advanceTimersByTimeAsync(0)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    // The refreshed token is again inside the lead: no back-to-back loop, but the 500 ms backoff (half, with jitter 0).
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 250)
  })

  it('stops refreshing when the session leaves, leaving no timer behind', async () => {
    const { fetchToken, session } = setup(3600)
    await session.join('standup')
    await session.leave()
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE)
    expect(fetchToken).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('token refresh without updateToken', () => {
  it('keeps the fresh token and connects with it at the next reconnection', async () => {
    const { adapter, fetchToken, session } = setup(3600, {}, { updateToken: false })
    const refreshed = recordEvents(session, ['token-refreshed'])
    await session.join('standup')
    const first = adapter.last()
    expect(first.updateToken).toBeUndefined()
    await vi.advanceTimersByTimeAsync(54 * MINUTE)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    const fresh = session.token
    expect(refreshed).toEqual([['token-refreshed', { token: fresh }]])
    first.emit('disconnected', { reason: 'token-expired' })
    await vi.advanceTimersByTimeAsync(250)
    expect(adapter.connections).toHaveLength(2)
    expect(adapter.last().token).toBe(fresh)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(session.state).toBe('connected')
  })
})

describe('vendor-announced expiry and adapter requests', () => {
  it('refreshes at once on token-expiring and forwards the event', async () => {
    const { adapter, fetchToken, session } = setup(3600)
    const events = recordEvents(session, ['token-expiring', 'token-refreshed'])
    await session.join('standup')
    adapter.last().emit('token-expiring', { expiresAt: adapter.last().token.expiresAt })
    await vi.advanceTimersByTimeAsync(0)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(adapter.last().updateToken).toHaveBeenCalledWith(session.token)
    expect(events.map(([name]) => name)).toEqual(['token-expiring', 'token-refreshed'])
  })

  it('lets the adapter ask for a token through refreshToken without a second updateToken', async () => {
    const { adapter, fetchToken, session } = setup(3600)
    await session.join('standup')
    const token = await adapter.last().options.refreshToken()
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(session.token).toBe(token)
    expect(adapter.last().updateToken).not.toHaveBeenCalled()
  })
})

describe('token refresh failures', () => {
  it('retries a failed refresh with backoff and keeps the call up', async () => {
    const { adapter, fetchToken, session } = setup(3600)
    const events = recordEvents(session, ['disconnected', 'token-refreshed'])
    await session.join('standup')
    fetchToken.mockRejectedValueOnce(new CallportError('CONNECTION_FAILED', 'offline'))
    fetchToken.mockRejectedValueOnce(new CallportError('PROVIDER_UNAVAILABLE', 'busy'))
    await vi.advanceTimersByTimeAsync(54 * MINUTE)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    // Backoff with jitter 0: 250 ms after the first failure, then 500 ms.
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 250)
    await expectOneMoreAfter(() => fetchToken.mock.calls.length, 500)
    expect(session.state).toBe('connected')
    expect(events).toEqual([['token-refreshed', { token: session.token }]])
    expect(adapter.last().updateToken).toHaveBeenCalledTimes(1)
  })

  it('stops retrying a refresh the token source refuses, without ending the call', async () => {
    const { fetchToken, session } = setup(3600)
    await session.join('standup')
    fetchToken.mockRejectedValueOnce(new CallportError('UNAUTHORIZED', 'signed out'))
    await vi.advanceTimersByTimeAsync(54 * MINUTE)
    await vi.advanceTimersByTimeAsync(5 * MINUTE)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(session.state).toBe('connected')
  })
})
