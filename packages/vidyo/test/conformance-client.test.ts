import { runClientAdapterSuite } from '@callport/testkit'
import { vidyo } from '../src/client/index'
import { generateVidyoToken } from '../src/server/generate-token'
import { vidyoResourceIdOf } from '../src/server/resource-id'
import { vidyoUserNameOf } from '../src/shared/user-name'
import { account, createHarness, fakeContainer } from './vidyo-harness'

// The suite's identities (`conformance-remote`, …) are not Vidyo user names, so the fake, which
// refuses what Vidyo refuses, checks the identity → user name mapping on every join.
runClientAdapterSuite({
  name: 'vidyo (fake VidyoClient.js)',
  setup: () => createHarness(),
  createAdapter: (harness) => vidyo({ sdk: harness.cloud.createClient() }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: async ({ room, identity }, harness) => {
    const token = await harness.issue(room, identity)
    const value = generateVidyoToken({ developerKey: 'another-key', appId: account.appId, userName: vidyoUserNameOf(identity), expiresInSeconds: 600 })
    return { ...token, value }
  },
  remote: {
    join: async ({ room, identity }, harness) => harness.cloud.joinRemote(vidyoResourceIdOf(room), vidyoUserNameOf(identity)),
  },
  container: () => fakeContainer(),
})
