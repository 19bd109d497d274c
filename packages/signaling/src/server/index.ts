/**
 * The signaling server half: `signaling(settings)` for createCallServer, and the signaling server
 * itself (`createSignalingServer`), which this provider runs instead of a vendor's. Internals
 * (credential signing, room ids, the member directories) are not exported.
 */
export { signaling, signalingServerCapabilities, signalingTokenTtlBounds, type SignalingServerAdapter } from './signaling-server-adapter'
export type { SignalingSettings } from './settings'
export { createSignalingServer, type SignalingServer } from './signaling-server'
export type { SignalingServerOptions } from './server-options'
export { VERSION } from '../shared/version'
