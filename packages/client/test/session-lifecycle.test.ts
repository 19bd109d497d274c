import { CallportError, type Token } from '@callport/core'
import { describe, expect, it, vi } from 'vitest'
import { createSession } from '../src/index'
import { makeToken, participant, recordEvents, rejectionOf, stubAdapter } from './helpers'

const stateEvents = ['connection-state-changed', 'disconnected'] as const

/** The CallportError `run` throws. */
function thrown(run: () => unknown): CallportError {
  try {
    run()
  } catch (error) {
    if (CallportError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a CallportError, nothing was thrown')
}

function setup(capabilities: Parameters<typeof stubAdapter>[1] = {}) {
  const adapter = stubAdapter('stub', capabilities)
  const fetchToken = vi.fn(async ({ room }: { room: string }): Promise<Token> => makeToken({ room }))
  const session = createSession({ adapters: [adapter], token: fetchToken })
  return { adapter, fetchToken, session }
}

describe('createSession', () => {
  it('refuses a configuration without adapters or without a token source', () => {
    expect(() => createSession({ adapters: [], token: '/join' })).toThrow(/at least one client adapter/)
    expect(() => createSession({ adapters: [stubAdapter()], token: 42 as unknown as string })).toThrow(/needs `token`/)
    const future = { ...stubAdapter('future'), specificationVersion: 'v2' } as unknown as ReturnType<typeof stubAdapter>
    expect(() => createSession({ adapters: [future], token: '/join' })).toThrow(/future adapter implements specification v2/)
  })

  it('refuses unknown options by name, at the top level and in reconnect', () => {
    const misspelt = { adapters: [stubAdapter()], token: '/join', refreshLead: 60 } as unknown as Parameters<typeof createSession>[0]
    const error = thrown(() => createSession(misspelt))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('unknown option "refreshLead"')
    expect(error.message).toContain('refreshLeadSeconds')
    const reconnect = { maximumAttempt: 3 } as unknown as NonNullable<Parameters<typeof createSession>[0]['reconnect']>
    expect(thrown(() => createSession({ adapters: [stubAdapter()], token: '/join', reconnect })).message).toMatch(
      /reconnect: unknown option "maximumAttempt".*maximumAttempts/,
    )
  })
})

describe('adapter selection', () => {
  it('connects with the adapter named by token.provider', async () => {
    const first = stubAdapter('first')
    const second = stubAdapter('second')
    const session = createSession({ adapters: [first, second], token: async ({ room }) => makeToken({ room, provider: 'second' }) })
    await session.join('standup')
    expect(first.connectTokens).toHaveLength(0)
    expect(second.connectTokens).toHaveLength(1)
    expect(session.adapter).toBe(second)
    expect(session.adapter?.capabilities.media).toBe('tracks')
  })

  it('fails with UNSUPPORTED naming the provider and the configured adapters', async () => {
    const session = createSession({
      adapters: [stubAdapter('openvidu'), stubAdapter('twilio')],
      token: async ({ room }) => makeToken({ room, provider: 'kaleyra' }),
    })
    const events = recordEvents(session, stateEvents)
    const error = await rejectionOf(session.join('standup'))
    expect(error.code).toBe('UNSUPPORTED')
    expect(error.retryable).toBe(false)
    expect(error.message).toContain('"kaleyra"')
    expect(error.message).toContain('openvidu, twilio')
    expect(session.state).toBe('disconnected')
    expect(events.at(-1)).toEqual(['disconnected', { reason: 'join-failed', error }])
  })
})

describe('join and leave', () => {
  it('goes idle → connecting → connected → disconnected, emitting each change in order', async () => {
    const { adapter, session } = setup()
    const events = recordEvents(session, stateEvents)
    expect(session.state).toBe('idle')
    const room = await session.join('standup')
    expect(session.state).toBe('connected')
    expect(room).toEqual({ name: 'standup', provider: 'stub', providerRoomId: 'provider-standup' })
    expect(session.room).toEqual(room)
    expect(session.token).toBe(adapter.last().token)
    expect(session.localParticipant).toEqual(participant('alice'))
    await session.leave()
    expect(events).toEqual([
      ['connection-state-changed', { state: 'connecting', previous: 'idle' }],
      ['connection-state-changed', { state: 'connected', previous: 'connecting' }],
      ['connection-state-changed', { state: 'disconnected', previous: 'connected' }],
      ['disconnected', { reason: 'client-initiated' }],
    ])
    expect(adapter.last().disconnect).toHaveBeenCalledTimes(1)
    expect(session.localParticipant).toBeUndefined()
  })

  it('passes media choices, the container and a token refresher to connect', async () => {
    const { adapter, fetchToken, session } = setup()
    const container = {} as HTMLElement
    await session.join('standup', { audio: false, container })
    const { options } = adapter.last()
    expect(options).toMatchObject({ audio: false, video: true, container })
    expect(options.signal?.aborted).toBe(false)
    const fresh = await options.refreshToken()
    expect(fetchToken).toHaveBeenCalledTimes(2)
    expect(fresh).not.toEqual(adapter.last().token)
    expect(session.token).toBe(fresh)
  })

  it('treats leave() as idempotent and safe before any join', async () => {
    const { adapter, session } = setup()
    const events = recordEvents(session, stateEvents)
    await session.leave()
    expect(events).toEqual([])
    await session.join('standup')
    await Promise.all([session.leave(), session.leave()])
    await session.leave()
    expect(events.filter(([name]) => name === 'disconnected')).toHaveLength(1)
    expect(adapter.last().disconnect).toHaveBeenCalledTimes(1)
  })

  it('refuses a second join while joined, and joins again after leave', async () => {
    const { adapter, session } = setup()
    await session.join('standup')
    const error = await rejectionOf(session.join('standup'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('leave()')
    expect(session.state).toBe('connected')
    await session.leave()
    const events = recordEvents(session, stateEvents)
    await session.join('retro')
    expect(events[0]).toEqual(['connection-state-changed', { state: 'connecting', previous: 'disconnected' }])
    expect(session.state).toBe('connected')
    expect(adapter.connections).toHaveLength(2)
    expect(session.room?.name).toBe('retro')
  })

  it('validates the room name before doing anything', async () => {
    const { fetchToken, session } = setup()
    for (const bad of ['', 'a b', '../etc', 'x'.repeat(129)]) {
      const error = await rejectionOf(session.join(bad))
      expect(error.code).toBe('INVALID_INPUT')
    }
    expect(fetchToken).not.toHaveBeenCalled()
    expect(session.state).toBe('idle')
  })

  it('rejects a token for another room than the one asked for', async () => {
    const session = createSession({ adapters: [stubAdapter()], token: async () => makeToken({ room: 'other' }) })
    const error = await rejectionOf(session.join('standup'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('"other"')
  })

  it('reports a failed connect as join-failed and keeps the adapter error', async () => {
    const { adapter, session } = setup()
    adapter.nextConnects.push(async () => {
      throw new CallportError('UNAUTHORIZED', 'credential refused', { provider: 'stub' })
    })
    const events = recordEvents(session, stateEvents)
    const error = await rejectionOf(session.join('standup'))
    expect(error.code).toBe('UNAUTHORIZED')
    expect(session.state).toBe('disconnected')
    expect(events.at(-1)).toEqual(['disconnected', { reason: 'join-failed', error }])
  })

  it('wraps a plain adapter failure as CONNECTION_FAILED, retryable', async () => {
    const { adapter, session } = setup()
    adapter.nextConnects.push(async () => {
      throw new TypeError('socket closed')
    })
    const error = await rejectionOf(session.join('standup'))
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true, provider: 'stub', message: 'socket closed' })
  })
})

describe('events and participants', () => {
  it('announces participants already present and forwards the connection events', async () => {
    const { adapter, session } = setup()
    adapter.remote = [participant('bob')]
    const events = recordEvents(session, ['participant-joined', 'participant-left', 'track-subscribed', 'track-muted', 'track-unmuted', 'track-unsubscribed', 'data-received'])
    await session.join('standup')
    expect(session.participants()).toEqual([participant('bob')])
    const connection = adapter.last()
    connection.emit('participant-joined', { participant: participant('carol'), raw: { sid: 'PA1' } })
    connection.emit('participant-joined', { participant: participant('carol'), raw: { sid: 'PA1' } })
    const track = { participant: participant('carol'), track: { id: 'TR1' } as never }
    connection.emit('track-subscribed', track)
    connection.emit('track-muted', { ...track, raw: { trackDisabled: 'TR1' } })
    connection.emit('track-unmuted', track)
    connection.emit('data-received', { participant: participant('carol'), data: 'hello' })
    connection.emit('track-unsubscribed', track)
    connection.emit('participant-left', { participant: participant('bob') })
    connection.emit('participant-left', { participant: participant('bob') })
    expect(events).toEqual([
      ['participant-joined', { participant: participant('bob') }],
      ['participant-joined', { participant: participant('carol'), raw: { sid: 'PA1' } }],
      ['track-subscribed', track],
      ['track-muted', { ...track, raw: { trackDisabled: 'TR1' } }],
      ['track-unmuted', track],
      ['data-received', { participant: participant('carol'), data: 'hello' }],
      ['track-unsubscribed', track],
      ['participant-left', { participant: participant('bob') }],
    ])
    expect(session.participants()).toEqual([participant('carol')])
  })

  it('forwards participant-updated and lists the participant with its new name and metadata', async () => {
    const { adapter, session } = setup()
    adapter.remote = [participant('bob'), participant('carol')]
    const events = recordEvents(session, ['participant-updated'])
    await session.join('standup')
    const renamed = { ...participant('bob'), name: 'Bob B.', metadata: { hand: 'raised' } }
    adapter.last().emit('participant-updated', { participant: renamed, raw: { sid: 'PA1' } })
    expect(events).toEqual([['participant-updated', { participant: renamed, raw: { sid: 'PA1' } }]])
    expect(session.participants()).toEqual([renamed, participant('carol')])
  })

  it('tells the app that everyone left, and that tracks went away, when the session leaves', async () => {
    const { adapter, session } = setup()
    adapter.remote = [participant('bob')]
    await session.join('standup')
    const track = { participant: participant('bob'), track: { id: 'TR1' } as never }
    adapter.last().emit('track-subscribed', track)
    const events = recordEvents(session, ['participant-left', 'track-unsubscribed', 'disconnected'])
    await session.leave()
    expect(events).toEqual([
      ['track-unsubscribed', track],
      ['participant-left', { participant: participant('bob') }],
      ['disconnected', { reason: 'client-initiated' }],
    ])
    expect(session.participants()).toEqual([])
  })

  it('ends at once on a non-recoverable disconnect, keeping the reason and raw payload', async () => {
    const { adapter, fetchToken, session } = setup()
    await session.join('standup')
    const events = recordEvents(session, stateEvents)
    adapter.last().emit('disconnected', { reason: 'removed', raw: { code: 53205 } })
    expect(session.state).toBe('disconnected')
    expect(events).toEqual([
      ['connection-state-changed', { state: 'disconnected', previous: 'connected' }],
      ['disconnected', { reason: 'removed', raw: { code: 53205 } }],
    ])
    expect(adapter.connectTokens).toHaveLength(1)
    expect(fetchToken).toHaveBeenCalledTimes(1)
  })

  it('ignores events from a connection it no longer uses', async () => {
    const { adapter, session } = setup()
    await session.join('standup')
    const old = adapter.last()
    await session.leave()
    const events = recordEvents(session, ['participant-joined', 'disconnected'])
    old.emit('participant-joined', { participant: participant('bob') })
    old.emit('disconnected', { reason: 'connection-lost' })
    expect(events).toEqual([])
    expect(old.listenerCount('participant-joined')).toBe(0)
  })
})

describe('media and data', () => {
  it('passes microphone and camera switches to the connection, and remembers them for the next join', async () => {
    const { adapter, session } = setup()
    await session.setMicrophoneEnabled(false)
    await session.join('standup')
    expect(adapter.last().options).toMatchObject({ audio: false, video: true })
    await session.setCameraEnabled(false)
    await session.setMicrophoneEnabled(true)
    expect(adapter.last().setCameraEnabled).toHaveBeenCalledWith(false)
    expect(adapter.last().setMicrophoneEnabled).toHaveBeenCalledWith(true)
  })

  it('fails sendData with UNSUPPORTED when the adapter has no data channel', async () => {
    const { session } = setup({ sendData: false })
    await session.join('standup')
    const error = await rejectionOf(session.sendData('hello'))
    expect(error.code).toBe('UNSUPPORTED')
    expect(error.message).toContain('stub')
  })

  it('sends data through the connection where the adapter has it, and refuses when not connected', async () => {
    const { adapter, session } = setup({ sendData: true })
    expect((await rejectionOf(session.sendData('early'))).code).toBe('CONNECTION_FAILED')
    await session.join('standup')
    await session.sendData('hello', { to: ['bob'] })
    expect(adapter.last().sendData).toHaveBeenCalledWith('hello', { to: ['bob'] })
  })
})
