import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { runInNewContext } from 'node:vm'
import { describe, expect, it, vi } from 'vitest'
import { loadTwilioVideo, type TwilioVideoGlobals } from '../src/client/load-sdk'
import type { TwilioVideo } from '../src/client/twilio-video-types'
import { twilio } from '../src/client/index'
import { createClientHarness } from './client-harness'
import { rejection } from './rejection'

const require = createRequire(import.meta.url)

/** The oldest and the newest twilio-video of the peer range (devDependencies twilio-video-oldest and twilio-video). */
const builds = [
  { name: 'twilio-video-oldest', version: '2.14.0' },
  { name: 'twilio-video', version: '2.36.0' },
]

/** Runs a twilio-video browser build (`dist/twilio-video.min.js`, what the CDN serves) in a bare window, as a script tag would. */
function windowWithScript(name: string): TwilioVideoGlobals {
  const window: Record<string, unknown> = { navigator: { userAgent: 'Mozilla/5.0 Chrome/140.0.0.0' }, WebSocket: class {}, setTimeout, clearTimeout, console }
  window['window'] = window
  runInNewContext(readFileSync(require.resolve(`${name}/dist/twilio-video.min.js`), 'utf8'), window)
  return window
}

/** Every member of twilio-video the adapter calls is a function. */
function expectTwilioVideoApi(video: TwilioVideo): void {
  for (const member of ['connect', 'createLocalAudioTrack', 'createLocalVideoTrack', 'LocalDataTrack'] as const) expect(typeof video[member], member).toBe('function')
}

describe('where twilio-video comes from', () => {
  it.each(builds)("without sdk, the CDN build's global Twilio.Video of $name $version", async ({ name, version }) => {
    const globals = windowWithScript(name)
    const video = await loadTwilioVideo(undefined, globals)
    expect(video).toBe(globals.Twilio?.Video)
    expect((video as unknown as { version: string }).version).toBe(version)
    expectTwilioVideoApi(video)
  })

  it.each(builds)('sdk: () => import($name) loads the npm module of $version', async ({ name, version }) => {
    const loader = vi.fn(() => import(name) as Promise<unknown>)
    const video = await loadTwilioVideo(loader, {})
    expect(loader).toHaveBeenCalledTimes(1)
    expect((video as unknown as { version: string }).version).toBe(version)
    expectTwilioVideoApi(video)
  })

  it('sdk given wins over the global', async () => {
    const module = { connect: () => Promise.reject(new Error('unused')) } as never
    const globals = { Twilio: { Video: { connect: () => Promise.reject(new Error('the global')) } } }
    expect(await loadTwilioVideo(module, globals)).toBe(module)
    expect(await loadTwilioVideo(async () => ({ default: module }), globals)).toBe(module)
  })

  it('the adapter uses the page global in connect when no sdk is given', async () => {
    const harness = createClientHarness()
    vi.stubGlobal('Twilio', { Video: harness.video })
    try {
      const connection = await twilio().connect(await harness.issue('standup', 'alice'), {
        audio: false,
        video: false,
        refreshToken: () => Promise.reject(new Error('unused')),
      })
      expect(connection.room.name).toBe('standup')
      await connection.disconnect()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('neither sdk nor the global: UNSUPPORTED, naming both ways', async () => {
    for (const globals of [{}, { Twilio: {} }, { Twilio: { Video: {} } }]) {
      const error = await rejection(loadTwilioVideo(undefined, globals))
      expect(error.code).toBe('UNSUPPORTED')
      expect(error.message).toContain('sdk option')
      expect(error.message).toContain('import("twilio-video")')
      expect(error.message).toContain('window.Twilio.Video')
      expect(error.provider).toBe('twilio')
    }
  })

  it('a loader that fails is UNSUPPORTED with its cause; one that gives something else is INVALID_INPUT', async () => {
    const cause = new Error("Cannot find package 'twilio-video'")
    const failed = await rejection(loadTwilioVideo(() => Promise.reject(cause), {}))
    expect(failed.code).toBe('UNSUPPORTED')
    expect(failed.cause).toBe(cause)
    expect(failed.message).toContain("Cannot find package 'twilio-video'")
    expect((await rejection(loadTwilioVideo(async () => ({}), {}))).code).toBe('INVALID_INPUT')
  })
})
