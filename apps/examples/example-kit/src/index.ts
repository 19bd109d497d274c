import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export interface PageShellOptions {
  /** After "Callport · " in the tab's title, e.g. `Twilio Video example`. */
  title: string
  /** Before " through Callport" in the page's heading, e.g. `Twilio Video`. */
  heading: string
  /** The style rules of `body`; default: those of the join form's `#videos` area. */
  style?: string
  /** What stands between the heading and the page's script; default: the join form (name, room) and `#videos`. */
  body?: string
}

const videosStyle = `
      #videos {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
        min-height: 240px;
      }
      #videos video {
        width: 320px;
        background: #111;
      }`

const videosBody = `
    <form id="join">
      <input name="name" placeholder="Your name" required />
      <input name="room" placeholder="Room name" value="standup" required />
      <button>Join</button>
      <span id="status">Not connected</span>
    </form>
    <div id="videos"></div>`

/**
 * The page's HTML: its title and heading, the shared style (the page, `form` and `.controls` rows, `#status`), `style`,
 * `body`, and its script (`/page.js`).
 */
export function pageShell({ title, heading, style = videosStyle, body = videosBody }: PageShellOptions): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Callport · ${title}</title>
    <style>
      body {
        font-family: system-ui, sans-serif;
        margin: 1.5rem;
      }
      form,
      .controls {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
        margin-bottom: 1rem;
      }${style}
      #status {
        color: #555;
      }
    </style>
  </head>
  <body>
    <h1>${heading} through Callport</h1>${body}
    <script type="module" src="/page.js"></script>
  </body>
</html>
`
}

/** An example's page: its HTML (`pageShell`) and its script's entry (src/page/main.ts). */
export interface ExamplePage {
  html: string
  /**
   * `new URL('../src/page/main.ts', import.meta.url)` from a file in src/: it resolves the same from src/
   * (tests run the sources) and from dist/ (a build, or the bundle `npm run example:<vendor>` runs).
   */
  script: URL
}

/**
 * The page's script bundled for the browser with esbuild. Workspace packages resolve to their TypeScript
 * sources (`@callport/source`), from src/ and from dist/ alike: nothing to build first.
 */
export async function bundlePageScript(entry: URL): Promise<string> {
  const bundled = await build({
    entryPoints: [fileURLToPath(entry)],
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
  return script
}

/**
 * Answers `GET /` (the page) and `GET /page.js` (its script, bundled on the first request); returns
 * false for any other request, which goes on to the call server.
 */
export function pageRoutes(page: ExamplePage): (request: IncomingMessage, response: ServerResponse) => boolean {
  let script: Promise<string> | undefined
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if ((request.method !== 'GET' && request.method !== 'HEAD') || (path !== '/' && path !== '/page.js')) return false
    script ??= bundlePageScript(page.script)
    script.then(
      (code) => {
        response.writeHead(200, { 'content-type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
        response.end(path === '/' ? page.html : code)
      },
      (error: unknown) => {
        script = undefined
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
        response.end(`The page could not be bundled: ${error instanceof Error ? error.message : String(error)}`)
      },
    )
    return true
  }
}

/** An HTTP server: the page (`pageRoutes`) at `GET /` and `GET /page.js`, every other request to `next` (the call server). */
export function createPageServer(page: ExamplePage, next: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const routes = pageRoutes(page)
  return createServer((request, response) => {
    if (!routes(request, response)) next(request, response)
  })
}

/** Settings are checked when the server is made: a missing credential ends here with a plain message. */
export function explainAndExit(example: { name: string; directory: string }, error: unknown): never {
  console.error(`The ${example.name} example could not start: ${error instanceof Error ? error.message : String(error)}`)
  console.error(`Where the credentials come from: apps/examples/${example.directory}/README.md`)
  process.exit(1)
}

/** Ctrl-C (SIGINT) or SIGTERM: `close`, then exit with status 0. */
export function exitOnSignals(close: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void close().then(() => process.exit(0)))
}

export interface StartExampleOptions<T extends { server: Server }> {
  /** In messages: `The <name> example could not start`, `Callport <name> example on <url>`. */
  name: string
  /** Under apps/examples: where the README that explains the credentials is. */
  directory: string
  /** Used when PORT is not set. */
  port: number
  /** Makes the server (not listening yet); throws when a setting is missing. */
  create: () => T
  /** After the URL in the line printed once the server listens, e.g. `(POST <url>/calls/join)`. */
  routes: (url: string) => string
}

/**
 * What an example's src/main.ts does: makes its server (a missing credential ends with a plain message),
 * listens on HOST:PORT (default 127.0.0.1 and `port`), prints its URL, and on Ctrl-C stops at once (open
 * browser connections included) and exits with status 0.
 */
export function startExample<T extends { server: Server }>(options: StartExampleOptions<T>): T {
  let created: T
  try {
    created = options.create()
  } catch (error) {
    explainAndExit(options, error)
  }
  const { server } = created
  const host = process.env.HOST ?? '127.0.0.1'
  server.listen(Number(process.env.PORT ?? options.port), host, () => {
    const url = `http://${host}:${(server.address() as AddressInfo).port}`
    console.log(`Callport ${options.name} example on ${url} ${options.routes(url)}`)
  })
  exitOnSignals(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return created
}
