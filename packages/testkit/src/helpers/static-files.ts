import { readFile, stat } from 'node:fs/promises'
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'

/** A file served from memory: its body, and its content type (else derived from the path's extension). */
export type StaticFile = string | Uint8Array | { body: string | Uint8Array; contentType?: string }

/** What `serveStaticFiles` serves: a folder, or files given by URL path (`/`, `/app.js`…). */
export type StaticFilesOptions = (
  | {
      /** Serves the files below this folder (`/` is `index.html`); nothing outside it. */
      root: string
      files?: never
    }
  | {
      /** URL path → file (`'/'` for the page itself). */
      files: Readonly<Record<string, StaticFile>>
      root?: never
    }
) & {
  /**
   * Stops the server on its own after this long, in milliseconds, should a test forget `close()`.
   * Default 300 000 (five minutes); the server never keeps the process alive either way.
   */
  stopAfter?: number
}

/** A running static file server. */
export interface StaticFileServer {
  /** Its origin, `http://127.0.0.1:<port>`, with no trailing slash. */
  readonly url: string
  /** Stops it, closing open connections too; idempotent. */
  close(): Promise<void>
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

const contentTypeOf = (path: string): string => contentTypes[extname(path).toLowerCase()] ?? (path.endsWith('/') ? contentTypes['.html']! : 'application/octet-stream')

function answer(response: ServerResponse, status: number, contentType: string, body: string | Uint8Array, head: boolean): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' })
  response.end(head ? undefined : body)
}

/** The file below `root` that `pathname` names, or undefined (absent, a folder without index.html, or outside `root`). */
async function fileBelow(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  const candidate = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`)
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined
  const found = await stat(candidate).catch(() => undefined)
  if (found?.isFile()) return candidate
  if (found?.isDirectory()) return (await stat(join(candidate, 'index.html')).catch(() => undefined))?.isFile() ? join(candidate, 'index.html') : undefined
  return undefined
}

/**
 * Serves static files over HTTP on 127.0.0.1, on a free port, for tests that load a page in
 * Chromium: a folder (`root`) or files held in memory (`files`, by URL path). GET and HEAD only;
 * anything else is 405, a missing file 404. The server does not keep the process alive, and stops
 * by itself after `stopAfter` if `close()` is never called.
 *
 * @example
 * const site = await serveStaticFiles({ files: { '/': '<!doctype html><script type="module" src="/app.js"></script>', '/app.js': bundle } })
 * await page.goto(site.url)
 * await site.close()
 */
export async function serveStaticFiles(options: StaticFilesOptions): Promise<StaticFileServer> {
  const root = options.root === undefined ? undefined : resolve(options.root)
  const files = new Map(Object.entries(options.files ?? {}))
  const server = createServer((request, response) => {
    const head = request.method === 'HEAD'
    if (request.method !== 'GET' && !head) return answer(response, 405, 'text/plain; charset=utf-8', 'method not allowed', false)
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (root === undefined) {
      const file = files.get(pathname)
      if (file === undefined) return answer(response, 404, 'text/plain; charset=utf-8', 'not found', head)
      const { body, contentType } = typeof file === 'string' || file instanceof Uint8Array ? { body: file, contentType: undefined } : file
      return answer(response, 200, contentType ?? contentTypeOf(pathname), body, head)
    }
    void fileBelow(root, pathname)
      .then(async (path) =>
        path === undefined ? answer(response, 404, 'text/plain; charset=utf-8', 'not found', head) : answer(response, 200, contentTypeOf(path), await readFile(path), head),
      )
      .catch(() => response.destroy())
  })
  await new Promise<void>((resolveListening, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolveListening())
  })
  server.unref()
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClosed) => {
      clearTimeout(deadline)
      server.close(() => resolveClosed())
      server.closeAllConnections()
    })
    return closing
  }
  const deadline = setTimeout(() => void close(), options.stopAfter ?? 300_000)
  deadline.unref()
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close }
}
