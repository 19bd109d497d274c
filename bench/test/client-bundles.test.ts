import { describe, expect, it } from 'vitest'
import { bundleForBrowser } from '../lib/browser-bundle.mjs'
import { auditBrowserBundle, collectTestSecrets } from '../lib/bundle-audit.mjs'
import { listBrowserEntries } from '../lib/workspace.mjs'

// Every browser entry point the workspace exports (`@callport/client` and each package's
// `./client`), bundled as an app would ship it, must hold no server code and no secret.
const entries = listBrowserEntries()
const secrets = collectTestSecrets()

describe('client bundles', () => {
  it('discovers the browser entry points from the exports maps', () => {
    const specifiers = entries.map((entry) => entry.specifier)
    expect(specifiers).toContain('@callport/client')
    expect(specifiers.every((specifier) => specifier === '@callport/client' || specifier.endsWith('/client'))).toBe(true)
  })

  it.each(entries.map((entry) => [entry.specifier, entry] as const))('%s builds for the browser without server code or secrets', async (_, entry) => {
    if (entry.problem) throw new Error(`${entry.specifier} cannot be built: ${entry.problem}`)
    const bundle = await bundleForBrowser({ entry: { file: entry.file }, minify: false, external: entry.external })
    expect(bundle.code.length).toBeGreaterThan(0)
    expect(auditBrowserBundle(bundle, secrets)).toEqual([])
  })
})
