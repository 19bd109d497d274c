// @ts-check
import { builtinModules } from 'node:module'
import { relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'
import { repositoryRoot } from './workspace.mjs'

const nodeBuiltins = new Set(builtinModules)
const resolvingBuiltin = 'callport-resolving-builtin'

/**
 * @typedef {{ path: string, importer: string }} NodeImport
 * @typedef {{
 *   code: string
 *   inputs: Record<string, { bytesInOutput: number }>
 *   nodeImports: NodeImport[]
 * }} BrowserBundle
 * @typedef {{ file: string } | { contents: string, resolveDir: string }} BundleEntry
 */

/**
 * Keeps Node built-ins out of a browser bundle without failing the build, recording who imported
 * them: `node:*` always, a bare `crypto`/`fs`… only when no browser replacement resolves
 * (a package.json "browser" map or a polyfill package).
 * @param {NodeImport[]} nodeImports
 * @returns {esbuild.Plugin}
 */
function recordNodeBuiltins(nodeImports) {
  return {
    name: 'record-node-builtins',
    setup(build) {
      build.onResolve({ filter: /^node:/ }, (args) => {
        nodeImports.push({ path: args.path, importer: relative(repositoryRoot, args.importer) })
        return { path: args.path, external: true }
      })
      build.onResolve({ filter: /^[a-z_]+(\/[a-z_]+)?$/ }, async (args) => {
        if (!nodeBuiltins.has(args.path) || args.pluginData === resolvingBuiltin) return undefined
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: resolvingBuiltin,
        })
        // A browser replacement exists: let esbuild resolve it as it would without this plugin.
        if (resolved.errors.length === 0) return undefined
        nodeImports.push({ path: args.path, importer: relative(repositoryRoot, args.importer) })
        return { path: args.path, external: true }
      })
    },
  }
}

/**
 * Bundles code for the browser as an app's bundler would: ESM, platform browser, production mode,
 * every dependency inlined except `external` (vendor SDK peers). Workspace packages resolve to their
 * TypeScript sources (the `@callport/source` condition), so no build is needed. Node built-ins are
 * left out and listed in `nodeImports`.
 * @param {{ entry: BundleEntry, minify: boolean, external?: string[] }} options
 * @returns {Promise<BrowserBundle>}
 */
export async function bundleForBrowser({ entry, minify, external = [] }) {
  /** @type {NodeImport[]} */
  const nodeImports = []
  const result = await esbuild.build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts', sourcefile: 'entry.ts' } }),
    absWorkingDir: repositoryRoot,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@callport/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    minify,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    external: external.flatMap((name) => [name, `${name}/*`]),
    plugins: [recordNodeBuiltins(nodeImports)],
  })
  const [output] = result.outputFiles
  if (!output) throw new Error('esbuild produced no output')
  const [bundled] = Object.values(result.metafile.outputs)
  return { code: output.text, inputs: bundled?.inputs ?? {}, nodeImports }
}

/** Bytes of `code` as UTF-8, and gzipped at level 9. */
export function sizeOf(/** @type {string} */ code) {
  const bytes = Buffer.from(code, 'utf8')
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}
