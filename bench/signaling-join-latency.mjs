#!/usr/bin/env node
// @ts-check
// Join latency of the built-in provider in Chromium on loopback: from the moment Join is clicked to the
// first frame of the other participant's video, p50 and p95, for a page that bundles `createSession` and
// the signaling client (bench/lib/join-latency-page.mjs) against a real call server and signaling server;
// beside it, in the same page, bare WebRTC (getUserMedia + two RTCPeerConnections signalled in the page,
// no token, no socket.io), so the ratio is what Callport adds. The Callport join is timed after
// `session.prepare(room)` (token fetched, SDK warmed up before the click, issue 16 point 7); a join
// without it is measured too. The three kinds of run alternate, so machine load falls on all of them.
// Usage: node bench/signaling-join-latency.mjs [--joins N]          (after `turbo run build`: the servers run from dist)
// Loopback only: node tools/test-environment/bin/private-network.mjs node bench/signaling-join-latency.mjs
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defineBench } from './lib/benches.mjs'
import { bundleForBrowser } from './lib/browser-bundle.mjs'
import { describeMeasurement, loadBudgets } from './lib/budgets.mjs'
import { median } from './lib/statistics.mjs'
import { repositoryRoot } from './lib/workspace.mjs'

// Debian's chromium through playwright-core, as the browser tests start it (tools/test-environment/src/chromium.ts).
const requireFromTestEnvironment = createRequire(`${repositoryRoot}/tools/test-environment/package.json`)
const chromiumArguments = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-gpu',
  '--disable-quic',
  '--allow-loopback-in-peer-connection',
]

/**
 * The value below which `fraction` of the values lie (nearest rank).
 * @param {number[]} values
 * @param {number} fraction
 */
export function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b)
  return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)])
}

function chromiumPath() {
  const path = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate && existsSync(candidate))
  if (!path) throw new Error("chromium not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH")
  return path
}

/**
 * The call server (`/calls`, the signaling provider; whoever the `bench_identity` cookie names), the signaling
 * server and the bench page, on one loopback port.
 */
async function startServers() {
  // Imported here, not at the top: loading the benches (npm test's budget check) needs no build.
  const [{ createCallServer }, { toNodeHandler }, { createSignalingServer, signaling }] = await Promise.all([
    import('@callport/server'),
    import('@callport/server/node'),
    import('@callport/signaling/server'),
  ])
  const page = await bundleForBrowser({ entry: { file: fileURLToPath(new URL('./lib/join-latency-page.mjs', import.meta.url)) }, minify: true })
  if (page.nodeImports.length > 0) throw new Error(`the bench page imports Node built-ins: ${JSON.stringify(page.nodeImports)}`)
  const secret = randomBytes(32).toString('base64url')
  /** @type {import('@callport/server/node').NodeHandler | undefined} */
  let handleCalls
  const httpServer = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (path?.startsWith('/calls/')) return handleCalls?.(request, response)
    const [type, body] =
      path === '/bench.js'
        ? ['text/javascript', page.code]
        : path === '/'
          ? ['text/html', '<!doctype html><title>join latency</title><script type="module" src="/bench.js"></script>']
          : []
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': `${type ?? 'text/plain'}; charset=utf-8`, 'cache-control': 'no-store' })
    response.end(body ?? 'Not found')
  })
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address())
  const url = `http://127.0.0.1:${address.port}`
  const signalingServer = createSignalingServer({ secret })
  await signalingServer.attach(httpServer)
  const calls = createCallServer({
    providers: [signaling({ secret, url })],
    basePath: '/calls',
    authorize: async (request) => {
      const identity = /bench_identity=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1]
      return identity ? { identity: decodeURIComponent(identity), role: 'publisher' } : null
    },
  })
  handleCalls = toNodeHandler(calls)
  return {
    url,
    async close() {
      await signalingServer.close()
      httpServer.closeAllConnections()
      await new Promise((resolve) => httpServer.close(() => resolve(undefined)))
    },
  }
}

/**
 * @typedef {{ publish(room: string, identity: string): Promise<void>,
 *   callportJoin(options: { room: string, identity: string, publisherIdentity: string, prepare: boolean }): Promise<{ ms: number, prepared: boolean }>,
 *   bareJoin(): Promise<{ ms: number }> }} BenchPage
 */

/**
 * @param {{ joins: number, log: (line: string) => void }} options
 * @returns {Promise<import('./lib/benches.mjs').Measurement[]>}
 */
export async function measureJoinLatency({ joins, log }) {
  const { chromium } = requireFromTestEnvironment('playwright-core')
  const servers = await startServers()
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArguments })
  try {
    const room = `latency-${Date.now().toString(36)}`
    const openPage = async () => {
      const page = await (await browser.newContext()).newPage()
      await page.goto(servers.url)
      await page.waitForFunction(() => 'bench' in window)
      return page
    }
    const publisher = await openPage()
    await publisher.evaluate((/** @type {{ room: string }} */ { room }) => /** @type {BenchPage} */ (/** @type {any} */ (window).bench).publish(room, 'publisher'), { room })
    const joiner = await openPage()

    const warmUp = 2
    /** @type {{ prepared: number[], joinOnly: number[], bare: number[] }} */
    const times = { prepared: [], joinOnly: [], bare: [] }
    let preparedAvailable = false
    for (let index = 0; index < joins + warmUp; index++) {
      /** @type {(keyof typeof times)[]} */
      const order = index % 2 === 0 ? ['prepared', 'joinOnly', 'bare'] : ['bare', 'joinOnly', 'prepared']
      for (const kind of order) {
        const result =
          kind === 'bare'
            ? await joiner.evaluate(() => /** @type {BenchPage} */ (/** @type {any} */ (window).bench).bareJoin())
            : await joiner.evaluate(
                (/** @type {Parameters<BenchPage['callportJoin']>[0]} */ options) => /** @type {BenchPage} */ (/** @type {any} */ (window).bench).callportJoin(options),
                {
                  room,
                  identity: `joiner-${kind}-${index}`,
                  publisherIdentity: 'publisher',
                  prepare: kind === 'prepared',
                },
              )
        if ('prepared' in result && kind === 'prepared') preparedAvailable = result.prepared
        if (index >= warmUp) times[kind].push(result.ms)
      }
    }
    const callport = times.prepared
    const label = preparedAvailable ? 'prepare(room), then Join → first remote frame' : 'Join → first remote frame (session.prepare absent)'
    log(`  ${joins} joins each; ${label} (ms): ${callport.map((value) => value.toFixed(0)).join(' ')}`)
    log(`  join without prepare (ms): ${times.joinOnly.map((value) => value.toFixed(0)).join(' ')}`)
    log(`  bare WebRTC (ms): ${times.bare.map((value) => value.toFixed(0)).join(' ')}`)
    return [
      {
        id: 'signaling-join-latency-p50-ms',
        label: `${label}, p50`,
        value: median(callport),
        unit: 'ms',
        parts: [
          { label: 'bare WebRTC, p50', value: median(times.bare), unit: 'ms' },
          { label: 'join without prepare, p50', value: median(times.joinOnly), unit: 'ms' },
        ],
      },
      {
        id: 'signaling-join-latency-p95-ms',
        label: `${label}, p95`,
        value: percentile(callport, 0.95),
        unit: 'ms',
        parts: [
          { label: 'bare WebRTC, p95', value: percentile(times.bare, 0.95), unit: 'ms' },
          { label: 'join without prepare, p95', value: percentile(times.joinOnly, 0.95), unit: 'ms' },
        ],
      },
      {
        id: 'signaling-join-latency-ratio',
        label: 'join p50 ÷ bare WebRTC p50',
        value: median(callport) / median(times.bare),
        unit: 'ratio',
        parts: [{ label: 'without prepare ÷ bare, p50', value: median(times.joinOnly) / median(times.bare), unit: 'ratio' }],
      },
    ]
  } finally {
    await browser.close()
    await servers.close()
  }
}

export default defineBench({
  name: 'signaling-join-latency',
  description:
    'Built-in provider in Chromium on loopback: Join → first frame of the other participant (createSession + signaling client, after session.prepare), against bare WebRTC in the same page',
  deterministic: false,
  measures: ['signaling-join-latency-p50-ms', 'signaling-join-latency-p95-ms', 'signaling-join-latency-ratio'],
  run: ({ quick, log }) => measureJoinLatency({ joins: quick ? 20 : 40, log }),
})

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const joinsArgument = process.argv.indexOf('--joins')
  const joins = joinsArgument > 0 ? Number(process.argv[joinsArgument + 1]) : process.argv.includes('--quick') ? 20 : 40
  if (!Number.isInteger(joins) || joins < 5) throw new Error('--joins must be a whole number of at least 5')
  const budgets = loadBudgets()
  const log = (/** @type {string} */ line) => console.log(line)
  log('signaling-join-latency: Join → first remote frame, Chromium on loopback')
  for (const measurement of await measureJoinLatency({ joins, log })) {
    for (const line of describeMeasurement(measurement, budgets[measurement.id])) log(line)
  }
}
