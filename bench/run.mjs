#!/usr/bin/env node
// @ts-check
// Runs the benches of bench/benches (all, or those named on the command line), prints each
// measurement beside its budget, and records them in bench/results/latest.json.
// Usage: node bench/run.mjs [--quick] [bench-name…]     (after `turbo run build`; `npm run bench` does both)
import { relative } from 'node:path'
import { latestResultsFile, loadBenches, runBench, writeResults } from './lib/benches.mjs'
import { describeMeasurement, loadBudgets } from './lib/budgets.mjs'

const argumentsGiven = process.argv.slice(2)
const quick = argumentsGiven.includes('--quick')
const names = argumentsGiven.filter((argument) => !argument.startsWith('--'))
const budgets = loadBudgets()
const log = (/** @type {string} */ line) => console.log(line)

/** @type {import('./lib/benches.mjs').Measurement[]} */
const measurements = []
for (const bench of await loadBenches(names)) {
  log(`\n${bench.name}: ${bench.description}`)
  const measured = await runBench(bench, { quick, log })
  for (const measurement of measured) describeMeasurement(measurement, budgets[measurement.id]).forEach((line) => log(line))
  measurements.push(...measured)
}
const results = writeResults(measurements, { quick })
log(`\nRecorded in ${relative(process.cwd(), latestResultsFile)} (Node ${results.node}, ${results.cpus}${quick ? ', quick run' : ''}).`)
