import { describe, expect, it } from 'vitest'
import { loadBenches } from '../lib/benches.mjs'
import { checkBudget, loadBudgets } from '../lib/budgets.mjs'

describe('budgets', () => {
  it('gives every budget in bench/budgets.json to exactly one bench', async () => {
    const benches = await loadBenches()
    const declared = benches.flatMap((bench) => bench.measures)
    expect(new Set(declared).size).toBe(declared.length)
    for (const id of Object.keys(loadBudgets())) {
      expect(declared, `budget ${id}`).toContain(id)
    }
  })

  it('holds a value to its min and max, inclusive', () => {
    const size = { max: 100, unit: 'bytes', description: '' }
    expect(checkBudget(100, size).within).toBe(true)
    expect(checkBudget(101, size).within).toBe(false)
    const ratio = { min: 0.6, unit: 'ratio', description: '' }
    expect(checkBudget(0.6, ratio).within).toBe(true)
    expect(checkBudget(0.59, ratio)).toEqual({ within: false, target: '≥ 0.60' })
    expect(checkBudget(5, { min: 1, max: 4, unit: 'ms', description: '' })).toEqual({ within: false, target: '≥ 1.00 ms and ≤ 4.00 ms' })
  })
})
