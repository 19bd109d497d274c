#!/usr/bin/env node
// @ts-check
// What `npm test` runs after installing: every turbo task (build, typecheck, publint, tests), the
// code checks (ESLint, Prettier), the size and request budgets, then one closing line that adds up
// every package's vitest report: `N passed, N failed, N skipped`. A failed step that is not a test
// (a typecheck, a lint) counts as one failure there too, so the line never reads "0 failed" for a
// red run. Before it, every skipped test is listed under the reason it was skipped (from each
// package's .test-results/skips.json, written by vitest-skip-reporter.ts). Exits non-zero when
// anything failed.
//
// `node scripts/ci-test.mjs --report-only` runs nothing: it prints the skips and the closing line
// from the reports the last test runs left (for example after `cd packages/x && npx vitest run`).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const workspaceFolders = ['packages', 'apps', 'apps/examples', 'tools']
const reportPath = join('.test-results', 'vitest.json')
const skipsPath = join('.test-results', 'skips.json')

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

const reportOnly = process.argv.includes('--report-only')
if (!reportOnly) for (const directory of workspaceDirectories()) rmSync(join(directory, '.test-results'), { recursive: true, force: true })

/** @type {{ name: string, ok: boolean }[]} */
const steps = []
/** @param {string} name @param {string} command @param {string[]} args */
function step(name, command, args) {
  if (reportOnly) return
  console.log(`\n▶ ${name}: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env })
  steps.push({ name, ok: result.status === 0 })
}

// The root's own tool binaries, run directly: `npm test` already installed them, and a second pnpm
// through npx would show npm the settings the outer pnpm exported (npm warns on each).
/** @param {string} name */
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
step('turbo tasks (build, typecheck, publint, tests)', bin('turbo'), ['run', 'build', 'typecheck', 'lint', 'test', '--continue=always', '--concurrency=2'])
step('ESLint', bin('eslint'), ['.', '--max-warnings=0'])
step('Prettier', bin('prettier'), ['--check', '.', '--log-level=warn'])
step('budgets', 'node', ['scripts/check-budgets.mjs'])
step('packed packages (LICENSE, workspace:, metadata, node: imports, publint, attw)', 'node', ['scripts/check-packs.mjs'])

let passed = 0
let failed = 0
let skipped = 0
const missing = []
/** Skipped tests by reason: reason → `<package folder>: <test>` lines. @type {Map<string, string[]>} */
const skipsByReason = new Map()
for (const directory of workspaceDirectories()) {
  const file = join(directory, reportPath)
  if (!existsSync(file)) {
    if (existsSync(join(directory, 'vitest.config.ts'))) missing.push(relative(root, directory))
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests ?? 0
  failed += report.numFailedTests ?? 0
  const skippedHere = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  skipped += skippedHere
  const folder = relative(root, directory)
  /** @type {{ name: string, reason: string }[]} */
  let skips = []
  if (existsSync(join(directory, skipsPath))) skips = JSON.parse(readFileSync(join(directory, skipsPath), 'utf8'))
  else if (skippedHere > 0) {
    // A report from before the skip reporter (a turbo cache hit, or a vitest config without
    // callportTestConfig): the names are in vitest.json, the reasons are not.
    const reason = 'reason not recorded: no .test-results/skips.json (an older cached report, or a vitest config without callportTestConfig); rerun its tests'
    /** @type {{ assertionResults?: { status: string, fullName: string }[] }[]} */
    const files = report.testResults ?? []
    skips = files
      .flatMap((each) => each.assertionResults ?? [])
      .filter((test) => ['pending', 'skipped', 'todo'].includes(test.status))
      .map((test) => ({ name: test.fullName, reason }))
  }
  for (const { name, reason } of skips) skipsByReason.set(reason, [...(skipsByReason.get(reason) ?? []), `${folder}: ${name}`])
}

if (skipsByReason.size > 0) {
  console.log('\nSkipped, by reason:')
  for (const [reason, tests] of [...skipsByReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    console.log(`  ${reason} (${tests.length}):`)
    for (const test of tests) console.log(`    - ${test}`)
  }
}

console.log('\nSteps:')
for (const { name, ok } of steps) console.log(`  ${ok ? 'ok    ' : 'FAILED'} ${name}`)
if (missing.length > 0) console.log(`  (no test report from ${missing.join(', ')}: their tests did not run to the end)`)
const failedSteps = steps.filter((each) => !each.ok).length
console.log(`\n${passed} passed, ${failed + failedSteps} failed, ${skipped} skipped`)
process.exit(failed + failedSteps > 0 ? 1 : 0)
