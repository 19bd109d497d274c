// @ts-check
// Serves a built static site (docs/.vitepress/dist) from a node:http server, for the demo server's
// `serveRequest` option. The files are listed once at start, so a request is answered or declined
// at once.
import { createReadStream, readdirSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where `npm run build` (scripts/build-site.mjs) writes the site. */
export const siteDirectory = fileURLToPath(new URL('../.vitepress/dist/', import.meta.url))

const contentTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Every file below `directory`, as URL paths (`/guide/getting-started.html`).
 * @param {string} directory
 * @returns {Set<string>}
 */
export function listSite(directory) {
  const paths = new Set()
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) paths.add(`/${relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/')}`)
  }
  return paths
}

/**
 * The file a request path names: itself, `index.html` for a folder, or `<path>.html` for a clean URL.
 * Undefined when the site has no such file.
 * @param {string} pathname the URL path, percent-encoded
 * @param {ReadonlySet<string>} files from `listSite`
 * @returns {string | undefined}
 */
export function resolveSitePath(pathname, files) {
  let path
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`]
  return candidates.find((candidate) => files.has(candidate))
}

/**
 * A request handler for the demo server's `serveRequest` option: answers the site's files and a 404
 * page for the rest, and returns true (it answers every GET and HEAD it is given).
 * @param {string} [directory]
 * @returns {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => boolean}
 */
export function createSiteHandler(directory = siteDirectory) {
  const files = listSite(directory)
  if (!files.has('/index.html')) throw new Error(`${directory} holds no built site: run the docs build first`)
  return (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://site').pathname
    const found = resolveSitePath(pathname, files)
    const file = found ?? '/404.html'
    const headers = {
      'content-type': contentTypes[/** @type {keyof typeof contentTypes} */ (extname(file))] ?? 'application/octet-stream',
      // Hashed assets never change; pages are checked again on every visit.
      'cache-control': file.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    }
    response.writeHead(found ? 200 : 404, headers)
    if (request.method === 'HEAD' || !files.has(file)) response.end()
    else
      createReadStream(join(directory, file))
        .on('error', () => response.destroy())
        .pipe(response)
    return true
  }
}
