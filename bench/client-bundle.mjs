// @ts-check
import { defineBench } from './lib/benches.mjs'
import { bundleForBrowser, sizeOf } from './lib/browser-bundle.mjs'
import { benchDirectory } from './lib/workspace.mjs'

/** What an app that only joins calls imports. */
export const clientEntry = "export { createSession } from '@callport/client'"

/** What a page calling through the built-in provider imports: the session and the signaling client adapter. */
export const clientWithSignalingEntry = `${clientEntry}\nexport { signaling } from '@callport/signaling/client'`

/**
 * The gzip size of an entry's browser bundle, with its largest inputs.
 * @param {string} id
 * @param {string} label
 * @param {string} contents
 * @returns {Promise<import('./lib/benches.mjs').Measurement>}
 */
async function measureEntry(id, label, contents) {
  const bundle = await bundleForBrowser({ entry: { contents, resolveDir: benchDirectory }, minify: true })
  const size = sizeOf(bundle.code)
  const largestInputs = Object.entries(bundle.inputs)
    .map(([input, { bytesInOutput }]) => ({ input, bytesInOutput }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput)
    .slice(0, 8)
  return { id, label, value: size.gzip, unit: 'bytes', parts: [{ label: 'minified', value: size.minified, unit: 'bytes' }], details: { largestInputs } }
}

export default defineBench({
  name: 'client-bundle',
  description:
    "Browser bundles of `import { createSession } from '@callport/client'`, alone and with `import { signaling } from '@callport/signaling/client'` (esbuild, minified ESM, platform browser)",
  deterministic: true,
  measures: ['client-bundle-gzip-bytes', 'client-signaling-bundle-gzip-bytes'],
  async run() {
    return [
      await measureEntry('client-bundle-gzip-bytes', 'createSession bundle, gzip -9', clientEntry),
      await measureEntry('client-signaling-bundle-gzip-bytes', 'createSession + signaling client, gzip -9', clientWithSignalingEntry),
    ]
  },
})
