#!/usr/bin/env node
// @ts-check
// `npm run demo` (after `pnpm install`) and `npm run ci:demo`: starts apps/demo from its TypeScript
// sources, without building any package; `node scripts/demo.mjs apps/examples/twilio` (what
// `npm run example:twilio` runs) starts an example the same way. esbuild bundles <app>/src/main.ts and the workspace code
// it imports, resolving `@callport/*` to their sources through the `@callport/source` export
// condition (as the tests do); every other package stays an import of the installed file. The bundle
// is written to <app>/dist/run-<pid>.mjs, loaded in this process and deleted; the app bundles its
// page from the sources the same way.
//
// Ctrl-C (SIGINT) or SIGTERM: the demo closes its servers and this process exits with status 0.
import { rmSync } from 'node:fs'
import { createRequire, isBuiltin } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const demoDirectory = join(root, 'apps', 'demo')
const appDirectory = join(root, process.argv[2] ?? join('apps', 'demo'))
const outfile = join(appDirectory, 'dist', `run-${process.pid}.mjs`) // one per run: two may start at once

// esbuild is the demo's dependency (it bundles the page), not the root's: this launcher uses that one.
const requireFromDemo = createRequire(join(demoDirectory, 'package.json'))
/** @type {typeof import('esbuild')} */
const esbuild = await import(pathToFileURL(requireFromDemo.resolve('esbuild')).href)

const skip = Symbol('resolving outside the plugin')

/**
 * `@callport/*` and relative imports are bundled; Node's built-ins stay as they are; any other
 * package is resolved here, from the file that imports it (pnpm gives each package its own
 * dependencies), and stays an import of that installed file.
 * @type {import('esbuild').Plugin}
 */
const installedPackagesStayExternal = {
  name: 'installed-packages-stay-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === skip || args.path.startsWith('@callport/')) return undefined
      if (isBuiltin(args.path)) return { path: args.path, external: true }
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: skip })
      if (resolved.errors.length > 0) return { errors: resolved.errors }
      return { path: pathToFileURL(resolved.path).href, external: true }
    })
  },
}

try {
  await esbuild.build({
    entryPoints: [join(appDirectory, 'src', 'main.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@callport/source'],
    sourcemap: 'inline',
    logLevel: 'error',
    plugins: [installedPackagesStayExternal],
  })
} catch {
  // esbuild has printed the errors.
  process.exit(1)
}
process.once('exit', () => rmSync(outfile, { force: true })) // also when the demo exits while starting
await import(pathToFileURL(outfile).href)
rmSync(outfile, { force: true })
