import { describe, expect, it } from 'vitest'
// The workspace's esbuild helper (tools/test-environment), by path: the client package needs no new dependency for it.
import { bundleClientEntryWithoutPeers } from '../../../tools/test-environment/src/client-bundle'

const packageDirectory = new URL('..', import.meta.url)

/** Code only the standalone features (preview, device listing with the permission step, screen capture) need. */
const standaloneCode = [
  'function createLocalTracks',
  'function listDevices',
  'function watchDevices',
  'function captureUserMedia',
  'function captureDisplayMedia',
  'getUserMedia',
  'getDisplayMedia',
]

describe('tree-shaking', () => {
  it('a page importing only createSession gets none of the standalone features', async () => {
    const bundle = await bundleClientEntryWithoutPeers(packageDirectory, { entry: 'test/fixtures/create-session-only.ts' })
    expect(bundle.code).toContain('function createSession')
    expect(standaloneCode.filter((needle) => bundle.code.includes(needle))).toEqual([])
  }, 30_000)

  it('a page importing them gets them (the search can fail)', async () => {
    const bundle = await bundleClientEntryWithoutPeers(packageDirectory, { entry: 'test/fixtures/standalone-features.ts' })
    expect(standaloneCode.filter((needle) => bundle.code.includes(needle))).toEqual(
      standaloneCode.filter((needle) => needle !== 'function captureDisplayMedia' && needle !== 'getDisplayMedia'),
    )
  }, 30_000)
})
