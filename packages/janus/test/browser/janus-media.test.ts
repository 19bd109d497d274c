import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  addLoopbackMediaInterface,
  launchChromium,
  requireBrowserMedia,
  requireTool,
  startJanus,
  startPageServer,
  type JanusServer,
  type PageServer,
} from '@callport/test-environment'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VideoRoom } from './fixtures/videoroom-page'

// Issue 18: real media through a real SFU. Debian's Janus 1.1 VideoRoom carries the fake camera of
// three headless Chromium pages to each other (janus.js in the page, no Callport yet), all of it on
// 127.0.0.1 inside the private network the package's test script runs vitest in. Janus ignores
// loopback-flagged interfaces, so it gathers on a veth interface carrying 127.0.0.1/32 there
// (addLoopbackMediaInterface).
const media = requireBrowserMedia('janus VideoRoom browser test')
const janusTool = requireTool('janus', 'janus VideoRoom browser test')
const here = dirname(fileURLToPath(import.meta.url))

declare const videoroom: VideoRoom

describe.skipIf(!media.available || !janusTool.available)(
  'media between Chromium pages through Janus VideoRoom',
  { timeout: 120_000, meta: { skipReason: media.available ? janusTool.skipReason : media.skipReason } },
  () => {
    let janus: JanusServer
    let server: PageServer
    let browser: Browser
    const pages: Page[] = []

    beforeAll(async () => {
      const iceEnforceList = addLoopbackMediaInterface()
      ;[janus, server, browser] = await Promise.all([
        startJanus({ interface: '127.0.0.1', iceEnforceList }),
        startPageServer({ entry: join(here, 'fixtures', 'videoroom-page.ts') }),
        launchChromium({ args: ['--autoplay-policy=no-user-gesture-required'] }),
      ])
    }, 60_000)
    afterAll(async () => {
      await Promise.all(pages.map((page) => page.context().close()))
      await browser?.close()
      await server?.close()
      await janus?.stop()
    }, 30_000)

    /** A request to the Janus API over HTTP, as the server half will make them. */
    async function janusRequest(path: string, body: Record<string, unknown>) {
      const response = await fetch(`${janus.url}${path}`, { method: 'POST', body: JSON.stringify({ transaction: randomUUID(), ...body }) })
      return (await response.json()) as { janus: string; data?: { id: number }; plugindata?: { data: Record<string, unknown> } }
    }

    async function createRoom(room: number): Promise<void> {
      const session = await janusRequest('', { janus: 'create' })
      const handle = await janusRequest(`/${session.data!.id}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })
      const created = await janusRequest(`/${session.data!.id}/${handle.data!.id}`, {
        janus: 'message',
        body: { request: 'create', room, publishers: 6, bitrate: 256_000, audiolevel_event: false },
      })
      expect(created.plugindata?.data).toMatchObject({ videoroom: 'created', room })
      await janusRequest(`/${session.data!.id}`, { janus: 'destroy' })
    }

    /** A page that joins `room` as `display`, with the newest janus.js or the oldest of the peer range. */
    async function participant(room: number, display: string, janusJs: 'newest' | 'oldest' = 'newest'): Promise<Page> {
      const page = await (await browser.newContext()).newPage()
      pages.push(page)
      page.on('console', (message) => {
        if (message.type() === 'error') console.warn(`[${display}] ${message.text()}`)
      })
      await page.goto(server.url)
      await page.waitForFunction(() => 'videoroom' in window)
      await page.evaluate(
        ([url, where, who, version]) => videoroom.join(url!, Number(where), who!, version as 'newest' | 'oldest'),
        [janus.url, String(room), display, janusJs],
      )
      return page
    }

    /** Polls the page until every one of `displays` has presented at least `frames` video frames (or 20 s pass). */
    async function receivedFrom(page: Page, displays: string[], frames: number) {
      const deadline = Date.now() + 20_000
      for (;;) {
        const received = await page.evaluate(() => videoroom.received())
        const enough = displays.every((display) => (received.find((remote) => remote.display === display)?.frames ?? 0) >= frames)
        if (enough || Date.now() > deadline) return received
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }

    it('three pages in one room each receive the two others’ video, frames advancing; a page in another room receives nothing', async () => {
      const [room, otherRoom] = [1_000 + Math.floor(Math.random() * 1e6), 2_000_000 + Math.floor(Math.random() * 1e6)]
      await Promise.all([createRoom(room), createRoom(otherRoom)])
      const names = ['alice', 'bob', 'carol']
      const inRoom: Page[] = []
      // Carol's page runs janus.js 1.1.4 (janus-gateway-oldest), the others 1.4.2.
      for (const name of names) inRoom.push(await participant(room, name, name === 'carol' ? 'oldest' : 'newest'))
      const dave = await participant(otherRoom, 'dave')

      const firstFrames: number[] = []
      for (const [index, page] of inRoom.entries()) {
        const others = names.filter((_, other) => other !== index)
        const received = await receivedFrom(page, others, 30)
        expect(received.map((remote) => remote.display).sort(), names[index]).toEqual(others)
        for (const remote of received) {
          expect(remote.frames, `${names[index]} ← ${remote.display}`).toBeGreaterThanOrEqual(30)
          firstFrames.push(remote.firstFrameMs!)
        }
        expect(await page.evaluate(() => videoroom.errors())).toEqual([])
        // Media went over 127.0.0.1 both ways (Janus's candidates on the veth interface, Chromium's on lo).
        expect(await page.evaluate(() => videoroom.paths())).toEqual([
          { local: '127.0.0.1', remote: '127.0.0.1' },
          { local: '127.0.0.1', remote: '127.0.0.1' },
        ])
      }
      // Frames keep advancing: a second look, a second later, counts more of every stream.
      const before = await Promise.all(inRoom.map((page) => page.evaluate(() => videoroom.received())))
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const after = await Promise.all(inRoom.map((page) => page.evaluate(() => videoroom.received())))
      for (const [index, received] of after.entries())
        for (const remote of received) expect(remote.frames).toBeGreaterThan(before[index]!.find((earlier) => earlier.display === remote.display)!.frames + 5)

      expect(await dave.evaluate(() => videoroom.received())).toEqual([])
      console.info(`janus VideoRoom: first remote frame after the subscribe request, ms: ${firstFrames.sort((a, b) => a - b).join(', ')}`)
    })
  },
)
