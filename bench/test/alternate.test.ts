import { describe, expect, it } from 'vitest'
import { alternateRounds } from '../lib/alternate.mjs'

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
