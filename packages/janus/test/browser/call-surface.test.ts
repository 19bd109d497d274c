import { loggedEvents, type LoggedEvent } from '@callport/test-environment'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signJanusToken } from '../../src/server/signed-tokens'
import { joinJanusTokenValue, splitJanusTokenValue } from '../../src/shared/connect-parameters'
import type { Surface } from './fixtures/call-surface-page'
import { requireJanusBrowser, startJanusBrowser, type JanusBrowser } from './fixtures/janus-browser'

// Issue 18: the Janus client half's call surface between Chromium pages (createSession + janus(),
// bundled from sources) through Debian's Janus inside the private network, with tokens from the
// server half: preview tracks handed to join, a camera turned on after the join (renegotiation) and
// muted (stream description → track-muted elsewhere), a screen share with its audio as a second
// publisher, active speakers from VideoRoom's talking events (and measured on a subscriber-only page),
// connection quality, a moderator's mute, device switching, a core token expiring mid-call and a Janus
// that dies: the pages end as connection-lost and the session joins again with fresh tokens.
const needs = requireJanusBrowser('janus call-surface browser test')
const secret = 'janus-call-surface-test-token-secret'

declare const surface: Surface

describe.skipIf(!needs.available)('the Janus client call surface, between Chromium pages', { timeout: 120_000, meta: { skipReason: needs.skipReason } }, () => {
  let rig: JanusBrowser
  /** Tokens wait for it: a Janus being replaced (the reconnection test) answers once it resolves. */
  let ready: Promise<void> = Promise.resolve()
  let roomCounter = 0
  const uniqueRoom = (label: string) => `${label}-${Date.now().toString(36)}-${++roomCounter}`

  beforeAll(async () => {
    rig = await startJanusBrowser({
      entry: 'call-surface-page.ts',
      global: 'surface',
      tokenSecret: secret,
      chromiumArgs: ['--auto-select-desktop-capture-source=Entire screen'],
    })
  }, 60_000)
  afterEach(async () => {
    await rig?.closePages()
  })
  afterAll(async () => {
    await rig?.close()
  }, 30_000)

  interface Joining {
    audio?: boolean
    video?: boolean
    /** A tone as the microphone (a preview track), at this gain. */
    tone?: number
    /** A 320×240 preview camera handed to join. */
    previewCamera?: boolean
    role?: 'publisher' | 'subscriber'
    /** The first token's core token expires this many seconds after it is issued (the later ones are normal). */
    firstCoreTokenSeconds?: number
  }

  async function participant(identity: string, room: string, options: Joining = {}): Promise<Page> {
    // Refused requests with an expired core token, and those to a killed Janus, are expected.
    const page = await rig.open({ label: identity, expectedErrors: /status of 403|ERR_CONNECTION_(REFUSED|RESET)/ })
    let issued = 0
    await page.exposeFunction('issueToken', async (name: string) => {
      await ready
      const adapter = rig.adapter!
      const ensured = await adapter.ensureRoom({ name })
      const displayName = identity === 'alice' ? 'Alice Liddell' : undefined
      const token = await adapter.issueToken({
        room: ensured,
        participant: { identity, role: options.role ?? 'publisher', ...(displayName ? { name: displayName } : {}) },
        ttlSeconds: 600,
      })
      if (issued++ > 0 || options.firstCoreTokenSeconds === undefined) return token
      const expiry = Math.floor(Date.now() / 1000) + options.firstCoreTokenSeconds
      const core = await signJanusToken(secret, `${expiry},janus,janus.plugin.videoroom`)
      return { ...token, value: joinJanusTokenValue({ core, room: splitJanusTokenValue(token.value)!.room }) }
    })
    const { audio = true, video = true, tone, previewCamera } = options
    await page.evaluate((joining) => surface.join(joining), { room, audio, video, ...(tone === undefined ? {} : { tone }), ...(previewCamera ? { previewCamera } : {}) })
    return page
  }
  const eventsOf = (page: Page): Promise<LoggedEvent[]> => page.evaluate(() => surface.events)
  const log = (page: Page) => loggedEvents(() => eventsOf(page))
  /** Waits until `page` logged an event for which `test` holds, and returns it. */
  const waitForEvent = (page: Page, test: (event: LoggedEvent) => boolean, what: string, timeout?: number) => log(page).waitFor(test, what, timeout)
  /** Waits until `page` logged `count` events matching `match`. */
  const waitForCount = (page: Page, match: Partial<LoggedEvent>, count: number) => log(page).waitForCount(match, count)
  const waitForLogged = (page: Page, match: Partial<LoggedEvent>, timeout?: number) => log(page).waitForLogged(match, timeout)
  const frames = (page: Page, identity: string, source: string) => page.evaluate(([who, what]) => surface.frames(who!, what!), [identity, source])
  async function waitForFrames(page: Page, identity: string, source: string): Promise<number> {
    await page.waitForFunction(([who, what]) => surface.has(who!, what!), [identity, source], { timeout: 15_000 })
    return frames(page, identity, source)
  }
  const localSources = async (page: Page) => (await page.evaluate(() => surface.localTracks())).map((track) => track.source).sort()

  it('publishes the preview tracks handed to join, a camera turned on after the join (muted and unmuted on the other page), and a screen with its audio as a second publisher; a moderator mutes the camera, which is published again when turned on', async () => {
    const room = uniqueRoom('surface')
    const alice = await participant('alice', room, { tone: 0.2, previewCamera: true })
    const previewIds = await alice.evaluate(() => surface.previewIds())
    expect((await alice.evaluate(() => surface.localTracks())).map((track) => track.id).sort()).toEqual([...previewIds].sort())
    // bob joins with his microphone only, then turns his camera on: a renegotiation of his publisher
    // handle (VideoRoom configure), and alice subscribes to the stream added to his feed.
    const bob = await participant('bob', room, { video: false, tone: 0 })
    expect(await localSources(bob)).toEqual(['microphone'])
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    await waitForLogged(bob, { name: 'track-subscribed', identity: 'alice', source: 'microphone' })
    await waitForLogged(alice, { name: 'track-subscribed', identity: 'bob', source: 'microphone' })
    await bob.evaluate(() => surface.camera(true))
    await waitForLogged(bob, { name: 'local-track-published', source: 'camera' })
    expect(await localSources(bob)).toEqual(['camera', 'microphone'])
    expect(await waitForFrames(alice, 'bob', 'camera')).toBeGreaterThan(5)
    const subscribedOnAlice = (await eventsOf(alice)).filter((event) => event.name === 'track-subscribed' && event.identity === 'bob')
    expect(subscribedOnAlice.map((event) => event.source).sort()).toEqual(['camera', 'microphone'])
    // Turned off, the camera stays published (disabled), and nothing is unsubscribed on alice's page.
    // Its stream description tells alice: track-muted, then track-unmuted, of the same track.
    await bob.evaluate(() => surface.camera(false))
    expect((await bob.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')?.enabled).toBe(false)
    await waitForLogged(alice, { name: 'track-muted', identity: 'bob', source: 'camera' })
    await bob.evaluate(() => surface.camera(true))
    expect((await bob.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')?.enabled).toBe(true)
    await waitForLogged(alice, { name: 'track-unmuted', identity: 'bob', source: 'camera' })
    expect((await eventsOf(alice)).filter((event) => event.name === 'track-unsubscribed')).toEqual([])

    await alice.evaluate(() => surface.screen(true, true))
    expect(await localSources(alice)).toEqual(['camera', 'microphone', 'screen', 'screen-audio'])
    expect(await waitForFrames(bob, 'alice', 'screen')).toBeGreaterThan(3)
    await waitForLogged(bob, { name: 'track-subscribed', identity: 'alice', source: 'screen-audio' })
    // The second publisher is the same participant: announced once, listed once, the camera still plays.
    expect((await eventsOf(bob)).filter((event) => event.name === 'participant-joined' && event.identity === 'alice').length).toBeLessThanOrEqual(1)
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    // The browser's own "Stop sharing" (the screen track ends) stops the share as setScreenShareEnabled(false) does.
    await alice.evaluate(() => surface.endTrack('screen'))
    await waitForLogged(bob, { name: 'track-unsubscribed', identity: 'alice', source: 'screen' })
    await waitForLogged(bob, { name: 'track-unsubscribed', identity: 'alice', source: 'screen-audio' })
    await waitForLogged(alice, { name: 'local-track-unpublished', source: 'screen' })
    expect(await localSources(alice)).toEqual(['camera', 'microphone'])
    expect((await eventsOf(bob)).filter((event) => event.name === 'participant-left')).toEqual([])

    await rig.adapter!.muteParticipant({ room: await rig.adapter!.ensureRoom({ name: room }), identity: 'alice', kind: 'video' })
    await waitForLogged(alice, { name: 'muted-by-moderator', kind: 'video' })
    // Janus tells the room's publishers of the moderation too: bob's page shows alice's camera muted.
    await waitForLogged(bob, { name: 'track-muted', identity: 'alice', source: 'camera' })
    expect((await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')?.enabled).toBe(false)
    expect((await eventsOf(alice)).filter((event) => event.name === 'muted-by-moderator')).toHaveLength(1)
    // VideoRoom keeps a moderated stream muted: turned on again, the camera is published as a new stream that bob receives.
    await alice.evaluate(() => surface.camera(true))
    expect((await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')?.enabled).toBe(true)
    await waitForCount(bob, { name: 'track-subscribed', identity: 'alice', source: 'camera' }, 2)
    await waitForLogged(bob, { name: 'track-unsubscribed', identity: 'alice', source: 'camera' })
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
  })

  it('lists who talks from VideoRoom talking events (the local participant too), and a subscriber-only page measures it; quality is reported for both sides; a moderator mutes a microphone', async () => {
    const room = uniqueRoom('speakers')
    const alice = await participant('alice', room, { video: false, tone: 0.5 })
    const bob = await participant('bob', room, { video: false, tone: 0 })
    const dave = await participant('dave', room, { video: false, audio: false, role: 'subscriber' })
    const talking = (event: LoggedEvent) => event.name === 'active-speakers-changed' && (event.speakers ?? []).some((speaker) => speaker.identity === 'alice')
    const heard = await waitForEvent(bob, talking, 'alice speaking on bob', 20_000)
    expect(heard.speakers!.find((speaker) => speaker.identity === 'alice')!.level).toBeGreaterThan(0.5)
    expect(heard.speakers!.map((speaker) => speaker.identity)).not.toContain('bob')
    await waitForEvent(alice, talking, 'alice speaking on her own page', 20_000)
    await waitForEvent(dave, talking, 'alice speaking on the subscriber page', 20_000)

    await alice.evaluate(() => surface.setTone(0))
    const silent = (event: LoggedEvent) => event.name === 'active-speakers-changed' && !(event.speakers ?? []).some((speaker) => speaker.identity === 'alice')
    const after = async (page: Page) => {
      const events = await eventsOf(page)
      return events.slice(events.findIndex(talking))
    }
    await waitForEvent(bob, (event) => silent(event), 'alice silent on bob', 20_000)
    expect((await after(bob)).some(silent)).toBe(true)

    const remote = await waitForLogged(bob, { name: 'connection-quality-changed', identity: 'alice', local: false })
    expect(['excellent', 'good']).toContain(remote.quality)
    const local = await waitForLogged(bob, { name: 'connection-quality-changed', identity: 'bob', local: true })
    expect(['excellent', 'good']).toContain(local.quality)
    await waitForLogged(dave, { name: 'connection-quality-changed', identity: 'alice', local: false })

    // VideoRoom tells a subscriber-only page nothing: it learns of a camera turned on later, and of
    // its mute, from the streams bob's page lists in its display (listparticipants).
    await bob.evaluate(() => surface.camera(true))
    expect(await waitForFrames(dave, 'bob', 'camera')).toBeGreaterThan(5)
    await bob.evaluate(() => surface.camera(false))
    await waitForLogged(dave, { name: 'track-muted', identity: 'bob', source: 'camera' })
    await waitForLogged(alice, { name: 'track-muted', identity: 'bob', source: 'camera' })
    expect((await eventsOf(dave)).filter((event) => event.name === 'track-subscribed' && event.identity === 'bob' && event.source === 'camera')).toHaveLength(1)

    await rig.adapter!.muteParticipant({ room: await rig.adapter!.ensureRoom({ name: room }), identity: 'bob', kind: 'audio' })
    await waitForLogged(bob, { name: 'muted-by-moderator', kind: 'audio' })
    expect((await bob.evaluate(() => surface.localTracks())).find((track) => track.source === 'microphone')?.enabled).toBe(false)
    expect((await eventsOf(alice)).filter((event) => event.name === 'muted-by-moderator')).toEqual([])
  })

  it('switches the microphone to another device and the camera to a new capture (replaceTracks): the other page keeps the same tracks, frames keep coming; an unknown device is DEVICE_NOT_FOUND; an unplugged microphone falls back to the default', async () => {
    const room = uniqueRoom('switch')
    const alice = await participant('alice', room)
    const bob = await participant('bob', room, { video: false, tone: 0 })
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    const before = await alice.evaluate(() => surface.localTracks())

    const microphones = await alice.evaluate(() => surface.devices('audioinput'))
    const currentMicrophone = before.find((track) => track.source === 'microphone')!.deviceId
    const microphone = microphones.find((deviceId) => deviceId !== 'default' && deviceId !== currentMicrophone)!
    expect(await alice.evaluate((deviceId) => surface.switchDevice('microphone', deviceId), microphone)).toBeUndefined()
    expect(await waitForLogged(alice, { name: 'active-device-changed', kind: 'microphone', reason: 'switched' })).toMatchObject({ deviceId: microphone })
    expect((await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'microphone')?.deviceId).toBe(microphone)

    // Chromium offers one fake camera: switching to it captures again and replaces the sent track.
    const [camera] = await alice.evaluate(() => surface.devices('videoinput'))
    expect(await alice.evaluate((deviceId) => surface.switchDevice('camera', deviceId), camera!)).toBeUndefined()
    const after = (await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'camera')!
    expect(after.id).not.toBe(before.find((track) => track.source === 'camera')!.id)
    expect(after.deviceId).toBe(camera)
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    const subscribed = (await eventsOf(bob)).filter((event) => event.name === 'track-subscribed' && event.identity === 'alice')
    expect(subscribed.map((event) => event.source).sort()).toEqual(['camera', 'microphone'])
    expect((await eventsOf(bob)).filter((event) => event.name === 'track-unsubscribed')).toEqual([])

    expect(await alice.evaluate(() => surface.switchDevice('camera', 'no-such-camera'))).toBe('DEVICE_NOT_FOUND')

    // The chosen microphone goes away (its track ends): the default device takes over, still sent to bob.
    const chosen = (await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'microphone')!
    await alice.evaluate(() => surface.endTrack('microphone'))
    expect(await waitForLogged(alice, { name: 'active-device-changed', kind: 'microphone', reason: 'unplugged' })).toMatchObject({ deviceId: 'default' })
    const fallback = (await alice.evaluate(() => surface.localTracks())).find((track) => track.source === 'microphone')!
    expect(fallback.id).not.toBe(chosen.id)
    expect(fallback.readyState).toBe('live')
    expect((await eventsOf(bob)).filter((event) => event.name === 'track-unsubscribed')).toEqual([])
  })

  it("a core token that expires mid-call (Janus refuses the session's requests) ends the call as connection-lost; the session joins again with a fresh token", async () => {
    const room = uniqueRoom('expiry')
    const bob = await participant('bob', room, { video: false, tone: 0 })
    // alice's first core token lives 4 s: Janus refuses her long poll once it expired (janus.js: "Lost connection").
    const expiresAt = Date.now() + 4_000
    const alice = await participant('alice', room, { tone: 0, previewCamera: true, firstCoreTokenSeconds: 4 })
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    // Janus holds a long poll up to 30 s: once the token expired, bob turning his microphone off (a
    // VideoRoom event for alice) ends her pending poll, and her next one is refused.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 1_500 - Date.now())))
    await bob.evaluate(() => surface.microphone(false))
    await waitForLogged(alice, { name: 'reconnecting', reason: 'connection-lost' }, 45_000)
    await waitForLogged(alice, { name: 'reconnected' }, 30_000)
    await waitForCount(bob, { name: 'track-subscribed', identity: 'alice', source: 'camera' }, 2)
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
  })

  it('a Janus that dies ends the calls as connection-lost; the sessions join the Janus that replaces it with fresh tokens and media flows again', async () => {
    const room = uniqueRoom('reconnect')
    const alice = await participant('alice', room, { tone: 0, previewCamera: true })
    // bob sends no media: his publisher handle still has its link to Janus (a data channel), so he is
    // a participant for alice, and his own connection quality is measured.
    const bob = await participant('bob', room, { audio: false, video: false })
    expect(await waitForFrames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    await waitForLogged(alice, { name: 'participant-joined', identity: 'bob' })
    await waitForLogged(bob, { name: 'connection-quality-changed', identity: 'bob', local: true })
    // The name the server half put in the token is the participant's name on the others' pages.
    expect((await eventsOf(bob)).find((event) => event.name === 'track-subscribed' && event.identity === 'alice')?.participantName).toBe('Alice Liddell')

    let replaced!: () => void
    ready = new Promise((resolve) => (replaced = resolve))
    await rig.janus.kill()
    await rig.janus.stop()
    for (const page of [alice, bob]) await waitForLogged(page, { name: 'reconnecting', reason: 'connection-lost' })
    await rig.replaceJanus()
    replaced()

    for (const page of [alice, bob]) await waitForLogged(page, { name: 'reconnected' }, 30_000)
    expect(await bob.evaluate(() => surface.state())).toBe('connected')
    await waitForCount(bob, { name: 'track-subscribed', identity: 'alice', source: 'camera' }, 2)
    expect(await frames(bob, 'alice', 'camera')).toBeGreaterThan(5)
    expect(await alice.evaluate(() => surface.peerConnections())).toMatchObject({ publisher: expect.stringMatching(/connected|completed/) })
  })
})
