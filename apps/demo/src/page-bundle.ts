import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The page as the demo serves it: its HTML and its script, bundled for the browser. */
export interface PageAssets {
  html: string
  script: string
}

// The same relative path from src/ (tests, which run the TypeScript sources) and from dist/ (the built
// demo, and the bundle scripts/demo.mjs runs).
const pageDirectory = new URL('../src/page/', import.meta.url)
const runningFromSource = import.meta.url.endsWith('.ts')

/**
 * Bundles src/page/main.ts with esbuild. Workspace packages always resolve to their TypeScript
 * sources (`@callport/source`), which sit beside the demo in the repository: `npm run demo` builds
 * no package. Minified unless the demo itself runs from its sources (tests).
 */
export async function bundlePage(): Promise<PageAssets> {
  const [html, result] = await Promise.all([
    readFile(new URL('index.html', pageDirectory), 'utf8'),
    build({
      entryPoints: [fileURLToPath(new URL('main.ts', pageDirectory))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: !runningFromSource,
      sourcemap: runningFromSource ? 'inline' : false,
      conditions: ['@callport/source'],
      logLevel: 'silent',
    }),
  ])
  const script = result.outputFiles[0]?.text
  if (script === undefined) throw new Error('esbuild produced no page bundle')
  return { html, script }
}
