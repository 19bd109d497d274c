import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../src/server/rate-limiter'

const settings = { messagesPerSecond: 10, messageBurst: 3, rejectedMessagesBeforeKick: 4, windowMs: 1_000 }

describe('createRateLimiter', () => {
  it('accepts a burst, then refills at the configured rate', () => {
    const limiter = createRateLimiter(settings, 0)
    expect([limiter.take(0), limiter.take(0), limiter.take(0), limiter.take(0)]).toEqual(['accepted', 'accepted', 'accepted', 'limited'])
    expect(limiter.take(50)).toBe('limited') // half a token after 50 ms at 10/s
    expect(limiter.take(100)).toBe('accepted') // the second half arrived
    expect(limiter.take(100)).toBe('limited')
    expect([limiter.take(1_000), limiter.take(1_000), limiter.take(1_000), limiter.take(1_000)]).toEqual(['accepted', 'accepted', 'accepted', 'limited'])
  })

  it('asks for a kick once enough messages were refused within the window, and forgets older refusals', () => {
    const limiter = createRateLimiter(settings, 0)
    for (let index = 0; index < 3; index += 1) limiter.take(0)
    expect([limiter.take(0), limiter.take(0), limiter.take(0)]).toEqual(['limited', 'limited', 'limited'])
    expect(limiter.take(0)).toBe('kick')

    const patient = createRateLimiter(settings, 0)
    for (let index = 0; index < 3; index += 1) patient.take(0)
    expect([patient.take(0), patient.take(0), patient.take(0)]).toEqual(['limited', 'limited', 'limited'])
    // A new window starts: the three earlier refusals no longer count.
    expect([patient.take(1_000.5), patient.take(1_000.5), patient.take(1_000.5), patient.take(1_000.5)]).toEqual(['accepted', 'accepted', 'accepted', 'limited'])
    expect(patient.take(1_000.5)).toBe('limited')
  })

  it('never limits with an infinite rate (benchmarks)', () => {
    const limiter = createRateLimiter({ ...settings, messagesPerSecond: Number.POSITIVE_INFINITY, messageBurst: Number.POSITIVE_INFINITY }, 0)
    for (let index = 0; index < 10_000; index += 1) expect(limiter.take(index % 3)).toBe('accepted')
  })
})
