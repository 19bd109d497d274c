import type { ClientConnection, Token } from '@callport/core'
import { describe, expect, it, vi } from 'vitest'
import { createSession } from '../src/index'
import { deferred, makeToken, recordEvents, rejectionOf, StubConnection, stubAdapter } from './helpers'

const stateEvents = ['connection-state-changed', 'disconnected'] as const

describe('aborting a join', () => {
  it('aborts during the token fetch: ABORTED, the fetch sees the signal, nothing connects', async () => {
    const adapter = stubAdapter()
    const fetchStarted = deferred<AbortSignal>()
    const session = createSession({
      adapters: [adapter],
      // Ignores the signal on purpose: the session must not wait for it.
      token: ({ signal }) => {
        fetchStarted.resolve(signal)
        return new Promise<Token>(() => {})
      },
    })
    const events = recordEvents(session, stateEvents)
    const controller = new AbortController()
    const joining = session.join('standup', { signal: controller.signal })
    const fetchSignal = await fetchStarted.promise
    controller.abort()
    const error = await rejectionOf(joining)
    expect(error.code).toBe('ABORTED')
    expect(fetchSignal.aborted).toBe(true)
    expect(adapter.connectTokens).toEqual([])
    expect(session.state).toBe('disconnected')
    expect(events).toEqual([
      ['connection-state-changed', { state: 'connecting', previous: 'idle' }],
      ['connection-state-changed', { state: 'disconnected', previous: 'connecting' }],
      ['disconnected', { reason: 'client-initiated', error }],
    ])
  })

  it('aborts during connect, and disconnects a connection that arrives too late', async () => {
    const adapter = stubAdapter()
    const late = deferred<ClientConnection>()
    const connectStarted = deferred<AbortSignal | undefined>()
    adapter.nextConnects.push(async (_token, options) => {
      connectStarted.resolve(options.signal)
      return late.promise
    })
    const session = createSession({ adapters: [adapter], token: async ({ room }) => makeToken({ room }) })
    const controller = new AbortController()
    const joining = session.join('standup', { signal: controller.signal })
    const connectSignal = await connectStarted.promise
    controller.abort()
    expect((await rejectionOf(joining)).code).toBe('ABORTED')
    expect(connectSignal?.aborted).toBe(true)
    expect(session.state).toBe('disconnected')
    const connection = new StubConnection(makeToken(), { audio: true, video: true, refreshToken: async () => makeToken() }, [])
    late.resolve(connection)
    await vi.waitFor(() => expect(connection.disconnect).toHaveBeenCalledTimes(1))
    expect(session.localParticipant).toBeUndefined()
  })

  it('refuses a join whose signal already fired, without leaving idle', async () => {
    const adapter = stubAdapter()
    const session = createSession({ adapters: [adapter], token: async ({ room }) => makeToken({ room }) })
    const events = recordEvents(session, stateEvents)
    expect((await rejectionOf(session.join('standup', { signal: AbortSignal.abort() }))).code).toBe('ABORTED')
    expect(session.state).toBe('idle')
    expect(events).toEqual([])
  })

  it('lets leave() end a join under way: the join rejects ABORTED, disconnected is emitted once', async () => {
    const adapter = stubAdapter()
    const tokenAnswer = deferred<Token>()
    const session = createSession({ adapters: [adapter], token: () => tokenAnswer.promise })
    const events = recordEvents(session, stateEvents)
    const joining = session.join('standup')
    await session.leave()
    tokenAnswer.resolve(makeToken())
    expect((await rejectionOf(joining)).code).toBe('ABORTED')
    expect(adapter.connectTokens).toEqual([])
    expect(events.filter(([name]) => name === 'disconnected')).toEqual([['disconnected', { reason: 'client-initiated' }]])
    expect(session.state).toBe('disconnected')
  })

  it('ignores the join signal once the join has finished', async () => {
    const adapter = stubAdapter()
    const session = createSession({ adapters: [adapter], token: async ({ room }) => makeToken({ room }) })
    const controller = new AbortController()
    await session.join('standup', { signal: controller.signal })
    controller.abort()
    expect(session.state).toBe('connected')
    expect(adapter.last().options.signal?.aborted).toBe(false)
  })
})
