#!/usr/bin/env node
// @ts-check
// What `npm test` runs after installing: every turbo task (build, typecheck, publint, tests), the
// code checks (ESLint, Prettier), the size and request budgets, then one closing line that adds up
// every package's vitest report: `N passed, N failed, N skipped`. A failed step that is not a test
// (a typecheck, a lint) counts as one failure there too, so the line never reads "0 failed" for a
// red run. Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const workspaceFolders = ['packages', 'apps', 'apps/examples', 'tools']
const reportPath = join('.test-results', 'vitest.json')

/** Every folder of the workspace that may hold a vitest report. */
function workspaceDirectories() {
  const directories = [join(root, 'bench'), join(root, 'docs')]
  for (const folder of workspaceFolders) {
    const parent = join(root, folder)
    if (!existsSync(parent)) continue
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json'))) directories.push(join(parent, entry.name))
    }
  }
  return directories
}

for (const directory of workspaceDirectories()) rmSync(join(directory, '.test-results'), { recursive: true, force: true })

/** @type {{ name: string, ok: boolean }[]} */
const steps = []
/** @param {string} name @param {string} command @param {string[]} args */
function step(name, command, args) {
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env })
  steps.push({ name, ok: result.status === 0 })
}

const pnpm = ['scripts/pnpm.mjs']
step('turbo tasks (build, typecheck, publint, tests)', 'node', [...pnpm, 'exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--continue', '--concurrency=2'])
step('ESLint', 'node', [...pnpm, 'exec', 'eslint', '.', '--max-warnings=0'])
step('Prettier', 'node', [...pnpm, 'exec', 'prettier', '--check', '.', '--log-level=warn'])
step('budgets', 'node', ['scripts/check-budgets.mjs'])

let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const directory of workspaceDirectories()) {
  const file = join(directory, reportPath)
  if (!existsSync(file)) {
    if (existsSync(join(directory, 'vitest.config.ts'))) missing.push(relative(root, directory))
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
}

console.log('\nSteps:')
for (const { name, ok } of steps) console.log(`  ${ok ? 'ok    ' : 'FAILED'} ${name}`)
if (missing.length > 0) console.log(`  (no test report from ${missing.join(', ')}: their tests did not run to the end)`)
const failedSteps = steps.filter((each) => !each.ok).length
console.log(`\n${passed} passed, ${failed + failedSteps} failed, ${skipped} skipped`)
process.exit(failed + failedSteps > 0 ? 1 : 0)
