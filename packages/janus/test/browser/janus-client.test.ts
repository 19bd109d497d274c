import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Client } from './fixtures/client-page'
import { requireJanusBrowser, startJanusBrowser, type JanusBrowser } from './fixtures/janus-browser'

// Issue 18: the Janus client half (work in progress) on the contract, with real media. Pages run a
// Callport session (createSession) on janus({ sdk }), with tokens the server half issues (signed core
// and room tokens, rooms with signed_tokens), through Debian's Janus inside the private network.
const needs = requireJanusBrowser('janus client browser test')
const secret = 'janus-client-browser-test-token-secret'

declare const client: Client

describe.skipIf(!needs.available)('the Janus client half, between Chromium pages', { timeout: 120_000, meta: { skipReason: needs.skipReason } }, () => {
  let rig: JanusBrowser

  beforeAll(async () => {
    rig = await startJanusBrowser({ entry: 'client-page.ts', global: 'client', tokenSecret: secret })
  }, 60_000)
  afterAll(async () => {
    await rig?.close()
  }, 30_000)

  async function participant(room: string, identity: string, role: 'publisher' | 'subscriber' = 'publisher'): Promise<Page> {
    const page = await rig.open({ label: identity })
    const adapter = rig.adapter!
    await page.exposeFunction('issueToken', async (name: string) => {
      const ensured = await adapter.ensureRoom({ name })
      return adapter.issueToken({ room: ensured, participant: { identity, role }, ttlSeconds: 600 })
    })
    await page.evaluate((name) => client.join(name), room)
    return page
  }

  /** Waits until `page` presented at least `wanted` video frames of each of `identities`; answers the counts. */
  async function framesFrom(page: Page, identities: string[], wanted: number): Promise<Record<string, number>> {
    return vi.waitFor(
      async () => {
        const frames = await page.evaluate(() => client.frames())
        for (const identity of identities) expect(frames[identity] ?? 0, identity).toBeGreaterThanOrEqual(wanted)
        return frames
      },
      { timeout: 30_000, interval: 200 },
    )
  }

  it('three sessions see each other as participants with camera video, frames advancing; a subscriber sees them and is not seen; one leaving is announced to the others; one removed by the server is disconnected as removed', async () => {
    const room = `janus-client-${Date.now().toString(36)}`
    const names = ['alice', 'bob', 'carol']
    const pagesInRoom: Page[] = []
    for (const name of names) pagesInRoom.push(await participant(room, name))
    // A subscriber token may not publish: dave receives everyone, publishes nothing and is nobody's participant.
    const dave = await participant(room, 'dave', 'subscriber')
    const daveFrames = await framesFrom(dave, names, 30)
    for (const name of names) expect(daveFrames[name], `dave ← ${name}`).toBeGreaterThanOrEqual(30)
    expect(await dave.evaluate(() => client.participants())).toEqual(names)
    for (const [index, page] of pagesInRoom.entries()) {
      const others = names.filter((_, other) => other !== index)
      const frames = await framesFrom(page, others, 30)
      for (const other of others) expect(frames[other], `${names[index]} ← ${other}`).toBeGreaterThanOrEqual(30)
      expect(await page.evaluate(() => client.participants())).toEqual(others)
      expect(await page.evaluate(() => client.frames())).not.toHaveProperty('dave')
      const events = await page.evaluate(() => client.events())
      for (const other of others) {
        expect(events).toContain(`subscribed ${other} camera`)
        expect(events).toContain(`subscribed ${other} microphone`)
      }
    }
    // Everyone is announced: those who came later, and (by the session) those there at the join.
    for (const [index, page] of pagesInRoom.entries())
      expect(await page.evaluate(() => client.events())).toEqual(expect.arrayContaining(names.filter((_, other) => other !== index).map((other) => `joined ${other}`)))

    await pagesInRoom[2]!.evaluate(() => client.leave())
    for (const page of [...pagesInRoom.slice(0, 2), dave]) {
      await page.waitForFunction(() => client.events().includes('left carol'), undefined, { timeout: 10_000 })
      const events = await page.evaluate(() => client.events())
      expect(events.indexOf('unsubscribed carol camera')).toBeLessThan(events.indexOf('left carol'))
      expect(await page.evaluate(() => client.participants())).not.toContain('carol')
    }

    // Removed by the server half (VideoRoom kick): bob's session ends as removed, alice hears bob leave.
    await rig.adapter!.removeParticipant({ room: await rig.adapter!.ensureRoom({ name: room }), identity: 'bob' })
    await pagesInRoom[1]!.waitForFunction(() => client.events().includes('disconnected removed'), undefined, { timeout: 10_000 })
    await pagesInRoom[0]!.waitForFunction(() => client.events().includes('left bob'), undefined, { timeout: 10_000 })
  })
})
