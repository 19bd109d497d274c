// @ts-check
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as esbuild from 'esbuild'
import { defineBench } from './lib/benches.mjs'
import { benchDirectory } from './lib/workspace.mjs'

/** Providers whose join of a live room the README quotes, in table order. */
export const providers = ['openvidu', 'twilio', 'vidyo', 'kaleyra', 'livekit', 'signaling']

/**
 * Bundles bench/vendor-requests/scenarios.ts (the providers' sources and their own vendor fakes,
 * resolved through the `@callport/source` condition) for Node and loads it.
 * @returns {Promise<{ measureAll: () => Promise<Array<{ provider: string, first: number, newParticipant: number, returningParticipant: number }>> }>}
 */
async function loadScenarios() {
  const directory = mkdtempSync(join(tmpdir(), 'callport-vendor-requests-'))
  const outfile = join(directory, 'scenarios.mjs')
  try {
    await esbuild.build({
      entryPoints: [join(benchDirectory, 'vendor-requests', 'scenarios.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@callport/source', 'node', 'import'],
      logLevel: 'error',
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    })
    return await import(pathToFileURL(outfile).href)
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

export default defineBench({
  name: 'vendor-requests-per-join',
  description: 'Vendor HTTP requests per POST /join through createCallServer, counted by each provider’s own msw vendor fake',
  deterministic: true,
  measures: providers.flatMap((provider) => [`vendor-requests-${provider}-live-room`, `vendor-requests-${provider}-returning`]),
  async run() {
    const { measureAll } = await loadScenarios()
    const results = await measureAll()
    return results.flatMap(({ provider, first, newParticipant, returningParticipant }) => [
      {
        id: `vendor-requests-${provider}-live-room`,
        label: `${provider}: requests per join of a live room, new participant`,
        value: newParticipant,
        unit: 'requests',
        parts: [{ label: 'first join (makes the room live)', value: first, unit: 'requests' }],
      },
      {
        id: `vendor-requests-${provider}-returning`,
        label: `${provider}: requests per join of a live room, returning participant`,
        value: returningParticipant,
        unit: 'requests',
      },
    ])
  },
})
