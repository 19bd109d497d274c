export { signaling, signalingTokenTtlSeconds } from './signaling-server-adapter'
export {
  MINIMUM_SECRET_BYTES,
  SECRET_ENVIRONMENT_VARIABLE,
  URL_ENVIRONMENT_VARIABLE,
  type SignalingSettings,
} from './settings'
export { signalingRoomId, ROOM_ID_PREFIX } from './room-id'
export { signSignalingCredential, verifySignalingCredential } from './credentials'
export { createSignalingServer, type SignalingServer } from './signaling-server'
export type { SignalingServerOptions, SignalingLimits, SignalingHeartbeat } from './server-options'
export type { RedisScaleOutOptions } from './redis-scale-out'
export type { PasswordVerifier, PasswordCredentials, PasswordGrant } from './authenticate'
