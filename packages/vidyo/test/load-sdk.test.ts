import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_VIDYO_CLIENT_SCRIPT_URL, loadVidyoClient, withLoadCallback, type LoaderHost, type VidyoGlobals } from '../src/client/load-sdk'
import type { VidyoClient, VidyoClientLoadStatus } from '../src/client/vidyo-client-types'
import { createVidyoClientAdapter } from '../src/client/vidyo-client-adapter'
import { connectOptions, createHarness } from './vidyo-harness'
import { rejection } from './rejection'

const readyClient: VidyoClient = { CreateVidyoConnector: () => Promise.reject(new Error('not used here')) }

/** A page whose "script tags" are recorded; `report` plays VidyoClient.js calling back. */
function fakePage(globals: VidyoGlobals = {}) {
  const scripts: Array<{ url: string; fail: () => void }> = []
  const host: LoaderHost = {
    globals,
    injectScript: (url, onError) => {
      scripts.push({ url, fail: onError })
    },
  }
  const report = (status: VidyoClientLoadStatus, client?: VidyoClient): void => {
    if (client) globals.VC = client
    globals.onVidyoClientLoaded?.(status)
  }
  return { host, globals, scripts, report }
}

const options = { scriptUrl: 'https://cdn.example.com/VidyoClient.js', timeoutMilliseconds: 1000 }

describe('loading VidyoClient.js', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('adds the script with onload=onVidyoClientLoaded and resolves with VC once READY', async () => {
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    expect(page.scripts.map((script) => script.url)).toEqual(['https://cdn.example.com/VidyoClient.js?onload=onVidyoClientLoaded'])
    page.report({ state: 'READY' }, readyClient)
    expect(await loading).toBe(readyClient)
  })

  it('keeps waiting through RETRYING and through calls without a status', async () => {
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    page.report({ state: 'RETRYING' })
    page.globals.onVidyoClientLoaded?.(undefined as unknown as VidyoClientLoadStatus)
    const settled = vi.fn()
    loading.then(settled, settled)
    await Promise.resolve()
    expect(settled).not.toHaveBeenCalled()
    page.report({ state: 'READY' }, readyClient)
    expect(await loading).toBe(readyClient)
  })

  it.each<[VidyoClientLoadStatus['state'], string, boolean]>([
    ['FAILED', 'CONNECTION_FAILED', true],
    ['NOTAVAILABLE', 'UNSUPPORTED', false],
    ['FAILEDVERSION', 'UNSUPPORTED', false],
  ])('turns %s into %s (retryable: %s) with the description', async (state, code, retryable) => {
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    page.report({ state, description: 'as the SDK said' })
    const error = await rejection(loading)
    expect(error).toMatchObject({ code, retryable, provider: 'vidyo' })
    expect(error.message).toContain('as the SDK said')
  })

  it('reports CONNECTION_FAILED when READY comes without a VC object', async () => {
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    page.report({ state: 'READY' })
    expect((await rejection(loading)).code).toBe('CONNECTION_FAILED')
  })

  it('times out with CONNECTION_FAILED, and a later call loads again', async () => {
    vi.useFakeTimers()
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    vi.advanceTimersByTime(999)
    page.report({ state: 'RETRYING' })
    vi.advanceTimersByTime(1)
    const error = await rejection(loading)
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
    expect(error.message).toContain('1000 ms')
    const again = loadVidyoClient(options, page.host)
    expect(page.scripts).toHaveLength(2)
    page.report({ state: 'READY' }, readyClient)
    expect(await again).toBe(readyClient)
  })

  it('reports a script that fails to load as CONNECTION_FAILED', async () => {
    const page = fakePage()
    const loading = loadVidyoClient(options, page.host)
    page.scripts[0]?.fail()
    expect((await rejection(loading)).message).toContain('cdn.example.com')
  })

  it('loads the script once for concurrent callers, and not at all when VC is already there', async () => {
    const page = fakePage()
    const first = loadVidyoClient(options, page.host)
    const second = loadVidyoClient(options, page.host)
    page.report({ state: 'READY' }, readyClient)
    expect(await Promise.all([first, second])).toEqual([readyClient, readyClient])
    expect(page.scripts).toHaveLength(1)
    const preloaded = fakePage({ VC: readyClient })
    expect(await loadVidyoClient(options, preloaded.host)).toBe(readyClient)
    expect(preloaded.scripts).toHaveLength(0)
  })

  it("still calls the page's own onVidyoClientLoaded", async () => {
    const own = vi.fn()
    const page = fakePage({ onVidyoClientLoaded: own })
    const loading = loadVidyoClient(options, page.host)
    page.report({ state: 'READY' }, readyClient)
    await loading
    expect(own).toHaveBeenCalledWith({ state: 'READY' })
  })

  it('stops waiting with ABORTED when the signal fires, without cancelling the shared load', async () => {
    const page = fakePage()
    const controller = new AbortController()
    const waiting = loadVidyoClient({ ...options, signal: controller.signal }, page.host)
    const patient = loadVidyoClient(options, page.host)
    controller.abort()
    expect((await rejection(waiting)).code).toBe('ABORTED')
    page.report({ state: 'READY' }, readyClient)
    expect(await patient).toBe(readyClient)
  })

  it('adds onload to URLs with a query or a fragment, and refuses another callback name', () => {
    expect(withLoadCallback('/VidyoClient.js?webrtc=true#x')).toBe('/VidyoClient.js?webrtc=true&onload=onVidyoClientLoaded#x')
    expect(withLoadCallback(DEFAULT_VIDYO_CLIENT_SCRIPT_URL)).toBe(DEFAULT_VIDYO_CLIENT_SCRIPT_URL)
    expect(() => withLoadCallback('/VidyoClient.js?onload=myCallback')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }) as Error)
  })

  it('connects through a loaded script when no VidyoClient is passed in', async () => {
    const { cloud, issue } = createHarness()
    const page = fakePage()
    const adapter = createVidyoClientAdapter({ scriptUrl: '/static/VidyoClient.js' }, page.host)
    const connecting = adapter.connect(await issue('standup', 'alice'), connectOptions())
    await vi.waitFor(() => expect(page.scripts).toHaveLength(1))
    page.report({ state: 'READY' }, cloud.createClient())
    const connection = await connecting
    expect(cloud.connectors[0]?.connected).toBe(true)
    await connection.disconnect()
  })

  it('outside a browser (server-side rendering) rejects with UNSUPPORTED and touches no window', async () => {
    const { issue } = createHarness()
    const adapter = createVidyoClientAdapter({ scriptUrl: '/never-loaded/VidyoClient.js' })
    const error = await rejection(adapter.connect(await issue('standup', 'alice'), connectOptions()))
    expect(error.code).toBe('UNSUPPORTED')
    expect('window' in globalThis).toBe(false)
    expect('onVidyoClientLoaded' in globalThis).toBe(false)
  })
})
