// @ts-check
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { repositoryRoot } from './workspace.mjs'

/** Packages left to Node at run time, resolved from where the test environment has them. */
const resolveFromTestEnvironment = createRequire(join(repositoryRoot, 'tools', 'test-environment', 'package.json'))
const leftToNode = ['playwright-core']

/**
 * The file URL of an installed package's ESM entry (its `exports['.'].import`, else its main file).
 * @param {string} name
 */
function esmEntryOf(name) {
  const manifestFile = resolveFromTestEnvironment.resolve(`${name}/package.json`)
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))
  const entry = manifest.exports?.['.']?.import ?? manifest.main ?? 'index.js'
  return pathToFileURL(join(dirname(manifestFile), entry)).href
}

/**
 * Bundles a Node module written against the workspace's TypeScript sources (the `@callport/source`
 * condition, relative imports of other packages' `src`) with every dependency inlined, and imports it:
 * Node 20 cannot load TypeScript, and no build is needed. playwright-core stays external, imported
 * from its installed path; CommonJS dependencies reach Node's built-ins through a `require` made for
 * the bundle. The bundle is written to a temporary directory, removed once imported.
 * @param {{ source: string, resolveDir: string }} entry the module's source (it may import files by absolute path) and where its imports resolve from
 * @returns {Promise<Record<string, unknown>>} the module's exports
 */
export async function importBundledForNode({ source, resolveDir }) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@callport/source'],
    logLevel: 'silent',
    // Optional native speed-ups of ws and engine.io: absent, and their requires are guarded.
    external: ['bufferutil', 'utf-8-validate', 'uWebSockets.js'],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'left-to-node',
        setup(build) {
          build.onResolve({ filter: new RegExp(`^(${leftToNode.join('|')})$`) }, (args) => ({ path: esmEntryOf(args.path), external: true }))
        },
      },
    ],
  })
  const [output] = result.outputFiles
  if (!output) throw new Error('esbuild produced no output for the Node bundle')
  const directory = mkdtempSync(join(tmpdir(), 'callport-bench-'))
  try {
    const file = join(directory, 'bundle.mjs')
    writeFileSync(file, output.text)
    return await import(pathToFileURL(file).href)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
