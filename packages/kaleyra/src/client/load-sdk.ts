import { CallportError } from '@callport/core'
import { KALEYRA_PROVIDER } from '../shared/provider-id'
import type { BandyerSdk } from './kaleyra-widget-types'

/** Widget version loaded from the CDN when none is given. */
export const DEFAULT_WIDGET_VERSION = '2.7.5'

/** The CDN script of a widget version. */
export function kaleyraWidgetUrl(version: string = DEFAULT_WIDGET_VERSION): string {
  return `https://cdn.bandyer.com/sdk/js/chat/${encodeURIComponent(version)}/bandyer-widget.min.js`
}

/** Where the widget comes from: the `BandyerSDK` object itself, or a function that imports it. */
export type KaleyraWidgetSource = BandyerSdk | (() => Promise<unknown>)

export interface LoadSdkOptions {
  sdk?: KaleyraWidgetSource
  widgetVersion?: string
  widgetUrl?: string
}

const loadingScripts = new Map<string, Promise<BandyerSdk>>()

function isSdk(value: unknown): value is BandyerSdk {
  return typeof value === 'object' && value !== null && typeof (value as BandyerSdk).configure === 'function' && typeof (value as BandyerSdk).destroyClient === 'function'
}

function sdkFromModule(value: unknown): BandyerSdk {
  const candidates = [value, (value as { default?: unknown } | null)?.default, (value as { BandyerSDK?: unknown } | null)?.BandyerSDK]
  const found = candidates.find(isSdk)
  if (found) return found
  throw new CallportError('INVALID_INPUT', 'The Kaleyra widget loader did not resolve to BandyerSDK (an object with configure and destroyClient)', {
    provider: KALEYRA_PROVIDER,
  })
}

function globalSdk(): BandyerSdk | undefined {
  const value = (globalThis as { BandyerSDK?: unknown }).BandyerSDK
  return isSdk(value) ? value : undefined
}

function loadScript(url: string): Promise<BandyerSdk> {
  const document = (globalThis as { document?: Document }).document
  if (document === undefined) {
    return Promise.reject(new CallportError('UNSUPPORTED', 'The Kaleyra widget needs a browser: connect() must run in a page', { provider: KALEYRA_PROVIDER }))
  }
  return new Promise<BandyerSdk>((resolve, reject) => {
    const script = document.createElement('script')
    script.src = url
    script.async = true
    script.addEventListener('load', () => {
      const sdk = globalSdk()
      if (sdk) resolve(sdk)
      else reject(new CallportError('CONNECTION_FAILED', `${url} loaded but defined no BandyerSDK`, { provider: KALEYRA_PROVIDER }))
    })
    script.addEventListener('error', () => {
      reject(new CallportError('CONNECTION_FAILED', `Could not load the Kaleyra widget from ${url}`, { provider: KALEYRA_PROVIDER, retryable: true }))
    })
    document.head.appendChild(script)
  })
}

/**
 * Loads the widget: the injected object or loader first, then a `BandyerSDK` already on the page,
 * else the CDN script (once per URL; a failed load may be tried again).
 */
export async function loadKaleyraSdk(options: LoadSdkOptions = {}): Promise<BandyerSdk> {
  const { sdk } = options
  if (typeof sdk === 'function') return sdkFromModule(await sdk())
  if (sdk !== undefined) return sdkFromModule(sdk)
  const present = globalSdk()
  if (present) return present
  const url = options.widgetUrl ?? kaleyraWidgetUrl(options.widgetVersion)
  let loading = loadingScripts.get(url)
  if (!loading) {
    loading = loadScript(url)
    loadingScripts.set(url, loading)
    loading.catch(() => loadingScripts.delete(url))
  }
  return loading
}
