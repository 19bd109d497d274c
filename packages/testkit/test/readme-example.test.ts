import { createSession } from '@callport/client'
import { createCallServer } from '@callport/server'
import { expect, it } from 'vitest'
import { createMemoryHub, joinMemoryRoom, memory, waitForEvent } from '../src/index'

// The example of README.md, kept runnable.
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
  expect((await joined)[0].identity).toBe('bob')

  const lost = waitForEvent(session, 'reconnected')
  hub.dropConnection('alice')
  await lost
  expect(session.state).toBe('connected')

  await bob.disconnect()
  await session.leave()
  hub.reset()
})
