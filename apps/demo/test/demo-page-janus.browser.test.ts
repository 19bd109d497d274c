import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
// The demo is private and has no dependency on the test tools' package: their sources, by path.
import { addLoopbackMediaInterface, launchChromium, requireBrowserMedia, requireTool, startJanus, type JanusServer } from '../../../tools/test-environment/src/index'
import { startDemoServer, type DemoServer } from '../src/index'
import { join, tileVideo, waitForPlayingVideo } from './demo-page-steps'

// `CALLPORT_PROVIDER=janus`: the demo server on Debian's Janus (signed tokens, VideoRoom admin_key),
// and the demo page, unchanged, in two Chromium pages with fake cameras, inside the private loopback
// network (Janus gathers 127.0.0.1 on the loopback media interface). The page loads janus.js and
// webrtc-adapter when the token names Janus; each page plays the other's camera through Janus.
const media = requireBrowserMedia('demo page on Janus')
const janusTool = requireTool('janus', 'demo page on Janus')
const tokenSecret = 'demo-page-janus-token-secret-0123456789'
const adminKey = 'demo-page-janus-admin-key'

describe.skipIf(!media.available || !janusTool.available)(
  'the demo page on Janus, in Chromium',
  { timeout: 180_000, meta: { skipReason: media.available ? janusTool.skipReason : media.skipReason } },
  () => {
    let janus: JanusServer
    let demo: DemoServer
    let browser: Browser
    const pages: Page[] = []

    beforeAll(async () => {
      const iceEnforceList = addLoopbackMediaInterface()
      janus = await startJanus({ tokenAuthSecret: tokenSecret, videoRoomAdminKey: adminKey, interface: '127.0.0.1', iceEnforceList })
      ;[demo, browser] = await Promise.all([
        startDemoServer({ port: 0, provider: 'janus', environment: { JANUS_URL: janus.url, JANUS_TOKEN_SECRET: tokenSecret, JANUS_ADMIN_KEY: adminKey } }),
        launchChromium({ args: ['--autoplay-policy=no-user-gesture-required'] }),
      ])
    }, 60_000)
    afterEach(async () => {
      await Promise.all(pages.splice(0).map((page) => page.context().close()))
    })
    afterAll(async () => {
      await Promise.all([browser?.close(), demo?.close()])
      await janus?.stop()
    }, 30_000)

    async function open(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 760 } })
      // A loaded machine (Chromium pages, Janus and other packages' tests on two cores) is slow: 60 s per step.
      context.setDefaultTimeout(60_000)
      const page = await context.newPage()
      pages.push(page)
      if (process.env.CALLPORT_DEBUG_PAGES) page.on('console', (message) => console.log(`[page] ${message.type()} ${message.text()}`))
      await page.goto(demo.url)
      return page
    }

    it('two pages join one room through Janus and play each other’s camera; one leaving is gone from the other', async () => {
      const room = `janus-${Date.now().toString(36)}`
      const ada = await open()
      const adaIdentity = await join(ada, 'Ada Lovelace', room)
      const grace = await open()
      const graceIdentity = await join(grace, 'Grace Hopper', room)

      await Promise.all([waitForPlayingVideo(ada, tileVideo(graceIdentity)), waitForPlayingVideo(grace, tileVideo(adaIdentity))])
      // Two tiles each, named: the self-view and the other participant (name and identity from the VideoRoom display).
      expect(await ada.$$eval('.tile .name', (names) => names.map((name) => name.textContent))).toEqual(['Ada Lovelace (you)', 'Grace Hopper'])
      expect(await grace.$$eval('.tile .name', (names) => names.map((name) => name.textContent))).toEqual(['Grace Hopper (you)', 'Ada Lovelace'])
      expect(await ada.$$eval('.tile[data-remote]', (tiles) => tiles.map((tile) => (tile as HTMLElement).dataset.identity))).toEqual([graceIdentity])
      expect(await grace.$$eval('.tile[data-remote]', (tiles) => tiles.map((tile) => (tile as HTMLElement).dataset.identity))).toEqual([adaIdentity])
      // The remote tile holds the other's microphone too.
      await ada.waitForSelector(`.tile[data-identity="${graceIdentity}"] audio`, { state: 'attached' })

      await ada.click('#leave')
      await grace.waitForSelector(`.tile[data-identity="${adaIdentity}"]`, { state: 'detached' })
      expect(await ada.isVisible('#prejoin')).toBe(true)
    })
  },
)
