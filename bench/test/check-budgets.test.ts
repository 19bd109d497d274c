import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repositoryRoot } from '../lib/workspace.mjs'

const temporary = mkdtempSync(join(tmpdir(), 'callport-budgets-'))
afterAll(() => rmSync(temporary, { recursive: true, force: true }))

function writeJson(name: string, value: unknown): string {
  const file = join(temporary, name)
  writeFileSync(file, JSON.stringify(value))
  return file
}

/** Runs scripts/check-budgets.mjs as `npm test` does, with the given budgets and results files. */
function checkBudgets(budgets: unknown, results?: unknown) {
  const budgetsFile = writeJson(`budgets-${Math.random()}.json`, budgets)
  const resultsFile = results === undefined ? join(temporary, 'absent.json') : writeJson(`results-${Math.random()}.json`, results)
  const run = spawnSync(process.execPath, ['scripts/check-budgets.mjs', '--budgets', budgetsFile, '--results', resultsFile], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

const ratioBudget = { min: 0.6, unit: 'ratio', description: 'timing' }

describe('scripts/check-budgets.mjs', () => {
  it('fails when a client bundle (createSession alone, or with the signaling client) is over its budget, without needing a benchmark run', () => {
    const { status, output } = checkBudgets({
      'client-bundle-gzip-bytes': { max: 1024, unit: 'bytes', description: 'tiny' },
      'client-signaling-bundle-gzip-bytes': { max: 2048, unit: 'bytes', description: 'tiny' },
      'join-throughput-ratio': ratioBudget,
    })
    expect(status).toBe(1)
    expect(output).toMatch(/Over budget:[^]*client-bundle-gzip-bytes: \d+ bytes misses ≤ 1\.00 KiB/)
    expect(output).toMatch(/Over budget:[^]*client-signaling-bundle-gzip-bytes: \d+ bytes misses ≤ 2\.00 KiB/)
    expect(output).toContain('join-throughput-ratio: not measured here')
  })

  it('passes within budget and reports a missed timing target without failing', () => {
    const { status, output } = checkBudgets(
      { 'client-bundle-gzip-bytes': { max: 1024 * 1024, unit: 'bytes', description: 'roomy' }, 'join-throughput-ratio': ratioBudget },
      {
        recordedAt: '2026-01-01T00:00:00.000Z',
        node: 'v20.19.0',
        cpus: '2 × test',
        quick: false,
        measurements: [{ id: 'join-throughput-ratio', label: 'join ratio', value: 0.25, unit: 'ratio' }],
      },
    )
    expect(output).toContain('target ≤ 1024.00 KiB (1048576 B): ok')
    expect(output).toMatch(/createSession \+ signaling client, gzip -9 +[\d.]+ KiB \(\d+ B\) {3}\[client-signaling-bundle-gzip-bytes\]/)
    expect(output).toContain('join ratio  0.25  target ≥ 0.60: MISSED')
    expect(output).toContain('reported, not enforced')
    expect(status).toBe(0)
  })

  it('fails on a budget that no bench measures', () => {
    const { status, output } = checkBudgets({ 'client-bundle-gzip-bytes': { max: 1024 * 1024, unit: 'bytes', description: '' }, 'typo-ratio': ratioBudget })
    expect(status).toBe(1)
    expect(output).toContain('typo-ratio: no bench in bench/ measures it')
  })
})
