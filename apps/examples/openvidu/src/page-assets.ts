import type { IncomingMessage, ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

// Resolves the same from src/ (tests run the sources) and from dist/ (a build, or the bundle
// `npm run example:openvidu` runs).
const page = new URL('../src/page/', import.meta.url)

/**
 * The page's HTML, and its script (src/page/main.ts) bundled for the browser with esbuild.
 * Workspace packages resolve to their TypeScript sources (`@callport/source`): nothing to build first.
 */
export async function loadPageAssets(): Promise<{ html: string; script: string }> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('main.ts', page))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['@callport/source'],
    logLevel: 'silent',
  })
  const script = bundled.outputFiles[0]?.text
  if (script === undefined) throw new Error('esbuild produced no page script')
  return { html: await readFile(new URL('index.html', page), 'utf8'), script }
}

/**
 * Answers `GET /` (the page) and `GET /page.js` (its script, bundled on the first request); returns
 * false for any other request, which goes on to the call server.
 */
export function pageRoutes(): (request: IncomingMessage, response: ServerResponse) => boolean {
  let assets: Promise<{ html: string; script: string }> | undefined
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (path !== '/' && path !== '/page.js')) return false
    assets ??= loadPageAssets()
    assets.then(
      ({ html, script }) => {
        response.writeHead(200, { 'content-type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
        response.end(path === '/' ? html : script)
      },
      (error: unknown) => {
        assets = undefined
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        response.end(`The page could not be bundled: ${error instanceof Error ? error.message : String(error)}`)
      },
    )
    return true
  }
}
