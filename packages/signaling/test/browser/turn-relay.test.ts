import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium, requireBrowserMedia, requireTool, startCoturn, type CoturnServer } from '@callport/test-environment'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSignalingPage, type SignalingPage } from './fixtures/signaling-page'
import type { Relay } from './fixtures/relay-page'

// Issue 18 point 1: calls across networks need TURN. Two Chromium pages that may only use relayed
// candidates (iceTransportPolicy 'relay') call each other through Debian's coturn, with the
// credentials the server half put in their tokens (signaling({ turn })). All of it on loopback, inside
// the private network the package's test script runs vitest in.
const chromium = requireBrowserMedia('signaling TURN relay browser test')
const coturnTool = requireTool('turnserver', 'signaling TURN relay browser test')
const here = dirname(fileURLToPath(import.meta.url))
const turnSecret = 'coturn-static-auth-secret-for-the-browser-test'

declare const relay: Relay

describe.skipIf(!chromium.available || !coturnTool.available)(
  'media between Chromium pages through TURN only',
  { timeout: 120_000, meta: { skipReason: chromium.available ? coturnTool.skipReason : chromium.skipReason } },
  () => {
    let coturn: CoturnServer
    let server: SignalingPage
    let browser: Browser
    const pages: Page[] = []

    beforeAll(async () => {
      coturn = await startCoturn({ secret: turnSecret })
      ;[server, browser] = await Promise.all([
        startSignalingPage(join(here, 'fixtures', 'relay-page.ts'), { turn: { urls: coturn.urls, secret: turnSecret } }),
        launchChromium({ args: ['--autoplay-policy=no-user-gesture-required'] }),
      ])
    }, 60_000)
    afterAll(async () => {
      await Promise.all(pages.map((page) => page.context().close()))
      await browser?.close()
      await server?.close()
      await coturn?.stop()
    }, 30_000)

    async function participant(identity: string, room: string): Promise<Page> {
      const page = await (await browser.newContext()).newPage()
      pages.push(page)
      await page.goto(server.url)
      await page.waitForFunction(() => 'relay' in window)
      await page.evaluate(([where, who]) => relay.join(where!, who!), [room, identity])
      return page
    }

    it('relay-only pages see each other, over a candidate pair relayed by coturn with the credentials from their tokens', async () => {
      const room = `relay-${Date.now().toString(36)}`
      const alice = await participant('alice', room)
      const bob = await participant('bob', room)
      expect(await alice.evaluate(() => relay.frames('bob'))).toBeGreaterThanOrEqual(10)
      expect(await bob.evaluate(() => relay.frames('alice'))).toBeGreaterThanOrEqual(10)
      for (const [page, other, identity] of [
        [alice, 'bob', 'alice'],
        [bob, 'alice', 'bob'],
      ] as const) {
        const [path] = await page.evaluate(() => relay.paths())
        expect(path).toMatchObject({ identity: other, local: 'relay', remote: 'relay' })
        expect(path!.iceServers).toEqual([{ urls: coturn.urls, username: expect.stringMatching(new RegExp(`^\\d+:${identity}$`)) }])
      }
    })
  },
)
