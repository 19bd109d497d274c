import { bundleClientEntryWithoutPeers } from '@callport/test-environment'

/** `@callport/vidyo/client` bundled for the browser as an app would (esbuild, minified ESM, only its dependencies installed). */
export async function bundleClient(): Promise<{ code: string; inputs: string[] }> {
  const { code, inputs } = await bundleClientEntryWithoutPeers(new URL('..', import.meta.url), { minify: true })
  if (!code) throw new Error('esbuild produced no output')
  return { code, inputs }
}
