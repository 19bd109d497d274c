import { describeClientBuildWithoutPeers } from '@callport/test-environment'

/**
 * An app that passes `sdk` and `webrtcAdapter` (or loads janus.js and webrtc-adapter with script
 * tags) installs only this package and its dependencies: the client entry (not yet a package export)
 * must build without janus-gateway or webrtc-adapter installed.
 */

describeClientBuildWithoutPeers('the client entry builds without janus-gateway installed', {
  packageDirectory: new URL('..', import.meta.url),
  notInstalled: 'janus-gateway',
})

describeClientBuildWithoutPeers('the client entry builds without webrtc-adapter installed', {
  packageDirectory: new URL('..', import.meta.url),
  notInstalled: 'webrtc-adapter',
})
