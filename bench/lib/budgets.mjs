// @ts-check
import { readFileSync } from 'node:fs'
import { budgetsFile } from './benches.mjs'

/**
 * A target for one measurement id: `min` and/or `max`, in the measurement's unit.
 * @typedef {{ min?: number, max?: number, unit: string, description: string }} Budget
 */

/**
 * The budgets of bench/budgets.json, by measurement id.
 * @param {string} [file]
 * @returns {Record<string, Budget>}
 */
export function loadBudgets(file = budgetsFile) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

/**
 * Human-readable value in a unit.
 * @param {number} value
 * @param {string} unit
 */
export function formatValue(value, unit) {
  switch (unit) {
    case 'bytes':
      return `${(value / 1024).toFixed(2)} KiB (${value} B)`
    case 'ratio':
      return value.toFixed(2)
    case 'ops/s':
      return `${Math.round(value).toLocaleString('en-US')} ops/s`
    case 'ms':
      return `${value.toFixed(2)} ms`
    default:
      return `${value} ${unit}`
  }
}

/**
 * Whether `value` meets `budget`, and the target in words.
 * @param {number} value
 * @param {Budget} budget
 */
export function checkBudget(value, budget) {
  const within = (budget.min === undefined || value >= budget.min) && (budget.max === undefined || value <= budget.max)
  const target = [
    budget.min === undefined ? undefined : `≥ ${formatValue(budget.min, budget.unit)}`,
    budget.max === undefined ? undefined : `≤ ${formatValue(budget.max, budget.unit)}`,
  ]
    .filter(Boolean)
    .join(' and ')
  return { within, target }
}

/**
 * Lines describing a measurement, its parts, and how it compares with its budget (if it has one).
 * @param {import('./benches.mjs').Measurement} measurement
 * @param {Budget | undefined} budget
 * @returns {string[]}
 */
export function describeMeasurement(measurement, budget) {
  let verdict = ''
  if (budget) {
    const { within, target } = checkBudget(measurement.value, budget)
    verdict = `  target ${target}: ${within ? 'ok' : 'MISSED'}`
  }
  const width = Math.max(...[measurement, ...(measurement.parts ?? [])].map((figure) => figure.label.length))
  return [
    `  ${measurement.label.padEnd(width)}  ${formatValue(measurement.value, measurement.unit)}${verdict}   [${measurement.id}]`,
    ...(measurement.parts ?? []).map((part) => `    ${part.label.padEnd(width - 2)}  ${formatValue(part.value, part.unit)}`),
  ]
}
