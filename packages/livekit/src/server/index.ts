/**
 * The LiveKit server half: `livekit(settings)` for createCallServer. Internals (token claims,
 * RoomService over Twirp) are not exported.
 */
export { livekit, liveKitServerCapabilities, liveKitTokenTtlBounds, type LiveKitServerAdapter } from './livekit-server-adapter'
export type { LiveKitSettings } from './settings'
export type { LiveKitConnectParameters } from '../shared/connect-parameters'
export { VERSION } from '../shared/version'
