export { signaling } from './signaling-client-adapter'
export type { SignalingClientOptions } from './client-options'
export type { SignalingWebrtc } from './webrtc'
export type { SocketFactory } from './load-sdk'
