import { expectCallportError } from '@callport/testkit'
import { describe, expect, it, vi } from 'vitest'
import type { JanusJs } from '../src/client/janus-js-types'
import { loadJanusJs } from '../src/client/load-sdk'

/** A stand-in for janus.js's `Janus`: a constructor with `init` (calling back at once) and `useDefaultDependencies`. */
function fakeJanus() {
  const Janus = function () {} as unknown as JanusJs & { init: ReturnType<typeof vi.fn>; useDefaultDependencies: ReturnType<typeof vi.fn> }
  Janus.init = vi.fn((options: { callback?: () => void }) => options.callback?.())
  Janus.useDefaultDependencies = vi.fn((dependencies: unknown) => ({ dependencies }))
  return Janus
}
const fakeAdapter = () => ({ browserDetails: { browser: 'chrome', version: 140 } })

describe('where janus.js and webrtc-adapter come from', () => {
  // The npm modules themselves (janus-gateway 1.4.2 and 1.1.4, webrtc-adapter) load through it in Chromium: test/browser/janus-media.test.ts.
  it('inits janus.js once per Janus, with webrtc-adapter as its dependency and no debug logging', async () => {
    const Janus = fakeJanus()
    const adapter = fakeAdapter()
    await loadJanusJs({ sdk: Janus, webrtcAdapter: adapter }, {})
    await loadJanusJs({ sdk: { default: Janus }, webrtcAdapter: async () => ({ default: adapter }) }, {})
    expect(Janus.useDefaultDependencies).toHaveBeenCalledTimes(1)
    expect(Janus.useDefaultDependencies).toHaveBeenCalledWith({ adapter })
    expect(Janus.init).toHaveBeenCalledTimes(1)
    expect(Janus.init).toHaveBeenCalledWith(expect.objectContaining({ debug: false, dependencies: { dependencies: { adapter } } }))
  })

  it('without the options, the globals Janus and adapter of their scripts; the options win over them', async () => {
    const globals = { Janus: fakeJanus(), adapter: fakeAdapter() }
    expect(await loadJanusJs({}, globals)).toEqual({ Janus: globals.Janus, adapter: globals.adapter })
    const mine = fakeJanus()
    expect((await loadJanusJs({ sdk: mine }, globals)).Janus).toBe(mine)
  })

  it('neither option nor global: UNSUPPORTED, naming both ways, before anything is initialized', async () => {
    const janus = await expectCallportError(loadJanusJs({}, { adapter: fakeAdapter() }), ['UNSUPPORTED'])
    expect(janus.message).toContain('import("janus-gateway")')
    expect(janus.message).toContain('window.Janus')
    expect(janus.provider).toBe('janus')
    const Janus = fakeJanus()
    const adapter = await expectCallportError(loadJanusJs({ sdk: Janus }, { adapter: {} }), ['UNSUPPORTED'])
    expect(adapter.message).toContain('import("webrtc-adapter")')
    expect(adapter.message).toContain('window.adapter')
    expect(Janus.init).not.toHaveBeenCalled()
  })

  it('a loader that fails is UNSUPPORTED with its cause; one that gives something else is INVALID_INPUT', async () => {
    const cause = new Error("Cannot find package 'janus-gateway'")
    const failed = await expectCallportError(loadJanusJs({ sdk: () => Promise.reject(cause), webrtcAdapter: fakeAdapter() }, {}), ['UNSUPPORTED'])
    expect(failed.cause).toBe(cause)
    expect(failed.message).toContain('npm install janus-gateway')
    // janus-gateway imported where window does not exist (server-side rendering): its default is undefined.
    const ssr = await expectCallportError(loadJanusJs({ sdk: async () => ({ default: undefined }), webrtcAdapter: fakeAdapter() }, {}), ['INVALID_INPUT'])
    expect(ssr.message).toContain('only where window exists')
    await expectCallportError(loadJanusJs({ sdk: fakeJanus(), webrtcAdapter: async () => ({ default: {} }) }, {}), ['INVALID_INPUT'])
  })
})

describe('prepare', () => {
  it('loads and inits janus.js before the join (once, kept for connect); a fired signal is ABORTED before anything loads', async () => {
    const { janus } = await import('../src/client/index')
    const Janus = fakeJanus()
    const sdk = vi.fn(async () => ({ default: Janus }))
    const adapter = janus({ sdk, webrtcAdapter: fakeAdapter() })
    expect(adapter.capabilities.prepare).toBe(true)
    await expectCallportError(adapter.prepare!(undefined, { signal: AbortSignal.abort() }), ['ABORTED'])
    expect(sdk).not.toHaveBeenCalled()
    await adapter.prepare!(undefined)
    await adapter.prepare!(undefined)
    expect(Janus.init).toHaveBeenCalledTimes(1)
  })
})

describe('server-side rendering', () => {
  it('the client entry imports and makes its adapter where there is no window, loading nothing', async () => {
    expect(typeof window).toBe('undefined')
    const sdk = vi.fn(() => import('janus-gateway') as Promise<unknown>)
    const { janus } = await import('../src/client/index')
    const adapter = janus({ sdk, webrtcAdapter: () => import('webrtc-adapter') })
    expect(adapter).toMatchObject({ provider: 'janus', specificationVersion: 'v1', capabilities: { media: 'tracks' } })
    expect(sdk).not.toHaveBeenCalled()
  })
})
