import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { runInNewContext } from 'node:vm'
import { expectCallportError } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import type { LiveKitClientModule } from '../src/client/livekit-client-types'
import { loadLiveKitClient, type LiveKitClientGlobals } from '../src/client/load-sdk'

const require = createRequire(import.meta.url)

/** The oldest and the newest livekit-client of the peer range (devDependencies livekit-client-oldest and livekit-client). */
const builds = [
  { name: 'livekit-client-oldest', version: '2.5.0' },
  { name: 'livekit-client', version: '2.22.0' },
]

/** Runs livekit-client's UMD build (`dist/livekit-client.umd.js`, what a CDN serves) in a bare window, as a script tag would. */
function windowWithScript(name: string): LiveKitClientGlobals {
  const window: Record<string, unknown> = {
    navigator: { userAgent: 'Mozilla/5.0 Chrome/140.0.0.0' },
    setTimeout,
    clearTimeout,
    console,
    TextEncoder,
    TextDecoder,
    DOMException,
  }
  window['window'] = window
  window['self'] = window
  // The package's `require` entry is its UMD build.
  const umd = require.resolve(name)
  expect(umd).toMatch(/livekit-client\.umd\.js$/)
  runInNewContext(readFileSync(umd, 'utf8'), window)
  return window
}

/** The Room livekit-client gives is a class with the methods the adapter calls on its prototype (`connect` and `disconnect` are per-instance arrow functions). */
function expectLiveKitApi(module: LiveKitClientModule): void {
  expect(typeof module.Room).toBe('function')
  const prototype = module.Room.prototype as unknown as Record<string, unknown>
  for (const method of ['prepareConnection', 'switchActiveDevice', 'getActiveDevice', 'on', 'off']) expect(typeof prototype[method], method).toBe('function')
}

describe('where livekit-client comes from', () => {
  it.each(builds)("without sdk, the UMD build's global LivekitClient of $name $version", async ({ name, version }) => {
    const globals = windowWithScript(name)
    const module = await loadLiveKitClient(undefined, globals)
    expect(module).toBe(globals.LivekitClient)
    expect((module as unknown as { version: string }).version).toBe(version)
    expectLiveKitApi(module)
  })

  it.each(builds)('sdk: () => import($name) loads the npm module of $version', async ({ name, version }) => {
    const loader = vi.fn(() => import(name) as Promise<unknown>)
    const module = await loadLiveKitClient(loader, {})
    expect(loader).toHaveBeenCalledTimes(1)
    expect((module as unknown as { version: string }).version).toBe(version)
    expectLiveKitApi(module)
  })

  it('sdk given wins over the global, as the module or its default', async () => {
    class Room {}
    const module = { Room } as unknown as LiveKitClientModule
    const globals = { LivekitClient: { Room: class Other {} } }
    expect(await loadLiveKitClient(module, globals)).toBe(module)
    expect(await loadLiveKitClient(async () => ({ default: module }), globals)).toBe(module)
  })

  it('neither sdk nor the global: UNSUPPORTED, naming both ways', async () => {
    for (const globals of [{}, { LivekitClient: {} }, { LivekitClient: { Room: 'not a class' } }]) {
      const error = await expectCallportError(loadLiveKitClient(undefined, globals), ['UNSUPPORTED'])
      expect(error.message).toContain('sdk option')
      expect(error.message).toContain('import("livekit-client")')
      expect(error.message).toContain('window.LivekitClient')
      expect(error.provider).toBe('livekit')
    }
  })

  it('a loader that fails is UNSUPPORTED with its cause; one that gives something else is INVALID_INPUT', async () => {
    const cause = new Error("Cannot find package 'livekit-client'")
    const failed = await expectCallportError(
      loadLiveKitClient(() => Promise.reject(cause), {}),
      ['UNSUPPORTED'],
    )
    expect(failed.cause).toBe(cause)
    expect(failed.message).toContain("Cannot find package 'livekit-client'")
    await expectCallportError(
      loadLiveKitClient(async () => ({}), {}),
      ['INVALID_INPUT'],
    )
    await expectCallportError(loadLiveKitClient({} as LiveKitClientModule, {}), ['INVALID_INPUT'])
  })
})
