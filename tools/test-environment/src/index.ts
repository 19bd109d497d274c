export { findTool, requireTool, type ToolAvailability, type ToolName } from './tools'
export { startRedisServer, type RedisServer, type RedisServerOptions } from './redis'
export { launchChromium, chromiumArguments } from './chromium'
export { freePort } from './ports'
export {
  addLoopbackMediaInterface,
  findPrivateNetwork,
  loopbackMediaInterface,
  requireBrowserMedia,
  requirePrivateNetwork,
  type PrivateNetworkAvailability,
} from './private-network'
export {
  bundleClientEntryWithoutPeers,
  describeClientBoundary,
  describeClientBuildWithoutPeers,
  type BundleClientEntryOptions,
  type ClientBoundarySuite,
  type ClientBuildWithoutPeersSuite,
  type ClientEntryBundle,
} from './client-bundle'
export { asMediaStreamTrack, createFakeMediaDevices, FakeMediaStreamTrack, type FakeDevice, type FakeMediaDevices } from './fake-media'
export { startCoturn, type CoturnOptions, type CoturnServer } from './coturn'
export { allocateTurnRelay, type TurnAllocation } from './turn-allocate'
export { startJanus, type JanusOptions, type JanusServer } from './janus'
export { startPageServer, type PageServer, type PageServerOptions } from './page-server'
export { countFrames, loggedEvent, logSessionEvents, onVideoFrames, playMuted, remoteTrackKey, showRemoteTracks, type LoggedEvent, type SessionEvents } from './page-session'
export { loggedEvents, matchesEvent, type LoggedEvents } from './logged-events'
