import { readFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Message, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

/** Inputs that come from a vendor browser SDK package (npm), which no client build may pull in. */
const vendorSdkInput = /node_modules\/(?:\.pnpm\/)?(?:twilio-video|openvidu-browser|vidyoclient|@bandyer|@kaleyra)/

export interface BundleClientEntryOptions {
  /** The entry, relative to the package directory. Default: `src/client/index.ts`. */
  entry?: string
  /**
   * Bare imports added in front of the entry (a probe next to it that imports them and re-exports
   * the entry): a package that is not installed makes the build reject with
   * `<specifier> is not installed (imported by …)`, which shows the check can fail.
   */
  alsoImport?: string[]
  /** Minify the output (for size checks and for serving it to a browser). Default: false. */
  minify?: boolean
}

export interface ClientEntryBundle {
  /** esbuild's errors (the build rejects when there are any, so this is empty when it resolves). */
  errors: Message[]
  /** Every input esbuild read (workspace sources, `node_modules` files). */
  inputs: string[]
  /** The inputs that come from a vendor SDK package (twilio-video, openvidu-browser, vidyoclient…). */
  vendorSdkInputs: string[]
  /** Imports left in the output for the app's bundler or the browser to fetch (external or dynamic). */
  outputImports: { path: string; kind: string; external?: boolean }[]
  /** The bundled code. */
  code: string
}

/** The package name of a bare specifier: `zod/mini` → `zod`, `@callport/core/x` → `@callport/core`. */
function packageOf(specifier: string): string {
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')
}

/**
 * Bundles a provider package's client entry for the browser (esbuild, ESM, es2022, through the
 * `@callport/source` condition) as an app that installs only that package and its `dependencies`
 * would: every bare import the package's own files make that is not one of its `dependencies` (a
 * vendor SDK peer, a devDependency) fails to resolve. Imports made by the dependencies themselves
 * (other workspace packages, `node_modules`) resolve as they would in the app's `node_modules`.
 *
 * @param packageDirectory the package's directory (a path or a `file:` URL, e.g. `new URL('..', import.meta.url)`)
 * @returns what the tests assert on; rejects with esbuild's error when a bare import is not installed
 */
export async function bundleClientEntryWithoutPeers(packageDirectory: string | URL, options: BundleClientEntryOptions = {}): Promise<ClientEntryBundle> {
  const directory = (typeof packageDirectory === 'string' ? packageDirectory : fileURLToPath(packageDirectory)).replace(/[\\/]+$/, '')
  const entry = join(directory, options.entry ?? 'src/client/index.ts')
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  const installed = Object.keys(manifest.dependencies ?? {})

  const onlyDependencies: Plugin = {
    name: 'only-dependencies-installed',
    setup(setup) {
      setup.onResolve({ filter: /^[^./]/ }, (args) => {
        // Imports made by the dependencies themselves resolve as they would in the app's node_modules.
        if (args.importer.includes('/node_modules/')) return undefined
        if (args.importer.includes('/packages/') && !args.importer.startsWith(directory + sep)) return undefined
        if (installed.includes(packageOf(args.path))) return undefined
        return { errors: [{ text: `${args.path} is not installed (imported by ${args.importer})` }] }
      })
    },
  }

  const alsoImport = options.alsoImport ?? []
  const result = await build({
    ...(alsoImport.length === 0
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents: [...alsoImport.map((specifier) => `import ${JSON.stringify(specifier)}`), `export * from ${JSON.stringify(entry)}`].join('\n'),
            resolveDir: dirname(entry),
            sourcefile: join(dirname(entry), 'probe.ts'),
            loader: 'ts' as const,
          },
        }),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    conditions: ['@callport/source'],
    plugins: [onlyDependencies],
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  const inputs = Object.keys(result.metafile.inputs)
  return {
    errors: result.errors,
    inputs,
    vendorSdkInputs: inputs.filter((input) => vendorSdkInput.test(input)),
    outputImports: Object.values(result.metafile.outputs).flatMap((output) => output.imports),
    code: result.outputFiles.map((file) => file.text).join(''),
  }
}

export interface ClientBuildWithoutPeersSuite {
  /** The package's directory (a path or a `file:` URL, e.g. `new URL('..', import.meta.url)`). */
  packageDirectory: string | URL
  /** A bare import the package must not need (its vendor SDK, a devDependency): importing it next to the entry must fail the build. */
  notInstalled: string
}

/**
 * The suite every provider runs on its client entry: it bundles for the browser with only the
 * package's `dependencies` resolvable, pulls in no vendor SDK and leaves no import for the app's
 * bundler or the browser to fetch; and the same build fails when the entry imports `notInstalled`
 * (the check can fail).
 */
export function describeClientBuildWithoutPeers(title: string, { packageDirectory, notInstalled }: ClientBuildWithoutPeersSuite): void {
  describe(title, () => {
    it('esbuild bundles it for the browser with only the dependencies resolvable', async () => {
      const bundle = await bundleClientEntryWithoutPeers(packageDirectory)
      expect(bundle.errors).toEqual([])
      expect(bundle.vendorSdkInputs).toEqual([])
      // Nothing left for the app's bundler or the browser to fetch: no external or dynamic import.
      expect(bundle.outputImports).toEqual([])
    })

    it('the same build fails when the entry imports a package that is not installed (the check can fail)', async () => {
      await expect(bundleClientEntryWithoutPeers(packageDirectory, { alsoImport: [notInstalled] })).rejects.toThrow(`${notInstalled} is not installed`)
    })
  })
}
