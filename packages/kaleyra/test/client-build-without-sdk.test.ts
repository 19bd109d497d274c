import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

/**
 * An app that passes `sdk` (or loads the vendor's CDN script) installs only this package and its
 * dependencies: its build must not need any Kaleyra SDK package (the widget comes from its CDN script) or a devDependency. esbuild bundles the client entry as an app would,
 * with every bare import that is not one of the package's `dependencies` unresolvable (as in a
 * project where only those are installed), the vendor SDK above all.
 */

const entry = fileURLToPath(new URL('../src/client/index.ts', import.meta.url))
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies?: Record<string, string> }
const installed = Object.keys(manifest.dependencies ?? {})

/** The package name of a bare specifier: `zod/mini` → `zod`, `@callport/core/x` → `@callport/core`. */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

const onlyDependencies: Plugin = {
  name: 'only-dependencies-installed',
  setup(setup) {
    setup.onResolve({ filter: /^[^./]/ }, (args) => {
      // Imports made by the dependencies themselves resolve as they would in the app's node_modules.
      if (args.importer.includes('/node_modules/')) return undefined
      if (args.importer.includes('/packages/') && !args.importer.includes(`/packages/kaleyra/`)) return undefined
      if (installed.includes(packageOf(args.path))) return undefined
      return { errors: [{ text: `${args.path} is not installed (imported by ${args.importer})` }] }
    })
  },
}

describe('the client entry builds without any Kaleyra SDK package (the widget comes from its CDN script) or a devDependency installed', () => {
  it('esbuild bundles it for the browser with only the dependencies resolvable', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@callport/source'],
      plugins: [onlyDependencies],
      metafile: true,
      write: false,
      logLevel: 'silent',
    })
    expect(result.errors).toEqual([])
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((input) => /node_modules\/(?:\.pnpm\/)?(?:twilio-video|openvidu-browser|vidyoclient|@bandyer|@kaleyra)/.test(input))).toEqual([])
    // Nothing left for the app's bundler or the browser to fetch: no external or dynamic import.
    expect(Object.values(result.metafile.outputs).flatMap((output) => output.imports)).toEqual([])
  })

  it('the same build fails when the entry imports a package that is not installed (the check can fail)', async () => {
    const failing = build({
      stdin: {
        contents: `import 'eventemitter3'\nexport * from ${JSON.stringify(entry)}`,
        resolveDir: fileURLToPath(new URL('../src/client/', import.meta.url)),
        sourcefile: `${fileURLToPath(new URL('../src/client/', import.meta.url))}probe.ts`,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@callport/source'],
      plugins: [onlyDependencies],
      write: false,
      logLevel: 'silent',
    })
    await expect(failing).rejects.toThrow(/eventemitter3 is not installed/)
  })
})
