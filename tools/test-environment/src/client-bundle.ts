import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
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

/** The modules outside src/ a provider's client half may import unless told otherwise. */
const browserSafeImports = ['zod/mini', '@callport/core', '@callport/provider-utils', '@callport/provider-utils/client']
/** What src/shared may import besides src/shared and the package.json: nothing with I/O. */
const sharedSafeImports = ['zod/mini', '@callport/core']
/** How src/shared/version.ts reads the version: from the package's own package.json (relative to src/). */
const packageJson = '../package.json'

export interface ClientBoundarySuite<Entry = Record<string, unknown>> {
  /** The package's directory (a path or a `file:` URL, e.g. `new URL('..', import.meta.url)`). */
  packageDirectory: string | URL
  /** The vendor browser SDK the client half never imports, not even dynamically (it comes from the `sdk` option or the page global), e.g. `'twilio-video'`. */
  sdk: string
  /** Files (relative to src/) the client entry must reach; without it, it must reach more than five. */
  reaches?: string[]
  /** The modules outside src/ the client half may import. Default: zod/mini, @callport/core and the browser-safe entries of @callport/provider-utils. */
  browserSafe?: string[]
  /** The client half imports all of `browserSafe`, not only some of it. Default: false. */
  importsAllBrowserSafe?: boolean
  /** Text no module the client reaches may contain (the secret, the REST API), e.g. `/OPENVIDU_SECRET|process\.env/`. */
  forbiddenText?: RegExp
  /** Imports the client entry where there is no `window` (server-side rendering) and asserts on what it exports. */
  importableWithoutWindow?: (entry: Entry) => void
}

interface ModuleImports {
  /** The module's text, as written. */
  text: string
  /** Relative static imports and re-exports, resolved to a path below src/ without extension (`client/x`, `../package.json`). */
  relative: string[]
  /** Package static imports and re-exports (`zod/mini`, `node:fs`), also `import type` and side-effect imports. */
  bare: string[]
  /** The specifiers of `import('…')` calls. */
  dynamic: string[]
}

const staticImport = /^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm
/** Single quotes only (the code's style): error messages quote `import("sdk")` in double quotes inside their strings. */
const dynamicImport = /\bimport\(\s*'([^']+)'\s*\)/g

function importsOf(source: string, file: string): ModuleImports {
  const text = readFileSync(file, 'utf8')
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const specifiers = [...code.matchAll(staticImport)].map((match) => match[1] ?? match[2] ?? '')
  return {
    text,
    relative: specifiers
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) =>
        relative(source, resolve(dirname(file), specifier))
          .split(sep)
          .join('/'),
      ),
    bare: specifiers.filter((specifier) => !specifier.startsWith('.')),
    dynamic: [...code.matchAll(dynamicImport)].map(([, specifier = '']) => specifier),
  }
}

/** Every module reachable from src/client/index.ts through static relative imports, keyed by its path relative to src/. */
function clientGraph(source: string): Map<string, ModuleImports> {
  const graph = new Map<string, ModuleImports>()
  const pending = ['client/index']
  while (pending.length > 0) {
    const specifier = pending.pop()!
    const key = specifier.endsWith('.json') ? specifier : `${specifier}.ts`
    if (graph.has(key)) continue
    const imports = key.endsWith('.json') ? { text: readFileSync(join(source, key), 'utf8'), relative: [], bare: [], dynamic: [] } : importsOf(source, join(source, key))
    graph.set(key, imports)
    pending.push(...imports.relative)
  }
  return graph
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  )
}

/**
 * The suite every provider runs on its client half, read as text from src/: the import graph of
 * src/client/index.ts reaches only src/client, src/shared and the package.json (for the version);
 * its package imports are all browser-safe (zod/mini, @callport/core, the browser entries of
 * @callport/provider-utils: no server half, Node module, REST client, full zod or vendor SDK); it
 * imports nothing dynamically (the vendor SDK comes from the `sdk` option or the page global); and
 * src/shared imports nothing that needs Node or the server.
 */
export function describeClientBoundary<Entry = Record<string, unknown>>(title: string, options: ClientBoundarySuite<Entry>): void {
  const directory = typeof options.packageDirectory === 'string' ? options.packageDirectory : fileURLToPath(options.packageDirectory)
  const source = join(directory, 'src')
  const browserSafe = options.browserSafe ?? browserSafeImports

  describe(title, () => {
    it('reaches only src/client and src/shared (and package.json, for the version)', () => {
      const files = [...clientGraph(source).keys()]
      if (options.reaches) expect(files).toEqual(expect.arrayContaining(options.reaches))
      else expect(files.length).toBeGreaterThan(5)
      expect(files.filter((file) => !file.startsWith('client/') && !file.startsWith('shared/') && file !== packageJson)).toEqual([])
    })

    it(`imports only browser-safe packages (${browserSafe.join(', ')}): no server half, Node module, REST client, full zod or ${options.sdk}`, () => {
      const graph = clientGraph(source)
      for (const [file, imports] of graph) {
        for (const specifier of imports.bare) expect(browserSafe.includes(specifier), `${file} imports ${specifier}`).toBe(true)
      }
      if (options.importsAllBrowserSafe) expect(new Set([...graph.values()].flatMap((imports) => imports.bare))).toEqual(new Set(browserSafe))
    })

    it(`never imports ${options.sdk}, not even dynamically: it comes from the sdk option or the page global`, () => {
      const dynamic = [...clientGraph(source)].flatMap(([file, imports]) => imports.dynamic.map((specifier) => `${file} → ${specifier}`))
      expect(dynamic).toEqual([])
    })

    it('src/shared imports nothing that needs Node or the server', () => {
      for (const file of filesUnder(join(source, 'shared'))) {
        const imports = importsOf(source, file)
        for (const specifier of imports.relative) expect(specifier.startsWith('shared/') || specifier === packageJson, `${file} imports ${specifier}`).toBe(true)
        for (const specifier of [...imports.bare, ...imports.dynamic]) expect(sharedSafeImports.includes(specifier), `${file} imports ${specifier}`).toBe(true)
      }
    })

    const { forbiddenText, importableWithoutWindow } = options
    if (forbiddenText) {
      it(`no module it reaches contains ${String(forbiddenText)}`, () => {
        for (const [file, { text }] of clientGraph(source)) expect(text, file).not.toMatch(forbiddenText)
      })
    }

    if (importableWithoutWindow) {
      it('can be imported where there is no window (server-side rendering)', async () => {
        expect(typeof globalThis.window).toBe('undefined')
        importableWithoutWindow((await import(pathToFileURL(join(source, 'client/index.ts')).href)) as Entry)
      })
    }
  })
}
