import { createSession } from '@callport/client'
import { createMemoryHub, joinMemoryRoom, memory, waitForEvent } from '@callport/testkit'
import { expect, it } from 'vitest'
import { createCallServer } from '../src/index'

// The example of packages/testkit/README.md, kept runnable (here, since the testkit does not depend on the server).
it('README: an app unit-tests its call flow with memory()', async () => {
  const hub = createMemoryHub()
  const calls = createCallServer({ providers: [memory({ hub })], authorize: async () => ({ identity: 'alice' }), tokenTtlSeconds: 600 })
  const session = createSession({
    adapters: [memory({ hub })],
    token: ({ room }) => calls.join({ room, participant: { identity: 'alice' } }),
  })

  await session.join('standup', { audio: true, video: true })
  const joined = waitForEvent(session, 'participant-joined')
  const bob = await joinMemoryRoom({ hub, room: 'standup', participant: 'bob', video: true })
  expect((await joined)[0].participant.identity).toBe('bob')

  const lost = waitForEvent(session, 'reconnected')
  hub.dropConnection('alice')
  await lost
  expect(session.state).toBe('connected')

  await bob.disconnect()
  await session.leave()
  hub.reset()
})
