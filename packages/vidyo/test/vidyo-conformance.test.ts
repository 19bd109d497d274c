import { runClientAdapterSuite, runServerAdapterSuite } from '@callport/testkit'
import { createVidyoClientAdapter } from '../src/client/vidyo-client-adapter'
import { generateVidyoToken, vidyo, vidyoResourceIdOf } from '../src/server/index'
import { account, createHarness, fakeContainer } from './vidyo-harness'

runServerAdapterSuite({
  name: 'vidyo',
  createAdapter: () => vidyo(account),
})

runClientAdapterSuite({
  name: 'vidyo (fake VidyoClient.js)',
  setup: () => createHarness(),
  createAdapter: (harness) => createVidyoClientAdapter({ vidyoClient: harness.cloud.createClient() }),
  issueToken: ({ room, identity }, harness) => harness.issue(room, identity),
  refusedToken: async ({ room, identity }, harness) => {
    const token = await harness.issue(room, identity)
    const value = generateVidyoToken({ developerKey: 'another-key', appId: account.appId, userName: identity, expiresInSeconds: 600 })
    return { ...token, value }
  },
  remote: {
    join: async ({ room, identity }, harness) => harness.cloud.joinRemote(vidyoResourceIdOf(room), identity),
  },
  container: () => fakeContainer(),
})
