// @ts-check
/* global document -- functions handed to page.waitForFunction / page.evaluate run in the page */
// Runs inside a private network namespace (`unshare -rn`, loopback up), started by network.ts: starts a
// consumer project's server exactly as its instructions say, asks it for tokens over HTTP, then opens
// two Chromium pages of the project's page in one room and measures the remote video each one plays.
// Writes what it saw as JSON to the file named by its second argument; the test asserts on it.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { chromium } from 'playwright-core'

/**
 * @typedef {{ name: string, path: string, headers?: Record<string, string>, body?: unknown }} JoinProbe
 * @typedef {{ cookie?: { name: string, value: string }, dialog?: string }} Visitor
 * @typedef {{
 *   server: { cwd: string, command: string[], env: Record<string, string> },
 *   origin: string,
 *   joins: JoinProbe[],
 *   call?: { pagePath: string, staticDirectory?: string, visitors: Visitor[], executablePath: string, args: string[] },
 * }} DriverConfig
 */

const [configFile, resultFile] = process.argv.slice(2)
if (!configFile || !resultFile) throw new Error('usage: call-driver.mjs <config.json> <result.json>')
/** @type {DriverConfig} */
const config = JSON.parse(readFileSync(configFile, 'utf8'))
const startedAt = Date.now()
/** @type {Record<string, number>} */
const timings = {}
/** @type {Record<string, unknown>} */
const result = { joins: [], call: undefined, error: undefined, serverOutput: '', timings }
const mark = (/** @type {string} */ phase) => {
  timings[phase] = Date.now() - startedAt
}
const [command, ...args] = config.server.command
// Its own process group, so that stopping it stops whatever it started too.
const server = spawn(/** @type {string} */ (command), args, { cwd: config.server.cwd, env: config.server.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
/** @param {NodeJS.Signals} signal */
const signalServer = (signal) => {
  if (server.pid === undefined) return
  try {
    process.kill(-server.pid, signal)
  } catch {
    // already gone
  }
}
let serverOutput = ''
server.stdout.on('data', (chunk) => (serverOutput += chunk))
server.stderr.on('data', (chunk) => (serverOutput += chunk))
/** @type {import('playwright-core').Browser | undefined} */
let browser

const contentTypes = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' }

async function waitForServer() {
  const deadline = Date.now() + 20_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode}) before answering`)
    try {
      await fetch(config.origin, { signal: AbortSignal.timeout(1000) })
      return
    } catch {
      if (Date.now() > deadline) throw new Error('the server did not answer within 20 s')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** @param {import('playwright-core').Page} page */
async function remoteVideo(page) {
  const handle = await page.waitForFunction(() => [...document.querySelectorAll('video')].find((video) => video.videoWidth > 0 && video.currentTime > 0) ?? null, undefined, {
    timeout: 30_000,
    polling: 100,
  })
  const video = /** @type {import('playwright-core').ElementHandle<HTMLVideoElement>} */ (handle)
  const before = await video.evaluate((element) => element.currentTime)
  await page.waitForFunction(
    ([element, start]) => /** @type {HTMLVideoElement} */ (element).currentTime > /** @type {number} */ (start) + 0.5,
    /** @type {const} */ ([video, before]),
    {
      timeout: 15_000,
      polling: 100,
    },
  )
  const after = await video.evaluate((element) => ({ currentTime: element.currentTime, videoWidth: element.videoWidth, videoHeight: element.videoHeight }))
  return { before, after: after.currentTime, videoWidth: after.videoWidth, videoHeight: after.videoHeight }
}

try {
  await waitForServer()
  mark('server answering')
  for (const probe of config.joins) {
    const response = await fetch(new URL(probe.path, config.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...probe.headers },
      body: JSON.stringify(probe.body ?? {}),
    })
    const text = await response.text()
    /** @type {unknown} */
    let body = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: kept as text for the assertion message
    }
    ;/** @type {unknown[]} */ (result.joins).push({ name: probe.name, status: response.status, body })
  }
  mark('joins answered')
  if (config.call) {
    const call = config.call
    browser = await chromium.launch({ executablePath: call.executablePath, headless: true, args: call.args })
    /** @type {string[]} */
    const pageErrors = []
    const pages = []
    for (const visitor of call.visitors) {
      const context = await browser.newContext()
      if (visitor.cookie) await context.addCookies([{ ...visitor.cookie, url: config.origin }])
      const page = await context.newPage()
      page.on('pageerror', (error) => pageErrors.push(String(error)))
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text())
      })
      if (visitor.dialog !== undefined) {
        const answer = visitor.dialog
        page.on('dialog', (dialog) => void dialog.accept(answer))
      }
      const staticDirectory = call.staticDirectory
      if (staticDirectory) {
        // The built page, served at the server's origin as the README says; /calls and /socket.io reach the server itself.
        await page.route(
          (url) => url.origin === config.origin && !url.pathname.startsWith('/calls/') && !url.pathname.startsWith('/socket.io'),
          async (route) => {
            const { pathname } = new URL(route.request().url())
            const file = normalize(join(staticDirectory, pathname === '/' ? 'index.html' : pathname))
            if (!file.startsWith(staticDirectory)) return route.fulfill({ status: 404 })
            try {
              const body = readFileSync(file)
              return route.fulfill({ status: 200, body, contentType: /** @type {Record<string, string>} */ (contentTypes)[extname(file)] ?? 'application/octet-stream' })
            } catch {
              return route.fulfill({ status: 404 })
            }
          },
        )
      }
      await page.goto(new URL(call.pagePath, config.origin).href)
      pages.push(page)
    }
    mark('pages loaded')
    try {
      result.call = { pages: await Promise.all(pages.map(remoteVideo)), pageErrors }
      mark('remote video playing in both pages')
    } catch (error) {
      result.call = { failure: String(error), pageErrors, bodies: await Promise.all(pages.map((page) => page.evaluate(() => document.body.innerHTML).catch(String))) }
    }
  }
} catch (error) {
  result.error = error instanceof Error ? (error.stack ?? error.message) : String(error)
} finally {
  await browser?.close().catch(() => {})
  signalServer('SIGTERM')
  const exited = server.exitCode !== null ? Promise.resolve() : new Promise((resolve) => server.once('exit', resolve))
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))])
  signalServer('SIGKILL') // the group: nothing of the server's outlives the driver
  result.serverOutput = serverOutput.slice(-4000)
  writeFileSync(resultFile, JSON.stringify(result, null, 2))
}
