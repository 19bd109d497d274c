/** The signaling client half: `signaling(options)` for createSession. socket.io-client loads inside `connect`. */
export { signaling, signalingClientCapabilities, type SignalingClientAdapter } from './signaling-client-adapter'
export type { SignalingClientOptions } from './client-options'
export { VERSION } from '../shared/version'
