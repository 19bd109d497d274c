import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCallServer } from '@callport/server'
import { toNodeHandler, type NodeHandler } from '@callport/server/node'
import type { SignalingServer } from '@callport/signaling/server'
import { demoAuthorize } from './demo-authorize'
import { demoProviders } from './demo-providers'
import { bundlePage } from './page-bundle'

export interface DemoServerOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Key of `demoProviders`. Default `signaling`. */
  provider?: string
  /** Where provider settings are read. Default `process.env`. */
  environment?: Record<string, string | undefined>
  log?: (line: string) => void
  /**
   * Answers GET and HEAD requests before the demo page does; returns true when it answered. The docs
   * site uses it to be served beside `/calls` and the signaling server, for its live example.
   */
  serveRequest?: (request: IncomingMessage, response: ServerResponse) => boolean
}

export interface DemoServer {
  /** Where the page is served, such as `http://127.0.0.1:3000`. */
  url: string
  provider: string
  /** The signaling server running inside the demo, when the provider is `signaling`. */
  signalingServer: SignalingServer | undefined
  close(): Promise<void>
}

/** The HTTP API of createCallServer is mounted here. */
export const CALLS_BASE_PATH = '/calls'

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  response.end(body)
}

/**
 * Starts the demo: one node:http server that serves the page, the Callport HTTP API at `/calls`
 * (`createCallServer` + `toNodeHandler`) and, for the built-in provider, the signaling server.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const providerId = options.provider ?? 'signaling'
  const provider = demoProviders[providerId]
  if (!provider) throw new Error(`The demo has no provider ${JSON.stringify(providerId)}; it has ${Object.keys(demoProviders).join(', ')}`)
  const log = options.log ?? (() => undefined)
  const page = await bundlePage()
  let handleCalls: NodeHandler | undefined = undefined // set once the call server is ready

  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (path === CALLS_BASE_PATH || path.startsWith(`${CALLS_BASE_PATH}/`)) {
      if (handleCalls) handleCalls(request, response)
      else send(response, 503, 'text/plain; charset=utf-8', 'Starting')
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed')
    } else if (options.serveRequest?.(request, response)) {
      // Answered by the caller's handler.
    } else if (path === '/' || path === '/index.html') {
      send(response, 200, 'text/html; charset=utf-8', page.html)
    } else if (path === '/app.js') {
      send(response, 200, 'text/javascript; charset=utf-8', page.script)
    } else if (path === '/favicon.ico') {
      response.writeHead(204).end()
    } else {
      send(response, 404, 'text/plain; charset=utf-8', 'Not found')
    }
  })
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => {
      httpServer.off('error', reject)
      resolve()
    })
  })
  const address = httpServer.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`

  const closeHttpServer = () =>
    new Promise<void>((resolve) => {
      httpServer.closeAllConnections()
      if (httpServer.listening) httpServer.close(() => resolve())
      else resolve()
    })
  let runtime
  try {
    runtime = await provider.start({ url, httpServer, environment: options.environment ?? process.env, log })
  } catch (error) {
    await closeHttpServer()
    throw error
  }
  const calls = createCallServer({ providers: [runtime.adapter], authorize: demoAuthorize, basePath: CALLS_BASE_PATH })
  handleCalls = toNodeHandler(calls)

  let closing: Promise<void> | undefined
  return {
    url,
    provider: providerId,
    signalingServer: runtime.signalingServer,
    close() {
      closing ??= runtime.close().then(closeHttpServer)
      return closing
    },
  }
}
