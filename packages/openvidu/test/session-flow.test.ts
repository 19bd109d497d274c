import { createSession } from '@callport/client'
import { createCallServer } from '@callport/server'
import { createMemoryHub, joinMemoryRoom, memory, waitForEvent } from '@callport/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { openvidu } from '../src/client/index'
import { startClientHarness } from './client-harness'
import { useMswServer } from './msw-server'

/**
 * The whole path a page takes: createSession → the app's createCallServer → the OpenVidu server
 * adapter (REST faked) → the OpenVidu client adapter (openvidu-browser faked). The page's code is the
 * same whichever provider the server puts the room on: only the adapter list names providers.
 */

const msw = useMswServer()
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setup() {
  const harness = startClientHarness(msw)
  const hub = createMemoryHub()
  // Rooms named legacy-* stay on OpenVidu; the rest have moved to another provider (here the in-memory one).
  const calls = createCallServer({
    providers: [harness.server, memory({ hub })],
    route: ({ room }) => (room.startsWith('legacy-') ? 'openvidu' : 'memory'),
    authorize: async () => ({ identity: 'alice', name: 'Alice' }),
    tokenTtlSeconds: 600,
  })
  /** The page: identical for every room and provider. */
  const page = () => {
    const session = createSession({
      adapters: [openvidu({ sdk: harness.media.OpenVidu }), memory({ hub })],
      token: ({ room }) => calls.join({ room, participant: { identity: 'alice', name: 'Alice' } }),
      reconnect: { initialDelay: 1, maximumDelay: 5 },
    })
    cleanups.push(() => session.leave())
    return session
  }
  return { harness, hub, page, calls }
}

describe('a page joining through createSession', () => {
  it('joins an OpenVidu room and a moved room with the same code', async () => {
    const { harness, hub, page } = setup()
    const onOpenVidu = page()
    await onOpenVidu.join('legacy-standup', { audio: false, video: false })
    expect(harness.media.rooms.get('legacy-standup')?.size).toBe(1)

    const moved = page()
    await moved.join('standup', { audio: false, video: false })
    expect(hub.members('standup').map((member) => member.identity)).toEqual(['alice'])
    expect(harness.rest.sessions.has('standup')).toBe(false)
  })

  it('sees others join and publish on OpenVidu', async () => {
    const { harness, page } = setup()
    const session = page()
    await session.join('legacy-standup', { audio: false, video: false })
    const joined = waitForEvent(session, 'participant-joined')
    const bob = await harness.joinRemote('legacy-standup', 'bob')
    expect((await joined)[0].participant.identity).toBe('bob')
    const subscribed = waitForEvent(session, 'track-subscribed')
    await bob.setCameraEnabled(true)
    expect((await subscribed)[0]).toMatchObject({ participant: { identity: 'bob' }, track: { kind: 'video', source: 'camera' } })
  })

  it('after networkDisconnect the session reconnects to OpenVidu with a fresh token', async () => {
    const { harness, page } = setup()
    const session = page()
    await session.join('legacy-standup', { audio: false, video: false })
    const first = harness.media.rooms.get('legacy-standup')!.values().next().value!
    const firstConnection = first.connection?.connectionId
    const reconnected = waitForEvent(session, 'reconnected', { timeoutMilliseconds: 5000 })
    first.networkDrop('lost')
    await reconnected
    const [now] = [...harness.media.rooms.get('legacy-standup')!]
    expect(now?.connection?.connectionId).toMatch(/^con_/)
    expect(now?.connection?.connectionId).not.toBe(firstConnection)
    expect(harness.rest.requestsTo('POST', '/openvidu/api/sessions/legacy-standup/connection').length).toBeGreaterThanOrEqual(2)
  })

  it('a token whose OpenVidu session closed before the join (its last participant left) is replaced: the page still joins', async () => {
    const { harness, calls } = setup()
    const bob = await harness.joinRemote('legacy-standup', 'bob')
    let first = true
    const session = createSession({
      adapters: [openvidu({ sdk: harness.media.OpenVidu })],
      token: async ({ room }) => {
        const answer = await calls.join({ room, participant: { identity: 'alice', name: 'Alice' } })
        // Bob, the last one in, leaves between the token and the join: OpenVidu closes the session, the token dies with it.
        if (first) await bob.leave()
        first = false
        return answer
      },
      reconnect: { initialDelay: 1, maximumDelay: 5 },
    })
    cleanups.push(() => session.leave())
    await session.join('legacy-standup', { audio: false, video: false })
    expect(session.state).toBe('connected')
    expect(harness.media.rooms.get('legacy-standup')?.size).toBe(1)
    // Bob's, Alice's first (died with the session), then for the fresh token: a 404 (session gone) and, once re-created, the one she joined with.
    expect(harness.rest.requestsTo('POST', '/openvidu/api/sessions/legacy-standup/connection').map((request) => request.body)).toHaveLength(4)
  })

  it('a room closed on the server ends the session with room-closed', async () => {
    const { harness, page } = setup()
    const session = page()
    await session.join('legacy-standup', { audio: false, video: false })
    const disconnected = waitForEvent(session, 'disconnected')
    await harness.server.closeRoom!({ room: { name: 'legacy-standup', provider: 'openvidu', providerRoomId: 'legacy-standup' } })
    expect((await disconnected)[0].reason).toBe('room-closed')
  })

  it('in-memory participants of the moved room are seen the same way', async () => {
    const { hub, page } = setup()
    const session = page()
    await session.join('standup', { audio: false, video: false })
    const joined = waitForEvent(session, 'participant-joined')
    const bob = await joinMemoryRoom({ hub, room: 'standup', participant: 'bob' })
    cleanups.push(() => bob.disconnect())
    expect((await joined)[0].participant.identity).toBe('bob')
  })
})
