import type { ServerAdapter } from '@callport/core'
import { resolveVidyoSettings, type VidyoSettings } from './settings'
import { createVidyoServerAdapter } from './vidyo-server-adapter'

/**
 * The Vidyo.io server adapter: `vidyo({ appId, developerKey, host })`, each setting falling back to
 * `VIDYO_APP_ID`, `VIDYO_DEVELOPER_KEY` and `VIDYO_HOST` (default `prod.vidyo.io`).
 * Throws INVALID_INPUT naming the setting and its variable when one is missing or invalid.
 */
export function vidyo(settings: VidyoSettings = {}): ServerAdapter {
  return createVidyoServerAdapter(resolveVidyoSettings(settings))
}

export { DEFAULT_VIDYO_HOST, VIDYO_TOKEN_TTL_SECONDS, vidyoEnvironmentVariables, type VidyoSettings } from './settings'
export { generateVidyoToken, type GenerateVidyoTokenOptions } from './generate-token'
export { verifyVidyoToken, type VerifiedVidyoToken, type VerifyVidyoTokenOptions } from './verify-token'
export { roomNameOfVidyoResourceId, vidyoResourceIdOf } from './resource-id'
