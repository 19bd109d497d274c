import { CallportError, type Token } from '@callport/core'
import { describe, expect, it, vi } from 'vitest'
import { reconnectDelay, tokenForReconnection } from '../../src/client/reconnect-policy'

const token = (overrides: Partial<Token> = {}, expiresInSeconds = 600): Token => ({
  provider: 'signaling',
  room: 'standup',
  providerRoomId: 'rm_1',
  identity: 'ada',
  value: 'credential',
  expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString(),
  connect: { url: 'http://127.0.0.1:1' },
  ...overrides,
})
const lost = new CallportError('CONNECTION_FAILED', 'socket closed')

describe('reconnect policy', () => {
  it('retries at once, then backs off doubling up to 2 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(reconnectDelay)).toEqual([0, 250, 500, 1000, 2000, 2000, 2000])
  })

  it('keeps a token that outlives the margin, refreshes one inside it or one the server refused', async () => {
    const fresh = token({ value: 'fresh' })
    const refresh = vi.fn(async () => fresh)
    const current = token()
    expect(await tokenForReconnection(current, lost, refresh, 30)).toBe(current)
    expect(refresh).not.toHaveBeenCalled()
    expect(await tokenForReconnection(token({}, 29), lost, refresh, 30)).toBe(fresh)
    expect(await tokenForReconnection(current, new CallportError('TOKEN_EXPIRED', 'expired'), refresh, 30)).toBe(fresh)
    expect(await tokenForReconnection(current, new CallportError('UNAUTHORIZED', 'refused'), refresh, 30)).toBe(fresh)
    expect(refresh).toHaveBeenCalledTimes(3)
  })

  it('refuses, without retry, a fresh token that cannot serve this connection (the room moved)', async () => {
    const moved = tokenForReconnection(token({}, 10), lost, async () => token({ provider: 'twilio' }), 30)
    await expect(moved).rejects.toMatchObject({ code: 'CONNECTION_FAILED', retryable: false })
    await expect(tokenForReconnection(token({}, 10), lost, async () => token({ identity: 'grace' }), 30)).rejects.toMatchObject({ retryable: false })
  })
})
