import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { setAudioOutput } from '@callport/core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
// The workspace's test tools, by path: the client package needs no new dependency for them.
import { launchChromium } from '../../../../tools/test-environment/src/chromium'
import { bundleClientEntryWithoutPeers } from '../../../../tools/test-environment/src/client-bundle'
import { requireTool } from '../../../../tools/test-environment/src/tools'
import type { createLocalTracks, listDevices } from '../../src/index'

type Browser = Awaited<ReturnType<typeof launchChromium>>
type BrowserContext = Awaited<ReturnType<Browser['newContext']>>
type Page = Awaited<ReturnType<BrowserContext['newPage']>>

// Real Chromium with its fake camera and microphone (--use-fake-device-for-media-stream, prompts
// accepted): what the browser really throws maps to the typed codes, and the permission step of
// listDevices gets the labels. The page is served from http://127.0.0.1, a secure context.
const chromium = requireTool('chromium', 'client device tests in Chromium')

interface Outcome {
  code?: string
  causeName?: string
  tracks?: { kind: string; source: string; deviceId: string | undefined; readyState: string }[]
  devices?: { kind: string; deviceId: string; label: string }[]
}

/** What test/fixtures/media-page.ts puts on the page's window. */
declare const callport: { createLocalTracks: typeof createLocalTracks; listDevices: typeof listDevices; setAudioOutput: typeof setAudioOutput }

describe.skipIf(!chromium.available)('devices in Chromium', { timeout: 60_000, meta: { skipReason: chromium.skipReason } }, () => {
  let server: Server
  let url: string
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    const bundle = await bundleClientEntryWithoutPeers(new URL('../..', import.meta.url), { entry: 'test/fixtures/media-page.ts' })
    server = createServer((request, response) => {
      if (request.url === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.code)
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    browser = await launchChromium()
  }, 60_000)
  afterEach(async () => {
    await context?.close()
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server?.close(resolve))
  }, 30_000)

  async function open(): Promise<Page> {
    context = await browser.newContext()
    page = await context.newPage()
    await page.goto(url)
    await page.waitForFunction(() => 'callport' in globalThis)
    return page
  }

  /** Calls `callport[name](...args)` in the page and reports its tracks, devices or CallportError code. */
  const run = (name: keyof typeof callport, ...args: unknown[]): Promise<Outcome> =>
    page.evaluate(
      async ([method, parameters]) => {
        try {
          const value: unknown = await (callport[method] as (...values: unknown[]) => Promise<unknown>)(...parameters)
          if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && item !== null && 'stop' in item)) {
            const tracks = value as { kind: string; source: string; deviceId: string | undefined; mediaStreamTrack: MediaStreamTrack; stop(): void }[]
            tracks.forEach((track) => track.stop())
            return { tracks: tracks.map(({ kind, source, deviceId, mediaStreamTrack }) => ({ kind, source, deviceId, readyState: mediaStreamTrack.readyState })) }
          }
          return { devices: value as Outcome['devices'] }
        } catch (error) {
          const failure = error as { code?: string; cause?: { name?: string } }
          return { code: failure.code ?? String(error), causeName: failure.cause?.name }
        }
      },
      [name, args] as const,
    )

  it('createLocalTracks opens the fake camera and microphone, with their source and device, and stops them', async () => {
    await open()
    const { tracks } = await run('createLocalTracks')
    expect(tracks?.map(({ kind, source }) => [kind, source]).sort()).toEqual([
      ['audio', 'microphone'],
      ['video', 'camera'],
    ])
    expect(tracks?.every((track) => typeof track.deviceId === 'string' && track.deviceId !== '' && track.readyState === 'ended')).toBe(true)
  })

  it('listDevices lists the fake cameras, microphones and speakers; with labels shown it opens no device', async () => {
    await open()
    // Chromium's --use-fake-ui-for-media-stream shows labels without a grant, so the permission step has nothing to do
    // (the step itself is unit-tested with fakes in test/standalone.test.ts).
    await page.evaluate(() => {
      const devices = navigator.mediaDevices
      const original = devices.getUserMedia.bind(devices)
      Object.assign(globalThis, { opened: 0 })
      devices.getUserMedia = (constraints) => ((globalThis as unknown as { opened: number }).opened++, original(constraints))
    })
    const listed = await run('listDevices')
    expect(new Set(listed.devices?.map((device) => device.kind))).toEqual(new Set(['camera', 'microphone', 'speaker']))
    expect(listed.devices?.every((device) => device.label !== '')).toBe(true)
    expect(await page.evaluate(() => (globalThis as unknown as { opened: number }).opened)).toBe(0)
  })

  it("maps Chromium's own failures: an unknown camera is DEVICE_NOT_FOUND, an impossible size CONSTRAINTS_NOT_SATISFIABLE", async () => {
    await open()
    expect(await run('createLocalTracks', { audio: false, video: { deviceId: 'no-such-camera' } })).toEqual({
      code: 'DEVICE_NOT_FOUND',
      causeName: 'OverconstrainedError',
    })
    expect(await run('createLocalTracks', { audio: false, video: { width: { exact: 99999 } } })).toEqual({
      code: 'CONSTRAINTS_NOT_SATISFIABLE',
      causeName: 'OverconstrainedError',
    })
  })

  it('setAudioOutput takes the default speaker and a listed one, and gives DEVICE_NOT_FOUND for an unknown one', async () => {
    await open()
    expect(await run('setAudioOutput', 'default')).toEqual({ devices: undefined })
    const speaker = (await run('listDevices')).devices?.find((device) => device.kind === 'speaker' && device.deviceId !== 'default')
    expect(speaker).toBeDefined()
    expect(await run('setAudioOutput', speaker?.deviceId)).toEqual({ devices: undefined })
    expect(await run('setAudioOutput', 'no-such-speaker')).toEqual({ code: 'DEVICE_NOT_FOUND', causeName: 'NotFoundError' })
  })
})
