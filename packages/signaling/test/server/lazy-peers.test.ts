import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importPeer, loadRedisPeers, type PeerImporter } from '../../src/server/peers'
import { createServerWith } from '../../src/server/signaling-server'
import { SECRET } from './harness'
import { bundleFixture } from './signaling-process'

/**
 * `node --import <record-resolutions.mjs>`: appends every URL the ES module loader resolves (one a line) to
 * the file named by CALLPORT_RESOLUTION_LOG. Written as files by the test, since Node 20 runs only JavaScript.
 */
const recordResolutions = `import { register } from 'node:module'
register('./record-resolutions-hooks.mjs', { parentURL: import.meta.url, data: { logFile: process.env.CALLPORT_RESOLUTION_LOG } })
`
/** The hooks run on the loader's own thread; a line is written before its module loads, so before the importer goes on. */
const recordResolutionsHooks = `import { appendFileSync } from 'node:fs'
let logFile
export function initialize(data) {
  logFile = data?.logFile
}
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  if (logFile) appendFileSync(logFile, resolved.url + '\\n')
  return resolved
}
`
/** The optional peers (and what only they bring) that the token issuer must not load. */
const SERVER_PEERS = /\/node_modules\/(socket\.io|engine\.io|ws|redis|@redis\/[^/]+|@socket\.io\/redis-adapter)\//

function runChild(script: string, directory: string, logFile: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', join(directory, 'record-resolutions.mjs'), script], {
    env: { ...process.env, CALLPORT_RESOLUTION_LOG: logFile, SIGNALING_SECRET: SECRET },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    }),
  )
}

/** The lines of the resolution log, split at the PHASE markers. */
function phases(log: string): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  let current: string[] = []
  for (const line of log.split('\n').filter(Boolean)) {
    const marker = /^PHASE (\S+)$/.exec(line)
    if (marker) {
      result[marker[1]!] = current
      current = []
    } else {
      current.push(line)
    }
  }
  return result
}

describe('the token issuer loads no signaling-server peer', () => {
  let directory: string
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'callport-lazy-peers-'))
    writeFileSync(join(directory, 'record-resolutions.mjs'), recordResolutions)
    writeFileSync(join(directory, 'record-resolutions-hooks.mjs'), recordResolutionsHooks)
  })
  afterAll(() => rmSync(directory, { recursive: true, force: true }))

  it('signaling().issueToken() resolves no socket.io, ws or redis module; the server, once listening, does', async () => {
    const script = await bundleFixture('token-issuer-process')
    const logFile = join(directory, 'resolutions.log')
    const { code, stderr } = await runChild(script, directory, logFile)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const { 'token-issued': issuing, 'server-started': serving } = phases(readFileSync(logFile, 'utf8'))
    expect(issuing, 'the child resolved modules while issuing').toEqual(expect.arrayContaining([expect.stringContaining('zod')]))
    expect(issuing!.filter((url) => SERVER_PEERS.test(url) || url === 'node:http')).toEqual([])
    // The detector sees them when they do load: the signaling server resolves socket.io and ws (and node:http for listen).
    expect(serving).toEqual(expect.arrayContaining([expect.stringMatching(/\/node_modules\/socket\.io\//), expect.stringMatching(/\/node_modules\/ws\//), 'node:http']))
    // Redis is loaded only for the `redis` option.
    expect(serving!.filter((url) => /\/node_modules\/(redis|@redis\/[^/]+|@socket\.io\/redis-adapter)\//.test(url))).toEqual([])
  }, 60_000)
})

/** An importer that plays `missing` as not installed, the way Node reports it. */
function without(missing: string): PeerImporter {
  return (specifier) =>
    specifier === missing
      ? Promise.reject(
          Object.assign(new Error(`Cannot find package '${missing}' imported from /app/node_modules/@callport/signaling/dist/server/index.js`), {
            code: 'ERR_MODULE_NOT_FOUND',
          }),
        )
      : importPeer(specifier)
}

describe('a missing peer', () => {
  it.each(['socket.io', 'ws'])('without %s, listen() rejects UNSUPPORTED saying to install socket.io and ws', async (missing) => {
    const server = createServerWith({ secret: SECRET }, without(missing))
    const refusal = await server.listen({ port: 0, host: '127.0.0.1' }).catch((error: unknown) => error)
    expect(refusal).toMatchObject({ name: 'CallportError', code: 'UNSUPPORTED', retryable: false, provider: 'signaling' })
    expect((refusal as Error).message).toMatch(
      new RegExp(`^${missing.replace('.', '\\.')} is not installed: install socket\\.io and ws \\(npm install socket\\.io ws\\) to run the signaling server`),
    )
    expect(() => server.io).toThrowError(expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/before attach\(\) or listen\(\)/) }))
    await server.close()
  })

  it.each(['redis', '@socket.io/redis-adapter'])('without %s, a server with `redis` rejects UNSUPPORTED saying to install redis and the adapter', async (missing) => {
    const refusal = await loadRedisPeers(without(missing)).catch((error: unknown) => error)
    expect(refusal).toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/install redis and @socket\.io\/redis-adapter \(npm install redis @socket\.io\/redis-adapter\) to share signaling rooms through Redis/),
    })
  })

  it('a peer that is installed but broken is reported as it is, not as missing', async () => {
    const broken = Object.assign(new Error("Cannot find package 'engine.io' imported from /app/node_modules/socket.io/dist/index.js"), { code: 'ERR_MODULE_NOT_FOUND' })
    const server = createServerWith({ secret: SECRET }, (specifier) => (specifier === 'socket.io' ? Promise.reject(broken) : importPeer(specifier)))
    await expect(server.listen({ port: 0, host: '127.0.0.1' })).rejects.toBe(broken)
  })

  it('once the peer is there, attaching again works (a failed start is not remembered)', async () => {
    let installed = false
    const server = createServerWith({ secret: SECRET }, (specifier) => (installed ? importPeer(specifier) : without('socket.io')(specifier)))
    await expect(server.listen({ port: 0, host: '127.0.0.1' })).rejects.toMatchObject({ code: 'UNSUPPORTED' })
    installed = true
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' })
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.io.engine).toBeDefined()
    await server.close()
  })
})
