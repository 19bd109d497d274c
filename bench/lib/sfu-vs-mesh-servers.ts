// The servers of bench/sfu-vs-mesh.mjs, bundled for Node by esbuild when the bench runs (importBundledForNode
// in lib/node-bundle.mjs, with the Janus server half's sources beside it): it imports TypeScript sources
// (the test environment's startJanus), which Node 20 cannot load, and needs no build. One node:http server on 127.0.0.1 serves
// the bench page and two call servers — `/calls/mesh` (the built-in provider, with the signaling server
// attached) and `/calls/sfu` (the Janus provider, on Debian's Janus started here) — whoever the
// `bench_identity` cookie names joins as a publisher. Inside the private network only (Janus gathers on
// the loopback media interface).
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerAdapter } from '@callport/core'
import { createCallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { signaling } from '@callport/signaling/server'
import { createServerWith } from '../../packages/signaling/src/server/signaling-server'
import { launchChromium } from '../../tools/test-environment/src/chromium'
import { startJanus } from '../../tools/test-environment/src/janus'
import { addLoopbackMediaInterface } from '../../tools/test-environment/src/private-network'

export { launchChromium }

/**
 * The signaling server's peers (socket.io, ws) are imported at run time by name, which the bundle's own
 * directory cannot resolve: they are imported from where @callport/signaling has them installed.
 */
function importSignalingPeer(repositoryRoot: string): (specifier: string) => Promise<unknown> {
  const resolveFromSignaling = createRequire(join(repositoryRoot, 'packages', 'signaling', 'package.json'))
  return (specifier) => import(specifier.startsWith('node:') ? specifier : pathToFileURL(resolveFromSignaling.resolve(specifier)).href)
}

export interface SfuVsMeshServers {
  /** `http://127.0.0.1:<port>`: the page at `/`, the call servers at `/calls/mesh` and `/calls/sfu`. */
  url: string
  /** Stops Janus and closes the servers (once: later calls wait for the first). */
  close(): Promise<void>
}

/** Who joins: the `bench_identity` cookie, as a publisher. */
async function authorize(request: Request): Promise<{ identity: string; role: 'publisher' } | null> {
  const identity = /bench_identity=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1]
  return identity ? { identity: decodeURIComponent(identity), role: 'publisher' } : null
}

/** Starts Janus, the signaling server and both call servers, serving `page` (bundled JavaScript) at `/`; `repositoryRoot` is this checkout's. */
export async function startSfuVsMeshServers({
  page,
  repositoryRoot,
  janus,
}: {
  page: string
  repositoryRoot: string
  /** The Janus provider's server half, `janus(settings)` of @callport/janus/server (the bundle's entry passes it). */
  janus: (settings: { url: string; tokenSecret: string; environmentVariables: Record<string, string> }) => ServerAdapter
}): Promise<SfuVsMeshServers> {
  const secret = randomBytes(32).toString('base64url')
  const janusSecret = randomBytes(32).toString('base64url')
  const janusServer = await startJanus({ tokenAuthSecret: janusSecret, interface: '127.0.0.1', iceEnforceList: addLoopbackMediaInterface() })
  // Whatever started is stopped again if a later step fails.
  const stops: (() => Promise<void>)[] = [() => janusServer.stop()]
  let closing: Promise<void> | undefined
  // Once: an interrupted bench and its own cleanup may both call it.
  const close = () =>
    (closing ??= (async () => {
      for (const stop of stops.splice(0).reverse()) await stop()
    })())
  try {
    return { url: await serve(), close }
  } catch (error) {
    await close()
    throw error
  }

  async function serve(): Promise<string> {
    const handlers: Record<string, ReturnType<typeof toNodeHandler>> = {}
    const httpServer = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/'
      const mode = /^\/calls\/(mesh|sfu)\//.exec(path)?.[1]
      if (mode) return void handlers[mode]?.(request, response)
      const [type, body] =
        path === '/bench.js'
          ? ['text/javascript', page]
          : path === '/'
            ? ['text/html', '<!doctype html><title>sfu vs mesh</title><script type="module" src="/bench.js"></script>']
            : []
      response.writeHead(body === undefined ? 404 : 200, { 'content-type': `${type ?? 'text/plain'}; charset=utf-8`, 'cache-control': 'no-store' })
      response.end(body ?? 'Not found')
    })
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    stops.push(async () => {
      httpServer.closeAllConnections()
      await new Promise((resolve) => httpServer.close(resolve))
    })
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`
    const signalingServer = createServerWith({ secret }, importSignalingPeer(repositoryRoot))
    stops.push(() => signalingServer.close())
    await signalingServer.attach(httpServer)
    const quiet = { info: () => undefined, warn: () => undefined, error: (fields: unknown, message: string) => console.error(message, fields) }
    handlers.mesh = toNodeHandler(createCallServer({ providers: [signaling({ secret, url })], basePath: '/calls/mesh', authorize, rateLimits: false, logger: quiet }))
    handlers.sfu = toNodeHandler(
      createCallServer({
        providers: [janus({ url: janusServer.url, tokenSecret: janusSecret, environmentVariables: {} })],
        basePath: '/calls/sfu',
        authorize,
        rateLimits: false,
        logger: quiet,
      }),
    )
    return url
  }
}
