import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_WIDGET_VERSION, kaleyraWidgetUrl, loadKaleyraSdk } from '../src/client/load-sdk'
import { FakeBandyerSdk } from './fake-widget'
import { rejection } from './rejection'

/** Just enough of `document` for a script tag: appending it "loads" or "fails" it. */
function fakeDocument(outcome: (url: string) => 'load' | 'error', onLoad: () => void = () => undefined) {
  const appended: string[] = []
  const document = {
    createElement: () => {
      const script = new EventTarget() as EventTarget & { src: string; async: boolean }
      return script
    },
    head: {
      appendChild(script: EventTarget & { src: string }) {
        appended.push(script.src)
        queueMicrotask(() => {
          if (outcome(script.src) === 'load') onLoad()
          script.dispatchEvent(new Event(outcome(script.src)))
        })
        return script
      },
    },
  }
  vi.stubGlobal('document', document)
  return appended
}

afterEach(() => vi.unstubAllGlobals())

describe('loadKaleyraSdk', () => {
  it('builds the documented CDN URL', () => {
    expect(DEFAULT_WIDGET_VERSION).toBe('2.7.5')
    expect(kaleyraWidgetUrl()).toBe('https://cdn.bandyer.com/sdk/js/chat/2.7.5/bandyer-widget.min.js')
    expect(kaleyraWidgetUrl('2.6.0')).toBe('https://cdn.bandyer.com/sdk/js/chat/2.6.0/bandyer-widget.min.js')
  })

  it('uses an injected BandyerSDK, or what an import function resolves to', async () => {
    const sdk = new FakeBandyerSdk()
    expect(await loadKaleyraSdk({ sdk })).toBe(sdk)
    expect(await loadKaleyraSdk({ sdk: async () => ({ default: sdk }) })).toBe(sdk)
    expect(await loadKaleyraSdk({ sdk: async () => ({ BandyerSDK: sdk }) })).toBe(sdk)
    expect((await rejection(loadKaleyraSdk({ sdk: async () => ({ nothing: true }) }))).code).toBe('INVALID_INPUT')
  })

  it('uses a BandyerSDK already on the page without loading anything', async () => {
    const sdk = new FakeBandyerSdk()
    vi.stubGlobal('BandyerSDK', sdk)
    const appended = fakeDocument(() => 'load')
    expect(await loadKaleyraSdk()).toBe(sdk)
    expect(appended).toEqual([])
  })

  it('loads the CDN script of the chosen version once, and reads the global it defines', async () => {
    const sdk = new FakeBandyerSdk()
    const appended = fakeDocument(
      () => 'load',
      () => vi.stubGlobal('BandyerSDK', sdk),
    )
    const [first, second] = await Promise.all([loadKaleyraSdk({ widgetVersion: '2.7.4' }), loadKaleyraSdk({ widgetVersion: '2.7.4' })])
    expect(first).toBe(sdk)
    expect(second).toBe(sdk)
    expect(appended).toEqual(['https://cdn.bandyer.com/sdk/js/chat/2.7.4/bandyer-widget.min.js'])
  })

  it('a script that fails to load: CONNECTION_FAILED (retryable), and the next call tries again', async () => {
    const url = 'https://widgets.example.com/failing/bandyer-widget.min.js'
    const appended = fakeDocument(() => 'error')
    const error = await rejection(loadKaleyraSdk({ widgetUrl: url }))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true })
    await rejection(loadKaleyraSdk({ widgetUrl: url }))
    expect(appended).toEqual([url, url])
  })

  it('a script that defines no BandyerSDK: CONNECTION_FAILED', async () => {
    fakeDocument(() => 'load')
    expect((await rejection(loadKaleyraSdk({ widgetUrl: 'https://widgets.example.com/empty.js' }))).code).toBe('CONNECTION_FAILED')
  })

  it('outside a browser: UNSUPPORTED, nothing touched', async () => {
    expect((await rejection(loadKaleyraSdk({ widgetUrl: 'https://widgets.example.com/ssr.js' }))).code).toBe('UNSUPPORTED')
  })
})
