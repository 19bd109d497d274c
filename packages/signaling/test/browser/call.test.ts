import { launchChromium, requireBrowserMedia } from '@callport/test-environment'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer, type DemoServer } from '../../../../apps/demo/src/index'
import { iceRestarts, identityOf, joinRoom, listedParticipants, loggedEvents, measureRemoteMedia, openDemo } from './demo-page'

// Calls between real Chromium pages (fake camera and microphone) through the demo: its server
// (createCallServer + the signaling server on one node:http server) and its page (createSession +
// the signaling client adapter), served from http://127.0.0.1 — a secure context.
// Chromium, inside the private loopback-only network the package's test script runs vitest in (private-network).
const chromium = requireBrowserMedia('signaling browser tests')

describe.skipIf(!chromium.available)('calls between Chromium pages through the demo', { timeout: 120_000, meta: { skipReason: chromium.skipReason } }, () => {
  let demo: DemoServer
  let browser: Browser
  const pages: Page[] = []
  let roomCounter = 0
  const uniqueRoom = (label: string) => `${label}-${Date.now().toString(36)}-${++roomCounter}`

  beforeAll(async () => {
    ;[demo, browser] = await Promise.all([
      startDemoServer({ port: 0, environment: { CALLPORT_SIGNALING_SECRET: 'browser-test-secret-0123456789-abcdefghijklmn' } }),
      launchChromium({ args: ['--autoplay-policy=no-user-gesture-required'] }),
    ])
    // The demo bundles its page with esbuild and Chromium starts beside the other packages' tests: seconds on a busy machine.
  }, 60_000)
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()))
  })
  afterAll(async () => {
    await Promise.all([browser?.close(), demo?.close()])
  }, 30_000)

  async function participant(name: string, room: string): Promise<Page> {
    const page = await openDemo(browser, demo.url)
    pages.push(page)
    await joinRoom(page, name, room)
    return page
  }

  it('two pages in one room see and hear each other; a page in another room sees nobody', async () => {
    const room = uniqueRoom('standup')
    const alice = await participant('Alice', room)
    const bob = await participant('Bob', room)
    const carol = await participant('Carol', uniqueRoom('elsewhere'))
    const [aliceIdentity, bobIdentity] = await Promise.all([identityOf(alice), identityOf(bob)])

    const [bobSeenByAlice, aliceSeenByBob] = await Promise.all([measureRemoteMedia(alice, bobIdentity), measureRemoteMedia(bob, aliceIdentity)])
    for (const media of [bobSeenByAlice, aliceSeenByBob]) {
      expect(media.videoWidth).toBeGreaterThan(0)
      expect(media.frames).toBeGreaterThan(5)
      expect(media.audioPackets).toBeGreaterThan(20)
    }
    expect(await listedParticipants(alice)).toEqual([bobIdentity])
    expect(await listedParticipants(bob)).toEqual([aliceIdentity])
    expect(await listedParticipants(carol)).toEqual([])
    expect(await carol.$$('.tile[data-remote]')).toHaveLength(0)
    expect(await loggedEvents(carol)).not.toContain('participant-joined')
  })

  it('a page that leaves is seen as participant-left at once', async () => {
    const room = uniqueRoom('leave')
    const alice = await participant('Alice', room)
    const bob = await participant('Bob', room)
    const bobIdentity = await identityOf(bob)
    await measureRemoteMedia(alice, bobIdentity, { frames: 1, audioPackets: 0 })
    const leftAt = Date.now()
    await bob.click('#leave')
    await alice.waitForFunction(() => document.querySelector('#log li[data-event="participant-left"]') !== null, undefined, { timeout: 5000 })
    // Well inside the grace period that keeps a member whose socket merely dropped.
    expect(Date.now() - leftAt).toBeLessThan(5000)
    expect(await listedParticipants(alice)).toEqual([])
    expect(await alice.$$(`.tile[data-identity="${bobIdentity}"]`)).toHaveLength(0)
  })

  it('a camera enabled mid-call is negotiated and seen; turned off, it is muted (not unsubscribed)', async () => {
    const room = uniqueRoom('camera')
    const alice = await openDemo(browser, demo.url)
    pages.push(alice)
    await alice.click('#camera') // off before joining: Alice joins with the microphone only
    await joinRoom(alice, 'Alice', room)
    const bob = await participant('Bob', room)
    const [aliceIdentity, bobIdentity] = await Promise.all([identityOf(alice), identityOf(bob)])
    await measureRemoteMedia(alice, bobIdentity, { frames: 1, audioPackets: 0 })
    await bob.waitForSelector(`.tile[data-identity="${aliceIdentity}"] audio`, { state: 'attached' })
    expect(await bob.$$eval(`.tile[data-identity="${aliceIdentity}"]`, (tiles) => tiles.map((tile) => tile.className))).toEqual(['tile no-video'])

    await alice.click('#camera')
    const aliceSeenByBob = await measureRemoteMedia(bob, aliceIdentity)
    expect(aliceSeenByBob.frames).toBeGreaterThan(5)

    await alice.click('#camera')
    await bob.waitForFunction(() => document.querySelector('#log li[data-event="track-muted"]') !== null)
    expect(await bob.$eval(`.tile[data-identity="${aliceIdentity}"]`, (tile) => tile.classList.contains('no-video'))).toBe(true)
    expect(await loggedEvents(bob)).not.toContain('track-unsubscribed')
  })

  it('a dropped signaling socket reconnects and media keeps flowing on the same peer connection, with no ICE restart', async () => {
    const room = uniqueRoom('drop')
    const alice = await participant('Alice', room)
    const bob = await participant('Bob', room)
    const [aliceIdentity, bobIdentity] = await Promise.all([identityOf(alice), identityOf(bob)])
    await Promise.all([measureRemoteMedia(alice, bobIdentity, { frames: 1, audioPackets: 0 }), measureRemoteMedia(bob, aliceIdentity, { frames: 1, audioPackets: 0 })])

    // Close Alice's socket.io connection under her (no kick): her page sees a dropped transport.
    const sockets = [...demo.signalingServer!.io.sockets.sockets.values()].filter((socket) => socket.handshake.query.username === aliceIdentity)
    expect(sockets).toHaveLength(1)
    sockets[0]!.conn.close()

    await alice.waitForFunction(() => document.querySelector('#log li[data-event="reconnected"]') !== null, undefined, { timeout: 20_000 })
    const events = await loggedEvents(alice)
    expect(events.indexOf('reconnecting')).toBeGreaterThan(-1)
    expect(events.indexOf('reconnecting')).toBeLessThan(events.indexOf('reconnected'))
    // The peer connection worked throughout: nothing to renegotiate, not even ICE.
    expect(await iceRestarts(alice)).toBe(0)
    // Nobody left, from either side.
    expect(events).not.toContain('participant-left')
    expect(await loggedEvents(bob)).not.toContain('participant-left')
    expect(await listedParticipants(bob)).toEqual([aliceIdentity])

    const [bobSeenByAlice, aliceSeenByBob] = await Promise.all([measureRemoteMedia(alice, bobIdentity), measureRemoteMedia(bob, aliceIdentity)])
    for (const media of [bobSeenByAlice, aliceSeenByBob]) {
      expect(media.frames).toBeGreaterThan(5)
      expect(media.audioPackets).toBeGreaterThan(20)
    }
  })
})
