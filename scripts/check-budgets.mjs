#!/usr/bin/env node
// @ts-check
// Checks the budgets of bench/budgets.json, after the turbo tasks of `npm test`.
// Deterministic measurements (bundle sizes) are taken now and fail the run when over budget.
// Timing ratios come from the last `npm run bench` (bench/results/latest.json) and are only printed
// beside their targets: a test never fails on time, and no benchmark run is needed to pass.
// Usage: node scripts/check-budgets.mjs [--budgets <file>] [--results <file>]
import { relative } from 'node:path'
import { parseArgs } from 'node:util'
import { budgetsFile, latestResultsFile, loadBenches, readResults, runBench } from '../bench/lib/benches.mjs'
import { checkBudget, describeMeasurement, loadBudgets } from '../bench/lib/budgets.mjs'

const { values } = parseArgs({ options: { budgets: { type: 'string' }, results: { type: 'string' } } })
const budgetsPath = values.budgets ?? budgetsFile
const resultsPath = values.results ?? latestResultsFile
const budgets = loadBudgets(budgetsPath)
const benches = await loadBenches()

/** @type {string[]} */
const failures = []
const measuredBy = new Map(benches.flatMap((bench) => bench.measures.map((id) => [id, bench])))
for (const id of Object.keys(budgets)) {
  if (!measuredBy.has(id)) failures.push(`${id}: no bench in bench/ measures it`)
}

console.log(`Budgets (${relative(process.cwd(), budgetsPath)})`)
for (const bench of benches.filter((each) => each.deterministic)) {
  for (const measurement of await runBench(bench, { quick: false, log: () => {} })) {
    const budget = budgets[measurement.id]
    describeMeasurement(measurement, budget).forEach((line) => console.log(line))
    if (budget && !checkBudget(measurement.value, budget).within) {
      failures.push(`${measurement.id}: ${measurement.value} ${measurement.unit} misses ${checkBudget(measurement.value, budget).target}`)
    }
  }
}

const results = readResults(resultsPath)
for (const [id, budget] of Object.entries(budgets)) {
  if (measuredBy.get(id)?.deterministic !== false) continue
  const recorded = results?.measurements.find((measurement) => measurement.id === id)
  if (!results || !recorded) {
    console.log(`  ${id}: not measured here (timing; run \`npm run bench\` to measure it)`)
    continue
  }
  describeMeasurement(recorded, budget).forEach((line) => console.log(line))
  const note = `recorded ${results.recordedAt} by \`npm run bench\`${results.quick ? ' (quick run)' : ''}, on ${results.cpus}`
  console.log(`    ${note}${checkBudget(recorded.value, budget).within ? '' : '; a timing target: reported, not enforced'}`)
}

if (failures.length > 0) {
  console.error(`\nOver budget:\n${failures.map((failure) => `  ${failure}`).join('\n')}`)
  process.exit(1)
}
