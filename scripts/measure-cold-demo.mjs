#!/usr/bin/env node
// @ts-check
// Measures a cold `npm run demo`, as a newcomer runs it: a fresh clone of this repository's
// committed HEAD in a temporary folder, `npm run demo` there (pnpm install, then the demo), timed
// until the URL appears. Then Ctrl-C (SIGINT to the whole process group, as a terminal sends it).
// Fails (exit 1) when the URL takes longer than the budget, when any npm or pnpm warning or
// lifecycle error is printed, or when Ctrl-C does not end the demo quietly.
//
//   node scripts/measure-cold-demo.mjs [--budget 90] [--keep]
//
// A measurement, not a unit test: its figure depends on the machine, its load and the pnpm store.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const argv = process.argv.slice(2)
const budgetIndex = argv.indexOf('--budget')
const budgetSeconds = budgetIndex >= 0 ? Number(argv[budgetIndex + 1]) : 90
const keep = argv.includes('--keep')

/** Lines that must never appear in the demo's output. */
const noise = /\bnpm (warn|error|ERR!)\b|\bWARN\b|ELIFECYCLE|approve-builds|Ignored build scripts|deprecated|EBADENGINE|Unsupported engine/i

const directory = mkdtempSync(join(tmpdir(), 'callport-cold-demo-'))
console.log(`cloning ${root} (HEAD) into ${directory}`)
execFileSync('git', ['clone', '-q', root, directory], { stdio: 'inherit' })

const started = performance.now()
const child = spawn('npm', ['run', 'demo'], {
  cwd: directory,
  detached: true, // its own process group, like a terminal's foreground job
  stdio: ['ignore', 'pipe', 'pipe'],
  // A terminal's environment: none of the npm_* / pnpm_* variables of an npm or pnpm running this script.
  env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^p?npm_/i.test(name))), PORT: '0' },
})
let output = ''
/** @type {number | undefined} */
let urlAfter
const onOutput = (/** @type {Buffer} */ chunk) => {
  output += chunk.toString()
  process.stdout.write(chunk)
  if (urlAfter === undefined && /on http:\/\/\S+/.test(output)) {
    urlAfter = (performance.now() - started) / 1000
    process.kill(-(child.pid ?? 0), 'SIGINT')
  }
}
child.stdout.on('data', onOutput)
child.stderr.on('data', onOutput)
const timeout = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), (budgetSeconds + 120) * 1000)
const { code, signal } = await new Promise((resolve) => child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })))
clearTimeout(timeout)
if (!keep) rmSync(directory, { recursive: true, force: true })

const noisy = output.split('\n').filter((line) => noise.test(line))
const quietExit = code === 0 || code === 130 || signal === 'SIGINT'
console.log('\n--- cold npm run demo ---')
console.log(`URL after: ${urlAfter === undefined ? 'never' : `${urlAfter.toFixed(1)} s`} (budget ${budgetSeconds} s)`)
console.log(`output: ${output.split('\n').length} lines; warnings or lifecycle errors: ${noisy.length}`)
for (const line of noisy) console.log(`  ${line}`)
console.log(`Ctrl-C: exit ${signal ?? code}${quietExit ? ' (quiet)' : ' (NOT quiet)'}`)
const ok = urlAfter !== undefined && urlAfter <= budgetSeconds && noisy.length === 0 && quietExit
console.log(ok ? 'ok' : 'FAILED')
process.exit(ok ? 0 : 1)
