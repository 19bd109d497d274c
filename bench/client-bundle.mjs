// @ts-check
import { defineBench } from './lib/benches.mjs'
import { bundleForBrowser, sizeOf } from './lib/browser-bundle.mjs'
import { benchDirectory } from './lib/workspace.mjs'

/** What an app that only joins calls imports. */
export const clientEntry = "export { createSession } from '@callport/client'"

export default defineBench({
  name: 'client-bundle',
  description: "Browser bundle of `import { createSession } from '@callport/client'` (esbuild, minified ESM, platform browser)",
  deterministic: true,
  measures: ['client-bundle-gzip-bytes'],
  async run() {
    const bundle = await bundleForBrowser({ entry: { contents: clientEntry, resolveDir: benchDirectory }, minify: true })
    const size = sizeOf(bundle.code)
    const largestInputs = Object.entries(bundle.inputs)
      .map(([input, { bytesInOutput }]) => ({ input, bytesInOutput }))
      .sort((a, b) => b.bytesInOutput - a.bytesInOutput)
      .slice(0, 8)
    return [
      {
        id: 'client-bundle-gzip-bytes',
        label: 'createSession bundle, gzip -9',
        value: size.gzip,
        unit: 'bytes',
        parts: [{ label: 'minified', value: size.minified, unit: 'bytes' }],
        details: { largestInputs },
      },
    ]
  },
})
