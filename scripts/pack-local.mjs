#!/usr/bin/env node
// @ts-check
// `npm run pack:local [-- --out <dir>] [-- --skip-build] [-- --json]`
// Packs every public package into tarballs (default folder: <repo>/.packs) the way a release does, so a
// project outside this repository can install Callport before it is published. Prints the `npm install`
// line (all tarballs at once: they depend on each other by version). --json prints only the list
// ([{ name, version, file }], also written to <dir>/packs.json) on stdout.
import { parseArgs } from 'node:util'
import { packPublicPackages } from './pack-lib.mjs'

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  console.log('usage: npm run pack:local [-- --out <dir>] [-- --skip-build] [-- --json]')
  process.exit(0)
}

try {
  const packs = await packPublicPackages({ ...(values.out ? { outDir: values.out } : {}), build: !values['skip-build'] })
  if (values.json) {
    console.log(JSON.stringify(packs, null, 2))
  } else {
    console.log(`Packed ${packs.length} packages:`)
    for (const each of packs) console.log(`  ${each.name}@${each.version}  ${each.file}`)
    console.log('\nInstall them in your project (all at once, they depend on each other):\n')
    console.log(`npm install ${packs.map((each) => each.file).join(' ')}`)
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
