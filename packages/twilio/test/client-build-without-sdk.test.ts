import { describeClientBuildWithoutPeers } from '@callport/test-environment'

/**
 * An app that passes `sdk` (or loads the vendor's CDN script) installs only this package and its
 * dependencies: its build must not need twilio-video. The client entry is bundled as an app would bundle it
 * (`describeClientBuildWithoutPeers`), with every bare import that is not one of the package's `dependencies` unresolvable (as in a
 * project where only those are installed), the vendor SDK above all.
 */

describeClientBuildWithoutPeers('the client entry builds without twilio-video installed', {
  packageDirectory: new URL('..', import.meta.url),
  notInstalled: 'twilio-video',
})
