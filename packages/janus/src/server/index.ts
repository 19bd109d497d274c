/**
 * The Janus server half: `janus(settings)` for createCallServer. Internals (the Janus API client,
 * signed tokens, room ids and secrets) are not exported.
 */
export { janus, janusServerCapabilities, janusTokenTtlBounds, type JanusServerAdapter } from './janus-server-adapter'
export type { JanusServerSettings, JanusSettings, ResolvedJanusServer } from './settings'
export type { JanusConnectParameters } from '../shared/connect-parameters'
export { VERSION } from '../shared/version'
