/** The LiveKit client half: `livekit(options)` for createSession. livekit-client comes from the `sdk` option or the UMD global `LivekitClient`, on the first `prepare` / `connect`. */
export { livekit, liveKitClientCapabilities, type LiveKitClientAdapter, type LiveKitClientOptions, type LiveKitRoomOf } from './livekit-client-adapter'
export { VERSION } from '../shared/version'
export type { LiveKitConnection } from './livekit-connection'
export type { LiveKitClientGlobals, LiveKitClientSource } from './load-sdk'
export type { LiveKitClientModule, LiveKitRoom, LiveKitRoomConnectOptions, LiveKitRoomOptions } from './livekit-client-types'
