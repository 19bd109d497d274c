import { bundleClientEntryWithoutPeers } from '@callport/test-environment'
import { describe, expect, it } from 'vitest'

/**
 * An app that passes `sdk` (or loads the vendor's CDN script) installs only this package and its
 * dependencies: its build must not need any Kaleyra SDK package (the widget comes from its CDN script) or a devDependency. The client entry is bundled as an app would bundle it
 * (`bundleClientEntryWithoutPeers`), with every bare import that is not one of the package's `dependencies` unresolvable (as in a
 * project where only those are installed), the vendor SDK above all.
 */

const packageDirectory = new URL('..', import.meta.url)

describe('the client entry builds without any Kaleyra SDK package (the widget comes from its CDN script) or a devDependency installed', () => {
  it('esbuild bundles it for the browser with only the dependencies resolvable', async () => {
    const bundle = await bundleClientEntryWithoutPeers(packageDirectory)
    expect(bundle.errors).toEqual([])
    expect(bundle.vendorSdkInputs).toEqual([])
    // Nothing left for the app's bundler or the browser to fetch: no external or dynamic import.
    expect(bundle.outputImports).toEqual([])
  })

  it('the same build fails when the entry imports a package that is not installed (the check can fail)', async () => {
    await expect(bundleClientEntryWithoutPeers(packageDirectory, { alsoImport: ['eventemitter3'] })).rejects.toThrow(/eventemitter3 is not installed/)
  })
})
