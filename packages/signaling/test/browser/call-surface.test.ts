import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium, loggedEvents, requireBrowserMedia, type LoggedEvent } from '@callport/test-environment'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSignalingPage, type SignalingPage } from './fixtures/signaling-page'
import type { Surface } from './fixtures/call-surface-page'

// Issue 16 point 8: the built-in provider's call surface between real Chromium pages (fake camera,
// microphone with its periodic beep, and screen) on loopback: preview tracks handed to join, device
// switch, screen share with audio, remote mute, active speakers, connection quality, moderator mute
// and removal. The page (fixtures/call-surface-page.ts) is createSession + signaling() bundled from
// sources; the call server and the signaling server share one node:http server.
// Chromium, inside the private loopback-only network the package's test script runs vitest in (private-network).
const chromium = requireBrowserMedia('signaling call-surface browser tests')
const here = dirname(fileURLToPath(import.meta.url))

declare const surface: Surface

describe.skipIf(!chromium.available)('the call surface between Chromium pages', { timeout: 120_000, meta: { skipReason: chromium.skipReason } }, () => {
  let server: SignalingPage
  let url: string
  let browser: Browser
  const pages: Page[] = []
  let roomCounter = 0
  const uniqueRoom = (label: string) => `${label}-${Date.now().toString(36)}-${++roomCounter}`

  beforeAll(async () => {
    let launched: Browser
    ;[server, launched] = await Promise.all([
      startSignalingPage(join(here, 'fixtures', 'call-surface-page.ts')),
      launchChromium({ args: ['--autoplay-policy=no-user-gesture-required', '--auto-select-desktop-capture-source=Entire screen'] }),
    ])
    browser = launched
    url = server.url
  }, 60_000)
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()))
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  }, 30_000)

  async function participant(identity: string, room: string, options: { audio?: boolean; video?: boolean; preview?: boolean } = {}): Promise<Page> {
    const page = await (await browser.newContext()).newPage()
    pages.push(page)
    await page.goto(url)
    await page.waitForFunction(() => 'surface' in window)
    await page.evaluate((joining) => surface.join(joining), { room, identity, audio: options.audio ?? true, video: options.video ?? true, preview: options.preview ?? false })
    return page
  }
  const eventsOf = (page: Page): Promise<LoggedEvent[]> => page.evaluate(() => surface.events)
  /** Waits until `page` logged an event matching `match`, and returns it. */
  const waitForLogged = (page: Page, match: Partial<LoggedEvent>, timeout?: number) => loggedEvents(() => eventsOf(page)).waitForLogged(match, timeout)
  const frames = (page: Page, identity: string, source: string) => page.evaluate(([who, what]) => surface.frames(who!, what!), [identity, source])
  async function waitForFrames(page: Page, identity: string, source: string): Promise<number> {
    await page.waitForFunction(([who, what]) => surface.has(who!, what!), [identity, source], { timeout: 15_000 })
    return frames(page, identity, source)
  }

  it('preview tracks handed to join are published as they are: no second getUserMedia, and the other page sees them', async () => {
    const room = uniqueRoom('preview')
    const alice = await participant('alice', room, { preview: true })
    expect(await alice.evaluate(() => surface.counters.getUserMedia)).toBe(1)
    const previewIds = await alice.evaluate(() => surface.previewIds())
    expect((await alice.evaluate(() => surface.localTracks())).map((track) => track.id).sort()).toEqual([...previewIds].sort())
    const bob = await participant('bob', room)
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    expect(await alice.evaluate(() => surface.vendor())).toEqual({ connected: true, peers: ['bob'] })
  })

  it('switches the microphone to another device and the camera to a new capture (replaceTrack): frames keep coming, no renegotiation', async () => {
    const room = uniqueRoom('switch')
    const alice = await participant('alice', room)
    const bob = await participant('bob', room)
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    const offersBefore = await alice.evaluate(() => surface.offers())

    const microphones = await alice.evaluate(() => surface.devices('audioinput'))
    const microphone = microphones.find((deviceId) => deviceId !== 'default')!
    await alice.evaluate((deviceId) => surface.switchDevice('microphone', deviceId), microphone)
    expect(await waitForLogged(alice, { name: 'active-device-changed', kind: 'microphone', reason: 'switched' })).toMatchObject({ deviceId: microphone })
    expect((await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'microphone')?.deviceId).toBe(microphone)

    // Chromium offers one fake camera: switching to it captures again and replaces the sent track.
    const [camera] = await alice.evaluate(() => surface.devices('videoinput'))
    const before = (await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')!
    await alice.evaluate((deviceId) => surface.switchDevice('camera', deviceId), camera!)
    const after = (await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')!
    expect(after.id).not.toBe(before.id)
    expect(after.deviceId).toBe(camera)
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    // replaceTrack: the same senders, no new offer (the track on the other side is the same one).
    expect(await alice.evaluate(() => surface.offers())).toEqual(offersBefore)
    expect((await eventsOf(bob)).filter((event) => event.name === 'track-subscribed' && event.source === 'camera')).toHaveLength(1)
  })

  it('a screen share (with its audio) reaches the other page as screen and screen-audio tracks with frames; stopping it unsubscribes them', async () => {
    const room = uniqueRoom('screen')
    const alice = await participant('alice', room)
    const bob = await participant('bob', room)
    await waitForFrames(bob, 'alice', 'camera')
    await alice.evaluate(() => surface.screen(true, true))
    expect(await waitForFrames(bob, 'alice', 'screen')).toBeGreaterThan(3)
    await waitForLogged(bob, { name: 'track-subscribed', identity: 'alice', source: 'screen-audio' })
    expect((await alice.evaluate(() => surface.localTracks())).map((track) => track.source).sort()).toEqual(['camera', 'microphone', 'screen', 'screen-audio'])
    // The camera still plays beside it.
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    await alice.evaluate(() => surface.screen(false, false))
    await waitForLogged(bob, { name: 'track-unsubscribed', identity: 'alice', source: 'screen' })
    await waitForLogged(bob, { name: 'track-unsubscribed', identity: 'alice', source: 'screen-audio' })
  })

  it('a camera and microphone turned off are track-muted on the other page (not unsubscribed), and track-unmuted when on again', async () => {
    const room = uniqueRoom('mute')
    const alice = await participant('alice', room)
    const bob = await participant('bob', room)
    await waitForFrames(bob, 'alice', 'camera')
    await alice.evaluate(() => surface.camera(false))
    await waitForLogged(bob, { name: 'track-muted', identity: 'alice', source: 'camera' })
    await alice.evaluate(() => surface.microphone(false))
    await waitForLogged(bob, { name: 'track-muted', identity: 'alice', source: 'microphone' })
    await alice.evaluate(() => surface.camera(true))
    await waitForLogged(bob, { name: 'track-unmuted', identity: 'alice', source: 'camera' })
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    expect((await eventsOf(bob)).filter((event) => event.name === 'track-unsubscribed')).toEqual([])
  })

  it("active speakers come from the fake microphone's beep, and connection quality is reported for both sides", async () => {
    const room = uniqueRoom('speakers')
    await participant('alice', room, { video: false })
    const bob = await participant('bob', room, { video: false })
    // Both beep at once: alice may be listed beside bob.
    await loggedEvents(() => eventsOf(bob)).waitFor(
      (event) => event.name === 'active-speakers-changed' && (event.speakers ?? []).some((speaker) => speaker.identity === 'alice'),
      'active-speakers-changed with alice',
      20_000,
    )
    const remote = await waitForLogged(bob, { name: 'connection-quality-changed', identity: 'alice', local: false })
    expect(['excellent', 'good']).toContain(remote.quality)
    const local = await waitForLogged(bob, { name: 'connection-quality-changed', identity: 'bob', local: true })
    expect(['excellent', 'good']).toContain(local.quality)
  })

  it('a moderator mutes a microphone (muted-by-moderator, the other page sees it muted) and removes a participant (disconnected: removed)', async () => {
    const room = uniqueRoom('moderation')
    const alice = await participant('alice', room, { video: false })
    const bob = await participant('bob', room, { video: false })
    await waitForLogged(bob, { name: 'track-subscribed', identity: 'alice', source: 'microphone' })
    await server.calls.muteParticipant({ room, identity: 'alice', kind: 'audio' })
    await waitForLogged(alice, { name: 'muted-by-moderator', kind: 'audio' })
    await waitForLogged(bob, { name: 'track-muted', identity: 'alice', source: 'microphone' })
    await server.calls.removeParticipant({ room, identity: 'alice' })
    await waitForLogged(alice, { name: 'disconnected', reason: 'removed' })
    await waitForLogged(bob, { name: 'participant-left', identity: 'alice' })
  })
})
