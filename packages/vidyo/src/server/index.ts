/** The server half of `@callport/vidyo`: Vidyo.io provision tokens signed with your developer key. */
export { vidyo, vidyoServerCapabilities, vidyoTokenTtlBounds, type VidyoServerAdapter } from './vidyo-server-adapter'
export type { VidyoSettings } from './settings'
export { VERSION } from '../shared/version'
