import { runServerAdapterSuite } from '@callport/testkit'
import { vidyo } from '../src/server/index'
import { FakeVidyoCloud } from './fake-vidyo'
import { account } from './vidyo-harness'

runServerAdapterSuite({
  name: 'vidyo',
  setup: () => new FakeVidyoCloud(account),
  createAdapter: () => vidyo(account),
  // The suite's identities (`conformance-user`, `conformance-other`) are not Vidyo user names: the
  // fake, which refuses what Vidyo refuses, admits the tokens only through the identity mapping.
  vendor: {
    verifyToken: (token, cloud) => cloud.accepts(token.providerRoomId) && cloud.admit(token.value) !== undefined,
    roomExists: (room, cloud) => cloud.accepts(room.providerRoomId),
    // A Vidyo token names no room, so one cannot be told apart from the same token moved to another room.
    refuses: ['tampered'],
  },
})
