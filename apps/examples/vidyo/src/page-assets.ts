import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// Resolves the same from src/ (tests run the sources) and from dist/ (the built example).
const page = new URL('../src/page/', import.meta.url)

/** The page's HTML, and its script bundled for the browser with esbuild. */
export async function loadPageAssets(): Promise<{ html: string; script: string }> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('main.ts', page))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    // Workspace packages: their TypeScript sources (`@callport/source`), from src/ and from dist/ alike:
    // `npm run example:vidyo` builds nothing first.
    conditions: ['@callport/source'],
    logLevel: 'silent',
  })
  const script = bundled.outputFiles[0]?.text
  if (script === undefined) throw new Error('esbuild produced no page script')
  return { html: await readFile(new URL('index.html', page), 'utf8'), script }
}
