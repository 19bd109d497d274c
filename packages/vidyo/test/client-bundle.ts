import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const entry = fileURLToPath(new URL('../src/client/index.ts', import.meta.url))

/** `@callport/vidyo/client` bundled for the browser as an app would (esbuild, minified ESM). */
export async function bundleClient(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['@callport/source'],
    metafile: true,
    write: false,
    logLevel: 'silent',
  })
  const [output] = result.outputFiles
  if (!output) throw new Error('esbuild produced no output')
  return { code: output.text, inputs: Object.keys(result.metafile.inputs) }
}
