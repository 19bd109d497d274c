import { describeClientBuildWithoutPeers } from '@callport/test-environment'

/**
 * An app that passes `sdk` (or loads livekit-client's UMD script) installs only this package and its
 * dependencies: its build must not need livekit-client. The client entry is bundled as an app would
 * bundle it (`describeClientBuildWithoutPeers`), with every bare import that is not one of the
 * package's `dependencies` unresolvable, livekit-client above all.
 */

describeClientBuildWithoutPeers('the client entry builds without livekit-client installed', {
  packageDirectory: new URL('..', import.meta.url),
  notInstalled: 'livekit-client',
})
