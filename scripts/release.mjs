#!/usr/bin/env node
// @ts-check
// `npm run release [-- --dry-run]`: the only way Callport's packages are published (CONTRIBUTING.md,
// "Releasing"). Two runs, with a commit between them:
// 1. With pending changesets (.changeset/*.md): `changeset version` bumps the versions and writes the
//    changelogs, then stops so that you review and commit the result.
// 2. With none pending: builds the public packages, runs scripts/check-packs.mjs on tarballs packed
//    exactly as publishing packs them (refusing `workspace:`, a missing LICENSE, publint and attw
//    findings), then `pnpm -r publish` (through scripts/pnpm.mjs, devDependencies stripped by
//    scripts/pack-hooks.mjs; versions already on the registry are skipped) and `changeset tag`.
// `--dry-run` does everything but the upload and the tags (pnpm publish --dry-run).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { packHooksOption, pnpm, publicPackages, root } from './pack-lib.mjs'

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } })
const dryRun = values['dry-run']

/** @param {string} command @param {string[]} args */
function run(command, args) {
  console.error(`\n▶ ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env })
  if (result.status !== 0) {
    console.error(`\nrelease stopped: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}); nothing was published after this step.`)
    process.exit(1)
  }
}

const changeset = join(root, 'node_modules', '@changesets', 'cli', 'bin.js')
const pending = readdirSync(join(root, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md')

if (pending.length > 0) {
  if (dryRun) {
    console.error(`${pending.length} pending changeset(s): a real run would now run \`changeset version\` and stop for you to commit.`)
    run(process.execPath, [changeset, 'status', '--verbose'])
    process.exit(0)
  }
  run(process.execPath, [changeset, 'version'])
  // `changeset version` edits package.json versions; the lockfile records no workspace versions, but
  // refresh it so that `npm test`'s frozen install stays valid.
  run(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'install', '--lockfile-only'])
  console.error('\nVersions bumped and changelogs written. Review them, commit, then run `npm run release` again to publish.')
  process.exit(0)
}

const filters = publicPackages().flatMap((each) => ['--filter', each.name])
run(process.execPath, [join(root, 'scripts', 'check-packs.mjs'), '--build'])
try {
  pnpm([packHooksOption, '--recursive', ...filters, 'publish', '--access', 'public', ...(dryRun ? ['--dry-run', '--no-git-checks'] : [])])
} catch (error) {
  console.error(`\nrelease stopped: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
if (!dryRun) run(process.execPath, [changeset, 'tag'])
console.error(dryRun ? '\nDry run done: nothing was uploaded.' : '\nPublished. Push the tags: git push --follow-tags')
