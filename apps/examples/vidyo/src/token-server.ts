import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCallServer, type CallServer } from '@callport/server'
import { toNodeHandler } from '@callport/server/node'
import { vidyo, type VidyoSettings } from '@callport/vidyo/server'
import { bundlePageScript } from '@callport/example-kit'
import { exampleAuthorize } from './example-authorize'
import { pageHtml } from './page-html'

export interface ExampleServerOptions {
  /** Vidyo settings; by default from VIDYO_APP_ID, VIDYO_DEVELOPER_KEY and VIDYO_HOST. */
  vidyo?: VidyoSettings
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  hostname?: string
  /** Where the page loads VidyoClient.js from. Default: VIDYO_CLIENT_SCRIPT_URL, else Vidyo's hosted copy. */
  vidyoClientScriptUrl?: string
}

const escapeAttribute = (value: string): string => value.replace(/[&"<>]/g, (character) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[character] ?? character)

export interface ExampleServer {
  url: string
  calls: CallServer
  close(): Promise<void>
}

/**
 * The example's backend. Where a VidyoWorks app called the portal's web services (log in, look up the
 * room by key, join the conference) and a Vidyo.io app signed tokens in its own endpoint, this is
 * the one endpoint left: `POST /calls/join { room }` → `{ room, token }`, for the signed-in user.
 */
export async function startExampleServer(options: ExampleServerOptions = {}): Promise<ExampleServer> {
  const calls = createCallServer({
    providers: [vidyo(options.vidyo)],
    authorize: exampleAuthorize,
    basePath: '/calls',
  })
  const api = toNodeHandler(calls)
  // The page's script, bundled for the browser from the sources (from src/ and from dist/ alike).
  const script = await bundlePageScript(new URL('../src/page/main.ts', import.meta.url))
  const files: Record<string, { type: string; body: string }> = {
    '/': {
      type: 'text/html; charset=utf-8',
      body: pageHtml.replace('{{VIDYO_CLIENT_SCRIPT_URL}}', escapeAttribute(options.vidyoClientScriptUrl ?? process.env.VIDYO_CLIENT_SCRIPT_URL ?? '')),
    },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: script },
  }
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path.startsWith(`${calls.basePath}/`)) return api(request, response)
    const file = files[path]
    response.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain' })
    response.end(file?.body ?? 'Not found')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 3000, options.hostname ?? '127.0.0.1', resolve)
  })
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
