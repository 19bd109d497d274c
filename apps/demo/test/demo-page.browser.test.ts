import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
// The demo is private and has no dependency on the test tools' package: their sources, by path.
import { launchChromium, requireBrowserMedia } from '../../../tools/test-environment/src/index'
import { startDemoServer, type DemoServer } from '../src/index'
import { join, tileVideo, waitForPlayingVideo } from './demo-page-steps'

// The demo page in real Chromium pages (fake camera and microphone) on the built-in provider, inside
// the private loopback-only network the test script runs vitest in: the pre-join screen, two pages in
// a call (grid, self-view, device pickers, mute icon, screen share), the moderator's remove button,
// leaving, and the messages for a refused camera and an unreachable server. It takes the screenshots
// of the README and the docs on the way; they are written to docs/public/screenshots when
// CALLPORT_UPDATE_SCREENSHOTS=1 (`npm run screenshots` in apps/demo), else beside the test results.
// The test asserts behaviour, not pixels.
const chromium = requireBrowserMedia('demo page browser tests')
const updateScreenshots = process.env.CALLPORT_UPDATE_SCREENSHOTS === '1'
const screenshotDirectory = fileURLToPath(new URL(updateScreenshots ? '../../../docs/public/screenshots/' : '../.test-results/screenshots/', import.meta.url))

const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 760 } }
const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

describe.skipIf(!chromium.available)('the demo page in Chromium', { timeout: 240_000, meta: { skipReason: chromium.skipReason } }, () => {
  let demo: DemoServer
  let browser: Browser
  const pages: Page[] = []
  let roomCounter = 0
  const uniqueRoom = (label: string) => `${label}-${Date.now().toString(36)}-${++roomCounter}`

  beforeAll(async () => {
    mkdirSync(screenshotDirectory, { recursive: true })
    ;[demo, browser] = await Promise.all([
      startDemoServer({ port: 0, environment: { CALLPORT_SIGNALING_SECRET: 'demo-page-test-secret-0123456789-abcdefghij' } }),
      // getDisplayMedia picks the whole (fake) screen without a picker.
      launchChromium({ args: ['--autoplay-policy=no-user-gesture-required', '--auto-select-desktop-capture-source=Entire screen'] }),
    ])
  }, 60_000)
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()))
  })
  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.close()])
  }, 30_000)

  async function open(options: BrowserContextOptions = desktop, query = '', initScript?: () => void): Promise<Page> {
    const context = await browser.newContext(options)
    if (initScript) await context.addInitScript(initScript)
    // A loaded machine (Chromium pages, the demo and other packages' tests on two cores) is slow: 60 s per step.
    context.setDefaultTimeout(60_000)
    const page = await context.newPage()
    pages.push(page)
    if (process.env.CALLPORT_DEBUG_PAGES) page.on('console', (message) => console.log(`[page] ${message.type()} ${message.text()}`))
    await page.goto(`${demo.url}/${query}`)
    return page
  }

  const shoot = (page: Page, name: string) => page.screenshot({ path: `${screenshotDirectory}${name}.png` })

  it('shows a camera preview and device pickers before joining; joined pages see each other play, with a self-view, and the moderator alone has remove buttons; leaving shows the pre-join screen again', async () => {
    const room = uniqueRoom('standup')
    const ada = await open(desktop, '?role=moderator')
    await waitForPlayingVideo(ada, '#preview')
    // Chromium's fake devices, listed with labels once the preview was granted.
    await ada.waitForFunction(() => (document.querySelector<HTMLSelectElement>('#camera-device')?.options[0]?.label ?? '') !== '')
    expect(await ada.$eval('#camera-device', (select) => (select as HTMLSelectElement).disabled)).toBe(false)
    expect(await ada.$eval('#microphone-device', (select) => (select as HTMLSelectElement).options.length)).toBeGreaterThan(0)
    expect(await ada.isVisible('#call')).toBe(false)
    await ada.fill('#name', 'Ada Lovelace')
    await ada.fill('#room', room)
    await shoot(ada, 'demo-prejoin-desktop')

    const adaIdentity = await join(ada, 'Ada Lovelace', room)
    expect(await ada.isVisible('#prejoin')).toBe(false)
    expect(await ada.isVisible('#leave')).toBe(true)
    // The self-view plays the camera the preview captured: the page was asked for it once.
    await waitForPlayingVideo(ada, '.tile:not([data-remote]) video')
    expect(await ada.$eval('#grid', (grid) => (grid as HTMLElement).dataset.count)).toBe('1')

    const grace = await open(phone)
    await waitForPlayingVideo(grace, '#preview')
    await shoot(grace, 'demo-prejoin-phone')
    const graceIdentity = await join(grace, 'Grace Hopper', room)

    await Promise.all([waitForPlayingVideo(ada, tileVideo(graceIdentity)), waitForPlayingVideo(grace, tileVideo(adaIdentity))])
    // The grid reflowed from one tile to two (self-view included), side by side.
    expect(await ada.$eval('#grid', (grid) => [(grid as HTMLElement).dataset.count, (grid as HTMLElement).style.getPropertyValue('--columns')])).toEqual(['2', '2'])
    expect(await ada.$$eval('.tile .name', (names) => names.map((name) => name.textContent))).toEqual(['Ada Lovelace (you)', 'Grace Hopper'])
    // Remote tiles hold their audio; the microphone-off icon is hidden while it plays.
    await ada.waitForSelector(`.tile[data-identity="${graceIdentity}"][data-audio="on"] audio`, { state: 'attached' })
    expect(await ada.isVisible(`.tile[data-identity="${graceIdentity}"] .mic-off`)).toBe(false)
    // The moderator sees a remove button on each remote tile, the others none.
    expect(await ada.$$eval('.tile[data-remote] button.kick', (buttons) => buttons.map((button) => button.getAttribute('aria-label')))).toEqual([
      'Remove Grace Hopper from the call',
    ])
    expect(await grace.$$('button.kick')).toHaveLength(0)

    await shoot(ada, 'demo-call-desktop')
    await shoot(grace, 'demo-call-phone')

    // The phone layout: the call fits the viewport's width, the toolbar with it.
    const phoneWidths = await grace.evaluate(() => [document.documentElement.scrollWidth, document.getElementById('toolbar')!.getBoundingClientRect().right])
    expect(phoneWidths[0]).toBeLessThanOrEqual(390)
    expect(phoneWidths[1]).toBeLessThanOrEqual(390)

    // The device pickers in the call: those the provider switches (capabilities.switchDevice), and the speaker (setSinkId).
    await ada.click('#devices-toggle')
    expect(await ada.getAttribute('#devices-toggle', 'aria-expanded')).toBe('true')
    for (const kind of ['camera', 'microphone', 'speaker']) {
      expect(await ada.isVisible(`#${kind}-device`), kind).toBe(true)
      await ada.selectOption(`#${kind}-device`, { index: 0 })
      await ada.waitForFunction(
        (wanted) =>
          [...document.querySelectorAll('#log li[data-event="switch-device"]')].some((item) => item.textContent?.includes(` ${wanted} `)) ||
          !document.getElementById('message')!.hidden,
        kind,
      )
      expect(await ada.isVisible('#message'), (await ada.textContent('#message')) ?? '').toBe(false)
    }
    await waitForPlayingVideo(ada, '.tile:not([data-remote]) video')
    await ada.click('#devices-toggle')
    expect(await ada.isVisible('#call-devices')).toBe(false)

    // A muted microphone shows on the others' tiles (track-muted, or the track unsubscribed where the provider has no mute events).
    await grace.click('#microphone')
    expect(await grace.getAttribute('#microphone', 'aria-pressed')).toBe('false')
    await ada.waitForSelector(`.tile[data-identity="${graceIdentity}"][data-audio="off"] .mic-off`)
    expect(await ada.isVisible(`.tile[data-identity="${graceIdentity}"] .mic-off`)).toBe(true)

    // A screen share (capabilities.screenShare: the built-in provider has it; the button is hidden on a provider
    // without it) is shown large on the others' pages, and goes when it stops.
    expect(await grace.isVisible('#screen-share')).toBe(true)
    await grace.click('#screen-share')
    await grace.waitForFunction(
      () => document.getElementById('screen-share')?.getAttribute('aria-pressed') === 'true' || document.querySelector('#log li[data-event="screen-share-failed"]'),
    )
    expect(await grace.getAttribute('#screen-share', 'aria-pressed'), (await grace.textContent('#log')) ?? '').toBe('true')
    const screen = `.tile[data-screen][data-identity="${graceIdentity}"] video`
    // A still screen sends frames only when it changes: a picture (videoWidth > 0) is what is asserted.
    await waitForPlayingVideo(ada, screen, 0)
    const [screenWidth, tileWidth] = await ada.evaluate(
      ([screenVideo, camera]) => [document.querySelector(screenVideo)!.getBoundingClientRect().width, document.querySelector(camera)!.getBoundingClientRect().width],
      [screen, tileVideo(graceIdentity)] as const,
    )
    expect(screenWidth).toBeGreaterThan(tileWidth * 2)
    await shoot(ada, 'demo-screen-share-desktop')
    await grace.click('#screen-share')
    await ada.waitForFunction((selector) => document.querySelector(selector) === null, screen)

    // Leaving empties the grid and shows the pre-join screen again, with its preview.
    await ada.click('#leave')
    await ada.waitForFunction(() => document.getElementById('state')?.textContent === 'disconnected')
    expect(await ada.isVisible('#prejoin')).toBe(true)
    expect(await ada.$$('.tile')).toHaveLength(0)
    await waitForPlayingVideo(ada, '#preview')
  })

  it("removes a participant from the moderator's tile button: that call ends saying so", async () => {
    const room = uniqueRoom('remove')
    const ada = await open(desktop, '?role=moderator')
    const grace = await open(desktop)
    await join(ada, 'Ada Lovelace', room)
    const graceIdentity = await join(grace, 'Grace Hopper', room)
    await ada.waitForSelector(`.tile[data-identity="${graceIdentity}"] button.kick`)

    // DELETE /calls/rooms/:room/participants/:identity, which the demo's authorize allows a moderator.
    await ada.click(`.tile[data-identity="${graceIdentity}"] button.kick`)
    await Promise.race([
      grace.waitForFunction(() => document.getElementById('state')?.textContent === 'disconnected'),
      ada.waitForSelector('#message:not([hidden])').then(async () => expect.fail(`the moderator's page says: ${await ada.textContent('#message')}`)),
    ])
    expect(await grace.textContent('#message')).toMatch(/moderator removed you/)
    expect(await grace.isVisible('#prejoin')).toBe(true)
    await ada.waitForFunction((identity) => document.querySelector(`.tile[data-identity="${identity}"]`) === null, graceIdentity)
  })

  it('explains a refused camera and microphone, and joins without them', async () => {
    const refuse = () => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
    }
    const page = await open(desktop, '', refuse)
    await page.waitForSelector('#message:not([hidden])')
    expect(await page.textContent('#message')).toMatch(/blocked/)
    expect(await page.getAttribute('#message', 'role')).toBe('alert')
    await join(page, 'Ada', uniqueRoom('refused'))
    expect(await page.getAttribute('#camera', 'aria-pressed')).toBe('false')
    expect(await page.getAttribute('#microphone', 'aria-pressed')).toBe('false')
  })

  it('says so when the server cannot be reached', async () => {
    const page = await open()
    await waitForPlayingVideo(page, '#preview')
    await page.route('**/calls/join', (route) => route.abort('connectionrefused'))
    await page.fill('#room', uniqueRoom('unreachable'))
    await page.click('#join')
    await page.waitForSelector('#message:not([hidden])')
    expect(await page.textContent('#message')).toMatch(/cannot be reached/)
    expect(await page.isVisible('#prejoin')).toBe(true)
    expect(await page.isEnabled('#join')).toBe(true)
  })
})
