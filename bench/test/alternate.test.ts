import { describe, expect, it } from 'vitest'
import { alternateRounds, rotateRounds } from '../lib/alternate.mjs'

describe('alternateRounds', () => {
  it('swaps which side goes first every round and pairs the results by round', async () => {
    const calls: string[] = []
    let tick = 0
    const side = (name: string) => async () => {
      calls.push(name)
      tick += 1
      return `${name}@${tick}`
    }
    const seen: number[] = []
    const pairs = await alternateRounds(3, { baseline: side('baseline'), candidate: side('candidate') }, (_, round) => seen.push(round))
    expect(calls).toEqual(['baseline', 'candidate', 'candidate', 'baseline', 'baseline', 'candidate'])
    expect(pairs).toEqual([
      { baseline: 'baseline@1', candidate: 'candidate@2' },
      { baseline: 'baseline@4', candidate: 'candidate@3' },
      { baseline: 'baseline@5', candidate: 'candidate@6' },
    ])
    expect(seen).toEqual([0, 1, 2])
  })
})

describe('rotateRounds', () => {
  it('starts each round with the next side and keeps the figures of each round by side', async () => {
    const calls: string[] = []
    const seen: number[] = []
    const results = await rotateRounds(
      4,
      ['a', 'b', 'c'] as const,
      (side) => {
        calls.push(side)
        return Promise.resolve(calls.length)
      },
      (_, round) => seen.push(round),
    )
    expect(calls).toEqual(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b', 'a', 'b', 'c'])
    expect(results).toEqual([
      { a: 1, b: 2, c: 3 },
      { b: 4, c: 5, a: 6 },
      { c: 7, a: 8, b: 9 },
      { a: 10, b: 11, c: 12 },
    ])
    expect(seen).toEqual([0, 1, 2, 3])
  })
})
