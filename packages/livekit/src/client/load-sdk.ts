import { CallportError } from '@callport/core'
import { LIVEKIT_PROVIDER } from '../shared/provider-id'
import type { LiveKitClientModule } from './livekit-client-types'

/** Where livekit-client comes from: the module itself, or a function that imports it (`() => import('livekit-client')`). */
export type LiveKitClientSource = LiveKitClientModule | (() => Promise<unknown>)

/** The global livekit-client's UMD build (`dist/livekit-client.umd.js`, the CDN script) defines: `LivekitClient`. */
export interface LiveKitClientGlobals {
  LivekitClient?: unknown
}

/** Said when neither the `sdk` option nor the UMD global gives livekit-client. */
export const LIVEKIT_CLIENT_MISSING =
  'livekit-client is not available: pass it as the sdk option (livekit({ sdk: () => import("livekit-client") }) after npm install livekit-client, or the module itself), or load livekit-client\'s UMD build (https://cdn.jsdelivr.net/npm/livekit-client/dist/livekit-client.umd.js), which defines window.LivekitClient'

function isLiveKitClient(value: unknown): value is LiveKitClientModule {
  return typeof value === 'object' && value !== null && typeof (value as LiveKitClientModule).Room === 'function'
}

/** The module, or its `default` (a CommonJS module imported from ESM). */
function liveKitClientOf(module: unknown): LiveKitClientModule {
  const found = [module, (module as { default?: unknown } | null)?.default].find(isLiveKitClient)
  if (found) return found
  throw new CallportError('INVALID_INPUT', 'The livekit-client loader did not resolve to the livekit-client module (an object with the Room class)', {
    provider: LIVEKIT_PROVIDER,
  })
}

/**
 * Finds livekit-client when a call starts (or is prepared), never at import, and never imports it
 * itself (so that a build of the app needs no livekit-client installed): the injected module or
 * loader, else `globalThis.LivekitClient` from livekit-client's UMD build on the page, else
 * UNSUPPORTED naming both ways.
 */
export async function loadLiveKitClient(
  source: LiveKitClientSource | undefined,
  globals: LiveKitClientGlobals = globalThis as LiveKitClientGlobals,
): Promise<LiveKitClientModule> {
  if (source === undefined) {
    const global = globals.LivekitClient
    if (isLiveKitClient(global)) return global
    throw new CallportError('UNSUPPORTED', LIVEKIT_CLIENT_MISSING, { provider: LIVEKIT_PROVIDER })
  }
  if (typeof source !== 'function') return liveKitClientOf(source)
  let module: unknown
  try {
    module = await source()
  } catch (error) {
    throw new CallportError(
      'UNSUPPORTED',
      `The sdk loader failed to load livekit-client (is it installed? npm install livekit-client): ${String((error as Error | undefined)?.message ?? error)}`,
      { provider: LIVEKIT_PROVIDER, cause: error },
    )
  }
  return liveKitClientOf(module)
}
