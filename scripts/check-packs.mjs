#!/usr/bin/env node
// @ts-check
// `node scripts/check-packs.mjs [--build] [--keep <dir>]`: packs every public package exactly as a
// release does (scripts/pack-lib.mjs: `pnpm pack`, devDependencies stripped) into a temporary folder
// and fails when a tarball is not fit to publish:
// - its package.json still says `workspace:` or names a private workspace package, or lacks the
//   metadata (author, license, homepage, repository with directory, bugs, keywords, engines, sideEffects);
// - it lacks LICENSE (the root one), README.md, dist/, or a file its exports/typesVersions point to;
// - a built JavaScript file imports a Node built-in without `node:` (`from "events"`);
// - publint (strict) or @arethetypeswrong/cli report a problem, every entry and every resolution
//   (node10, node16 from CJS and ESM, bundler) included.
// Runs on the built dist folders (npm test builds first); --build builds the public packages before.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { bareBuiltinImports, packPublicPackages, readTarball, root } from './pack-lib.mjs'

/**
 * attw rules left out (CLI name → the problem kind its JSON report uses), each with its reason:
 * - cjs-resolves-to-esm: the packages are ESM only on purpose, and their engines (node >= 20.19) are
 *   the Node versions where `require()` of an ES module works without a flag, so a CommonJS consumer
 *   (NestJS, `module: commonjs`) requires them as they are; TypeScript >= 5.8 with `module: node20` or
 *   `nodenext` types it that way too. The consumer test (tools/consumer-test) proves it with
 *   `module: commonjs`. Every other rule (node10 resolution included) stays on.
 */
const ignoredAttwRules = { 'cjs-resolves-to-esm': 'CJSResolvesToESM' }

const docsSite = 'https://callport.github.io/callport/'
const repositoryUrl = 'git+https://github.com/callport/callport.git'

const { values } = parseArgs({ options: { build: { type: 'boolean', default: false }, keep: { type: 'string' } } })
const outDir = values.keep ?? mkdtempSync(join(tmpdir(), 'callport-packs-'))
const rootLicense = readFileSync(join(root, 'LICENSE'))
const privateNames = privateWorkspacePackages()

/** @type {string[]} */
const problems = []
try {
  const packs = await packPublicPackages({ outDir, build: values.build })
  for (const pack of packs) {
    const found = await checkTarball(pack.file)
    for (const problem of found) problems.push(`${pack.name}: ${problem}`)
    console.log(`${found.length === 0 ? 'ok    ' : 'FAILED'} ${pack.name} (${pack.file.slice(outDir.length + 1)})`)
  }
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error))
} finally {
  if (!values.keep) rmSync(outDir, { recursive: true, force: true })
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s) in the packed packages:\n${problems.map((each) => `  - ${each}`).join('\n')}`)
  process.exit(1)
}
console.log('\nEvery public package packs clean (metadata, LICENSE, README, dist, node: imports, publint, attw).')

/** @param {string} file @returns {Promise<string[]>} */
async function checkTarball(file) {
  const files = readTarball(file)
  const manifestText = files.get('package.json')?.toString('utf8')
  if (!manifestText) return ['no package.json in the tarball']
  /** @type {Record<string, any>} */
  const manifest = JSON.parse(manifestText)
  const found = []
  if (manifestText.includes('workspace:')) found.push('package.json still has a `workspace:` range (packed with npm rather than pnpm?)')
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(manifest[field] ?? {})) {
      if (privateNames.has(name)) found.push(`package.json ${field} names the private package ${name}`)
    }
  }
  if (manifest.devDependencies) found.push('package.json has devDependencies (scripts/pack-hooks.mjs strips them; was it loaded?)')
  found.push(...metadataProblems(manifest))
  if (!files.has('LICENSE')) found.push('no LICENSE')
  else if (!files.get('LICENSE')?.equals(rootLicense)) found.push('LICENSE differs from the repository root LICENSE')
  if (!files.has('README.md')) found.push('no README.md')
  if (![...files.keys()].some((path) => path.startsWith('dist/'))) found.push('no dist/ (not built?)')
  for (const target of exportTargets(manifest)) {
    if (!files.has(target.replace(/^\.\//, ''))) found.push(`points to ${target}, which is not in the tarball`)
  }
  for (const [path, content] of files) {
    if (!/\.[cm]?js$/.test(path)) continue
    const bare = bareBuiltinImports(content.toString('utf8'))
    if (bare.length > 0) found.push(`${path} imports Node built-ins without node: (${bare.join(', ')})`)
  }
  found.push(...(await publintProblems(file, manifest)))
  found.push(...attwProblems(file))
  return found
}

/** @param {Record<string, any>} manifest */
function metadataProblems(manifest) {
  const directory = `packages/${String(manifest.name).replace('@callport/', '')}`
  const found = []
  if (manifest.license !== 'MIT') found.push('package.json license must be MIT')
  if (typeof manifest.author !== 'string' || manifest.author === '') found.push('package.json needs an author')
  if (typeof manifest.homepage !== 'string' || !manifest.homepage.startsWith(docsSite)) found.push(`package.json homepage must be its page on ${docsSite}`)
  if (manifest.repository?.type !== 'git' || manifest.repository?.url !== repositoryUrl || manifest.repository?.directory !== directory) {
    found.push(`package.json repository must be { type: git, url: ${repositoryUrl}, directory: ${directory} }`)
  }
  if (manifest.bugs?.url !== 'https://github.com/callport/callport/issues') found.push('package.json bugs.url must be the issues page')
  if (!Array.isArray(manifest.keywords) || !manifest.keywords.includes('callport')) found.push('package.json keywords must include callport')
  if (typeof manifest.engines?.node !== 'string') found.push('package.json needs engines.node')
  if (typeof manifest.sideEffects !== 'boolean' && !Array.isArray(manifest.sideEffects)) found.push('package.json needs sideEffects')
  const subpaths = Object.keys(manifest.exports ?? {}).filter((key) => key !== '.' && key !== './package.json')
  for (const subpath of subpaths) {
    if (!manifest.typesVersions?.['*']?.[subpath.slice(2)]) found.push(`package.json typesVersions must map ${subpath.slice(2)} (TypeScript's node10 resolution)`)
  }
  return found
}

/**
 * Every file the package.json points to: exports conditions (but the workspace-only
 * `@callport/source`, whose src/ files are published too), main, types and typesVersions.
 * @param {Record<string, any>} manifest
 */
function exportTargets(manifest) {
  const targets = new Set()
  /** @param {unknown} value */
  const walk = (value) => {
    if (typeof value === 'string') targets.add(value)
    else if (value && typeof value === 'object') for (const each of Object.values(value)) walk(each)
  }
  walk(manifest.exports)
  walk(manifest.typesVersions)
  for (const field of ['main', 'types', 'module']) if (typeof manifest[field] === 'string') targets.add(manifest[field])
  return [...targets]
}

/** @param {string} file @param {Record<string, any>} manifest */
async function publintProblems(file, manifest) {
  const tarball = readFileSync(file)
  const { messages } = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    strict: true,
    level: 'suggestion',
  })
  return messages.map((message) => `publint ${message.type}: ${formatMessage(message, manifest) ?? message.code}`)
}

/** @param {string} file */
function attwProblems(file) {
  const bin = join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js')
  if (!existsSync(bin)) return ['@arethetypeswrong/cli is not installed (root devDependency)']
  const result = spawnSync(process.execPath, [bin, file, '--format', 'json', '--ignore-rules', ...Object.keys(ignoredAttwRules)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  /** @type {{ analysis?: { problems?: { kind: string, entrypoint?: string, resolutionKind?: string }[] } }} */
  let report
  try {
    report = JSON.parse(result.stdout)
  } catch {
    return [`attw did not run (exit ${result.status}): ${result.stderr || result.stdout}`]
  }
  /** @type {Set<string>} */
  const ignoredKinds = new Set(Object.values(ignoredAttwRules))
  const found = (report.analysis?.problems ?? [])
    .filter((problem) => !ignoredKinds.has(problem.kind))
    .map((problem) => `attw ${problem.kind}${problem.entrypoint ? ` at ${problem.entrypoint}` : ''}${problem.resolutionKind ? ` (${problem.resolutionKind})` : ''}`)
  if (found.length === 0 && result.status !== 0) found.push(`attw failed (exit ${result.status}): ${result.stderr}`)
  return [...new Set(found)]
}

/** Names of the workspace's private packages (apps, tools, bench, docs). */
function privateWorkspacePackages() {
  const names = new Set()
  for (const folder of ['packages', 'apps', 'apps/examples', 'tools']) {
    const parent = join(root, folder)
    if (!existsSync(parent)) continue
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const file = join(parent, entry.name, 'package.json')
      if (!entry.isDirectory() || !existsSync(file)) continue
      const manifest = JSON.parse(readFileSync(file, 'utf8'))
      if (manifest.private === true) names.add(manifest.name)
    }
  }
  for (const folder of ['bench', 'docs']) {
    const file = join(root, folder, 'package.json')
    if (existsSync(file)) names.add(JSON.parse(readFileSync(file, 'utf8')).name)
  }
  return names
}
