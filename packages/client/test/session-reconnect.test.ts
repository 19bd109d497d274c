import { CallportError, type ClientConnection, type Token } from '@callport/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSession, type ReconnectOptions } from '../src/index'
import { expectOneMoreAfter, makeToken, participant, recordEvents, stubAdapter, type StubAdapter } from './helpers'

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2030-01-01T09:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function setup(reconnect?: ReconnectOptions) {
  const adapter = stubAdapter()
  const fetchToken = vi.fn(async ({ room }: { room: string }): Promise<Token> => makeToken({ room }))
  const session = createSession({ adapters: [adapter], token: fetchToken, reconnect })
  return { adapter, fetchToken, session }
}

function failNextConnects(adapter: StubAdapter, count: number): CallportError[] {
  const errors = Array.from({ length: count }, (_, index) => new CallportError('CONNECTION_FAILED', `attempt ${index + 1} failed`))
  for (const error of errors) {
    adapter.nextConnects.push(async (): Promise<ClientConnection> => {
      throw error
    })
  }
  return errors
}

describe('reconnection after a recoverable drop', () => {
  it('reconnects with a fresh token, reconciles participants and reports it in order', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, fetchToken, session } = setup()
    adapter.remote = [participant('bob'), participant('carol')]
    await session.join('standup')
    const first = adapter.last()
    const track = { participant: participant('bob'), track: { id: 'TR1' } as never }
    first.emit('track-subscribed', track)
    const events = recordEvents(session, ['connection-state-changed', 'reconnecting', 'reconnected', 'participant-joined', 'participant-left', 'track-unsubscribed'])
    adapter.remote = [participant('carol'), participant('dave')]
    first.emit('disconnected', { reason: 'connection-lost' })
    expect(session.state).toBe('reconnecting')
    expect(session.participants()).toEqual([participant('bob'), participant('carol')])
    await expectOneMoreAfter(() => adapter.connectTokens.length, 250)
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(adapter.last().token).not.toBe(first.token)
    expect(adapter.last().token).toBe(session.token)
    expect(events).toEqual([
      ['track-unsubscribed', track],
      ['connection-state-changed', { state: 'reconnecting', previous: 'connected' }],
      ['reconnecting', { attempt: 1, reason: 'connection-lost' }],
      ['connection-state-changed', { state: 'connected', previous: 'reconnecting' }],
      ['participant-left', { participant: participant('bob') }],
      ['participant-joined', { participant: participant('dave') }],
      ['reconnected', {}],
    ])
    expect(session.participants()).toEqual([participant('carol'), participant('dave')])
    expect(first.disconnect).toHaveBeenCalledTimes(1)
    expect(session.localParticipant).toEqual(adapter.last().localParticipant)
  })

  it('waits 500 ms doubling per attempt (half of it with jitter 0), fetching a token each time', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, fetchToken, session } = setup()
    await session.join('standup')
    failNextConnects(adapter, 3)
    adapter.last().emit('disconnected', { reason: 'server-shutdown' })
    for (const delay of [250, 500, 1000, 2000]) await expectOneMoreAfter(() => adapter.connectTokens.length, delay)
    expect(fetchToken).toHaveBeenCalledTimes(5)
    expect(new Set(adapter.connectTokens.map((token) => token.value)).size).toBe(5)
    expect(session.state).toBe('connected')
  })

  it('caps the delay at maximumDelay (full delay with jitter at its top)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { adapter, session } = setup({ maximumAttempts: 4, initialDelay: 1000, maximumDelay: 2500 })
    await session.join('standup')
    failNextConnects(adapter, 3)
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    for (const delay of [1000, 2000, 2500, 2500]) await expectOneMoreAfter(() => adapter.connectTokens.length, delay)
    expect(session.state).toBe('connected')
  })

  it('still honours the deprecated maxAttempts, initialDelayMs and maxDelayMs', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const { adapter, session } = setup({ maxAttempts: 2, initialDelayMs: 1000, maxDelayMs: 1500 })
    await session.join('standup')
    failNextConnects(adapter, 2)
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    for (const delay of [1000, 1500]) await expectOneMoreAfter(() => adapter.connectTokens.length, delay)
    expect(session.state).toBe('disconnected')
  })

  it('gives up after the last attempt with the original reason and the last error', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, session } = setup()
    await session.join('standup')
    const errors = failNextConnects(adapter, 5)
    adapter.remote = []
    const events = recordEvents(session, ['reconnecting', 'disconnected', 'connection-state-changed'])
    adapter.last().emit('disconnected', { reason: 'token-expired', raw: { code: 20104 } })
    await vi.advanceTimersByTimeAsync(250 + 500 + 1000 + 2000 + 4000)
    expect(adapter.connectTokens).toHaveLength(6)
    expect(session.state).toBe('disconnected')
    expect(events.filter(([name]) => name === 'reconnecting').map(([, event]) => event)).toEqual([1, 2, 3, 4, 5].map((attempt) => ({ attempt, reason: 'token-expired' })))
    expect(events.at(-1)).toEqual(['disconnected', { reason: 'token-expired', raw: { code: 20104 }, error: errors[4] }])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(adapter.connectTokens).toHaveLength(6)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('gives up at once when the token source refuses (not retryable)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, fetchToken, session } = setup()
    await session.join('standup')
    const refused = new CallportError('UNAUTHORIZED', 'signed out')
    fetchToken.mockRejectedValue(refused)
    const events = recordEvents(session, ['disconnected'])
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    await vi.advanceTimersByTimeAsync(250)
    expect(events).toEqual([['disconnected', { reason: 'connection-lost', error: refused }]])
    expect(adapter.connectTokens).toHaveLength(1)
  })

  it('does not reconnect when maximumAttempts is 0', async () => {
    const { adapter, session } = setup({ maximumAttempts: 0 })
    await session.join('standup')
    const events = recordEvents(session, ['reconnecting', 'disconnected'])
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    expect(events).toEqual([['disconnected', { reason: 'connection-lost' }]])
    expect(session.state).toBe('disconnected')
  })

  it('does not reconnect after a non-recoverable reason', async () => {
    const { adapter, fetchToken, session } = setup()
    await session.join('standup')
    const events = recordEvents(session, ['reconnecting', 'disconnected'])
    adapter.last().emit('disconnected', { reason: 'duplicate-identity' })
    await vi.advanceTimersByTimeAsync(30_000)
    expect(events).toEqual([['disconnected', { reason: 'duplicate-identity' }]])
    expect(adapter.connectTokens).toHaveLength(1)
    expect(fetchToken).toHaveBeenCalledTimes(1)
  })
})

describe('leaving during reconnection', () => {
  it('stops during the backoff delay: one client-initiated disconnect, no further attempt, no timer left', async () => {
    const { adapter, session } = setup()
    await session.join('standup')
    const events = recordEvents(session, ['disconnected', 'connection-state-changed'])
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    await session.leave()
    await session.leave()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(adapter.connectTokens).toHaveLength(1)
    expect(events).toEqual([
      ['connection-state-changed', { state: 'reconnecting', previous: 'connected' }],
      ['connection-state-changed', { state: 'disconnected', previous: 'reconnecting' }],
      ['disconnected', { reason: 'client-initiated' }],
    ])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops a connect under way and closes the connection if it arrives anyway', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, session } = setup()
    await session.join('standup')
    let release: (() => void) | undefined
    let connectSignal: AbortSignal | undefined
    adapter.nextConnects.push(async (token, options) => {
      connectSignal = options.signal
      const connection = await adapter.connect(token, options)
      await new Promise<void>((resolve) => (release = resolve))
      return connection
    })
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    await vi.advanceTimersByTimeAsync(250)
    expect(connectSignal?.aborted).toBe(false)
    await session.leave()
    expect(connectSignal?.aborted).toBe(true)
    release?.()
    await vi.advanceTimersByTimeAsync(0)
    expect(adapter.last().disconnect).toHaveBeenCalledTimes(1)
    expect(session.state).toBe('disconnected')
  })
})

describe('reconnection inside the vendor SDK', () => {
  it('mirrors the vendor reconnecting and reconnected events in the session state', async () => {
    const { adapter, session } = setup()
    await session.join('standup')
    const events = recordEvents(session, ['connection-state-changed', 'reconnecting', 'reconnected'])
    adapter.last().emit('reconnecting', { attempt: 0, reason: 'connection-lost', raw: 'ws closed' })
    expect(session.state).toBe('reconnecting')
    adapter.last().emit('reconnected', { raw: 'ws open' })
    expect(session.state).toBe('connected')
    expect(events).toEqual([
      ['connection-state-changed', { state: 'reconnecting', previous: 'connected' }],
      ['reconnecting', { attempt: 0, reason: 'connection-lost', raw: 'ws closed' }],
      ['connection-state-changed', { state: 'connected', previous: 'reconnecting' }],
      ['reconnected', { raw: 'ws open' }],
    ])
    expect(adapter.connectTokens).toHaveLength(1)
  })

  it('takes over when the vendor gives up with a recoverable reason', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const { adapter, session } = setup()
    await session.join('standup')
    adapter.last().emit('reconnecting', { attempt: 0, reason: 'connection-lost' })
    adapter.last().emit('disconnected', { reason: 'connection-lost' })
    expect(session.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(250)
    expect(adapter.connections).toHaveLength(2)
    expect(session.state).toBe('connected')
  })
})
