import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { requireJanusBrowser, startJanusBrowser, type JanusBrowser } from './fixtures/janus-browser'
import type { VideoRoom } from './fixtures/videoroom-page'

// Issue 18: real media through a real SFU. Debian's Janus 1.1 VideoRoom carries the fake camera of
// three headless Chromium pages to each other (janus.js in the page, no Callport yet), all of it on
// 127.0.0.1 inside the private network the package's test script runs vitest in. Janus ignores
// loopback-flagged interfaces, so it gathers on a veth interface carrying 127.0.0.1/32 there
// (addLoopbackMediaInterface).
const needs = requireJanusBrowser('janus VideoRoom browser test')

declare const videoroom: VideoRoom

describe.skipIf(!needs.available)('media between Chromium pages through Janus VideoRoom', { timeout: 120_000, meta: { skipReason: needs.skipReason } }, () => {
  let rig: JanusBrowser

  beforeAll(async () => {
    rig = await startJanusBrowser({ entry: 'videoroom-page.ts', global: 'videoroom' })
  }, 60_000)
  afterAll(async () => {
    await rig?.close()
  }, 30_000)

  /** A request to the Janus API over HTTP, as the server half will make them. */
  async function janusRequest(path: string, body: Record<string, unknown>) {
    const response = await fetch(`${rig.janus.url}${path}`, { method: 'POST', body: JSON.stringify({ transaction: randomUUID(), ...body }) })
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
    const page = await rig.open({ label: display })
    await page.evaluate(
      ([url, where, who, version]) => videoroom.join(url!, Number(where), who!, version as 'newest' | 'oldest'),
      [rig.janus.url, String(room), display, janusJs],
    )
    return page
  }

  /** Waits until `page` presented at least `frames` video frames of every one of `displays`; answers what it received. */
  async function receivedFrom(page: Page, displays: string[], frames: number) {
    return vi.waitFor(
      async () => {
        const received = await page.evaluate(() => videoroom.received())
        for (const display of displays) expect(received.find((remote) => remote.display === display)?.frames ?? 0, display).toBeGreaterThanOrEqual(frames)
        return received
      },
      { timeout: 30_000, interval: 200 },
    )
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
    // Frames keep advancing: every stream presents more than five further frames.
    const before = await Promise.all(inRoom.map((page) => page.evaluate(() => videoroom.received())))
    await vi.waitFor(
      async () => {
        const after = await Promise.all(inRoom.map((page) => page.evaluate(() => videoroom.received())))
        for (const [index, received] of after.entries())
          for (const remote of received) expect(remote.frames).toBeGreaterThan(before[index]!.find((earlier) => earlier.display === remote.display)!.frames + 5)
      },
      { timeout: 30_000, interval: 200 },
    )

    expect(await dave.evaluate(() => videoroom.received())).toEqual([])
    console.info(`janus VideoRoom: first remote frame after the subscribe request, ms: ${firstFrames.sort((a, b) => a - b).join(', ')}`)
  })
})
