import { describe, expect, it } from 'vitest'
import { clientEntry } from '../client-bundle.mjs'
import { bundleForBrowser } from '../lib/browser-bundle.mjs'
import { benchDirectory } from '../lib/workspace.mjs'

/** The unminified browser bundle of an entry (function names kept, so what it holds can be read). */
async function bundle(contents: string): Promise<string> {
  return (await bundleForBrowser({ entry: { contents, resolveDir: benchDirectory }, minify: false })).code
}

// Issue 16 point 9: features a page does not import are not in its bundle.
describe('tree-shaking of the call surface', () => {
  const standalone = ['createLocalTracks', 'listDevices', 'watchDevices']
  const pageHelpers = ['monitorConnectionQuality', 'monitorActiveSpeakers', 'classifyConnectionQuality']

  it('a page importing only createSession holds no preview, device-list or page-side stats code', async () => {
    const code = await bundle(clientEntry)
    for (const name of [...standalone, ...pageHelpers]) expect(code, name).not.toMatch(new RegExp(`function ${name}\\b`))
  })

  it('each standalone function is in the bundle of a page that imports it', async () => {
    for (const name of standalone) expect(await bundle(`export { ${name} } from '@callport/client'`), name).toMatch(new RegExp(`function ${name}\\b`))
  })

  it('a page importing only defineClientAdapter from provider-utils holds neither monitor', async () => {
    const code = await bundle("export { defineClientAdapter } from '@callport/provider-utils/client'")
    for (const name of pageHelpers) expect(code, name).not.toMatch(new RegExp(`function ${name}\\b`))
  })
})
