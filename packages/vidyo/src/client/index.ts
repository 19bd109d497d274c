import type { ClientAdapter } from '@callport/core'
import { createVidyoClientAdapter, type VidyoClientOptions } from './vidyo-client-adapter'

/**
 * The Vidyo.io client adapter for `createSession({ adapters: [vidyo()] })`. Vidyo renders its own
 * view (`capabilities.media === 'view'`): join with `{ container }`. VidyoClient.js loads lazily on
 * the first join, from `scriptUrl`, unless a ready `vidyoClient` (the global `VC`) is passed in.
 */
export function vidyo(options: VidyoClientOptions = {}): ClientAdapter {
  return createVidyoClientAdapter(options)
}

export type { VidyoClientOptions } from './vidyo-client-adapter'
export type { VidyoParticipantCallbacks } from './vidyo-connection'
export { DEFAULT_VIDYO_CLIENT_SCRIPT_URL } from './load-sdk'
export type * from './vidyo-client-types'
