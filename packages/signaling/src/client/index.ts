/** The signaling client half: `signaling(options)` for createSession. The socket opens inside `connect`. */
export { signaling, signalingClientCapabilities, type SignalingClientAdapter } from './signaling-client-adapter'
export type { SignalingClientOptions } from './client-options'
export type { SignalingConnection, SignalingVendorObject } from './signaling-connection'
export type { SignalingWebrtc } from './webrtc'
export { VERSION } from '../shared/version'
