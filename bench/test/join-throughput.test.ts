import { describe, expect, it } from 'vitest'
import { runBench } from '../lib/benches.mjs'
import joinThroughput from '../join-throughput.mjs'

// Runs in plain Node inside a worker thread, so it uses the built packages (turbo builds them first).
describe('join-throughput bench', () => {
  it('loads both servers with valid joins and reports their ratio', async () => {
    const lines: string[] = []
    const [measurement] = await runBench(joinThroughput, { quick: true, log: (line) => lines.push(line) })
    const [bare, callport] = measurement!.parts!
    expect(bare!.value).toBeGreaterThan(0)
    expect(callport!.value).toBeGreaterThan(0)
    const { roundRatios } = measurement!.details as { roundRatios: number[] }
    expect(roundRatios).toHaveLength(2)
    expect(Math.min(...roundRatios)).toBeLessThanOrEqual(measurement!.value)
    expect(Math.max(...roundRatios)).toBeGreaterThanOrEqual(measurement!.value)
    expect(lines).toHaveLength(2)
  })
})
