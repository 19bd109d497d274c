/**
 * The Kaleyra server half: `kaleyra(settings)` for createCallServer. Internals (the REST client, the
 * unconfirmed room API, user id rules) are not exported.
 */
export { kaleyra, kaleyraServerCapabilities, type KaleyraServerAdapter } from './kaleyra-server-adapter'
export type { KaleyraSettings } from './settings'
export { kaleyraTokenTtlBounds } from './credentials'
export { VERSION } from '../shared/version'
