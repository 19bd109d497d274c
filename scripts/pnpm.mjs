#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's `packageManager` field through npx,
// so a fresh clone needs only Node and npm (corepack is not required).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const root = new URL('../package.json', import.meta.url)
const { packageManager } = JSON.parse(readFileSync(root, 'utf8'))
const [name, version] = String(packageManager).split('@')
if (name !== 'pnpm' || !version) {
  console.error(`package.json: expected "packageManager": "pnpm@<version>", got ${JSON.stringify(packageManager)}`)
  process.exit(1)
}
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const result = spawnSync(npx, ['--yes', `pnpm@${version}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, npm_config_manage_package_manager_versions: 'false' },
})
process.exit(result.status ?? 1)
