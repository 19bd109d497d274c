import { createSession } from '@callport/client'
import { waitForEvent } from '@callport/testkit'
import { createCallServer } from '@callport/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { vidyo as vidyoClient } from '../src/client/index'
import { vidyo } from '../src/server/index'
import { verifyVidyoToken } from '../src/server/verify-token'
import { FakeVidyoCloud } from './fake-vidyo'
import { account, fakeContainer } from './vidyo-harness'

/** createCallServer + createSession around the vidyo adapters, with the fake Vidyo service in between. */
function setUp() {
  const cloud = new FakeVidyoCloud(account)
  const calls = createCallServer({
    providers: [vidyo(account)],
    authorize: async () => ({ identity: 'alice', name: 'Alice' }),
  })
  const issued: string[] = []
  const session = createSession({
    adapters: [vidyoClient({ sdk: cloud.createClient() })],
    token: async ({ room }) => {
      const answer = await calls.join({ room, participant: { identity: 'alice', name: 'Alice' } })
      issued.push(answer.token.value)
      return answer
    },
    reconnect: { initialDelay: 1, maximumDelay: 5 },
  })
  return { cloud, calls, session, issued }
}

describe('a session on the vidyo adapters', () => {
  const sessions: Array<{ leave(): Promise<void> }> = []
  afterEach(async () => {
    vi.useRealTimers()
    for (const session of sessions.splice(0)) await session.leave()
  })

  it('joins with a token from the call server and renders into the container', async () => {
    const { cloud, session, issued } = setUp()
    sessions.push(session)
    const container = fakeContainer()
    const room = await session.join('weekly-sync', { container, audio: false })
    expect(room).toMatchObject({ provider: 'vidyo', providerRoomId: 'weeklyZhsync' })
    const [connector] = cloud.connectors
    expect(connector?.constructOptions.viewId).toBe(container.id)
    expect(connector?.connectOptions).toMatchObject({ resourceId: 'weeklyZhsync', displayName: 'Alice', token: issued[0] })
    expect(verifyVidyoToken(issued[0] ?? '', { developerKey: account.developerKey }).userName).toBe('alice')
    expect(connector?.microphonePrivacy).toBe(true)
    expect(session.state).toBe('connected')
  })

  it('reconnects with a fresh token after ConnectionLost, in the same view', async () => {
    const { cloud, session, issued } = setUp()
    sessions.push(session)
    await session.join('weekly-sync', { container: fakeContainer() })
    const [connector] = cloud.connectors
    if (!connector) throw new Error('no connector')
    const reconnected = waitForEvent(session, 'connection-state-changed', {
      filter: ({ state, previous }) => state === 'connected' && previous !== 'connected',
      timeoutMilliseconds: 5000,
    })
    connector.drop('VIDYO_CONNECTORDISCONNECTREASON_ConnectionLost')
    await reconnected
    expect(issued.length).toBeGreaterThanOrEqual(2)
    expect(cloud.connectors).toHaveLength(1)
    expect(connector.connected).toBe(true)
    expect(connector.connectOptions?.token).toBe(issued.at(-1))
  })

  it('stays disconnected after Booted', async () => {
    const { cloud, session } = setUp()
    sessions.push(session)
    await session.join('weekly-sync', { container: fakeContainer() })
    const disconnected = waitForEvent(session, 'disconnected')
    // From here every timer is the test's: a reconnection the session scheduled would run below.
    vi.useFakeTimers()
    cloud.connectors[0]?.drop('VIDYO_CONNECTORDISCONNECTREASON_Booted')
    expect((await disconnected)[0].reason).toBe('removed')
    await vi.runAllTimersAsync()
    expect(session.state).toBe('disconnected')
    expect(cloud.connectors[0]?.connected).toBe(false)
  })

  it('leaves with Disconnect', async () => {
    const { cloud, session } = setUp()
    await session.join('weekly-sync', { container: fakeContainer() })
    await session.leave()
    expect(cloud.connectors[0]?.calls.at(-1)?.method).toBe('Disconnect')
    expect(cloud.connectors[0]?.connected).toBe(false)
  })
})
