// @ts-check
// Packs the public packages exactly as a release does: `pnpm pack` (through scripts/pnpm.mjs), which
// turns `workspace:^` into a caret range and runs each package's `prepack` (it copies the root LICENSE).
// Used by scripts/pack-local.mjs (`npm run pack:local`), scripts/check-packs.mjs and the consumer test.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Every package of packages/* whose package.json does not say `"private": true`, sorted by name.
 * @returns {{ name: string, version: string, directory: string, manifest: Record<string, any> }[]}
 */
export function publicPackages() {
  const parent = join(root, 'packages')
  const found = []
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const file = join(parent, entry.name, 'package.json')
    if (!entry.isDirectory() || !existsSync(file)) continue
    const manifest = JSON.parse(readFileSync(file, 'utf8'))
    if (manifest.private === true) continue
    found.push({ name: String(manifest.name), version: String(manifest.version), directory: join(parent, entry.name), manifest })
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Runs pnpm (the pinned version, through scripts/pnpm.mjs) and throws when it fails.
 * @param {string[]} args
 * @param {{ cwd?: string, quiet?: boolean }} [options]
 */
export function pnpm(args, options = {}) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), ...args], {
    cwd: options.cwd ?? root,
    // stdout of the child goes to our stderr, so that `--json` callers get only the JSON on stdout
    stdio: ['ignore', options.quiet ? 'pipe' : 2, options.quiet ? 'pipe' : 2],
    encoding: 'utf8',
    env: process.env,
  })
  if (result.status !== 0) {
    const output = options.quiet ? `\n${result.stdout ?? ''}${result.stderr ?? ''}` : ''
    throw new Error(`pnpm ${args.join(' ')} failed (exit ${result.status ?? result.signal})${output}`)
  }
  return result
}

/** The pnpm option that loads scripts/pack-hooks.mjs (strips devDependencies) for pack and publish only. */
export const packHooksOption = `--config.pnpmfile=${join(root, 'scripts', 'pack-hooks.mjs')}`

/** @typedef {{ name: string, version: string, file: string }} Pack */

/**
 * Builds (unless `build: false`) and packs every public package into `outDir`; writes `outDir/packs.json`.
 * Old tarballs in `outDir` are removed first.
 * @param {{ outDir?: string, build?: boolean }} [options]
 * @returns {Promise<Pack[]>}
 */
export async function packPublicPackages(options = {}) {
  const outDir = resolve(options.outDir ?? join(root, '.packs'))
  const packages = publicPackages()
  const filters = packages.flatMap((each) => ['--filter', each.name])
  if (options.build !== false) pnpm(['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'])
  for (const each of packages) {
    if (!existsSync(join(each.directory, 'dist'))) throw new Error(`${each.name}: no dist folder; build it first (or drop --skip-build)`)
  }
  mkdirSync(outDir, { recursive: true })
  for (const entry of readdirSync(outDir)) if (entry.endsWith('.tgz')) rmSync(join(outDir, entry))
  // One pnpm run packs them all (each `npx pnpm` start costs seconds); `--json` lists the tarballs.
  const { stdout } = pnpm([packHooksOption, '--recursive', ...filters, 'pack', '--pack-destination', outDir, '--json'], { quiet: true })
  /** @type {{ name: string, version: string, filename: string }[]} */
  const listed = [JSON.parse(jsonOf(stdout))].flat()
  /** @type {Pack[]} */
  const packs = packages.map((each) => {
    const found = listed.find((entry) => entry.name === each.name)
    if (!found || !existsSync(found.filename)) throw new Error(`${each.name}: pnpm pack made no tarball in ${outDir}`)
    return { name: each.name, version: found.version, file: found.filename }
  })
  writeFileSync(join(outDir, 'packs.json'), `${JSON.stringify(packs, null, 2)}\n`)
  return packs
}

/**
 * The JSON document at the end of a command's output (lifecycle scripts may print before it).
 * @param {string} output
 */
function jsonOf(output) {
  const start = output.search(/^[[{]$/m)
  if (start < 0) throw new Error(`expected JSON from pnpm pack, got:\n${output}`)
  return output.slice(start)
}

/**
 * The files of a packed tarball (`.tgz`), by path inside the package (the `package/` prefix removed).
 * @param {string} file
 * @returns {Map<string, Buffer>}
 */
export function readTarball(file) {
  const data = gunzipSync(readFileSync(file))
  /** @type {Map<string, Buffer>} */
  const files = new Map()
  let offset = 0
  /** @param {number} start @param {number} length */
  const text = (start, length) => data.toString('utf8', start, start + length).replace(/\0.*$/s, '')
  while (offset + 512 <= data.length) {
    const name = text(offset, 100)
    if (name === '') break
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8)
    const prefix = text(offset + 345, 155)
    const type = text(offset + 156, 1)
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^package\//, '')
    if (type === '0' || type === '') files.set(path, data.subarray(offset + 512, offset + 512 + size))
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return files
}

/** Node's built-in modules, which npm packages such as `events`, `buffer` or `util` also name. */
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')))

/**
 * The built-in modules a JavaScript file imports without the `node:` prefix (`from "events"`,
 * `import("crypto")`, `require("fs/promises")`). A bundler or an installed polyfill may take those
 * for npm packages.
 * @param {string} code
 * @returns {string[]}
 */
export function bareBuiltinImports(code) {
  const found = new Set()
  const patterns = [/\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g]
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const specifier = /** @type {string} */ (match[1])
      if (builtins.has(specifier)) found.add(specifier)
    }
  }
  return [...found].sort()
}
