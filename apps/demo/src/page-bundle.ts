import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** The page as the demo serves it: its HTML and its script, bundled for the browser. */
export interface PageAssets {
  html: string
  script: string
}

// The same relative path from src/ (tests, which run the TypeScript sources) and from dist/ (the built demo).
const pageDirectory = new URL('../src/page/', import.meta.url)
const runningFromSource = import.meta.url.endsWith('.ts')

/**
 * Bundles src/page/main.ts with esbuild. From the sources, workspace packages resolve to their
 * TypeScript sources (`@callport/source`); from the build, to their builds.
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
      conditions: runningFromSource ? ['@callport/source'] : [],
      logLevel: 'silent',
    }),
  ])
  const script = result.outputFiles[0]?.text
  if (script === undefined) throw new Error('esbuild produced no page bundle')
  return { html, script }
}
