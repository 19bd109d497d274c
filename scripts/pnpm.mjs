#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's `packageManager` field through npx,
// so a fresh clone needs only Node and npm (corepack is not required).
//
// Two hops, so that npm never sees pnpm's settings: npx (npm) installs that pnpm and runs this
// script again with pnpm's bin folder first on PATH (`--from-npx`), and the second hop runs pnpm
// with `npm_config_manage_package_manager_versions=false` (pnpm never switches versions by itself;
// pnpm-workspace.yaml says the same). Given to npx, that variable made npm print
// `npm warn Unknown env config "manage-package-manager-versions"`.
//
// Ctrl-C: the terminal sends SIGINT to every process of the group, pnpm included, so this script
// ignores it and exits with pnpm's own status (a signal becomes 128 + its number, quietly).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { fileURLToPath } from 'node:url'

const windows = process.platform === 'win32'
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {})

/** @param {import('node:child_process').SpawnSyncReturns<Buffer>} result */
function exitLike(result) {
  if (result.error) {
    console.error(`scripts/pnpm.mjs: ${result.error.message}`)
    process.exit(1)
  }
  if (result.signal) process.exit(128 + (constants.signals[result.signal] ?? 0))
  process.exit(result.status ?? 1)
}

const [first, ...rest] = process.argv.slice(2)
if (first === '--from-npx') {
  const env = { ...process.env, npm_config_manage_package_manager_versions: 'false' }
  exitLike(spawnSync('pnpm', rest, { stdio: 'inherit', env, shell: windows }))
}

const root = new URL('../package.json', import.meta.url)
const { packageManager } = JSON.parse(readFileSync(root, 'utf8'))
const [name, version] = String(packageManager).split('@')
if (name !== 'pnpm' || !version) {
  console.error(`package.json: expected "packageManager": "pnpm@<version>", got ${JSON.stringify(packageManager)}`)
  process.exit(1)
}
const npx = windows ? 'npx.cmd' : 'npx'
const env = { ...process.env }
delete env.npm_config_manage_package_manager_versions // set by an outer pnpm; npm does not know it
const args = ['--yes', `--package=pnpm@${version}`, '--', 'node', fileURLToPath(import.meta.url), '--from-npx', ...process.argv.slice(2)]
exitLike(spawnSync(npx, args, { stdio: 'inherit', env, shell: windows }))
