import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JoinResponseSchema, ProblemSchema } from '@callport/core'
import { EdgeRuntime } from 'edge-runtime'
import { build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

// Issue 13, acceptance 3: the server's main entry runs on a web-standard runtime. The worker is
// bundled with esbuild --platform=neutral (which cannot resolve a Node built-in, so any `node:`
// import fails the build) and run in Vercel's EdgeRuntime (no process, no Buffer, no require), where
// `calls.fetch` answers POST /join with a token signed through Web Crypto: from a provider of the
// test's own and from the built-in provider's token issuer, `signaling()`.

const here = dirname(fileURLToPath(import.meta.url))
const packagesDirectory = resolve(here, '../..')
const secret = 'edge-test-secret-6f1d0c2b9a8e7d6c5b4a3f2e1d0c9b8a'

/**
 * Resolves `@callport/<name>[/<subpath>]` to the package's TypeScript source (its `@callport/source`
 * export), as the tests do, without the server package depending on every package it bundles.
 */
const workspaceSources: Plugin = {
  name: 'callport-workspace-sources',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^@callport\/[^/]+(\/.*)?$/ }, ({ path }) => {
      const [, name = '', subpath = ''] = /^@callport\/([^/]+)(\/.*)?$/.exec(path) ?? []
      const directory = join(packagesDirectory, name)
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> }
      const source = manifest.exports[`.${subpath}`]?.['@callport/source']
      if (source === undefined) return { errors: [{ text: `${path} is not an export of packages/${name}` }] }
      return { path: join(directory, source) }
    })
  },
}

/** The worker bundled for a runtime that has only web-standard APIs; rejects when anything needs a Node module. */
async function bundleForTheEdge(entry: { file: string } | { contents: string }): Promise<string> {
  const result = await build({
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.contents, resolveDir: here, loader: 'ts' } }),
    bundle: true,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define: { EDGE_TEST_SECRET: JSON.stringify(secret) },
    plugins: [workspaceSources],
  })
  const [output] = result.outputFiles
  if (!output) throw new Error('esbuild wrote nothing')
  return output.text
}

/** The HS256 signature of a JWT, checked with node:crypto outside the runtime that signed it. */
function hasValidSignature(token: string, key: string): boolean {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

describe('the main entry on a web-standard runtime (EdgeRuntime)', () => {
  it('does not bundle for the neutral platform when anything imports a Node built-in', async () => {
    await expect(bundleForTheEdge({ contents: "import { randomUUID } from 'node:crypto'\nconsole.log(randomUUID())" })).rejects.toThrow(/Could not resolve "node:crypto"/)
    await expect(bundleForTheEdge({ contents: "export { toNodeHandler } from '@callport/server/node'" })).rejects.toThrow(/Could not resolve "node:/)
  })

  it('answers POST /join with a token signed through Web Crypto, verified outside the runtime', async () => {
    const code = await bundleForTheEdge({ file: join(here, 'fixtures/edge/own-provider-worker.ts') })
    const runtime = new EdgeRuntime({ initialCode: code })
    // What the runtime lacks, so that the bundle cannot have used it.
    expect(runtime.evaluate<string>('[typeof process, typeof Buffer, typeof require].join()')).toBe('undefined,undefined,undefined')

    const response = await runtime.dispatchFetch('https://calls.example/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'alice' },
      body: JSON.stringify({ room: 'standup' }),
    })
    await response.waitUntil()
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    expect(room).toMatchObject({ name: 'standup', provider: 'edge-test' })
    expect(token).toMatchObject({ provider: 'edge-test', room: 'standup', identity: 'alice' })
    expect(hasValidSignature(token.value, secret)).toBe(true)
    expect(hasValidSignature(token.value, `${secret}-other`)).toBe(false)
    const claims = claimsOf(token.value)
    expect(claims).toMatchObject({ room: 'standup', identity: 'alice' })
    expect(new Date(token.expiresAt).getTime()).toBe((claims.exp as number) * 1000)
  })

  it("answers POST /join with the built-in provider's token issuer, signaling(), whose token verifies outside", async () => {
    // Inline (not a fixture file): @callport/signaling is not a dependency of this package; the plugin finds its source.
    const worker = [
      "import { createCallServer } from '@callport/server'",
      "import { signaling } from '@callport/signaling/server'",
      'const calls = createCallServer({',
      "  providers: [signaling({ secret: EDGE_TEST_SECRET, url: 'https://signaling.example' })],",
      "  authorize: async (request) => { const identity = request.headers.get('x-test-user'); return identity === null ? null : { identity } },",
      '})',
      "addEventListener('fetch', (event) => event.respondWith(calls.fetch(event.request)))",
    ].join('\n')
    const runtime = new EdgeRuntime({ initialCode: await bundleForTheEdge({ contents: worker }) })
    const response = await runtime.dispatchFetch('https://calls.example/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'alice' },
      body: JSON.stringify({ room: 'standup' }),
    })
    await response.waitUntil()
    expect(response.status).toBe(200)
    const { room, token } = JoinResponseSchema.parse(await response.json())
    // The same room id as node:crypto gives (the signaling server computes it there).
    expect(room).toEqual({ name: 'standup', provider: 'signaling', providerRoomId: `rm_${createHash('sha256').update('standup').digest('hex').slice(0, 24)}` })
    expect(token).toMatchObject({ provider: 'signaling', room: 'standup', identity: 'alice', connect: { url: 'https://signaling.example' } })
    expect(hasValidSignature(token.value, secret)).toBe(true)
    expect(hasValidSignature(token.value, `${secret}-other`)).toBe(false)
    expect(claimsOf(token.value)).toMatchObject({ iss: 'callport-signaling', sub: 'alice', room: 'standup', role: 'publisher' })
  })

  it('answers a refused request with a problem document titled from its own status table', async () => {
    const runtime = new EdgeRuntime({ initialCode: await bundleForTheEdge({ file: join(here, 'fixtures/edge/own-provider-worker.ts') }) })
    const unauthorized = await runtime.dispatchFetch('https://calls.example/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'standup' }),
    })
    await unauthorized.waitUntil()
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.headers.get('content-type')).toBe('application/problem+json')
    expect(ProblemSchema.parse(await unauthorized.json())).toMatchObject({ title: 'Unauthorized', status: 401, code: 'UNAUTHORIZED' })

    const wrongType = await runtime.dispatchFetch('https://calls.example/join', { method: 'POST', headers: { 'x-test-user': 'alice' }, body: 'room=standup' })
    await wrongType.waitUntil()
    expect(ProblemSchema.parse(await wrongType.json())).toMatchObject({ title: 'Unsupported Media Type', status: 415 })
  })
})
