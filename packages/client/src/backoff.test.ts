import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff'

const defaults = { initialDelay: 500, maximumDelay: 10_000 }

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const ceilings = [500, 1000, 2000, 4000, 8000, 10_000, 10_000]
    ceilings.forEach((ceiling, index) => {
      expect(backoffDelay(index + 1, defaults, () => 1)).toBe(ceiling)
      expect(backoffDelay(index + 1, defaults, () => 0)).toBe(ceiling / 2)
    })
  })

  it('spreads delays between half the ceiling and all of it', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(3, defaults))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(2000)
    expect(new Set(delays).size).toBeGreaterThan(100)
  })
})
