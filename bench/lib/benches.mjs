// @ts-check
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { benchDirectory } from './workspace.mjs'

/**
 * One number a bench measured. `id` is stable and is the key of its budget in bench/budgets.json;
 * `parts` are the raw figures a ratio was computed from.
 * @typedef {{ label: string, value: number, unit: string }} Figure
 * @typedef {Figure & { id: string, parts?: Figure[], details?: Record<string, unknown> }} Measurement
 */

/**
 * @typedef {{
 *   quick: boolean
 *   log: (line: string) => void
 * }} BenchOptions
 */

/**
 * A bench: one file `bench/<name>.mjs` whose default export is a `Bench` (importing it must not run
 * it; a file may also run itself when it is the command line's script).
 * `deterministic` benches (sizes, counts) are re-measured and enforced by scripts/check-budgets.mjs
 * on every `npm test`; timing benches run only with `npm run bench` and never fail a test.
 * @typedef {{
 *   name: string
 *   description: string
 *   deterministic: boolean
 *   measures: string[]
 *   run(options: BenchOptions): Promise<Measurement[]>
 * }} Bench
 */

/** Where `npm run bench` records its last results (gitignored). */
export const latestResultsFile = join(benchDirectory, 'results', 'latest.json')
export const budgetsFile = join(benchDirectory, 'budgets.json')
/** Files of bench/ that are not benches. */
const notBenches = new Set(['run.mjs'])

/**
 * Identity function that types a bench module's default export.
 * @param {Bench} bench
 */
export function defineBench(bench) {
  return bench
}

/**
 * All benches (every `bench/*.mjs` but run.mjs), sorted by file name; `only` keeps those named.
 * @param {string[]} [only]
 * @returns {Promise<Bench[]>}
 */
export async function loadBenches(only = []) {
  const files = readdirSync(benchDirectory)
    .filter((file) => file.endsWith('.mjs') && !notBenches.has(file))
    .sort()
  /** @type {Bench[]} */
  const benches = []
  for (const file of files) {
    const { default: bench } = await import(pathToFileURL(join(benchDirectory, file)).href)
    const valid = typeof bench?.name === 'string' && typeof bench.run === 'function' && Array.isArray(bench.measures)
    if (!valid) throw new Error(`bench/${file}: its default export is not a bench (export default defineBench({ … }))`)
    benches.push(bench)
  }
  const unknown = only.filter((name) => !benches.some((bench) => bench.name === name))
  if (unknown.length > 0) throw new Error(`No bench named ${unknown.join(', ')}; there are ${benches.map((bench) => bench.name).join(', ')}`)
  return only.length === 0 ? benches : benches.filter((bench) => only.includes(bench.name))
}

/**
 * Runs a bench and checks that it measured exactly what it declares.
 * @param {Bench} bench
 * @param {BenchOptions} options
 */
export async function runBench(bench, options) {
  const measurements = await bench.run(options)
  const ids = measurements.map((measurement) => measurement.id).sort()
  if (JSON.stringify(ids) !== JSON.stringify([...bench.measures].sort())) {
    throw new Error(`Bench ${bench.name} declares ${bench.measures.join(', ')} but measured ${ids.join(', ')}`)
  }
  return measurements
}

/**
 * @typedef {{ recordedAt: string, node: string, cpus: string, quick: boolean, measurements: Measurement[] }} Results
 */

/**
 * Writes the results of a run, with the machine they were measured on.
 * @param {Measurement[]} measurements
 * @param {{ quick: boolean, file?: string }} options
 */
export function writeResults(measurements, { quick, file = latestResultsFile }) {
  /** @type {Results} */
  const results = {
    recordedAt: new Date().toISOString(),
    node: process.version,
    cpus: `${availableParallelism()} × ${cpus()[0]?.model ?? 'unknown'}`,
    quick,
    measurements,
  }
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  return results
}

/**
 * The results of the last `npm run bench`, if there was one.
 * @param {string} [file]
 * @returns {Results | undefined}
 */
export function readResults(file = latestResultsFile) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
}
