import type { ConnectionStateChangedEvent, DisconnectedEvent, EventContext, ParticipantEvent, Token, TrackEvent } from '@callport/core'
import { describe, expectTypeOf, it } from 'vitest'
import { createSession, type Session } from './index'

declare const session: Session

describe('Session event types', () => {
  it('types each payload', () => {
    session.on('participant-joined', (event) => expectTypeOf(event).toEqualTypeOf<ParticipantEvent>())
    session.on('participant-left', (event) => expectTypeOf(event).toEqualTypeOf<ParticipantEvent>())
    session.on('reconnected', (event) => expectTypeOf(event).toEqualTypeOf<EventContext>())
    session.on('track-subscribed', (event) => expectTypeOf(event).toEqualTypeOf<TrackEvent>())
    session.on('connection-state-changed', (event) => expectTypeOf(event).toEqualTypeOf<ConnectionStateChangedEvent>())
    session.on('disconnected', (event) => expectTypeOf(event).toEqualTypeOf<DisconnectedEvent>())
    session.on('token-refreshed', ({ token }) => expectTypeOf(token).toEqualTypeOf<Token>())
  })

  it('refuses unknown event names', () => {
    // @ts-expect-error not a session event
    session.on('participant-joind', () => {})
    // @ts-expect-error vendor event names are not session events
    session.on('participantConnected', () => {})
    // @ts-expect-error not a session event
    session.once('error', () => {})
  })

  it('refuses wrong payload types', () => {
    // @ts-expect-error participant-joined carries one event object
    session.on('participant-joined', (participant: string) => participant)
    // @ts-expect-error the participant is inside the event, not a second argument
    session.emit('participant-joined', { identity: 'bob', role: 'publisher' }, {})
    // @ts-expect-error the state change carries an event object, not the state name
    session.on('connection-state-changed', (state: 'connected') => state)
    // @ts-expect-error emit must match the payload too
    session.emit('disconnected', { reason: 'bored' })
  })

  it('types the options and the API', () => {
    expectTypeOf(session.state).toEqualTypeOf<'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected'>()
    expectTypeOf(session.join).returns.resolves.toHaveProperty('providerRoomId')
    // @ts-expect-error the token function must return a Token or JoinResponse
    createSession({ adapters: [], token: async () => 'a token' })
    // @ts-expect-error reconnect settings are numbers
    createSession({ adapters: [], token: '/join', reconnect: { maximumAttempts: 'many' } })
    createSession({ adapters: [], token: '/join', reconnect: { maximumAttempts: 3, initialDelay: 250, maximumDelay: 5000 } })
    // The deprecated names still compile (docs of earlier releases show them).
    createSession({ adapters: [], token: '/join', reconnect: { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 5000 } })
    // @ts-expect-error unknown options are refused
    createSession({ adapters: [], token: '/join', refreshLead: 60 })
  })
})
