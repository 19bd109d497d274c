import { existsSync } from 'node:fs'
import { launchChromium, requireTool } from '@callport/test-environment'
import type { Browser, Frame, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer, type DemoServer } from '@callport/demo'
import { capabilitiesOf, providerSources } from '../.vitepress/provider-capabilities'
import { createSiteHandler, listSite, resolveSitePath, siteDirectory } from '../scripts/static-site.mjs'

// The built site (`npm run build` here, which turbo runs before this test), served as `npm run docs`
// serves it: through the demo server, beside `/calls` and the signaling server, on 127.0.0.1.
const chromium = requireTool('chromium', 'docs site browser test')

interface PageReport {
  path: string
  status: number
  /** Element ids on the page, for anchors. */
  ids: string[]
  /** Same-origin links, as absolute URLs. */
  links: string[]
  problems: string[]
}

describe.skipIf(!chromium.available)('the documentation site in Chromium', { timeout: 120_000, meta: { skipReason: chromium.skipReason } }, () => {
  let demo: DemoServer
  let browser: Browser
  const reports = new Map<string, PageReport>()

  beforeAll(async () => {
    if (!existsSync(`${siteDirectory}index.html`)) throw new Error('docs/.vitepress/dist holds no site: run `npm run build` in docs/ first')
    ;[demo, browser] = await Promise.all([
      startDemoServer({ port: 0, environment: { CALLPORT_SIGNALING_SECRET: 'docs-browser-test-secret-0123456789abcdef' }, serveRequest: createSiteHandler() }),
      launchChromium(),
    ])
  })

  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.close()])
  })

  /** Opens `path` and records what is wrong with it: console errors, uncaught errors, failed requests. */
  async function visit(page: Page, path: string): Promise<PageReport> {
    const problems: string[] = []
    const onConsole = (message: { type(): string; text(): string }) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    }
    const onPageError = (error: Error) => problems.push(`uncaught: ${error.message}`)
    const onResponse = (response: { url(): string; status(): number }) => {
      if (response.url().startsWith(demo.url) && response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`)
    }
    page.on('console', onConsole).on('pageerror', onPageError).on('response', onResponse)
    try {
      const response = await page.goto(`${demo.url}${path}`, { waitUntil: 'load' })
      const { ids, links } = await page.evaluate((origin) => {
        const anchors = [...document.querySelectorAll<HTMLAnchorElement>('a[href]')].map((anchor) => anchor.href)
        return {
          ids: [...document.querySelectorAll('[id]')].map((element) => element.id),
          links: anchors.filter((href) => href.startsWith(origin)),
        }
      }, demo.url)
      return { path, status: response?.status() ?? 0, ids, links, problems }
    } finally {
      page.off('console', onConsole).off('pageerror', onPageError).off('response', onResponse)
    }
  }

  it('serves every page without console errors, failed requests or broken links and anchors', async () => {
    const pages = [...listSite(siteDirectory)].filter((path) => path.endsWith('.html') && path !== '/404.html')
    expect(pages.length).toBeGreaterThan(20)
    const page = await browser.newPage()
    try {
      for (const path of pages) reports.set(path, await visit(page, path))
    } finally {
      await page.close()
    }

    const files = listSite(siteDirectory)
    const broken: string[] = []
    for (const report of reports.values()) {
      if (report.status !== 200) broken.push(`${report.path}: HTTP ${report.status}`)
      broken.push(...report.problems.map((problem) => `${report.path}: ${problem}`))
      for (const link of report.links) {
        const url = new URL(link)
        const target = resolveSitePath(url.pathname, files)
        if (!target) {
          broken.push(`${report.path}: link to ${url.pathname}, which the site does not have`)
          continue
        }
        const anchor = decodeURIComponent(url.hash.slice(1))
        const targetReport = reports.get(target)
        if (anchor && targetReport && !targetReport.ids.includes(anchor)) broken.push(`${report.path}: link to ${target}#${anchor}, an anchor that page does not have`)
      }
    }
    expect(broken).toEqual([])
    // The guides, every provider page and the API reference were among them.
    for (const path of ['/guide/getting-started.html', '/guide/server.html', '/guide/client.html', '/guide/testing.html', '/providers/signaling.html', '/api/index.html']) {
      expect([...reports.keys()]).toContain(path)
    }
  })

  it('shows capability tables that say what the adapters declare', async () => {
    const page = await browser.newPage()
    try {
      for (const source of providerSources.filter((candidate) => existsSync(`${siteDirectory}providers/${candidate.provider}.html`))) {
        await page.goto(`${demo.url}/providers/${source.provider}.html`)
        const shown = await page.$$eval(`table.capabilities[data-provider="${source.provider}"] tbody tr`, (rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim() ?? '')),
        )
        const expected = capabilitiesOf(source).rows.map((row) => [
          row.half,
          row.name,
          row.values.map((value) => `${value.text}${value.when ? ` (${value.when})` : ''}`.replaceAll('`', '')).join(''),
        ])
        expect(
          shown.map((cells) => cells.slice(0, 3)),
          source.provider,
        ).toEqual(expected)
      }
    } finally {
      await page.close()
    }
  })

  it('runs the live example: both frames join one room, see each other and play each other’s video', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
    page.on('pageerror', (error) => problems.push(error.message))
    try {
      await page.goto(`${demo.url}/guide/live-example.html`)
      const start = page.locator('.live-example button.start')
      await expect.poll(() => start.isEnabled(), { timeout: 15_000 }).toBe(true)
      const identities = await page.$$eval('.live-example iframe', (frames) => frames.map((frame) => (frame as HTMLIFrameElement).dataset.identity ?? ''))
      expect(identities).toHaveLength(2)
      await start.click()

      const frameOf = (identity: string): Frame => {
        const frame = page.frames().find((candidate) => new URL(candidate.url()).searchParams.get('identity') === identity)
        if (!frame) throw new Error(`no frame for ${identity}`)
        return frame
      }
      for (const [self, other] of [identities, [...identities].reverse()] as [string, string][]) {
        const frame = frameOf(self)
        await frame.waitForSelector('main[data-state="connected"]', { timeout: 20_000 })
        await frame.waitForSelector(`li[data-identity="${other}"]`, { timeout: 20_000 })
        // The other side's camera plays: it has a size and its time moves on.
        const video = `video[data-identity="${other}"]`
        await frame.waitForFunction((selector) => (document.querySelector<HTMLVideoElement>(selector)?.videoWidth ?? 0) > 0, video, { timeout: 20_000 })
        const before = await frame.$eval(video, (element) => (element as HTMLVideoElement).currentTime)
        await frame.waitForFunction(
          ({ selector, time }) => {
            const element = document.querySelector<HTMLVideoElement>(selector)
            return element !== null && !element.paused && element.currentTime > time
          },
          { selector: video, time: before },
          { timeout: 10_000 },
        )
      }
      await expect.poll(() => page.textContent('.live-example'), { timeout: 5_000 }).toMatch(/Ada: connected, sees 1[\s\S]*Grace: connected, sees 1/)

      await page.click('.live-example button.end')
      for (const identity of identities) await frameOf(identity).waitForSelector('main[data-state="disconnected"]', { timeout: 10_000 })
      expect(problems).toEqual([])
    } finally {
      await page.close()
    }
  })
})
