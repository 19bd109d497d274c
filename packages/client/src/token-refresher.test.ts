import type { Token } from '@callport/core'
import { describe, expect, it } from 'vitest'
import { refreshDelayMs, refreshLeadMs } from './token-refresher'

const receivedAt = Date.parse('2030-01-01T09:00:00Z')

function tokenExpiringIn(seconds: number): Token {
  return {
    provider: 'stub',
    room: 'standup',
    providerRoomId: 'standup',
    identity: 'alice',
    value: 'credential',
    expiresAt: new Date(receivedAt + seconds * 1000).toISOString(),
    connect: {},
  }
}

describe('refresh lead and delay', () => {
  it('leads by 10% of the lifetime, at least 30 s, unless a lead is given', () => {
    expect(refreshLeadMs(3_600_000)).toBe(360_000)
    expect(refreshLeadMs(200_000)).toBe(30_000)
    expect(refreshLeadMs(300_000)).toBe(30_000)
    expect(refreshLeadMs(3_600_000, 90)).toBe(90_000)
    expect(refreshLeadMs(3_600_000, -5)).toBe(0)
  })

  it('counts the delay from now, and never below zero', () => {
    const hour = tokenExpiringIn(3600)
    expect(refreshDelayMs(hour, receivedAt, receivedAt)).toBe(3_240_000)
    expect(refreshDelayMs(hour, receivedAt, receivedAt + 3_000_000)).toBe(240_000)
    expect(refreshDelayMs(hour, receivedAt, receivedAt + 3_500_000)).toBe(0)
    expect(refreshDelayMs(tokenExpiringIn(20), receivedAt, receivedAt)).toBe(0)
    expect(refreshDelayMs(tokenExpiringIn(-60), receivedAt, receivedAt)).toBe(0)
  })
})
