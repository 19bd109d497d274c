// @ts-check
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (this file is bench/lib/workspace.mjs). */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The bench package's directory: bundles of `@callport/*` imports resolve from here. */
export const benchDirectory = join(repositoryRoot, 'bench')

/**
 * @typedef {{
 *   name: string
 *   directory: string
 *   exports?: Record<string, unknown>
 *   peerDependencies?: Record<string, string>
 * }} WorkspacePackage
 */

/**
 * The publishable packages of the workspace (packages/*), read from their package.json.
 * @returns {WorkspacePackage[]}
 */
export function listWorkspacePackages() {
  const packagesDirectory = join(repositoryRoot, 'packages')
  return readdirSync(packagesDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDirectory, entry.name, 'package.json')))
    .map((entry) => {
      const directory = join(packagesDirectory, entry.name)
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'))
      return { ...manifest, directory }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * A browser entry point: its import specifier, its source file, the peer dependencies (vendor SDKs)
 * an app's bundler would resolve from the app, and what is wrong with it if it cannot be built.
 * @typedef {{ specifier: string, file: string, external: string[], problem?: string }} BrowserEntry
 */

/**
 * True for the export subpaths that run in the browser: `@callport/client`'s "." and every
 * package's `./client`. Core is reached through them; testkit and the server halves never are.
 * @param {string} packageName
 * @param {string} subpath
 */
function isBrowserEntry(packageName, subpath) {
  return (packageName === '@callport/client' && subpath === '.') || subpath === './client'
}

/**
 * The source file an export points at: its `@callport/source` condition, else `import`/`default`.
 * @param {unknown} target
 * @returns {string | undefined}
 */
function sourceOf(target) {
  if (typeof target === 'string') return target
  if (typeof target !== 'object' || target === null) return undefined
  const conditions = /** @type {Record<string, unknown>} */ (target)
  for (const condition of ['@callport/source', 'import', 'default']) {
    const value = sourceOf(conditions[condition])
    if (value) return value
  }
  return undefined
}

/**
 * Every browser entry point the workspace exports, discovered from the package.json exports maps.
 * An exported entry whose file is missing is listed with a `problem`: every exported entry must build.
 * @returns {BrowserEntry[]}
 */
export function listBrowserEntries() {
  /** @type {BrowserEntry[]} */
  const entries = []
  for (const workspacePackage of listWorkspacePackages()) {
    for (const [subpath, target] of Object.entries(workspacePackage.exports ?? {})) {
      if (!isBrowserEntry(workspacePackage.name, subpath)) continue
      const specifier = subpath === '.' ? workspacePackage.name : `${workspacePackage.name}/${subpath.slice(2)}`
      const source = sourceOf(target) ?? ''
      const file = join(workspacePackage.directory, source)
      const where = `${relative(repositoryRoot, join(workspacePackage.directory, 'package.json'))} exports[${JSON.stringify(subpath)}]`
      const problem = !source ? `${where} names no file` : existsSync(file) ? undefined : `${where} points at ${source}, which does not exist`
      const external = Object.keys(workspacePackage.peerDependencies ?? {})
      entries.push({ specifier, file, external, ...(problem ? { problem } : {}) })
    }
  }
  return entries
}
